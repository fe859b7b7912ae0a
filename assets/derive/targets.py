"""Who to help (帮扶谁): priority targets and key enterprises, from the risk scores.

The SQL (``sql/target_candidates.sql``, ``sql/key_candidates.sql``) hands over the
candidates (the best unit of each subdistrict, the best 工贸 units and the best units
overall); pure functions over those small frames pick.
"""

from __future__ import annotations

import math

import pandas as pd

from assets.derive.assign import main_risk
from assets.derive.sqlfiles import sql
from pipeline.core.config import BangfuConfig
from pipeline.core.ledgers import MAJOR_ACCIDENT_FLAGS

GONGMAO = "工贸企业"
FEATURE_TEXT = {"危险化学品使用": "使用危险化学品", "人员密集": "人员密集场所",
                "自建厂房": "自建厂房", "临山临水": "临山临水"}


def by_score(frame: pd.DataFrame) -> pd.DataFrame:
    """Highest score first; ties broken by unit number, so the order is always the same."""
    return frame.sort_values(["score", "unit_id"], ascending=[False, True], kind="mergesort")


def select_targets(candidates: pd.DataFrame, count: int, gongmao_share: float,
                   cover_every_subdistrict: bool) -> pd.DataFrame:
    """全域覆盖、突出重点、引领带动: cover each subdistrict, meet the 工贸 share, then by score.

    ``candidates`` has unit_id, subdistrict, category, score.  Returns the chosen rows with
    ``selected_by`` and ``rank`` (1 = highest score).
    """
    ordered = by_score(candidates.drop_duplicates("unit_id"))
    chosen: dict[str, str] = {}

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


def priority_targets(con, cfg: BangfuConfig) -> pd.DataFrame:
    """帮扶对象 of the week, with how each was selected, its main risk and its reasons."""
    candidates = con.execute(sql("target_candidates"), {"n": cfg.targets.count}).df()
    chosen = select_targets(candidates, cfg.targets.count, cfg.targets.gongmao_share,
                            cfg.targets.cover_every_subdistrict)
    chosen["reasons"] = [reasons(row, cfg.targets.reasons) for row in chosen.itertuples()]
    chosen["main_risk"] = [main_risk(r.risk_flags, r.category, cfg.scoring.flags,
                                     cfg.assignment.expert_domains) for r in chosen.itertuples()]
    return chosen[["rank", "unit_id", "name", "category", "subdistrict", "score", "selected_by",
                   "main_risk", "reasons"]]


def key_enterprises(con, cfg: BangfuConfig, targets: pd.DataFrame) -> pd.DataFrame:
    """包保重点企业: as many 工贸 enterprises as the bureau has cadres (or the configured count)."""
    k = cfg.key_enterprises.count or con.execute(
        "SELECT count(*) FROM cadres WHERE dept = ?", [cfg.bureau]).fetchone()[0]
    gongmao = con.execute(sql("key_candidates"), {"k": k, "targets": list(targets.unit_id)}).df()
    keys = select_key_enterprises(gongmao, targets, k)
    keys["is_target"] = keys.unit_id.isin(targets.unit_id)
    return keys[["rank", "unit_id", "name", "subdistrict", "score", "is_target"]]
