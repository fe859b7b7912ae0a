"""Names that several ledgers share: people's names and mobile numbers (干部名册 and 专家库,
distinct across both), trade names (字号) of firms (监管对象台账, experts' employers) and
the owners' nicknames that small shops are named after (阿明小吃店, 老陈面线糊店, 林记扁食店).

People: a surname drawn by its frequency in Quanzhou (tables/surnames.csv) and a whole
given name (tables/given_names.csv, weighted; about 40% female), so names repeat only as
often as real ones do.  Trade names: a natural 字号 of tables/zihao.csv, or a two-character
combination of tables/zihao_chars.csv that repeats no character and is not a famous brand
(tables/zihao_blacklist.csv).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from demo.common import pick, unique_strings
from demo.load import column, grouped, rows

CURATED_SHARE = 0.45          # of trade names taken whole from tables/zihao.csv
FEMALE_SHARE = 0.4


@cache
def _surnames() -> tuple[np.ndarray, np.ndarray]:
    table = rows("surnames")
    return (np.array([r["surname"] for r in table], dtype=object),
            np.array([float(r["weight"]) for r in table]))


@cache
def _given() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out: dict[str, tuple[list, list]] = {}
    for r in rows("given_names"):
        names, weights = out.setdefault(r["sex"], ([], []))
        names.append(r["name"])
        weights.append(float(r["weight"]))
    return {sex: (np.array(n, dtype=object), np.array(w)) for sex, (n, w) in out.items()}


def draw_people(rng, n: int) -> np.ndarray:
    """``n`` full names (repeats possible, at the rate real names repeat)."""
    surnames, s_w = _surnames()
    female = rng.random(n) < FEMALE_SHARE
    out = pick(rng, surnames, n, s_w)
    for sex, where in (("女", female), ("男", ~female)):
        names, w = _given()[sex]
        out[where] = out[where] + pick(rng, names, int(where.sum()), w)
    return out


def person_names(rng, n: int, taken: set[str]) -> list[str]:
    """``n`` distinct names not in ``taken`` (a roster never lists the same name twice)."""
    def draw(r):
        return str(draw_people(r, 1)[0])

    names = [x for x in unique_strings(rng, n + len(taken), draw) if x not in taken][:n]
    taken.update(names)
    return names


def phones(rng, n: int, taken: set[str]) -> list[str]:
    """``n`` distinct mobile numbers (13x, 15x, 18x) not in ``taken``."""
    prefixes = column("phone_prefixes", "prefix")

    def draw(r):
        return str(pick(r, prefixes, 1)[0]) + f"{int(r.integers(0, 10**8)):08d}"

    numbers = [x for x in unique_strings(rng, n + len(taken), draw) if x not in taken][:n]
    taken.update(numbers)
    return numbers


@cache
def _zihao_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, frozenset[str]]:
    black = frozenset(column("zihao_blacklist", "zihao"))
    curated = np.array([z for z in column("zihao", "zihao") if z not in black], dtype=object)
    chars = grouped("zihao_chars", "position", "char")
    return curated, np.array(chars["first"], dtype=object), np.array(chars["second"], dtype=object), black


def zihao(rng, n: int) -> np.ndarray:
    """Trade names (字号): a natural whole one, or two characters that read as one (鸿泰, 嘉盛)."""
    curated, first, second, black = _zihao_tables()
    out = pick(rng, curated, n)
    combo = np.flatnonzero(rng.random(n) >= CURATED_SHARE)
    todo = combo
    while todo.size:
        drawn = pick(rng, first, todo.size) + pick(rng, second, todo.size)
        out[todo] = drawn
        bad = np.array([z[0] == z[1] or z in black for z in drawn], dtype=bool)
        todo = todo[bad]
    return out


def owners(rng, n: int) -> np.ndarray:
    """Owners' nicknames that name small shops: 阿明, 老陈, 林记."""
    surnames, s_w = _surnames()
    single = np.array([s for s in surnames if len(s) == 1], dtype=object)
    s_w1 = s_w[[len(s) == 1 for s in surnames]]
    given_chars = np.array(sorted({name[-1] for sex in ("男", "女") for name in _given()[sex][0]}), dtype=object)
    style = rng.integers(0, 3, size=n)
    a = "阿" + pick(rng, given_chars, n)
    lao = "老" + pick(rng, single, n, s_w1)
    ji = pick(rng, single, n, s_w1) + "记"
    return np.select([style == 0, style == 1], [a, lao], ji).astype(object)
