"""单位名称 and 地址 of the units ledger (监管对象台账).

Names follow the registration habits of each kind of unit and industry (a company, an
individual business, a public institution, a private non-enterprise unit) from
tables/unit_names.csv: 泉州市丰泽区 / 泉州 / 福建 + a 字号 + the industry's word + 有限公司,
厂, 商行, 经营部; a 股份有限公司 only for large firms; small shops after their owner
(老陈面线糊店); public schools and community services after their community.

Addresses use the communities, roads and industrial zones of the unit's subdistrict
(tables/places.csv): 北峰工业区, the six blocks of 成洲工业区, 南埔工业小区, 浔美工业区, and
the village-style numbering of self-built factories (东海街道后埔社区后埔128号).
"""

from __future__ import annotations

import re
from functools import cache
from string import Formatter

import numpy as np
import pandas as pd

from demo.common import pick
from demo.load import rows
from demo.names import draw_people, owners, zihao
from demo.profiles import industries
from pipeline.core.ledgers import CATEGORIES, RISK_FLAGS, SUBDISTRICTS

Pattern = tuple[float, str, int, int]   # weight, template, min employees, max employees


@cache
def _name_patterns() -> dict[tuple[str, str, str], list[Pattern]]:
    """(category, industry or '', credit prefix) -> name patterns, in file order."""
    out: dict[tuple[str, str, str], list[Pattern]] = {}
    for r in rows("unit_names"):
        key = (r["category"], r["industry"], r["credit_prefix"])
        top = int(r["max_employees"]) if r["max_employees"] else 10**9
        out.setdefault(key, []).append((float(r["weight"]), r["template"], int(r["min_employees"] or 0), top))
    return out


def _patterns_for(category: str, industry: str, prefix: str) -> list[Pattern]:
    """The industry's own patterns for the prefix, else the category's, else any prefix's."""
    table = _name_patterns()
    for key in ((category, industry, prefix), (category, "", prefix)):
        if key in table:
            return table[key]
    return [p for (c, i, _), ps in table.items() if c == category and i == industry for p in ps]


@cache
def _places() -> dict[tuple[str, str], list[str]]:
    """(subdistrict, kind) -> names of tables/places.csv, in file order."""
    out: dict[tuple[str, str], list[str]] = {}
    for r in rows("places"):
        out.setdefault((r["subdistrict"], r["kind"]), []).append(r["name"])
    return out


def _place_field(rng, sub: np.ndarray, kind: str) -> np.ndarray:
    """A community, road or industrial zone of each unit's subdistrict ('' if it has none)."""
    out = np.full(sub.size, "", dtype=object)
    for s, subdistrict in enumerate(SUBDISTRICTS):
        where = np.flatnonzero(sub == s)
        names = _places().get((subdistrict, kind), [])
        if names and where.size:
            out[where] = pick(rng, names, where.size)
    return out


def _fill(templates: list[str], code: np.ndarray, fields: dict[str, np.ndarray]) -> np.ndarray:
    """Row i gets ``templates[code[i]]`` filled from the row's ``fields``."""
    out = np.full(code.size, "", dtype=object)
    for j, template in enumerate(templates):
        where = np.flatnonzero(code == j)
        if where.size == 0:
            continue
        names = [f for _, f, _, _ in Formatter().parse(template) if f]
        columns = [fields[f][where] for f in names]
        out[where] = [template.format(**dict(zip(names, values, strict=True)))
                      for values in zip(*columns, strict=True)] if names else template
    return out


def _words(rng, cat: np.ndarray, industry: np.ndarray, key: str) -> np.ndarray:
    """The name word of each 工贸 firm's industry: a company's (鞋业, 五金制品, 冷链物流) or,
    with ``key="small_words"``, a workshop's (鞋材, 五金, 冷冻)."""
    word = np.full(cat.size, "", dtype=object)
    for ind, row in industries()[CATEGORIES[0]].items():
        where = np.flatnonzero((cat == 0) & (industry == ind))
        if where.size and row[key]:
            word[where] = pick(rng, row[key], where.size)
    return word


def _draw_names(rng, cat, industry, kind, sub, employees) -> np.ndarray:
    """Unit names from the patterns of each unit's category, industry and credit prefix."""
    n = cat.size
    community = _place_field(rng, sub, "社区")
    fields = {"zh": zihao(rng, n), "owner": owners(rng, n), "person": draw_people(rng, n),
              "place": np.where(community == "", np.array(SUBDISTRICTS, dtype=object)[sub].astype(str),
                                community).astype(object),
              "road": _place_field(rng, sub, "道路"), "sub": np.array(SUBDISTRICTS, dtype=object)[sub],
              "word": _words(rng, cat, industry, "words"), "small": _words(rng, cat, industry, "small_words")}
    fields["place"] = np.array([p.removesuffix("街道") for p in fields["place"]], dtype=object)
    code = np.full(n, -1, dtype=np.int64)
    templates: list[str] = []
    prefix = np.where(kind == "", "", kind)
    groups = pd.DataFrame({"c": cat, "i": industry, "p": prefix}).groupby(["c", "i", "p"], sort=True).indices
    for (c, ind, pre), where in groups.items():
        patterns = _patterns_for(CATEGORIES[c], ind, pre)
        w, lo, hi = (np.array([p[k] for p in patterns], dtype=float) for k in (0, 2, 3))
        e = employees[where][:, None]
        weight = np.where((e >= lo) & (e <= hi), w, 0.0)
        weight[weight.sum(axis=1) == 0] = w                  # no size fits: any pattern
        cum = np.cumsum(weight / weight.sum(axis=1, keepdims=True), axis=1)
        choice = np.minimum((cum < rng.random(where.size)[:, None]).sum(axis=1), len(patterns) - 1)
        code[where] = len(templates) + choice
        templates += [t for _, t, _, _ in patterns]
    return _fill(templates, code, fields)


def unique_names(rng, cat, industry, kind, sub, employees, rounds: int = 40) -> np.ndarray:
    """Unit names, re-drawn where they repeat; leftovers (only at huge sizes) get a number."""
    name = _draw_names(rng, cat, industry, kind, sub, employees)
    before = cat.size
    for _ in range(rounds):
        dup = np.flatnonzero(pd.Series(name).duplicated().to_numpy())
        if dup.size == 0 or dup.size > max(1000, 0.7 * before):   # done, or the name space is full
            break
        before = dup.size
        name[dup] = _draw_names(rng, cat[dup], industry[dup], kind[dup], sub[dup], employees[dup])
    seq = pd.Series(name).groupby(name).cumcount().to_numpy()
    suffix = "（" + (seq + 1).astype(str).astype(object) + "）"
    return np.where(seq > 0, name + suffix, name)


def _named_places(name: np.ndarray, sub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The community and the road of its own subdistrict that a unit's name mentions
    (泉州市丰泽区浔美小学, 丰泽区云谷街雨污分流改造工程), '' where none."""
    community = np.full(name.size, "", dtype=object)
    road = np.full(name.size, "", dtype=object)
    names = pd.Series(name, dtype=object)
    for s, subdistrict in enumerate(SUBDISTRICTS):
        where = np.flatnonzero(sub == s)
        for kind, out in (("社区", community), ("道路", road)):
            places = sorted(_places().get((subdistrict, kind), []), key=len, reverse=True)
            if places and where.size:
                mine = names.iloc[where].str.replace(subdistrict, "", regex=False)
                found = mine.str.extract(f"[区道]({'|'.join(map(re.escape, places))})")[0]
                out[where] = found.fillna("").to_numpy(dtype=object)
    return community, road


# Kinds of unit that rent a floor of a commercial building (the others have their own premises).
ON_A_FLOOR = ("商贸仓储", "技能培训", "门诊部（所）", "歌舞厅娱乐活动", "网吧活动", "游艺娱乐活动",
              "健身休闲活动", "剧本娱乐活动", "正餐服务", "饮料及冷饮服务", "一般旅馆")


def addresses(rng, cat, sub, flags, industry, name) -> np.ndarray:
    """Addresses on the roads, communities and industrial zones of each unit's subdistrict;
    a unit named after a community or road is there; only shops, offices and venues are
    on an upper floor."""
    n = cat.size
    community = _place_field(rng, sub, "社区")
    own_place, own_road = _named_places(name, sub)
    community = np.where(own_place != "", own_place, community).astype(object)
    fields = {"sub": np.array(SUBDISTRICTS, dtype=object)[sub], "place": community,
              "road": _place_field(rng, sub, "道路"), "road2": _place_field(rng, sub, "道路"),
              "own_road": own_road, "zone": _place_field(rng, sub, "工业区"),
              "num": rng.integers(1, 400, size=n), "small": rng.integers(1, 60, size=n),
              "floor": rng.integers(2, 6, size=n), "block": rng.integers(1, 7, size=n)}
    r = rng.random(n)
    trade = cat == CATEGORIES.index("工贸企业")
    factory = trade & (industry != "商贸仓储")
    project = cat == CATEGORIES.index("在建施工项目")
    has_place = community != ""
    upstairs = np.isin(industry, ON_A_FLOOR)
    in_sub = {s: sub == i for i, s in enumerate(SUBDISTRICTS)}
    patterns = [  # (condition, template); the first that holds wins
        (project & (own_road != ""), "泉州市丰泽区{sub}{own_road}沿线"),
        (project & (own_place != ""), "泉州市丰泽区{sub}{place}社区"),
        (project & (fields["road"] != fields["road2"]) & (r < 0.5), "泉州市丰泽区{road}与{road2}交叉口东北侧"),
        (project & has_place, "泉州市丰泽区{sub}{place}社区"),
        (trade & in_sub["北峰街道"] & (r < 0.75), "泉州市丰泽区北峰街道{zone}{small}号"),
        (trade & in_sub["泉秀街道"] & (r < 0.5), "泉州市丰泽区泉秀街道{zone}{block}幢{floor}楼"),
        (trade & (in_sub["华大街道"] | in_sub["城东街道"]) & (r < 0.4), "泉州市丰泽区{sub}{zone}{small}号"),
        (flags[:, RISK_FLAGS.index("自建厂房")] & has_place & (r < 0.7),
         "泉州市丰泽区{sub}{place}社区{place}{num}号"),
        (((own_place != "") | (r < 0.45)) & has_place, "泉州市丰泽区{sub}{place}社区{road}{num}号"),
        (~upstairs | factory | (r < 0.8), "泉州市丰泽区{road}{num}号"),
        (np.ones(n, dtype=bool), "泉州市丰泽区{road}{num}号{floor}楼"),
    ]
    code = np.select([c for c, _ in patterns], np.arange(len(patterns)), 0)
    return _fill([t for _, t in patterns], code, fields)
