"""Build one week's derived tables, in order, on an open connection (no Dagster here).

Every derived table is kept per week (``week`` = the reported week, 2023-W32; plans made
in it for the next week carry ``plan_for``).  A rerun deletes the week's slice and
inserts it again, so reruns are idempotent.  Read top to bottom, ``build_week`` is the
mechanism: 帮扶谁 (unit_risk → priority_targets, key_enterprises), 谁来帮 (department_links,
cadres, experts, team_roster), 怎么帮 (inspection_pairs, spot_checks), 怎么管
(weekly_progress, weekly_figures, hazard_trend, and last week's figures as of its end
for the reports' comparisons).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from assets.derive.assign import assign_experts, cadre_duty, inspection_pairs, team_roster
from assets.derive.draw import draw_inspectors, spot_seed
from assets.derive.figures import compute_figures
from assets.derive.links import build_links
from assets.derive.sqlfiles import sql
from assets.derive.targets import key_enterprises, priority_targets
from pipeline.core.config import BangfuConfig, config_json, config_sha256
from pipeline.core.ledgers import CATEGORIES
from pipeline.core.warehouse import set_week
from pipeline.core.weeks import week_label


def set_variables(con, start: dt.date, cfg: BangfuConfig) -> None:
    """The week's variables, the draw's seed and the scoring weights, bound as values."""
    set_week(con, start)
    s = cfg.scoring
    plan_for = week_label(start + dt.timedelta(days=7))
    scalars = {
        "bureau": cfg.bureau, "seed": spot_seed(cfg.district, plan_for),
        "trend_first": dt.date.fromisocalendar(start.isocalendar()[0], 1, 1),
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
    for name, weights in (("flag_weights", s.flags), ("grade_weights", s.grade)):
        con.execute(f"SET VARIABLE {name} = map(?::VARCHAR[], ?::DOUBLE[])",
                    [list(weights), [float(v) for v in weights.values()]])
    con.execute("SET VARIABLE categories = ?::VARCHAR[]", [list(CATEGORIES)])


def write_week(con, table: str, frame: pd.DataFrame, week: str) -> int:
    """Replace the week's slice of ``table`` with ``frame`` (idempotent)."""
    con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
    if len(frame):
        con.register("week_slice", frame.assign(week=week))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM week_slice")
        con.unregister("week_slice")
    return len(frame)


def write_query(con, table: str, query: str, week: str) -> int:
    """Replace the week's slice of ``table`` with the rows of ``query`` (its columns make
    the table the first time)."""
    con.execute(f"CREATE TEMP TABLE week_rows AS {query}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS "
                "SELECT ''::VARCHAR AS week, * FROM week_rows LIMIT 0")
    con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
    con.execute(f"INSERT INTO {table} BY NAME SELECT ? AS week, * FROM week_rows", [week])
    rows = con.execute("SELECT count(*) FROM week_rows").fetchone()[0]
    con.execute("DROP TABLE week_rows")
    return rows


def build_week(con, start: dt.date, cfg: BangfuConfig) -> dict[str, int]:
    """Every derived table for the week; returns row counts by table."""
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    con.execute(sql("schema"))
    con.execute(sql("scoring"))
    set_variables(con, start, cfg)
    counts = {name: write_query(con, name, sql(name), week)
              for name in ("unit_risk", "subdistrict_features", "subdistrict_profile")}

    # 帮扶谁
    targets = priority_targets(con, cfg)
    counts["priority_targets"] = write_week(con, "priority_targets", targets, week)
    keys = key_enterprises(con, cfg, targets)
    counts["key_enterprises"] = write_week(con, "key_enterprises", keys, week)

    # 谁来帮
    links = build_links(con, dict(cfg.links.fixed))
    counts["department_links"] = write_week(con, "department_links", links, week)
    cadres = con.execute("SELECT * FROM cadres ORDER BY cadre_id").df()
    last_week = dict(con.execute("""SELECT unit_id, cadre_id FROM cadre_assignments
        WHERE plan_for = ? ORDER BY unit_id""", [week]).fetchall())
    duty = cadre_duty(targets, keys, links, cadres, cfg.bureau, last_week)
    counts["cadre_assignments"] = write_week(con, "cadre_assignments",
                                             duty.assign(plan_for=plan_for), week)
    experts = con.execute("SELECT * FROM experts ORDER BY expert_id").df()
    plan = assign_experts(targets, experts, cfg.assignment.expert_domains)
    expert_rows = plan.assignments.merge(targets[["unit_id", "main_risk"]], on="unit_id")
    counts["expert_assignments"] = write_week(con, "expert_assignments",
                                              expert_rows.assign(plan_for=plan_for), week)
    counts["uncovered_targets"] = write_week(con, "uncovered_targets",
                                             plan.uncovered.assign(plan_for=plan_for), week)
    roster = team_roster(links, cadres, experts, duty, plan.assignments, targets)
    counts["team_roster"] = write_week(con, "team_roster", roster, week)

    # 怎么帮
    pairs = inspection_pairs(targets, duty, plan.assignments, cadres)
    counts["inspection_pairs"] = write_week(con, "inspection_pairs",
                                            pairs.assign(plan_for=plan_for), week)
    seed = con.execute("SELECT getvariable('seed')").fetchone()[0]
    checks = draw_inspectors(con.execute(sql("spot_checks")).df(), duty, cadres, plan_for, seed)
    counts["spot_checks"] = write_week(con, "spot_checks", checks, week)
    write_week(con, "run_settings", pd.DataFrame([{
        "config_json": config_json(cfg), "config_sha256": config_sha256(cfg),
        "spot_seed": seed}]), week)

    # 怎么管: this week's progress and figures, and last week's as of its end
    counts["weekly_progress"] = write_query(con, "weekly_progress", sql("weekly_progress"), week)
    counts["hazard_trend"] = write_query(con, "hazard_trend", sql("hazard_trend"), week)
    figures = {week: compute_figures(con)}
    set_week(con, start - dt.timedelta(days=7))
    counts["last_week_progress"] = write_query(con, "last_week_progress", sql("weekly_progress"),
                                               week)
    figures[week_label(start - dt.timedelta(days=7))] = compute_figures(con)
    set_week(con, start)
    counts["weekly_figures"] = write_week(con, "weekly_figures", pd.DataFrame(
        [{"as_of": as_of, "figures": json.dumps(values, ensure_ascii=False)}
         for as_of, values in figures.items()]), week)
    return counts
