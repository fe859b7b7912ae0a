"""监管对象台账 (the supervised-units ledger): every production and business unit the bureau
supervises in 丰泽区, with its category (监管类别), subdistrict (所属街道), credit code,
risk features (风险特征), standardisation grade (标准化等级) and status (在营/停产/注销).

At 4,098 supervised units (plus about 60 deregistered ones) each subdistrict
over-represents the features of the department stationed there; at other sizes every
count scales in proportion.  创建类别 and 示范岗位数 are set later (``demo.tiers``),
最近检查日期 is brought up to date from the events (``update_last_inspected``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from demo.common import AS_OF, apportion, fmt_ids, pick, pick_by_share, scaled
from demo.credit_codes import credit_codes
from demo.files import frame
from demo.load import rows, split
from demo.unit_names import addresses, unique_names
from pipeline.core.ledgers import CATEGORIES, RISK_FLAGS, SUBDISTRICTS, UNITS

if TYPE_CHECKING:
    from demo.hazards import Hazards
    from demo.visits import Visits

INSPECTED_SINCE = np.datetime64("2022-06-01")   # earliest 最近检查日期

# Supervised units per subdistrict and category at 4,098 units (columns in CATEGORIES
# order: 工贸企业 学校 医院 福利机构 文旅场所 在建施工项目 住宿餐饮).  Each row over-represents
# the category of the department stationed there.
SUBDISTRICT_MIX = {
    "丰泽街道": (170, 18, 12, 4, 40, 12, 250),   # 住宿餐饮 → 区商务局
    "东湖街道": (200, 45, 14, 5, 25, 15, 100),   # 学校 → 区教育局
    "泉秀街道": (250, 20, 10, 3, 125, 15, 150),  # 文旅场所, 人员密集 → 区文体旅游局
    "清源街道": (300, 16, 7, 4, 40, 20, 85),     # 临山临水 → 区城管局
    "华大街道": (230, 15, 31, 3, 20, 15, 83),    # 医院 → 区卫生健康局
    "城东街道": (330, 18, 10, 13, 30, 38, 80),   # 福利机构 → 区民政局
    "东海街道": (370, 20, 8, 4, 25, 60, 90),     # 自建厂房, 在建施工项目 → 区住建局
    "北峰街道": (600, 8, 3, 2, 5, 10, 22),       # 工贸企业, 粉尘涉爆, 金属冶炼 → 区工信科技局
}
N_DEREGISTERED = 60
DEREGISTERED_MIX = {"工贸企业": 30, "住宿餐饮": 25, "文旅场所": 5}
IDLE_RATE = {"工贸企业": 0.02, "住宿餐饮": 0.02, "文旅场所": 0.015, "在建施工项目": 0.01}

ALL_CATS = "*"
# Risk flag probabilities: flag -> {category: (default, {subdistrict: probability})}.
FLAG_RULES: dict[str, dict[str, tuple[float, dict[str, float]]]] = {
    "粉尘涉爆": {"工贸企业": (0.025, {"北峰街道": 0.12})},
    "涉氨制冷": {"工贸企业": (0.004, {"北峰街道": 0.025, "东海街道": 0.012})},
    "有限空间作业": {"工贸企业": (0.08, {"北峰街道": 0.16})},
    "金属冶炼": {"工贸企业": (0.01, {"北峰街道": 0.05})},
    "危险化学品使用": {"工贸企业": (0.07, {"北峰街道": 0.10}), "学校": (0.15, {}),
                  "医院": (0.30, {})},
    "自建厂房": {"工贸企业": (0.10, {"东海街道": 0.75, "北峰街道": 0.05})},
    "临山临水": {ALL_CATS: (0.015, {"清源街道": 0.40, "北峰街道": 0.12})},
    "人员密集": {"文旅场所": (0.95, {}), "学校": (0.90, {}), "医院": (0.95, {}),
             "福利机构": (1.0, {}), "住宿餐饮": (0.55, {"泉秀街道": 0.90}),
             "工贸企业": (0.02, {"泉秀街道": 0.15})},
}
# The flags that bring their own hazards and inspections (all but 人员密集).
SPECIAL_FLAGS = ("粉尘涉爆", "涉氨制冷", "有限空间作业", "金属冶炼", "危险化学品使用",
                 "自建厂房", "临山临水")

# Employees: (median, log-sd) of a log-normal, per category.
EMPLOYEES = {"工贸企业": (35, 1.0), "学校": (90, 0.6), "医院": (150, 0.9), "福利机构": (25, 0.6),
             "文旅场所": (15, 0.7), "在建施工项目": (80, 0.7), "住宿餐饮": (12, 0.7)}

# Credit-code prefix shares per category (92 only for small units, see _credit_types).
CREDIT_TYPES = {
    "工贸企业": {"91": 1.0}, "住宿餐饮": {"91": 1.0},
    "文旅场所": {"91": 0.80, "92": 0.15, "12": 0.05},
    "在建施工项目": {"91": 0.70, "12": 0.30},
    "学校": {"12": 0.65, "52": 0.30, "91": 0.05},
    "医院": {"12": 0.35, "52": 0.15, "91": 0.35, "92": 0.15},
    "福利机构": {"52": 0.50, "12": 0.25, "91": 0.25},
}
SMALL_BUSINESS = {"工贸企业": (20, 0.35), "住宿餐饮": (15, 0.55)}  # employees below, share 92
NO_CODE_PROJECTS = 0.30  # share of 在建施工项目 listed without a credit code


@dataclass
class Units:
    """Column arrays of the units ledger plus generation helpers (index = row)."""
    cat: np.ndarray          # index into CATEGORIES
    sub: np.ndarray          # index into SUBDISTRICTS
    status: np.ndarray
    unit_id: np.ndarray
    employees: np.ndarray
    flags: np.ndarray        # bool (n, len(RISK_FLAGS))
    industry: np.ndarray
    word: np.ndarray         # 工贸 name word for the industry
    kind: np.ndarray         # credit-code prefix or ''
    uscc: np.ndarray
    name: np.ndarray
    address: np.ndarray
    grade: np.ndarray
    tier: np.ndarray
    posts: np.ndarray
    accidents: np.ndarray
    last_inspected: np.ndarray

    @property
    def n(self) -> int:
        return self.cat.size

    def is_cat(self, category: str) -> np.ndarray:
        return self.cat == CATEGORIES.index(category)

    @property
    def active(self) -> np.ndarray:
        return self.status == "在营"

    def flag(self, name: str) -> np.ndarray:
        return self.flags[:, RISK_FLAGS.index(name)]

    @property
    def special(self) -> np.ndarray:
        """Bool (n, len(SPECIAL_FLAGS)): the unit's special risk flags."""
        return self.flags[:, [RISK_FLAGS.index(f) for f in SPECIAL_FLAGS]]


# ---------------------------------------------------------------- who is supervised

def _unit_frame(rng, n_units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Category, subdistrict and status of every unit, shuffled (supervised + 注销)."""
    mix = np.array([SUBDISTRICT_MIX[s] for s in SUBDISTRICTS])          # (sub, cat)
    cat_totals = apportion(n_units, mix.sum(axis=0))
    cats, subs = [], []
    for c, total in enumerate(cat_totals):
        per_sub = apportion(int(total), mix[:, c])
        cats.append(np.full(total, c))
        subs.append(np.repeat(np.arange(len(SUBDISTRICTS)), per_sub))
    idle_p = np.array([IDLE_RATE.get(c, 0.0) for c in CATEGORIES])
    cat, sub = np.concatenate(cats), np.concatenate(subs)
    status = np.where(rng.random(cat.size) < idle_p[cat], "停产", "在营").astype(object)

    n_dereg = scaled(N_DEREGISTERED, n_units)
    d_cats = np.repeat([CATEGORIES.index(c) for c in DEREGISTERED_MIX],
                       apportion(n_dereg, list(DEREGISTERED_MIX.values())))
    d_subs = np.array([rng.choice(len(SUBDISTRICTS), p=mix[:, c] / mix[:, c].sum()) for c in d_cats],
                      dtype=np.int64)
    cat = np.concatenate([cat, d_cats])
    sub = np.concatenate([sub, d_subs])
    status = np.concatenate([status, np.full(n_dereg, "注销", dtype=object)])
    order = rng.permutation(cat.size)
    return cat[order], sub[order], status[order]


def _employees(rng, cat: np.ndarray) -> np.ndarray:
    median = np.array([EMPLOYEES[c][0] for c in CATEGORIES])[cat]
    sigma = np.array([EMPLOYEES[c][1] for c in CATEGORIES])[cat]
    return np.clip(np.round(median * np.exp(sigma * rng.standard_normal(cat.size))), 3, 3000).astype(np.int64)


# ---------------------------------------------------------------- risk features and industries

def _flag_probabilities() -> np.ndarray:
    """Array (flag, category, subdistrict) of probabilities from FLAG_RULES."""
    p = np.zeros((len(RISK_FLAGS), len(CATEGORIES), len(SUBDISTRICTS)))
    for f, flag in enumerate(RISK_FLAGS):
        for category, (default, by_sub) in FLAG_RULES[flag].items():
            cats = range(len(CATEGORIES)) if category == ALL_CATS else [CATEGORIES.index(category)]
            for c in cats:
                p[f, c, :] = [by_sub.get(s, default) for s in SUBDISTRICTS]
    return p


def _risk_flags(rng, cat: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """Flags by quota: in each (category, subdistrict) cell, round(p * size) random units.

    Quotas rather than coin flips keep the subdistrict profiles clear at every size.
    """
    p = _flag_probabilities()
    flags = np.zeros((cat.size, len(RISK_FLAGS)), dtype=bool)
    cell = cat * len(SUBDISTRICTS) + sub
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(len(CATEGORIES) * len(SUBDISTRICTS) + 1))
    for c in range(len(CATEGORIES)):
        for s in range(len(SUBDISTRICTS)):
            k = c * len(SUBDISTRICTS) + s
            members = order[bounds[k]:bounds[k + 1]]
            for f in range(len(RISK_FLAGS)):
                quota = int(math.floor(p[f, c, s] * members.size + 0.5))
                flags[rng.choice(members, size=quota, replace=False), f] = True
    return flags


def _trade_industries() -> dict[str, tuple[float, tuple[str, ...]]]:
    """工贸 industries (tables/trade_industries.csv): industry -> (weight, name words)."""
    return {r["industry"]: (float(r["weight"]), split(r["name_words"])) for r in rows("trade_industries")}


def _industry_boosts() -> dict[str, dict[str, float]]:
    """subdistrict -> {industry: weight factor} (tables/industry_boosts.csv)."""
    out: dict[str, dict[str, float]] = {}
    for r in rows("industry_boosts"):
        out.setdefault(r["subdistrict"], {})[r["industry"]] = float(r["factor"])
    return out


def _industries(rng, cat, sub, flags) -> tuple[np.ndarray, np.ndarray]:
    """行业 of 工贸 firms (pinned by some flags, else by subdistrict mix) and their name word."""
    n = cat.size
    trade_industries, boosts = _trade_industries(), _industry_boosts()
    names = list(trade_industries)
    industry = np.full(n, "", dtype=object)
    trade = cat == CATEGORIES.index("工贸企业")
    for s, subdistrict in enumerate(SUBDISTRICTS):
        where = np.flatnonzero(trade & (sub == s))
        boost = boosts.get(subdistrict, {})
        weights = [trade_industries[i][0] * boost.get(i, 1.0) for i in names]
        industry[where] = pick(rng, names, where.size, weights)
    pinned = np.zeros(n, dtype=bool)
    for r in rows("flag_industries"):       # in priority order: a flag pins the industry
        where = np.flatnonzero(trade & flags[:, RISK_FLAGS.index(r["flag"])] & ~pinned)
        industry[where] = pick(rng, split(r["industries"]), where.size)
        pinned[where] = True
    word = np.full(n, "", dtype=object)
    for ind, (_, words) in trade_industries.items():
        where = np.flatnonzero(industry == ind)
        word[where] = pick(rng, words, where.size)
    return industry, word


# ---------------------------------------------------------------- registration and grades

def _credit_types(rng, cat, employees) -> np.ndarray:
    """Credit-code prefix of each unit ('' for projects listed without one)."""
    kind = np.full(cat.size, "", dtype=object)
    for c, category in enumerate(CATEGORIES):
        where = np.flatnonzero(cat == c)
        kind[where] = pick_by_share(rng, CREDIT_TYPES[category], where.size)
        if category in SMALL_BUSINESS:
            below, share = SMALL_BUSINESS[category]
            small = where[(employees[where] < below) & (rng.random(where.size) < share)]
            kind[small] = "92"
        if category == "在建施工项目":
            kind[where[rng.random(where.size) < NO_CODE_PROJECTS]] = ""
    return kind


def _base_grades(rng, cat) -> np.ndarray:
    """标准化等级 before tiers and reviews: a mix for 工贸, mostly empty elsewhere."""
    grade = np.full(cat.size, "", dtype=object)
    trade = np.flatnonzero(cat == CATEGORIES.index("工贸企业"))
    grade[trade] = pick(rng, ["一级", "二级", "三级", "小微达标", "未达标", ""], trade.size,
                        [0.002, 0.03, 0.15, 0.10, 0.28, 0.438])
    hospitality = np.flatnonzero(np.isin(cat, [CATEGORIES.index("住宿餐饮"), CATEGORIES.index("文旅场所")]))
    grade[hospitality] = pick(rng, ["三级", ""], hospitality.size, [0.03, 0.97])
    return grade


def _last_inspected(rng, n: int) -> np.ndarray:
    """最近检查日期 before this year's events: since mid-2022, empty for about 15%."""
    last = INSPECTED_SINCE + rng.integers(0, int((AS_OF - INSPECTED_SINCE).astype(int)) + 1, size=n)
    return np.where(rng.random(n) < 0.85, last, np.datetime64("NaT")).astype("datetime64[D]")


# ---------------------------------------------------------------- the ledger

def build_units(rng: np.random.Generator, n_units: int) -> Units:
    """Every attribute of the units ledger that does not depend on events."""
    cat, sub, status = _unit_frame(rng, n_units)
    n = cat.size
    width = max(6, len(str(n)))
    employees = _employees(rng, cat)
    flags = _risk_flags(rng, cat, sub)
    industry, word = _industries(rng, cat, sub, flags)
    kind = _credit_types(rng, cat, employees)
    name, industry = unique_names(rng, cat, kind, sub, word, industry)
    last = _last_inspected(rng, n)
    return Units(
        cat=cat, sub=sub, status=status, unit_id=fmt_ids("FZ", np.arange(1, n + 1), width),
        employees=employees, flags=flags, industry=industry, word=word, kind=kind,
        uscc=credit_codes(kind, rng), name=name, address=addresses(rng, cat, sub, flags),
        grade=_base_grades(rng, cat), tier=np.full(n, "", dtype=object),
        posts=np.zeros(n, dtype=np.int64),
        accidents=rng.choice(3, size=n, p=[0.982, 0.015, 0.003]), last_inspected=last,
    )


def update_last_inspected(units: Units, hazards: Hazards, visits: Visits) -> None:
    """最近检查日期 is at least the latest inspection recorded in hazards and visits."""
    inspected = np.isin(hazards.source, ["执法检查", "帮扶检查", "专家指导"])
    on_site = np.isin(visits.kind, ["执法检查", "专家指导"])
    last = units.last_inspected.view("int64").copy()         # NaT is the smallest int64
    np.maximum.at(last, hazards.unit[inspected], hazards.day[inspected].view("int64"))
    np.maximum.at(last, visits.unit[on_site], visits.day[on_site].view("int64"))
    units.last_inspected = last.view("datetime64[D]")


def _join_flags(flags: np.ndarray) -> np.ndarray:
    """风险特征 cells from the (n, flag) matrix, via a table of all flag combinations."""
    bits = flags.astype(np.int64) @ (1 << np.arange(len(RISK_FLAGS)))
    table = np.array(["、".join(f for i, f in enumerate(RISK_FLAGS) if mask >> i & 1)
                      for mask in range(1 << len(RISK_FLAGS))], dtype=object)
    return table[bits]


def units_frame(units: Units, dates) -> pd.DataFrame:
    """The ledger with its Chinese headers; ``dates`` formats 最近检查日期."""
    return frame(UNITS, {
        "unit_id": units.unit_id, "uscc": units.uscc, "name": units.name,
        "category": np.array(CATEGORIES, dtype=object)[units.cat], "industry": units.industry,
        "subdistrict": np.array(SUBDISTRICTS, dtype=object)[units.sub], "address": units.address,
        "employees": units.employees, "risk_flags": _join_flags(units.flags), "std_grade": units.grade,
        "tier": units.tier, "demo_posts": units.posts, "accidents_3y": units.accidents,
        "last_inspected": dates(units.last_inspected), "status": units.status,
    })
