"""Enforcement officers (执法人员) of the competent department, and the "执法人员+专家"
assistance visits to the priority targets.

An officer is a cadre whose enforcement licence (执法证号) is recorded and valid through the
plan week (执法证有效期至 empty or not before its Sunday), of the department that supervises
the unit's category (``jurisdiction.competent``: 管行业必须管安全).  Every check has at least
two distinct such officers (行政处罚法 第四十二条) or is listed as unstaffed with the reason;
it is never staffed otherwise.  Each officer takes at most ``officer_weekly_cap`` checks and
visits a week.

An assistance visit to a target is led by its 包保 cadre when that cadre is such an officer
(assistance by the one who knows the unit), with a second officer of the department, the
least loaded; otherwise two officers of the department go and the 包保 cadre goes along.
The expert is the one the expert plan gave the target (never one the unit employs).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd

PAIR_COLUMNS = ["unit_id", "dept", "officer_1", "officer_2", "expert_id", "reason", "note"]


def licensed(cadres: pd.DataFrame, valid_through: dt.date) -> pd.DataFrame:
    """The cadres with a recorded enforcement licence valid through ``valid_through``."""
    has = cadres.licence.notna() & (cadres.licence.astype(str).str.strip() != "")
    if "licence_expires" in cadres:
        expires = pd.to_datetime(cadres.licence_expires, errors="coerce")
        has &= expires.isna() | (expires >= pd.Timestamp(valid_through))
    return cadres[has].sort_values("cadre_id")


def shortfall(dept: str | None, total: int, recused: int, full: int, free: int, need: int,
              cap: int | None = None) -> str:
    """Why a check cannot have ``need`` officers of ``dept`` (the published reason)."""
    if not dept:
        return "该监管类别未配置主管部门"
    if total == 0:
        return f"{dept}没有持有有效执法证的执法人员"
    parts = [f"{dept}持证执法人员{total}名"]
    if recused:
        parts.append(f"{recused}名包保该单位须回避")
    if full:
        parts.append(f"{full}名本周任务已满" + (f"（每人每周{cap}项）" if cap else ""))
    return "，".join(parts) + f"，可派{free}名，不足{need}名；未派员，须由{dept}补充持证人员"


def assistance_visits(targets: pd.DataFrame, duty: pd.DataFrame, experts: pd.DataFrame,
                      cadres: pd.DataFrame, competent: dict[str, str], cap: int,
                      valid_through: dt.date) -> tuple[pd.DataFrame, Counter]:
    """执法人员+专家: each target's visit next week, and every officer's load from them.

    ``targets``: unit_id, category (in rank order); ``duty``: unit_id → 包保 cadre_id;
    ``experts``: unit_id → expert_id.  Returns the visits (``PAIR_COLUMNS``) and the load."""
    officers = licensed(cadres, valid_through)
    is_officer = set(officers.cadre_id)
    dept_of = dict(zip(cadres.cadre_id, cadres.dept, strict=True))
    name_of = dict(zip(cadres.cadre_id, cadres.name, strict=True))
    staff: dict[str, list[str]] = {}
    for c in officers.itertuples():
        staff.setdefault(c.dept, []).append(c.cadre_id)
    responsible = dict(zip(duty.unit_id, duty.cadre_id, strict=True))
    expert_of = experts.groupby("unit_id").expert_id.first().to_dict()
    load: Counter = Counter()
    leads: dict[str, str] = {}
    # first the 包保 cadres who may lead their own unit's visit, so none is taken elsewhere
    for t in targets.itertuples():
        cadre = responsible.get(t.unit_id)
        if cadre in is_officer and dept_of.get(cadre) == competent.get(t.category) and load[cadre] < cap:
            leads[t.unit_id] = cadre
            load[cadre] += 1
    rows = []
    for t in targets.itertuples():
        dept = competent.get(t.category)
        cadre, lead = responsible.get(t.unit_id), leads.get(t.unit_id)
        notes = []
        if cadre and not lead:
            why = ("无有效执法证" if cadre not in is_officer
                   else f"属{dept_of.get(cadre)}，非该单位主管部门" if dept_of.get(cadre) != dept
                   else "本周任务已满")
            notes.append(f"包保干部{name_of.get(cadre, cadre)}{why}，随同帮扶")
        team = staff.get(dept or "", [])
        chosen = [lead] if lead else []
        free = sorted((c for c in team if c not in chosen and load[c] < cap), key=lambda c: (load[c], c))
        need = 2 - len(chosen)
        reason = None
        if len(free) >= need:
            for c in free[:need]:
                chosen.append(c)
                load[c] += 1
        else:
            if lead:
                load[lead] -= 1
            full = sum(1 for c in team if c not in chosen and load[c] >= cap)
            reason = shortfall(dept, len(team), 0, full, len(free) + len(chosen), 2, cap)
            chosen = []
        expert = expert_of.get(t.unit_id)
        if expert is None:
            notes.append("暂无可派专家")
        rows.append((t.unit_id, dept, *(chosen + [None, None])[:2], expert, reason,
                     "；".join(notes) or None))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS), load
