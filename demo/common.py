"""What every ledger shares: the reporting period, scaling to the requested size,
seeded random draws, the 2023 working calendar, ids and cell formatting.

All draws take the one ``numpy.random.Generator`` created from the seed in
``demo.generate``; the order of the calls there fixes the bytes of every file.
"""

from __future__ import annotations

import math

import numpy as np

from demo.load import rows

PERIOD_START = np.datetime64("2023-01-02")      # Monday of week 1
AS_OF = np.datetime64("2023-08-13")             # Sunday closing week 32
MECHANISM_START = np.datetime64("2023-04-01")   # the assistance mechanism (帮扶机制) starts
REFERENCE_UNITS = 4098                          # the published number of supervised units
SEED = 20230813

# 重大事故隐患专项排查整治2023行动: the phases of pipeline/bangfu.yaml (campaign.phases), as
# (name, first day, last day); a test keeps the two the same.  The demo's events follow
# them: enterprises inspect themselves most in 企业自查自改和部门帮扶, departments enforce
# most in 部门精准执法, and MEM Order No.10 applies from 2023-05-15.
CAMPAIGN_PHASES = (
    ("动员部署", np.datetime64("2023-04-27"), np.datetime64("2023-04-30")),
    ("企业自查自改和部门帮扶", np.datetime64("2023-05-01"), np.datetime64("2023-06-30")),
    ("部门精准执法", np.datetime64("2023-07-01"), np.datetime64("2023-11-30")),
    ("总结提高", np.datetime64("2023-12-01"), np.datetime64("2023-12-31")),
)
ORDER10_IN_FORCE = np.datetime64("2023-05-15")


def phase_index(days: np.ndarray) -> np.ndarray:
    """Index into CAMPAIGN_PHASES of each day, -1 outside the campaign."""
    out = np.full(days.shape, -1, dtype=np.int64)
    for i, (_, first, last) in enumerate(CAMPAIGN_PHASES):
        out[(days >= first) & (days <= last)] = i
    return out

# ---------------------------------------------------------------- scale

def scaled(count: float, n_units: int) -> int:
    """``count`` at the reference size, scaled to ``n_units`` (half up)."""
    return int(math.floor(count * n_units / REFERENCE_UNITS + 0.5))


def apportion(total: int, weights) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    quota = total * w / w.sum()
    base = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


# ---------------------------------------------------------------- seeded draws

def norm(weights) -> np.ndarray:
    """Weights as probabilities."""
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn with probability ∝ weight (zero weight never), sorted."""
    weights = np.asarray(weights, dtype=float)
    keys = rng.exponential(size=weights.size)
    keys = np.where(weights > 0, keys / np.where(weights > 0, weights, 1.0), np.inf)
    k = min(k, int((weights > 0).sum()))
    return np.sort(np.argpartition(keys, k - 1)[:k]) if k > 0 else np.array([], dtype=np.int64)


def pick(rng: np.random.Generator, options, n: int, weights=None) -> np.ndarray:
    """``n`` draws (with replacement) from ``options`` as an object array."""
    options = np.asarray(list(options), dtype=object)
    p = None if weights is None else np.asarray(weights, float) / np.sum(weights)
    return options[rng.choice(len(options), size=n, p=p)]


def pick_by_share(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """``n`` draws of the keys of ``shares``, weighted by its values."""
    return pick(rng, list(shares), n, list(shares.values()))


def unique_strings(rng: np.random.Generator, n: int, draw) -> list[str]:
    """``n`` distinct values from repeated calls of ``draw(rng)``."""
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen.setdefault(draw(rng), None)
    return list(seen)


# ---------------------------------------------------------------- calendar

def _calendar(kind: str) -> np.ndarray:
    """Dates of tables/holidays.csv of one kind: 放假 or 调休上班."""
    return np.array([r["date"] for r in rows("holidays") if r["kind"] == kind], dtype="datetime64[D]")


def workday_mask(days: np.ndarray) -> np.ndarray:
    """True on Chinese working days of 2023 (weekdays, less holidays, plus make-up days)."""
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7 < 5   # 1970-01-01 was a Thursday
    holiday = np.isin(days, _calendar("放假"))
    makeup = np.isin(days, _calendar("调休上班"))
    return (weekday & ~holiday) | makeup


def draw_days(rng, n: int, start, end, growth: float, off_day_weight: float,
              boost_from=None, boost: float = 1.0) -> np.ndarray:
    """``n`` sorted dates in [start, end], intensity growing linearly by ``growth`` over the span."""
    days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
    t = np.linspace(0.0, 1.0, days.size)
    w = (1.0 + growth * t) * np.where(workday_mask(days), 1.0, off_day_weight)
    if boost_from is not None:
        w = w * np.where(days >= boost_from, boost, 1.0)
    return np.sort(days[rng.choice(days.size, size=n, p=w / w.sum())])


# ---------------------------------------------------------------- cells

def fmt_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """IDs such as FZ000123 as an object array."""
    return np.array([f"{prefix}{i:0{width}d}" for i in numbers], dtype=object)


def iso(days: np.ndarray) -> np.ndarray:
    """ISO date strings, '' where the date is missing."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    return np.where(np.isnat(days), "", text)


def slash(iso_dates: np.ndarray) -> np.ndarray:
    """ISO date strings rewritten as 2023/8/15 (no zero padding); '' stays ''."""
    def one(text: str) -> str:
        return "/".join(str(int(part)) for part in text.split("-")) if text else ""
    return np.array([one(t) for t in iso_dates], dtype=object)


def join(ids: np.ndarray, rows_of_indices) -> np.ndarray:
    """Multi-value cells: ``ids`` picked by each row's indices, joined with 、."""
    return np.array(["、".join(ids[list(r)]) for r in rows_of_indices], dtype=object)
