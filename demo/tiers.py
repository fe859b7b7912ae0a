"""创建类别 and 示范岗位数 of the units ledger (监管对象台账): the enterprises the assistance
mechanism holds up as models — 精品, 标杆 and 评审达标 (10, 69 and 221 at the reference
size) — and the 1,400 demonstration posts (示范岗位), mostly on those enterprises.
"""

from __future__ import annotations

import numpy as np

from demo.common import pick, scaled, weighted_sample
from demo.reviews import Reviews
from demo.units import Units

TIER_COUNTS = {"精品": 10, "标杆": 69, "评审达标": 221}
DEMO_POSTS = 1400


def assign_tiers(rng, units: Units, reviews: Reviews, n_units: int) -> None:
    """精品 / 标杆 / 评审达标 among supervised units, with grades that fit the tier."""
    taken = np.zeros(units.n, dtype=bool)
    taken[reviews.unit] = True
    size = units.employees.astype(float)
    active_trade = units.active & units.is_cat("工贸企业")
    hospitality = units.active & (units.is_cat("住宿餐饮") | units.is_cat("文旅场所"))
    counts = {t: scaled(c, n_units) for t, c in TIER_COUNTS.items()}

    passers = reviews.unit[reviews.passed]
    plan = [  # tier, eligible, weight exponent, share of hospitality, grades
        ("精品", active_trade, 1.5, 0.0, (["一级", "二级"], [0.3, 0.7])),
        ("标杆", active_trade, 1.0, 0.08, (["二级", "三级"], [0.4, 0.6])),
        ("评审达标", active_trade, 0.5, 0.10, (["三级", "小微达标"], [0.5, 0.5])),
    ]
    for tier, eligible, power, other_share, (grades, p) in plan:
        need = counts[tier]
        if tier == "评审达标":      # every review passer counts towards 评审达标
            units.tier[passers] = tier
            taken[passers] = True
            need -= passers.size
        n_other = int(round(need * other_share))
        picked = np.concatenate([
            weighted_sample(rng, np.where(eligible & ~taken, size ** power, 0.0), need - n_other),
            weighted_sample(rng, np.where(hospitality & ~taken, size ** power, 0.0), n_other),
        ])
        units.tier[picked] = tier
        units.grade[picked] = pick(rng, grades, picked.size, p)
        big = picked[units.employees[picked] >= 100]
        units.grade[big] = np.where(units.grade[big] == "小微达标", "三级", units.grade[big])  # 小微 = small
        taken[picked] = True


def assign_demo_posts(rng, units: Units, n_units: int) -> None:
    """示范岗位数 summing exactly to the published total, mostly on tiered enterprises."""
    total = scaled(DEMO_POSTS, n_units)
    base = np.select([units.tier == "精品", units.tier == "标杆", units.tier == "评审达标"], [5, 2, 1], 0)
    if base.sum() > total:          # only at tiny sizes
        base = np.zeros_like(base)
    weight = np.select([units.tier == "精品", units.tier == "标杆", units.tier == "评审达标",
                        np.isin(units.grade, ["一级", "二级"]) & units.active,
                        (units.grade == "三级") & units.active], [12.0, 5.0, 1.2, 0.8, 0.2], 0.0)
    if weight.sum() == 0:           # tiny sizes: no tiered or graded unit at all
        weight = np.ones(units.n)
    rest = max(0, total - int(base.sum()))
    units.posts = base + rng.multinomial(rest, weight / weight.sum())
