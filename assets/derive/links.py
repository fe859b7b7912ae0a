"""Department links (部门驻点): which district department is stationed in which subdistrict.

An optimal one-to-one assignment (Hungarian method, ``scipy.optimize.linear_sum_assignment``)
maximising the fit between each department's domains and each subdistrict's
over-represented features (location quotients of ``subdistrict_features``); links fixed
in the configuration (links.fixed) override.  The links are decided once per phase of the
campaign, at its first week; each week's data only proposes changes (建议调整), never
re-links silently.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from pipeline.core.weeks import week_label


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
    fit = np.array([[dept_fit(lq, s, domains[d]) for s in subs] for d in depts])
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


def dept_fit(lq: pd.DataFrame, sub: str, domains) -> float:
    """Fit of a department to a subdistrict: the mean location quotient of its domains there
    (``lq``: subdistricts × features); 0 without domains or without the subdistrict."""
    if sub not in lq.index or not len(domains):
        return 0.0
    return float(np.mean([lq.at[sub, t] if t in lq.columns else 0.0 for t in domains]))


def link_reason(features: pd.DataFrame, sub: str, dept: str, domains, is_fixed: bool) -> str:
    mine = features[(features.subdistrict == sub) & features.feature.isin(list(domains))]
    mine = mine.sort_values(["lq", "feature"], ascending=[False, True])
    head = "按配置固定驻点；" if is_fixed else ""
    if mine.empty or mine.iloc[0].n == 0:
        return f"{head}{sub}无{dept}职责领域内的单位，按整体最优分配"
    top = mine.iloc[0]
    return (f"{head}{sub}{top.feature}单位{int(top.n)}家，占比为全区平均的{top.lq:.1f}倍，"
            f"与{dept}职责（{'、'.join(domains)}）最契合")




LINK_COLUMNS = ["subdistrict", "dept", "fit", "fixed", "reason", "decided_week", "proposed_dept", "proposal"]


def propose(decided: pd.DataFrame, proposed: pd.DataFrame, features: pd.DataFrame,
            departments: pd.DataFrame, fixed: dict[str, str], decided_week: str) -> pd.DataFrame:
    """The decided links with this week's proposals: where the optimal assignment on this
    week's data (``proposed``, nothing fixed) names another department, ``proposed_dept``
    and ``proposal`` (建议调整为X：reason); a fixed link the data would not choose is
    proposed the same way.  A fixed department that does not take part is said so."""
    domains = dict(zip(departments.dept, departments.domains, strict=True))
    lq = features.pivot_table(index="subdistrict", columns="feature", values="lq", fill_value=0.0)

    def fit(sub: str, dept: str) -> float:
        return dept_fit(lq, sub, list(domains.get(dept, [])))

    best = dict(zip(proposed.subdistrict, proposed.dept, strict=True))
    rows = []
    for r in decided.itertuples():
        other, proposal = best.get(r.subdistrict), None
        current = fit(r.subdistrict, r.dept)
        if other is not None and other != r.dept:
            why = link_reason(features, r.subdistrict, other, domains[other], False)
            head = f"按配置固定驻点{r.dept}，但" if r.fixed else ""
            proposal = (f"建议调整为{other}：{head}按本周数据重新计算，{why}"
                        f"（契合度{fit(r.subdistrict, other):.2f}，现驻点{r.dept}为{current:.2f}）")
        wanted = fixed.get(r.subdistrict)
        if wanted is not None and wanted not in domains:
            proposal = (f"配置固定的驻点部门“{wanted}”不是参与帮扶的区直单位（区直单位台账），未采用，"
                        f"按整体最优分配；请核对 links.fixed" + (f"；{proposal}" if proposal else ""))
        rows.append({"subdistrict": r.subdistrict, "dept": r.dept, "fit": round(current, 3),
                     "fixed": bool(r.fixed), "reason": r.reason, "decided_week": decided_week,
                     "proposed_dept": other if other != r.dept else None, "proposal": proposal})
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def build_links(con, fixed: dict[str, str], first: dt.date, week: dt.date) -> pd.DataFrame:
    """The week's links: those decided at the phase's first week (``first``; the week
    itself outside the campaign), the fixed ones from the configuration, and the optimal
    assignment proposed as a change (nothing fixed) where it names another department.
    Both are worked out on the subdistrict features ``build_week`` wrote for ``week``: the
    units ledger is a snapshot, so the features of an earlier week are the same."""
    departments = con.execute("SELECT dept, domains FROM departments WHERE participates "
                              "ORDER BY dept").df()
    features = con.execute("SELECT * EXCLUDE (week) FROM subdistrict_features WHERE week = ? "
                           "ORDER BY subdistrict, feature",
                           [week_label(week)]).df()
    decided = link_departments(features, departments, fixed)
    proposed = link_departments(features, departments, {})
    return propose(decided, proposed, features, departments, fixed, week_label(first))
