"""标准化评审记录 (standardisation review records): this year's 小微企业不定级评审 of small
and micro 工贸 firms by panels of one to three experts, with the number of peer firms
watching (观摩企业数).  77 reviews and 44 passes at the reference size; passers become
小微达标 (and 评审达标 in ``demo.tiers``), the others 未达标.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo.common import AS_OF, draw_days, fmt_ids, join, scaled, weighted_sample
from demo.experts import ExpertPicker, unit_domains
from demo.files import frame
from demo.units import Units
from pipeline.core.ledgers import REVIEWS

REVIEWS_START = np.datetime64("2023-03-01")
N_REVIEWS, N_REVIEWS_PASSED = 77, 44


@dataclass
class Reviews:
    unit: np.ndarray         # unit row index
    day: np.ndarray
    passed: np.ndarray
    experts: list[list[int]]
    observers: np.ndarray


def _review_units(rng, units: Units, n_reviews: int) -> np.ndarray:
    """Distinct active small/micro 工贸 firms without a grade of 三级 or better."""
    eligible = (units.is_cat("工贸企业") & units.active & (units.employees < 100)
                & ~np.isin(units.grade, ["一级", "二级", "三级", "小微达标"]))
    return rng.permutation(weighted_sample(rng, eligible.astype(float), n_reviews))


def plan_reviews(rng, units: Units, n_units: int) -> Reviews:
    """小微企业不定级评审 of this year; passers become 小微达标, the others 未达标."""
    rows = _review_units(rng, units, scaled(N_REVIEWS, n_units))
    days = draw_days(rng, rows.size, REVIEWS_START, AS_OF, growth=0.5, off_day_weight=0.0)
    passed = np.zeros(rows.size, dtype=bool)
    passed[rng.permutation(rows.size)[: scaled(N_REVIEWS_PASSED, n_units)]] = True
    units.grade[rows] = np.where(passed, "小微达标", "未达标")
    observers = rng.binomial(12, 0.45, size=rows.size)
    return Reviews(unit=rows, day=days, passed=passed, experts=[[] for _ in rows], observers=observers)


def staff_reviews(rng, reviews: Reviews, units: Units, picker: ExpertPicker) -> None:
    """评审专家: a panel of one to three experts of the unit's domain, in date order."""
    domains = unit_domains(units)
    sizes = rng.choice([1, 2, 3], size=reviews.unit.size, p=[0.25, 0.45, 0.30])
    for i in np.argsort(reviews.day, kind="stable"):
        u = int(reviews.unit[i])
        reviews.experts[i] = picker.pick(rng, int(domains[u]), u, reviews.day[i], int(sizes[i]))


def reviews_frame(r: Reviews, units: Units, experts: pd.DataFrame, dates) -> pd.DataFrame:
    """The ledger with its Chinese headers, in date order."""
    order = np.argsort(r.day, kind="stable")
    width = max(3, len(str(order.size)))
    return frame(REVIEWS, {
        "review_id": fmt_ids("PS2023", np.arange(1, order.size + 1), width),
        "unit_id": units.unit_id[r.unit[order]], "reviewed_on": dates(r.day[order]),
        "review_kind": np.full(order.size, "小微企业不定级评审", dtype=object),
        "result": np.where(r.passed[order], "通过", "不通过"),
        "expert_ids": join(experts["expert_id"].to_numpy(), (r.experts[i] for i in order)),
        "observers": r.observers[order],
    })
