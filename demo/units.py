"""监管对象台账 (the supervised-units ledger): every production and business unit the bureau
supervises in 丰泽区, with its category (监管类别), industry (行业), subdistrict (所属街道),
credit code, risk features (风险特征), standardisation grade (标准化等级) and status.

At 4,098 supervised units (plus about 60 deregistered ones) each subdistrict
over-represents the features of the department stationed there; at other sizes every
count scales in proportion.  Industries come first (shoes, garments, resin crafts,
electronics, printing, food and warehousing, the mix of an urban Quanzhou district; one
foundry in a thousand), then sizes and features that fit them (``demo.profiles``).  创建类别 and 示范岗位数 are set later (``demo.tiers``),
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
from demo.load import rows
from demo.profiles import industries, industry_features, location_features
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

# The flags that bring their own hazards and inspections (all but 人员密集).
SPECIAL_FLAGS = ("粉尘涉爆", "涉氨制冷", "有限空间作业", "金属冶炼", "危险化学品使用",
                 "自建厂房", "临山临水")

SMALL_BUSINESS = {"工贸企业": (20, 0.35)}   # employees below which a share registers as 92
SMALL_TRADERS = 0.6                          # share of small 商贸仓储 traders that are 92
NO_CODE_PROJECTS = 0.30  # share of 在建施工项目 listed without a credit code
INDIVIDUAL_MAX = 30      # an individual business (92) with more staff registers as a company


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


# ---------------------------------------------------------------- industries, sizes, features

def _subdistrict_factors() -> dict[str, dict[str, float]]:
    """subdistrict -> {industry: weight factor} (tables/subdistrict_industries.csv)."""
    out: dict[str, dict[str, float]] = {}
    for r in rows("subdistrict_industries"):
        out.setdefault(r["subdistrict"], {})[r["industry"]] = float(r["factor"])
    return out


def _industries(rng, cat: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """行业 of every unit: in each (category, subdistrict) cell, counts in proportion to the
    industries' weights there (tables/industries.csv × tables/subdistrict_industries.csv)."""
    table, factors = industries(), _subdistrict_factors()
    industry = np.full(cat.size, "", dtype=object)
    for c, category in enumerate(CATEGORIES):
        names = list(table[category])
        for s, subdistrict in enumerate(SUBDISTRICTS):
            members = rng.permutation(np.flatnonzero((cat == c) & (sub == s)))
            weights = [table[category][i]["weight"] * factors.get(subdistrict, {}).get(i, 1.0)
                       * (table[category][i]["only_in"] in ("", subdistrict)) for i in names]
            counts = apportion(members.size, weights)
            industry[members] = np.repeat(np.array(names, dtype=object), counts)
    return industry


def _employees(rng, cat: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """从业人数: log-normal around each industry's median, within its bounds."""
    table = industries()
    out = np.zeros(cat.size, dtype=np.int64)
    z = rng.standard_normal(cat.size)
    for c, category in enumerate(CATEGORIES):
        for ind, row in table[category].items():
            where = (cat == c) & (industry == ind)
            median, sigma, low, high = row["employees"]
            out[where] = np.clip(np.round(median * np.exp(sigma * z[where])), low, high)
    return out


def _take(rng, flags: np.ndarray, members: np.ndarray, f: int, quota: int) -> None:
    """Give feature ``f`` to ``quota`` random members that lack it."""
    lacking = members[~flags[members, f]]
    if quota > 0 and lacking.size:
        flags[rng.choice(lacking, size=min(quota, lacking.size), replace=False), f] = True


def _risk_flags(rng, cat: np.ndarray, sub: np.ndarray, industry: np.ndarray) -> np.ndarray:
    """风险特征 by quota: round(p * size) units of each industry get each of its features,
    then each (category, subdistrict) cell is brought up to its location rates."""
    flags = np.zeros((cat.size, len(RISK_FLAGS)), dtype=bool)
    for category, ind, feature, p in industry_features():
        members = np.flatnonzero((cat == CATEGORIES.index(category)) & (industry == ind))
        _take(rng, flags, members, RISK_FLAGS.index(feature), int(math.floor(p * members.size + 0.5)))
    rules = location_features()
    for f, feature in enumerate(RISK_FLAGS):
        mine = [r for r in rules if r[0] == feature]
        if not mine:
            continue
        for c, category in enumerate(CATEGORIES):
            for s, subdistrict in enumerate(SUBDISTRICTS):
                rates = [((cc != "*") * 2 + (ss != "*"), rate) for _, cc, ss, rate in mine
                         if cc in ("*", category) and ss in ("*", subdistrict)]
                if not rates:
                    continue
                p = max(rates)[1]                      # the most specific rule
                members = np.flatnonzero((cat == c) & (sub == s))
                quota = int(math.floor(p * members.size + 0.5)) - int(flags[members, f].sum())
                _take(rng, flags, members, f, quota)
    return flags


# ---------------------------------------------------------------- registration and grades

def _credit_types(rng, cat, industry, employees) -> np.ndarray:
    """Credit-code prefix of each unit ('' for projects listed without one)."""
    kind = np.full(cat.size, "", dtype=object)
    table = industries()
    for c, category in enumerate(CATEGORIES):
        for ind, row in table[category].items():
            where = np.flatnonzero((cat == c) & (industry == ind))
            kind[where] = pick_by_share(rng, row["credit"], where.size)
        where = np.flatnonzero(cat == c)
        if category in SMALL_BUSINESS:
            below, share = SMALL_BUSINESS[category]
            share = np.where(industry[where] == "商贸仓储", SMALL_TRADERS, share)
            small = where[(employees[where] < below) & (rng.random(where.size) < share)]
            kind[small] = "92"
        if category == "在建施工项目":
            kind[where[rng.random(where.size) < NO_CODE_PROJECTS]] = ""
    kind[(kind == "92") & (employees > INDIVIDUAL_MAX)] = "91"
    return kind


def _base_grades(rng, cat, employees) -> np.ndarray:
    """标准化等级 before tiers and reviews: a mix for 工贸 by size, mostly empty elsewhere,
    never for schools, hospitals or welfare homes."""
    grade = np.full(cat.size, "", dtype=object)
    trade = np.flatnonzero(cat == CATEGORIES.index("工贸企业"))
    grade[trade] = pick(rng, ["一级", "二级", "三级", "小微达标", "未达标", ""], trade.size,
                        [0.002, 0.03, 0.15, 0.10, 0.28, 0.438])
    e = employees[trade]
    grade[trade[(grade[trade] == "一级") & (e < 300)]] = "二级"
    grade[trade[(grade[trade] == "二级") & (e < 80)]] = "三级"
    grade[trade[(grade[trade] == "小微达标") & (e >= 100)]] = "三级"
    hospitality = np.flatnonzero(np.isin(cat, [CATEGORIES.index("住宿餐饮"), CATEGORIES.index("文旅场所")])
                                 & (employees >= 20))
    grade[hospitality] = pick(rng, ["三级", ""], hospitality.size, [0.06, 0.94])
    return grade


def _last_inspected(rng, cat, kind, employees, flags) -> np.ndarray:
    """最近检查日期 before this year's events: public services, sizeable firms and firms with
    special risks always have one within the last year; small shops now and then none."""
    n = cat.size
    span = int((AS_OF - INSPECTED_SINCE).astype(int))
    always = (np.isin(cat, [CATEGORIES.index(c) for c in ("学校", "医院", "福利机构", "在建施工项目")])
              | (employees >= 50) | flags[:, [RISK_FLAGS.index(f) for f in SPECIAL_FLAGS[:5]]].any(axis=1))
    public = np.isin(cat, [CATEGORIES.index(c) for c in ("学校", "医院", "福利机构")])
    recent = AS_OF - np.where(public, rng.integers(20, 200, size=n),
                              rng.integers(20, 330, size=n)).astype("timedelta64[D]")
    anytime = INSPECTED_SINCE + rng.integers(0, span + 1, size=n).astype("timedelta64[D]")
    never = ~always & (rng.random(n) < np.where((kind == "92") | (employees < 10), 0.3, 0.12))
    last = np.where(always, recent, anytime)
    return np.where(never, np.datetime64("NaT"), last).astype("datetime64[D]")


def _accidents(rng, cat, employees, flags) -> np.ndarray:
    """近三年事故起数: factories and building sites, more often the larger and riskier ones."""
    base = np.select([cat == CATEGORIES.index("工贸企业"), cat == CATEGORIES.index("在建施工项目"),
                      cat == CATEGORIES.index("住宿餐饮")], [0.012, 0.04, 0.003], 0.0)
    p = np.clip(base * np.log1p(employees) / np.log(30) * (1 + 0.5 * flags[:, :5].sum(axis=1)), 0, 0.3)
    first = rng.random(cat.size) < p
    return (first.astype(np.int64) + (first & (rng.random(cat.size) < 0.15))).astype(np.int64)


# ---------------------------------------------------------------- the ledger

def build_units(rng: np.random.Generator, n_units: int) -> Units:
    """Every attribute of the units ledger that does not depend on events."""
    cat, sub, status = _unit_frame(rng, n_units)
    n = cat.size
    width = max(6, len(str(n)))
    industry = _industries(rng, cat, sub)
    employees = _employees(rng, cat, industry)
    flags = _risk_flags(rng, cat, sub, industry)
    kind = _credit_types(rng, cat, industry, employees)
    name = unique_names(rng, cat, industry, kind, sub, employees)
    return Units(
        cat=cat, sub=sub, status=status, unit_id=fmt_ids("FZ", np.arange(1, n + 1), width),
        employees=employees, flags=flags, industry=industry, kind=kind,
        uscc=credit_codes(kind, rng), name=name, address=addresses(rng, cat, sub, flags, industry, name),
        grade=_base_grades(rng, cat, employees), tier=np.full(n, "", dtype=object),
        posts=np.zeros(n, dtype=np.int64), accidents=_accidents(rng, cat, employees, flags),
        last_inspected=_last_inspected(rng, cat, kind, employees, flags),
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
