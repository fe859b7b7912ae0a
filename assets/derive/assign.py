"""Who helps (谁来帮): experts, cadres and the roster (the checks: officers.py, draw.py).

- Experts ↔ targets: a small mixed-integer programme (``scipy.optimize.milp``, HiGHS):
  every target one expert whose domain covers its main risk, no expert over the weekly
  cap, no conflict of interest (回避), the largest workload as small as possible.
- Cadres: key enterprises to bureau cadres (包保) one-to-one, kept from last week where
  possible; other targets to assistance-team members of the linked department.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

# ----------------------------------------------------------------------------- experts


@dataclass(frozen=True)
class ExpertPlan:
    assignments: pd.DataFrame  # unit_id, expert_id
    uncovered: pd.DataFrame    # unit_id, reason


def main_risk(flags, category: str, flag_weights: dict[str, float],
              domain_map: dict[str, list[str]]) -> str:
    """The unit's heaviest feature that has expert domains mapped, else its category."""
    mapped = [f for f in (flags if flags is not None else []) if f in domain_map]
    if mapped:
        return max(mapped, key=lambda f: (flag_weights.get(f, 0), f))
    return category


def in_conflict(employer: str, unit_name: str) -> bool:
    """回避: the expert works for the unit itself, or the names contain one another."""
    a, b = (employer or "").strip(), (unit_name or "").strip()
    return bool(a and b and (a == b or a in b or b in a))


def assign_experts(targets: pd.DataFrame, experts: pd.DataFrame,
                   domain_map: dict[str, list[str]]) -> ExpertPlan:
    """``targets``: unit_id, name, main_risk. ``experts``: expert_id, domains, employer, weekly_cap."""
    targets = targets.reset_index(drop=True)
    experts = experts.sort_values("expert_id").reset_index(drop=True)
    pairs, reasons = [], {}
    for t, target in targets.iterrows():
        needed = set(domain_map.get(target.main_risk, []))
        capable = [e for e, ex in experts.iterrows() if needed & set(ex.domains)]
        allowed = [e for e in capable if not in_conflict(experts.at[e, "employer"], target["name"])]
        if not capable:
            reasons[t] = f"无{'、'.join(sorted(needed)) or target.main_risk}领域的专家"
        elif not allowed:
            reasons[t] = "该领域专家均与该单位有利害关系，需回避"
        pairs += [(t, e) for e in allowed]
    chosen = solve_expert_milp(len(targets), experts.weekly_cap.to_numpy(), pairs)
    assigned = {t for t, _ in chosen}
    for t in range(len(targets)):
        if t not in assigned and t not in reasons:
            reasons[t] = "该领域专家本周服务均已满额"
    assignments = pd.DataFrame([(targets.at[t, "unit_id"], experts.at[e, "expert_id"])
                                for t, e in chosen], columns=["unit_id", "expert_id"])
    uncovered = pd.DataFrame([(targets.at[t, "unit_id"], r) for t, r in sorted(reasons.items())],
                             columns=["unit_id", "reason"])
    return ExpertPlan(assignments, uncovered)


def solve_expert_milp(n_targets: int, caps: np.ndarray,
                      pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Variables: x per allowed pair, u per target (uncovered), L (largest workload).

    minimise 1000·Σu + 10·L + ε·Σ(expert index)·x
    s.t. Σ_e x[t,e] + u[t] = 1;  Σ_t x[t,e] ≤ cap[e];  Σ_t x[t,e] − L ≤ 0.
    """
    if not pairs:
        return []
    n_x, n_e = len(pairs), len(caps)
    n = n_x + n_targets + 1
    cost = np.concatenate([[1e-4 * (e + 1) for _, e in pairs], np.full(n_targets, 1000.0), [10.0]])
    rows_t = np.zeros((n_targets, n))
    rows_cap = np.zeros((n_e, n))
    rows_load = np.zeros((n_e, n))
    for i, (t, e) in enumerate(pairs):
        rows_t[t, i] = 1
        rows_cap[e, i] = 1
        rows_load[e, i] = 1
    rows_t[np.arange(n_targets), n_x + np.arange(n_targets)] = 1
    rows_load[:, -1] = -1
    constraints = [LinearConstraint(rows_t, 1, 1), LinearConstraint(rows_cap, 0, caps),
                   LinearConstraint(rows_load, -np.inf, 0)]
    integrality = np.concatenate([np.ones(n_x + n_targets), [0]])
    upper = np.concatenate([np.ones(n_x + n_targets), [np.inf]])
    result = milp(cost, constraints=constraints, integrality=integrality, bounds=Bounds(0, upper))
    if not result.success:
        raise RuntimeError(f"专家分配求解失败：{result.message}")
    return [pairs[i] for i in range(n_x) if result.x[i] > 0.5]


# ----------------------------------------------------------------------------- cadres


def spread(units: list[str], people: list[str], keep: dict[str, str],
           preferred: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Give each unit one person: keep last week's pairs, then the least-loaded person,
    preferring ``preferred[unit]`` when given; ties by person id.  Deterministic."""
    load = dict.fromkeys(sorted(people), 0)
    if not load:
        return {}
    fair = -(-len(units) // len(load))  # ceiling: nobody keeps more than an even share
    out: dict[str, str] = {}
    for unit in units:
        person = keep.get(unit)
        if person in load and load[person] < fair:
            out[unit] = person
            load[person] += 1
    for unit in units:
        if unit in out:
            continue
        pool = [p for p in (preferred or {}).get(unit, []) if p in load] or list(load)
        person = min(pool, key=lambda p: (load[p], p))
        out[unit] = person
        load[person] += 1
    return out


def cadre_duty(targets: pd.DataFrame, keys: pd.DataFrame, links: pd.DataFrame,
               cadres: pd.DataFrame, bureau: str, keep: dict[str, str]) -> pd.DataFrame:
    """包保: key enterprises to bureau cadres; other targets to the assistance team of the
    department stationed in their subdistrict.  ``keep``: last week's unit → cadre."""
    bureau_cadres = list(cadres.loc[cadres.dept == bureau, "cadre_id"])
    key_duty = spread(list(keys.unit_id), bureau_cadres, keep)
    team = cadres[cadres.on_team]
    dept_of = dict(zip(links.subdistrict, links.dept, strict=True))
    others = targets[~targets.unit_id.isin(keys.unit_id)]
    preferred = {r.unit_id: list(team.loc[team.dept == dept_of.get(r.subdistrict), "cadre_id"])
                 for r in others.itertuples()}
    team_duty = spread(list(others.unit_id), list(team.cadre_id), keep, preferred)
    rows = [(u, c, "包保重点企业") for u, c in key_duty.items()]
    rows += [(u, c, "帮扶对象") for u, c in team_duty.items()]
    return pd.DataFrame(rows, columns=["unit_id", "cadre_id", "duty"])


def team_roster(links, cadres, experts, duty, expert_plan, targets) -> pd.DataFrame:
    """The "8+1+1" team (队伍名册): departments, the assistance team, the experts."""
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
