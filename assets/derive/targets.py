"""Who to help (帮扶谁): priority targets and key enterprises, from the risk scores.

The SQL (``sql/target_candidates.sql``, ``sql/key_candidates.sql``) hands over the
candidates (the best unit of each subdistrict, the best 工贸 units and the best units
overall); pure functions over those small frames pick.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from assets.derive.assign import main_risk
from assets.derive.sqlfiles import sql
from assets.derive.variables import set_variables
from pipeline.core.campaign import phase_of_week
from pipeline.core.config import BangfuConfig
from pipeline.core.ledgers import MAJOR_ACCIDENT_FLAGS
from pipeline.core.warehouse import set_week
from pipeline.core.weeks import week_label

GONGMAO = "工贸企业"
FEATURE_TEXT = {"危险化学品使用": "使用危险化学品", "人员密集": "人员密集场所",
                "自建厂房": "自建厂房", "临山临水": "临山临水"}


def by_score(frame: pd.DataFrame) -> pd.DataFrame:
    """Highest score first; ties broken by unit number, so the order is always the same."""
    return frame.sort_values(["score", "unit_id"], ascending=[False, True], kind="mergesort")


def has_priority(row, item: str) -> bool:
    """The unit is of the category ``item`` or has the risk feature ``item``."""
    flags = getattr(row, "risk_flags", None)
    return row.category == item or item in (list(flags) if flags is not None else [])


def select_targets(candidates: pd.DataFrame, count: int, gongmao_share: float,
                   cover_every_subdistrict: bool, forced: dict[str, str] | None = None,
                   priorities: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """突出重点、全域覆盖: every unit with an open or suspected major hazard first (``forced``:
    unit → 重大隐患 / 疑似重大隐患, whatever the count), then cover each subdistrict, meet
    the 工贸 share, then each subdistrict's supervision priorities (``priorities``:
    (subdistrict, category or risk feature); one not yet among the chosen gets its
    best-scoring unit, 全域覆盖（<街道><重点>）), then by score, up to ``count``: a priority's
    unit takes the place of the lowest unit that score alone would have chosen.

    ``candidates`` has unit_id, subdistrict, category, score (and risk_flags when
    ``priorities`` are given).  Returns the chosen rows with ``selected_by`` and ``rank``
    (1 = highest score).
    """
    ordered = by_score(candidates.drop_duplicates("unit_id"))
    chosen: dict[str, str] = {u: f"突出重点（{why}）" for u, why in sorted((forced or {}).items())
                              if u in set(ordered.unit_id)}

    def take(rows: pd.DataFrame, why: str, limit: int) -> None:
        for unit_id in rows.unit_id:
            if len(chosen) >= limit:
                return
            chosen.setdefault(unit_id, why)

    if cover_every_subdistrict:
        best = ordered.groupby("subdistrict", sort=False).head(1)
        take(by_score(best), "全域覆盖", count)
    quota = min(count, math.ceil(gongmao_share * count - 1e-9))
    gongmao = ordered[ordered.category == GONGMAO]
    have = sum(1 for u in chosen if u in set(gongmao.unit_id))
    take(gongmao[~gongmao.unit_id.isin(chosen)], "突出重点（工贸）", len(chosen) + max(0, quota - have))
    for sub, item in priorities or []:
        pool = [r.unit_id for r in ordered[ordered.subdistrict == sub].itertuples() if has_priority(r, item)]
        if pool and len(chosen) < count and not set(pool) & set(chosen):
            chosen[pool[0]] = f"全域覆盖（{sub}{item}）"
    take(ordered, "风险排序", count)
    picked = by_score(ordered[ordered.unit_id.isin(chosen)]).copy()
    picked["selected_by"] = picked.unit_id.map(chosen)
    picked["rank"] = range(1, len(picked) + 1)
    return picked.reset_index(drop=True)


def select_key_enterprises(gongmao: pd.DataFrame, targets: pd.DataFrame, count: int) -> pd.DataFrame:
    """Key 工贸 enterprises for cadre responsibility: every 工贸 target, then by score."""
    ordered = by_score(gongmao)
    target_ids = set(targets.loc[targets.category == GONGMAO, "unit_id"])
    first = ordered[ordered.unit_id.isin(target_ids)]
    rest = ordered[~ordered.unit_id.isin(target_ids)]
    keys = by_score(pd.concat([first, rest.head(max(0, count - len(first)))]))
    keys = keys.assign(rank=range(1, len(keys) + 1))
    return keys.reset_index(drop=True)


def reasons(row, limit: int) -> str:
    """The unit's largest score components as a short Chinese sentence."""
    flags = list(row.risk_flags) if row.risk_flags is not None else []
    parts: list[tuple[float, str]] = []
    major = [f for f in flags if f in MAJOR_ACCIDENT_FLAGS]
    if row.c_major_accident > 0:
        parts.append((row.c_major_accident, "、".join(major)))
    for column, flag in (("c_hazchem", "危险化学品使用"), ("c_crowd", "人员密集"),
                         ("c_self_built", "自建厂房"), ("c_hills_water", "临山临水")):
        if getattr(row, column) > 0:
            parts.append((getattr(row, column), FEATURE_TEXT[flag]))
    if row.c_hazards > 0:
        parts.append((row.c_hazards, hazard_text(row)))
    if row.c_accidents > 0:
        parts.append((row.c_accidents, f"近三年事故{int(row.accidents_3y)}起"))
    if row.c_grade > 0:
        grade = row.std_grade if isinstance(row.std_grade, str) else ""
        parts.append((row.c_grade, f"标准化{grade}" if grade else "未开展标准化"))
    if row.c_inspection > 0:
        days = row.days_since_seen
        parts.append((row.c_inspection, "无检查记录" if pd.isna(days) else f"{int(days)}天未检查"))
    if row.c_size > 0:
        parts.append((row.c_size, f"从业人员{int(row.employees)}人"))
    parts.sort(key=lambda p: -p[0])
    return "；".join(text for _, text in parts[:limit])


def hazard_text(row) -> str:
    major, general = int(row.open_major), int(row.open_general)
    overdue = int(row.overdue_major) + int(row.overdue_general)
    text = "；".join(t for t in (
        f"重大隐患{major}项" if major else "", f"一般隐患{general}项未整改" if general else "") if t)
    if overdue:
        text += f"，{overdue}项逾期（最长{int(row.max_days_overdue)}天）"
    return text


TARGET_COLUMNS = ["rank", "unit_id", "name", "category", "subdistrict", "score", "selected_by",
                  "main_risk", "reasons", "joined_week", "joined_for", "exemplar_id", "exemplar_name",
                  "exemplar_kind"]
CHANGE_COLUMNS = ["unit_id", "name", "subdistrict", "change", "reason"]


def forced_units(con) -> dict[str, str]:
    """Units with an open major hazard or an open suspicion at the week's end (temp table
    ``judged`` holds this run's judgement)."""
    return dict(con.execute(sql("forced_targets")).fetchall())


def phase_start(week: dt.date, configured) -> dt.date:
    """The Monday from which the week's list is replayed: its phase's first week, or the
    week itself outside the campaign."""
    phase = phase_of_week(week + dt.timedelta(days=6), configured)
    if phase is None:
        return week
    return max(phase.start - dt.timedelta(days=phase.start.weekday()), week - dt.timedelta(days=7 * 60))


def hold_still(members: dict[str, tuple[str, str, str]], forced: dict[str, str], by_rank: list[str],
               count: int, week: str) -> list[tuple[str, str, str]]:
    """One week of the list that holds still; returns the week's changes (unit, 新增/退出, why).

    A unit that joined for a major hazard leaves once all its major hazards are 销号 and no
    suspicion is open (for a suspicion: once it is fixed or dismissed on review).  A unit
    with a new open or suspected major hazard joins: into a free place, else in the place of
    the lowest-ranked unit chosen only by score (风险排序) — the team's capacity is the
    configured number; units chosen to cover a subdistrict, for the 工贸 share or for a
    major hazard are never displaced (the list grows when only those are left).  Places
    still free go to the best-ranked units not on the list."""
    changes = []
    for unit, (why, _, joined_for) in sorted(members.items()):
        if joined_for == "major" and unit not in forced:
            del members[unit]
            changes.append((unit, "退出", "疑似重大隐患已整改或经复核排除" if "疑似" in why
                            else "重大隐患已全部销号，且无未复核的疑似重大隐患"))
    for unit, why in sorted(forced.items()):
        if unit in members:
            continue
        if len(members) >= count:
            ranked = [u for u in by_rank if members.get(u, ("",))[0] == "风险排序"]
            if ranked:
                del members[ranked[-1]]
                changes.append((ranked[-1], "退出", f"名额让给新发现{why}的单位"))
        members[unit] = (f"突出重点（{why}）", week, "major")
        changes.append((unit, "新增", f"发现{why}"))
    left = {u for u, change, _ in changes if change == "退出"}
    for unit in by_rank:
        if len(members) >= count:
            break
        if unit not in members and unit not in left:
            members[unit] = ("风险排序", week, "phase")
            changes.append((unit, "新增", "补足名额（风险排序）"))
    return changes


@dataclass(frozen=True)
class PhaseDecision:
    """What is decided at the phase's first week (the week itself outside the campaign):
    the list of targets as chosen then and the key enterprises (包保) then."""
    first: dt.date
    targets: pd.DataFrame      # unit_id, subdistrict, category, score, selected_by, rank
    keys: pd.DataFrame         # rank, unit_id, name, subdistrict, score


def decided_when(cfg: BangfuConfig, first: dt.date) -> str:
    """阶段首周（2023-W26）, or 本周（2024-W02） outside the campaign (decided each week)."""
    inside = phase_of_week(first + dt.timedelta(days=6), cfg.campaign.phases if cfg.campaign else [])
    return f"{'阶段首周' if inside else '本周'}（{week_label(first)}）"


def coverage_items(cfg: BangfuConfig) -> list[tuple[str, str]]:
    """(subdistrict, priority) pairs in the configuration's order."""
    if cfg.coverage is None:
        return []
    return [(sub, item) for sub, items in cfg.coverage.priorities.items() for item in items]


def key_count(con, cfg: BangfuConfig) -> int:
    return cfg.key_enterprises.count or con.execute(
        "SELECT count(*) FROM cadres WHERE dept = ?", [cfg.bureau]).fetchone()[0]


def priority_targets(con, cfg: BangfuConfig, start: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, PhaseDecision]:
    """帮扶对象 of the week and the week's changes (新增 / 退出), each with its reason, and
    what was decided at the phase's first week (PhaseDecision).

    The list holds still through a phase of the campaign: it is decided at the phase's first
    week (the rules of ``select_targets``), then each week adds the units where an open or
    suspected major hazard appears and lets go of those that joined for one once all their
    major hazards are 销号 and no suspicion is open; a visit or a lower score never removes
    a unit.  Replayed from the phase's first week, so the list depends on the ledgers, the
    configuration and the week only."""
    first = phase_start(start, cfg.campaign.phases if cfg.campaign else [])
    set_variables(con, first, cfg)
    con.execute(f"CREATE OR REPLACE TEMP TABLE risk_now AS {sql('unit_risk')}")
    forced = forced_units(con)
    items = coverage_items(cfg)
    candidates = con.execute(sql("target_candidates"), {
        "n": cfg.targets.count, "forced": list(forced),
        "cover_subs": [s for s, _ in items], "cover_items": [i for _, i in items]}).df()
    chosen = select_targets(candidates, cfg.targets.count, cfg.targets.gongmao_share,
                            cfg.targets.cover_every_subdistrict, forced, items)
    k = key_count(con, cfg)
    gongmao = con.execute(sql("key_candidates"), {"k": k, "targets": list(chosen.unit_id)}).df()
    decision = PhaseDecision(first, chosen, select_key_enterprises(gongmao, chosen, k))
    members = {u: (why, week_label(first), "phase") for u, why in zip(chosen.unit_id, chosen.selected_by,
                                                                       strict=True)}
    # the phase's first week's scores order the places that may change hands
    by_rank = list(by_score(con.execute("SELECT unit_id, score FROM risk_now WHERE supervised(status)").df()).unit_id)
    changes: list[tuple[str, str, str]] = []
    week = first
    while week < start:
        week += dt.timedelta(days=7)
        set_week(con, week)
        forced = forced_units(con)      # at the end of the last pass: this week's
        changes = hold_still(members, forced, by_rank, cfg.targets.count, week_label(week))
    set_variables(con, start, cfg)
    rows = con.execute("""SELECT * FROM unit_risk WHERE week = getvariable('week')
        AND unit_id IN (SELECT unnest($units::VARCHAR[]))""", {"units": list(members)}).df()
    rows = by_score(rows).reset_index(drop=True)
    rows["rank"] = range(1, len(rows) + 1)
    # a member with an open or suspected major hazard this week says so
    rows["selected_by"] = rows.unit_id.map(lambda u: f"突出重点（{forced[u]}）" if u in forced else members[u][0])
    rows["joined_week"] = rows.unit_id.map(lambda u: members[u][1])
    rows["joined_for"] = rows.unit_id.map(lambda u: members[u][2])
    rows["reasons"] = [reasons(row, cfg.targets.reasons) for row in rows.itertuples()]
    rows["main_risk"] = [main_risk(r.risk_flags, r.category, cfg.scoring.flags,
                                   cfg.assignment.expert_domains) for r in rows.itertuples()]
    exemplars = con.execute(sql("exemplars"), {"targets": list(rows.unit_id)}).df()
    rows = rows.merge(exemplars, on="unit_id", how="left")
    names = {u: (name, sub) for u, name, sub in con.execute("SELECT unit_id, name, subdistrict FROM units").fetchall()}
    change_rows = [(u, *names.get(u, ("", "")), change, why) for u, change, why in changes]
    return rows[TARGET_COLUMNS], pd.DataFrame(change_rows, columns=CHANGE_COLUMNS), decision


KEY_COLUMNS = ["rank", "unit_id", "name", "subdistrict", "score", "is_target", "basis"]


def hold_keys(decided: list[str], gongmao_now: list[str], targets: set[str], count: int) -> dict[str, str]:
    """包保重点企业 that hold still through the phase: those decided at its first week
    (``decided``, in that week's rank order) still supervised, plus every 工贸 target not
    among them; over ``count`` (the bureau's cadres), the lowest-ranked decided ones that
    are not targets make room; under it, the best 工贸 units now (``gongmao_now``, by this
    week's score) fill the places.  Returns unit → basis."""
    present = set(gongmao_now)
    keys = {u: "decided" for u in decided if u in present}
    for unit in gongmao_now:
        if unit in targets and unit not in keys:
            keys[unit] = "joined"
    for unit in reversed(decided):
        if len(keys) <= count:
            break
        if keys.get(unit) == "decided" and unit not in targets:
            del keys[unit]
    for unit in gongmao_now:
        if len(keys) >= count:
            break
        keys.setdefault(unit, "filled")
    return keys


def key_enterprises(con, cfg: BangfuConfig, targets: pd.DataFrame, decision: PhaseDecision) -> pd.DataFrame:
    """包保重点企业: as many 工贸 enterprises as the bureau has cadres (or the configured
    count), decided at the phase's first week and held (``hold_keys``)."""
    gongmao = by_score(con.execute("""SELECT unit_id, name, subdistrict, score FROM unit_risk
        WHERE week = getvariable('week') AND supervised(status) AND category = ?""", [GONGMAO]).df())
    gongmao_targets = set(targets.loc[targets.category == GONGMAO, "unit_id"])
    held = hold_keys(list(decision.keys.unit_id), list(gongmao.unit_id), gongmao_targets, key_count(con, cfg))
    text = {"decided": f"{decided_when(cfg, decision.first)}确定", "joined": "本阶段新增的工贸帮扶对象",
            "filled": "补足名额（风险排序）"}
    keys = gongmao[gongmao.unit_id.isin(held)].reset_index(drop=True)
    keys["rank"] = range(1, len(keys) + 1)
    keys["is_target"] = keys.unit_id.isin(targets.unit_id)
    keys["basis"] = keys.unit_id.map(lambda u: text[held[u]])
    return keys[KEY_COLUMNS]


COVERAGE_COLUMNS = ["subdistrict", "priority", "supervised_units", "target_units", "covered", "note"]


def coverage_priorities(con, cfg: BangfuConfig, targets: pd.DataFrame, decision: PhaseDecision,
                        links: pd.DataFrame) -> pd.DataFrame:
    """全域覆盖 by each subdistrict's supervision priorities: how many supervised units have
    the priority, how many of them are targets this week, which (note), or why none."""
    units = con.execute("""SELECT unit_id, name, subdistrict, category, coalesce(risk_flags, []) AS risk_flags
        FROM units WHERE supervised(status)""").df()
    scores = dict(con.execute("""SELECT unit_id, score FROM unit_risk
        WHERE week = getvariable('week')""").fetchall())
    on_list = set(targets.unit_id)
    dept_of = dict(zip(links.subdistrict, links.dept, strict=True)) if len(links) else {}
    rows = []
    for sub, item in coverage_items(cfg):
        mine = units[units.subdistrict == sub]
        mine = mine[pd.Series([has_priority(r, item) for r in mine.itertuples()], index=mine.index, dtype=bool)]
        mine = mine.assign(score=mine.unit_id.map(scores)).sort_values(["score", "unit_id"],
                                                                     ascending=[False, True])
        covering = mine[mine.unit_id.isin(on_list)]
        if len(mine) == 0:
            note = f"辖区无在监管的{item}单位"
        elif len(covering):
            names = "、".join(covering.name.head(3)) + (f"等{len(covering)}家" if len(covering) > 3 else "")
            note = f"由帮扶对象{names}覆盖"
        else:
            best = mine.iloc[0]
            dept = dept_of.get(sub)
            note = (f"未覆盖：{decided_when(cfg, decision.first)}确定名单时，{cfg.targets.count}个名额已由"
                    f"必须列入的单位（重大隐患、街道全域覆盖、工贸比例）占满；该类本周得分最高的为{best['name']}"
                    f"（{best.score:.1f}分）" + (f"，请驻点部门{dept}在日常帮扶中重点关注" if dept else ""))
        rows.append({"subdistrict": sub, "priority": item, "supervised_units": len(mine),
                     "target_units": len(covering), "covered": bool(len(covering)), "note": note})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
