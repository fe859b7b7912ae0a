"""Who helps and how (谁来帮、怎么帮): department links, cadres, experts, inspection pairs.

- Departments ↔ subdistricts: an optimal one-to-one assignment (Hungarian method,
  ``scipy.optimize.linear_sum_assignment``) maximising the fit between each department's
  domains and each subdistrict's over-represented features; fixed links override.
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
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

# ----------------------------------------------------------------------------- links


def link_departments(features: pd.DataFrame, departments: pd.DataFrame,
                     fixed: dict[str, str]) -> pd.DataFrame:
    """One department per subdistrict (as far as numbers allow), with the reason.

    ``features``: subdistrict, feature, n, lq.  ``departments``: dept, domains (list).
    Fit of a department to a subdistrict = mean location quotient of its domains there.
    """
    lq = features.pivot_table(index="subdistrict", columns="feature", values="lq", fill_value=0.0)
    subs = list(lq.index)
    depts = list(departments.dept)
    domains = dict(zip(departments.dept, departments.domains, strict=True))
    fit = np.array([[np.mean([lq.at[s, t] if t in lq.columns else 0.0 for t in domains[d]])
                     if len(domains[d]) else 0.0 for s in subs] for d in depts])
    links = {s: (d, True) for s, d in fixed.items() if s in subs and d in depts}
    free_d = [i for i, d in enumerate(depts) if d not in {d for d, _ in links.values()}]
    free_s = [j for j, s in enumerate(subs) if s not in links]
    if free_d and free_s:
        rows, cols = linear_sum_assignment(fit[np.ix_(free_d, free_s)], maximize=True)
        for r, c in zip(rows, cols, strict=True):
            links[subs[free_s[c]]] = (depts[free_d[r]], False)
    out = []
    for s, (d, is_fixed) in sorted(links.items()):
        fits = fit[depts.index(d), subs.index(s)]
        out.append({"subdistrict": s, "dept": d, "fit": round(float(fits), 3),
                    "fixed": is_fixed, "reason": link_reason(features, s, d, domains[d], is_fixed)})
    return pd.DataFrame(out, columns=["subdistrict", "dept", "fit", "fixed", "reason"])


def link_reason(features: pd.DataFrame, sub: str, dept: str, domains, is_fixed: bool) -> str:
    mine = features[(features.subdistrict == sub) & features.feature.isin(list(domains))]
    mine = mine.sort_values(["lq", "feature"], ascending=[False, True])
    head = "按配置固定驻点；" if is_fixed else ""
    if mine.empty or mine.iloc[0].n == 0:
        return f"{head}{sub}无{dept}职责领域内的单位，按整体最优分配"
    top = mine.iloc[0]
    return (f"{head}{sub}{top.feature}单位{int(top.n)}家，占比为全区平均的{top.lq:.1f}倍，"
            f"与{dept}职责（{'、'.join(domains)}）最契合")


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
