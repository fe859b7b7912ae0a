"""单位名称 and 地址 of the units ledger (监管对象台账).

Names follow the registration habits of each kind of unit (company, individual business,
public institution, private non-enterprise unit) from tables/unit_names.csv; addresses use
the communities and roads of the unit's subdistrict from tables/places.csv.
"""

from __future__ import annotations

from string import Formatter

import numpy as np
import pandas as pd

from demo.common import norm, pick
from demo.load import column, rows
from demo.names import zihao
from pipeline.core.ledgers import CATEGORIES, RISK_FLAGS, SUBDISTRICTS

Pattern = tuple[float, str, str | None]   # weight, template, industry (None: keep the 工贸 one)


def _name_patterns() -> dict[tuple[str, str], list[Pattern]]:
    """(category, credit prefix) -> name patterns, in file order."""
    out: dict[tuple[str, str], list[Pattern]] = {}
    for r in rows("unit_names"):
        pattern = (float(r["weight"]), r["template"], r["industry"] or None)
        out.setdefault((r["category"], r["credit_prefix"]), []).append(pattern)
    return out


def _places(rng, sub: np.ndarray, kind: str) -> np.ndarray:
    """A community (kind 社区) or road (kind 道路) of each unit's subdistrict."""
    names: dict[str, list[str]] = {}
    for r in rows("places"):
        if r["kind"] == kind:
            names.setdefault(r["subdistrict"], []).append(r["name"])
    out = np.full(sub.size, "", dtype=object)
    for s, subdistrict in enumerate(SUBDISTRICTS):
        where = np.flatnonzero(sub == s)
        out[where] = pick(rng, names[subdistrict], where.size)
    return out


def _fill(templates: list[str], code: np.ndarray, fields: dict[str, np.ndarray]) -> np.ndarray:
    """Row i gets ``templates[code[i]]`` filled from the row's ``fields``."""
    out = np.full(code.size, "", dtype=object)
    for j, template in enumerate(templates):
        where = np.flatnonzero(code == j)
        names = [f for _, f, _, _ in Formatter().parse(template) if f]
        columns = [fields[f][where] for f in names]
        out[where] = [template.format(**dict(zip(names, values, strict=True)))
                      for values in zip(*columns, strict=True)] if names else template
    return out


def _draw_names(rng, cat, kind, sub, word, industry) -> tuple[np.ndarray, np.ndarray]:
    """Unit names from the name patterns; returns names and the (possibly updated) industries."""
    n = cat.size
    fields = {"zh": zihao(rng, n), "place": _places(rng, sub, "社区"), "road": _places(rng, sub, "道路"),
              "word": word}
    code = np.full(n, -1, dtype=np.int64)
    templates, industries = [], []
    key_kind = np.where(kind == "", np.where(cat == CATEGORIES.index("在建施工项目"), "91", ""), kind)
    for (category, prefix), patterns in _name_patterns().items():
        where = np.flatnonzero((cat == CATEGORIES.index(category)) & (key_kind == prefix))
        choice = rng.choice(len(patterns), size=where.size, p=norm([p[0] for p in patterns]))
        code[where] = len(templates) + choice
        templates += [t for _, t, _ in patterns]
        industries += [i for _, _, i in patterns]
    from_pattern = np.array(industries + [None], dtype=object)[code]   # code -1: no pattern
    industry = np.where(from_pattern == None, industry, from_pattern)  # noqa: E711 (工贸 keep theirs)
    return _fill(templates, code, fields), industry


def unique_names(rng, cat, kind, sub, word, industry, rounds: int = 12):
    """Unit names, re-drawn where they repeat; leftovers (only at huge sizes) get a number."""
    name, industry = _draw_names(rng, cat, kind, sub, word, industry)
    before = cat.size
    for _ in range(rounds):
        dup = np.flatnonzero(pd.Series(name).duplicated().to_numpy())
        if dup.size == 0 or dup.size > 0.7 * before:   # done, or the name space is saturated
            break
        before = dup.size
        name[dup], industry[dup] = _draw_names(rng, cat[dup], kind[dup], sub[dup], word[dup],
                                               industry[dup])
    seq = pd.Series(name).groupby(name).cumcount().to_numpy()
    suffix = "（" + (seq + 1).astype(str).astype(object) + "）"
    return np.where(seq > 0, name + suffix, name), industry


def addresses(rng, cat, sub, flags) -> np.ndarray:
    """Addresses in each unit's subdistrict (北峰 industrial zones, 成洲 warehouses, project sites)."""
    n = cat.size
    fields = {"sub": np.array(SUBDISTRICTS, dtype=object)[sub], "place": _places(rng, sub, "社区"),
              "road": _places(rng, sub, "道路"), "road2": _places(rng, sub, "道路"),
              "num": rng.integers(1, 400, size=n), "floor": rng.integers(1, 6, size=n),
              "zone": pick(rng, column("industrial_zones", "zone"), n)}
    r = rng.random(n)
    trade = cat == CATEGORIES.index("工贸企业")
    in_sub = {s: sub == i for i, s in enumerate(SUBDISTRICTS)}
    patterns = [  # (condition, template); the first that holds wins
        ((cat == CATEGORIES.index("在建施工项目")) & (fields["road"] != fields["road2"]),
         "丰泽区{road}与{road2}交叉口东北侧"),
        (trade & in_sub["北峰街道"] & (r < 0.85), "泉州市丰泽区{sub}{zone}{road}{num}号"),
        (trade & in_sub["泉秀街道"] & (r < 0.5), "泉州市丰泽区{sub}成洲工业区{num}号仓库"),
        (flags[:, RISK_FLAGS.index("自建厂房")] & (r < 0.5), "泉州市丰泽区{sub}{place}社区{num}号"),
        ((cat == CATEGORIES.index("文旅场所")) & in_sub["泉秀街道"] & (r < 0.3),
         "泉州市丰泽区{sub}成洲社区{road}{num}号{floor}楼"),
        (r < 0.5, "泉州市丰泽区{sub}{place}社区{road}{num}号"),
        (r < 0.8, "丰泽区{road}{num}号"),
        (np.ones(n, dtype=bool), "泉州市丰泽区{road}{num}号{floor}楼"),
    ]
    code = np.select([c for c, _ in patterns], np.arange(len(patterns)), 0)
    return _fill([t for _, t in patterns], code, fields)
