"""What can occur where: the consistency table of supervised units (监管对象的一致性表).

``CONSISTENCY`` is the rule, in code: for each category (监管类别) its industries (行业) and
the risk features (风险特征) a unit of that industry can have.  The data tables give the
rates within that rule and are checked against it when they are read:

- ``tables/industries.csv``: each industry's weight, size (employees) and registration kinds;
- ``tables/industry_features.csv``: the rate of each feature within an industry;
- ``tables/location_features.csv``: features that come with the place (自建厂房 in 东海,
  临山临水 in 清源 and 北峰, the crowded night-time venues of 泉秀).

The rule follows the industries' processes: dust explosions (粉尘涉爆) where wood, metal
polishing, grain, textile fluff or resin sanding make combustible dust; ammonia
refrigeration (涉氨制冷) in seafood freezing, cold storage and some food plants; confined
spaces (有限空间作业) in fermentation tanks, sewage pits and silos of food and textile
plants; metal smelting (金属冶炼) only in casting.  Schools, hospitals, welfare homes,
venues, building sites and hotels or restaurants carry none of the four features of MEM
Order No.10; they have their own hazards (fire, electricity, gas, special equipment,
crowds) and take no 工贸 standardization review.
"""

from __future__ import annotations

from functools import cache

from demo.load import rows
from pipeline.core.ledgers import CATEGORIES, RISK_FLAGS

GONGMAO = "工贸企业"
# Features every unit may have because of where it is (the location rules).
PLACE = frozenset({"临山临水"})
# A 工贸 firm may also sit in a self-built factory and be labour-intensive (人员密集).
GONGMAO_PLACE = frozenset({"临山临水", "自建厂房", "人员密集"})
# Categories whose units get no 工贸 standardization grade, tier or review.
NO_STANDARDIZATION = ("学校", "医院", "福利机构")


def _gongmao(*features: str) -> frozenset[str]:
    return frozenset(features) | GONGMAO_PLACE


def _other(*features: str) -> frozenset[str]:
    return frozenset(features) | PLACE


CONSISTENCY: dict[str, dict[str, frozenset[str]]] = {
    "工贸企业": {
        "服装服饰": _gongmao(),
        "纺织": _gongmao("粉尘涉爆", "有限空间作业"),            # fluff; dye-house sewage pits
        "制鞋": _gongmao("危险化学品使用"),                       # adhesives and primers
        "箱包": _gongmao("危险化学品使用"),
        "树脂工艺品": _gongmao("危险化学品使用", "粉尘涉爆"),     # resin, hardener; sanding dust
        "石材工艺品": _gongmao(),                                 # stone dust does not burn
        "印刷": _gongmao("危险化学品使用"),                       # inks and cleaning solvents
        "包装装潢": _gongmao("危险化学品使用"),
        "电子电器": _gongmao("危险化学品使用"),
        "机械制造": _gongmao("危险化学品使用"),
        "金属制品": _gongmao("粉尘涉爆", "危险化学品使用"),       # polishing dust; pickling
        "木制品家具": _gongmao("粉尘涉爆", "危险化学品使用"),     # wood dust; paints
        "塑料制品": _gongmao("危险化学品使用"),
        "食品制造": _gongmao("有限空间作业", "涉氨制冷"),         # sewage pits; some cold rooms
        "水产品加工": _gongmao("涉氨制冷", "有限空间作业"),       # freezing; sewage pits
        "粮食加工": _gongmao("粉尘涉爆", "有限空间作业"),         # flour dust; silos
        "调味品酿造": _gongmao("有限空间作业"),                   # fermentation tanks
        "茶叶加工": _gongmao(),
        "商贸仓储": _gongmao(),
        "冷链仓储": _gongmao("涉氨制冷"),
        "精密铸造": _gongmao("金属冶炼"),
    },
    "学校": {
        "学前教育": _other("人员密集"),
        "初等教育": _other("人员密集", "危险化学品使用"),         # science rooms
        "中等教育": _other("人员密集", "危险化学品使用"),         # laboratories
        "技能培训": _other("人员密集"),
    },
    "医院": {
        "门诊部（所）": _other("人员密集", "危险化学品使用"),
        "社区卫生服务中心（站）": _other("人员密集", "危险化学品使用"),
        "综合医院": _other("人员密集", "危险化学品使用"),         # oxygen, ethanol, reagents
        "专科医院": _other("人员密集", "危险化学品使用"),
    },
    "福利机构": {
        "养老院": _other("人员密集"),
        "老年人照护服务": _other("人员密集"),
        "残疾人康复服务": _other("人员密集"),
    },
    "文旅场所": {
        "歌舞厅娱乐活动": _other("人员密集"),
        "网吧活动": _other("人员密集"),
        "游艺娱乐活动": _other("人员密集"),
        "电影放映": _other("人员密集"),
        "健身休闲活动": _other("人员密集"),
        "剧本娱乐活动": _other("人员密集"),
        "文艺表演场馆": _other("人员密集"),
        "群众文体活动": _other("人员密集"),
    },
    "在建施工项目": {
        "房屋建筑业": _other(),
        "市政道路工程": _other(),
    },
    "住宿餐饮": {
        "旅游饭店": _other("人员密集"),
        "一般旅馆": _other("人员密集"),
        "民宿服务": _other("人员密集"),
        "正餐服务": _other("人员密集"),
        "快餐服务": _other("人员密集"),
        "饮料及冷饮服务": _other("人员密集"),
    },
}


def allowed(category: str, industry: str) -> frozenset[str]:
    """The features a unit of ``industry`` in ``category`` can have (empty if unknown)."""
    return CONSISTENCY.get(category, {}).get(industry, frozenset())


def _shares(cell: str) -> dict[str, float]:
    """'12:40 52:60' -> {'12': 40.0, '52': 60.0}; '91' -> {'91': 1.0}."""
    out = {}
    for part in cell.split():
        prefix, _, weight = part.partition(":")
        out[prefix] = float(weight or 1)
    return out


@cache
def industries() -> dict[str, dict[str, dict]]:
    """category -> industry -> its row of tables/industries.csv (typed), in file order."""
    out: dict[str, dict[str, dict]] = {}
    for r in rows("industries"):
        out.setdefault(r["category"], {})[r["industry"]] = {
            "weight": float(r["weight"]),
            "employees": (float(r["employees_median"]), float(r["employees_sigma"]),
                          int(r["employees_min"]), int(r["employees_max"])),
            "credit": _shares(r["credit"]),
            "words": tuple(w for w in r["name_words"].split("、") if w),
            "small_words": tuple(w for w in r["small_words"].split("、") if w),
            "only_in": r["only_in"],
        }
    check_tables()
    return out


def industry_features() -> list[tuple[str, str, str, float]]:
    """(category, industry, feature, probability) rows of tables/industry_features.csv."""
    return [(r["category"], r["industry"], r["feature"], float(r["probability"]))
            for r in rows("industry_features")]


def location_features() -> list[tuple[str, str, str, float]]:
    """(feature, category or '*', subdistrict or '*', probability) of tables/location_features.csv."""
    return [(r["feature"], r["category"], r["subdistrict"], float(r["probability"]))
            for r in rows("location_features")]


def check_tables() -> None:
    """The data tables stay within CONSISTENCY; raises ValueError naming the offending row."""
    if set(CONSISTENCY) != set(CATEGORIES):
        raise ValueError("CONSISTENCY must name every category")
    for features in (f for inds in CONSISTENCY.values() for f in inds.values()):
        if not features <= set(RISK_FLAGS):
            raise ValueError(f"unknown features in CONSISTENCY: {sorted(features - set(RISK_FLAGS))}")
    listed = {(r["category"], r["industry"]) for r in rows("industries")}
    known = {(c, i) for c, inds in CONSISTENCY.items() for i in inds}
    if listed != known:
        raise ValueError(f"industries.csv and CONSISTENCY differ: {sorted(listed ^ known)}")
    for category, industry, feature, p in industry_features():
        if feature not in allowed(category, industry) or not 0 <= p <= 1:
            raise ValueError(f"industry_features.csv: {category}/{industry} cannot have {feature} ({p})")
    for feature, category, _, p in location_features():
        cats = CATEGORIES if category == "*" else (category,)
        if not all(feature in allowed(c, i) for c in cats for i in CONSISTENCY[c]) or not 0 <= p <= 1:
            raise ValueError(f"location_features.csv: {feature} is not possible for every {category}")
