"""Build one week's derived tables, in order, on an open connection (no Dagster here).

Snapshots (``unit_risk``, ``subdistrict_profile``, ``subdistrict_features``) describe
the week being run; everything else is kept per week (see ``schema.sql``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from assets.derive.assign import assign_experts, link_departments, main_risk, spread
from assets.derive.select import reasons, select_key_enterprises, select_targets
from pipeline.config import BangfuConfig, config_json, config_sha256
from pipeline.ledgers import CATEGORIES
from pipeline.weeks import week_label

SQL_DIR = Path(__file__).parent


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def sql_map(mapping: dict[str, float]) -> str:
    items = ", ".join(f"'{k}': {float(v)}" for k, v in mapping.items())
    return f"MAP {{{items}}}"


def set_variables(con, start: dt.date, cfg: BangfuConfig) -> None:
    """Week dates, the plan week, the draw's seed and the scoring weights as SQL variables."""
    end = start + dt.timedelta(days=6)
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    s = cfg.scoring
    scalars = {
        "week": week, "plan_for": plan_for, "week_start": start, "week_end": end,
        "year_start": dt.date(end.year, 1, 1), "bureau": cfg.bureau,
        "seed": spot_seed(cfg.district, plan_for),
        "hazard_general": s.hazard_general, "hazard_major": s.hazard_major,
        "overdue_factor": s.overdue_factor, "accident": s.accident,
        "accidents_cap": s.accidents_cap, "inspection_per_30_days": s.inspection_per_30_days,
        "inspection_cap": s.inspection_cap, "size_per_log10": s.size_per_log10,
        "recent_days": cfg.spot_checks.recent_days, "max_per_year": cfg.spot_checks.max_per_year,
        "min_per_subdistrict": cfg.spot_checks.min_per_subdistrict,
        "spot_share": cfg.spot_checks.share,
    }
    for name, value in scalars.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])
    con.execute(f"SET VARIABLE flag_weights = {sql_map(s.flags)}")
    con.execute(f"SET VARIABLE grade_weights = {sql_map(s.grade)}")
    con.execute("SET VARIABLE categories = ?", [list(CATEGORIES)])


def spot_seed(district: str, plan_for: str) -> str:
    """The draw's seed: derived from the district and the week drawn for, nothing else."""
    return hashlib.sha256(f"{district}|{plan_for}".encode()).hexdigest()[:16]


def write_week(con, table: str, frame: pd.DataFrame, week: str) -> int:
    """Replace the week's slice of ``table`` with ``frame`` (idempotent)."""
    con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
    if len(frame):
        con.register("week_slice", frame.assign(week=week))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM week_slice")
        con.unregister("week_slice")
    return len(frame)


def build_week(con, start: dt.date, cfg: BangfuConfig) -> dict[str, int]:
    """Every derived table for the week; returns row counts by table."""
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    con.execute(sql("schema"))
    set_variables(con, start, cfg)
    con.execute(sql("unit_risk"))
    con.execute(sql("subdistrict_profile"))
    counts = {"unit_risk": count(con, "unit_risk"),
              "subdistrict_profile": count(con, "subdistrict_profile")}

    targets = build_targets(con, cfg)
    counts["priority_targets"] = write_week(con, "priority_targets", targets, week)
    keys = build_key_enterprises(con, cfg, targets)
    counts["key_enterprises"] = write_week(con, "key_enterprises", keys, week)
    links = build_links(con, cfg)
    counts["department_links"] = write_week(con, "department_links", links, week)

    cadres = con.execute("SELECT * FROM cadres ORDER BY cadre_id").df()
    duty = build_cadre_duty(con, cfg, targets, keys, links, cadres, week)
    counts["cadre_assignments"] = write_week(con, "cadre_assignments",
                                             duty.assign(plan_for=plan_for), week)
    experts = con.execute("SELECT * FROM experts ORDER BY expert_id").df()
    plan = assign_experts(targets, experts, cfg.assignment.expert_domains)
    expert_rows = plan.assignments.merge(targets[["unit_id", "main_risk"]], on="unit_id")
    counts["expert_assignments"] = write_week(con, "expert_assignments",
                                              expert_rows.assign(plan_for=plan_for), week)
    write_week(con, "uncovered_targets", plan.uncovered.assign(plan_for=plan_for), week)
    counts["uncovered_targets"] = len(plan.uncovered)
    pairs = build_inspection_pairs(targets, duty, plan.assignments, cadres)
    counts["inspection_pairs"] = write_week(con, "inspection_pairs",
                                            pairs.assign(plan_for=plan_for), week)
    checks = build_spot_checks(con, duty, cadres, plan_for)
    counts["spot_checks"] = write_week(con, "spot_checks", checks, week)
    roster = build_roster(links, cadres, experts, duty, plan.assignments, targets)
    counts["team_roster"] = write_week(con, "team_roster", roster, week)
    progress = con.execute(sql("weekly_progress")).df()
    counts["weekly_progress"] = write_week(con, "weekly_progress", progress, week)
    write_week(con, "run_settings", pd.DataFrame([{
        "config_json": config_json(cfg), "config_sha256": config_sha256(cfg),
        "spot_seed": con.execute("SELECT getvariable('seed')").fetchall()[0][0]}]), week)
    return counts


def count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def build_targets(con, cfg: BangfuConfig) -> pd.DataFrame:
    n = cfg.targets.count
    # the candidates: each subdistrict's first, the first n of 工贸 and of the others, and the
    # first n overall (top-n operators, no sort of the whole table)
    candidates = con.execute("""
        WITH active AS (SELECT * FROM unit_risk WHERE status <> '注销')
        SELECT * FROM active WHERE unit_id IN (
            SELECT min_by(unit_id, {'s': -score, 'u': unit_id}) FROM active GROUP BY subdistrict
            UNION ALL (SELECT unit_id FROM active WHERE category = '工贸企业'
                       ORDER BY score DESC, unit_id LIMIT $n)
            UNION ALL (SELECT unit_id FROM active WHERE category <> '工贸企业'
                       ORDER BY score DESC, unit_id LIMIT $n)
            UNION ALL (SELECT unit_id FROM active ORDER BY score DESC, unit_id LIMIT $n))
        ORDER BY score DESC, unit_id""", {"n": n}).df()
    chosen = select_targets(candidates, n, cfg.targets.gongmao_share,
                            cfg.targets.cover_every_subdistrict)
    chosen["reasons"] = [reasons(row, cfg.targets.reasons) for row in chosen.itertuples()]
    chosen["main_risk"] = [main_risk(r.risk_flags, r.category, cfg.scoring.flags,
                                     cfg.assignment.expert_domains) for r in chosen.itertuples()]
    return chosen[["rank", "unit_id", "name", "category", "subdistrict", "score", "selected_by",
                   "main_risk", "reasons"]]


def build_key_enterprises(con, cfg: BangfuConfig, targets: pd.DataFrame) -> pd.DataFrame:
    k = cfg.key_enterprises.count or count_bureau_cadres(con, cfg)
    gongmao = con.execute("""SELECT unit_id, name, subdistrict, category, score FROM unit_risk
        WHERE status <> '注销' AND category = '工贸企业'
        QUALIFY row_number() OVER (ORDER BY score DESC, unit_id) <= ?
             OR unit_id IN (SELECT unnest(?::VARCHAR[]))""", [k, list(targets.unit_id)]).df()
    keys = select_key_enterprises(gongmao, targets, k)
    keys["is_target"] = keys.unit_id.isin(targets.unit_id)
    return keys[["rank", "unit_id", "name", "subdistrict", "score", "is_target"]]


def count_bureau_cadres(con, cfg: BangfuConfig) -> int:
    return con.execute("SELECT count(*) FROM cadres WHERE dept = ?", [cfg.bureau]).fetchall()[0][0]


def build_links(con, cfg: BangfuConfig) -> pd.DataFrame:
    features = con.execute("SELECT * FROM subdistrict_features").df()
    departments = con.execute("SELECT dept, domains FROM departments WHERE participates "
                              "ORDER BY dept").df()
    return link_departments(features, departments, dict(cfg.links.fixed))


def build_cadre_duty(con, cfg, targets, keys, links, cadres, week) -> pd.DataFrame:
    """包保: key enterprises to bureau cadres; other targets to the assistance team."""
    before = con.execute("""SELECT unit_id, cadre_id FROM cadre_assignments
        WHERE plan_for = ? ORDER BY unit_id""", [week]).fetchall()
    keep = dict(before)
    bureau = list(cadres.loc[cadres.dept == cfg.bureau, "cadre_id"])
    key_duty = spread(list(keys.unit_id), bureau, keep)
    team = cadres[cadres.on_team]
    dept_of = dict(zip(links.subdistrict, links.dept, strict=True))
    others = targets[~targets.unit_id.isin(keys.unit_id)]
    preferred = {r.unit_id: list(team.loc[team.dept == dept_of.get(r.subdistrict), "cadre_id"])
                 for r in others.itertuples()}
    team_duty = spread(list(others.unit_id), list(team.cadre_id), keep, preferred)
    rows = [(u, c, "包保重点企业") for u, c in key_duty.items()]
    rows += [(u, c, "帮扶对象") for u, c in team_duty.items()]
    return pd.DataFrame(rows, columns=["unit_id", "cadre_id", "duty"])


def build_inspection_pairs(targets, duty, experts, cadres) -> pd.DataFrame:
    """执法人员+专家: each target's visit next week pairs a licensed cadre with its expert."""
    licensed = cadres[cadres.licence.notna()]
    responsible = dict(zip(duty.unit_id, duty.cadre_id, strict=True))
    expert_of = experts.groupby("unit_id").expert_id.first().to_dict()
    dept_of = dict(zip(cadres.cadre_id, cadres.dept, strict=True))
    load = dict.fromkeys(licensed.cadre_id, 0)
    rows = []
    for unit_id in targets.unit_id:
        cadre = responsible.get(unit_id)
        note = ""
        if cadre not in load:
            same_dept = [c for c in load if dept_of[c] == dept_of.get(cadre)]
            pool = same_dept or list(load)
            cadre = min(pool, key=lambda c: (load[c], c)) if pool else None
            note = "包保干部无执法证，由持证干部带队"
        if cadre:
            load[cadre] += 1
        expert = expert_of.get(unit_id)
        if expert is None:
            note = (note + "；" if note else "") + "暂无可派专家"
        rows.append((unit_id, cadre, expert, note))
    return pd.DataFrame(rows, columns=["unit_id", "cadre_id", "expert_id", "note"])


def build_spot_checks(con, duty, cadres, plan_for) -> pd.DataFrame:
    """双随机: units drawn in SQL; two licensed inspectors each, never the unit's own cadre."""
    drawn = con.execute(sql("spot_checks")).df()
    seed = con.execute("SELECT getvariable('seed')").fetchall()[0][0]
    rng = np.random.default_rng(int(seed, 16))
    licensed = sorted(cadres.loc[cadres.licence.notna(), "cadre_id"])
    responsible = dict(zip(duty.unit_id, duty.cadre_id, strict=True))
    rows = []
    for r in drawn.itertuples():
        pool = [c for c in licensed if c != responsible.get(r.unit_id)]
        pair = sorted(rng.choice(pool, size=2, replace=False)) if len(pool) >= 2 else [None, None]
        rows.append({"plan_for": plan_for, "pick": r.pick, "unit_id": r.unit_id, "name": r.name,
                     "subdistrict": r.subdistrict, "inspector_1": pair[0], "inspector_2": pair[1],
                     "seed": seed})
    return pd.DataFrame(rows, columns=["plan_for", "pick", "unit_id", "name", "subdistrict",
                                       "inspector_1", "inspector_2", "seed"])


def build_roster(links, cadres, experts, duty, expert_plan, targets) -> pd.DataFrame:
    """The "8+1+1" team: departments, the assistance team, the experts."""
    name_of = dict(zip(targets.unit_id, targets.name, strict=True))

    def units_of(frame, column, person):
        names = [name_of.get(u, u) for u in frame.loc[frame[column] == person, "unit_id"]]
        return "、".join(names)

    rows = [{"role": "区直单位", "member_id": r.dept, "name": r.dept, "unit": r.dept,
             "responsibility": f"驻点{r.subdistrict}", "phone": None}
            for r in links.itertuples()]
    for c in cadres[cadres.on_team].itertuples():
        mine = units_of(duty, "cadre_id", c.cadre_id)
        rows.append({"role": "帮扶工作队", "member_id": c.cadre_id, "name": c.name, "unit": c.dept,
                     "responsibility": f"帮扶：{mine}" if mine else "工作队成员（本周无包保对象）",
                     "phone": c.phone})
    for e in experts.itertuples():
        mine = units_of(expert_plan, "expert_id", e.expert_id)
        domains = "、".join(e.domains)
        rows.append({"role": "专家", "member_id": e.expert_id, "name": e.name, "unit": e.employer,
                     "responsibility": f"{domains}；指导：{mine}" if mine else f"{domains}；本周待命",
                     "phone": e.phone})
    return pd.DataFrame(rows)
