"""Department links (部门驻点): which district department is stationed in which subdistrict.

An optimal one-to-one assignment (Hungarian method, ``scipy.optimize.linear_sum_assignment``)
maximising the fit between each department's domains and each subdistrict's
over-represented features (location quotients of ``subdistrict_features``); links fixed
in the configuration (links.fixed) override.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment


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




def build_links(con, fixed: dict[str, str]) -> pd.DataFrame:
    """The week's links from its subdistrict features and the participating departments."""
    features = con.execute("SELECT * EXCLUDE (week) FROM subdistrict_features "
                           "WHERE week = getvariable('week')").df()
    departments = con.execute("SELECT dept, domains FROM departments WHERE participates "
                              "ORDER BY dept").df()
    return link_departments(features, departments, fixed)
