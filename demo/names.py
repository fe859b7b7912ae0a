"""Names that several ledgers share: people's names and mobile numbers (干部名册 and 专家库,
distinct across both) and trade names (字号) of firms (监管对象台账, experts' employers).

The characters come from tables/surnames.csv, tables/given_name_chars.csv,
tables/phone_prefixes.csv and tables/trade_name_chars.csv.
"""

from __future__ import annotations

import numpy as np

from demo.common import pick, unique_strings
from demo.load import column, grouped


def person_names(rng, n: int, taken: set[str]) -> list[str]:
    """``n`` distinct Chinese names (surname + one or two given characters) not in ``taken``.

    Surnames are listed most common first; about 40% of the names are female.
    """
    surnames = column("surnames", "surname")
    given = grouped("given_name_chars", "sex", "char")
    surname_w = 1.0 / (np.arange(len(surnames)) + 3.0)

    def draw(r):
        chars = given["女"] if r.random() < 0.4 else given["男"]
        name = "".join(pick(r, chars, 2 if r.random() < 0.75 else 1))
        return str(pick(r, surnames, 1, surname_w)[0]) + name

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


def zihao(rng, n: int) -> np.ndarray:
    """Trade names (字号) of two or, now and then, three characters: 鑫达, 鸿盛源."""
    chars = grouped("trade_name_chars", "position", "char")
    first = pick(rng, chars["first"], n)
    second = pick(rng, chars["second"], n)
    third = np.where(rng.random(n) < 0.25, pick(rng, chars["second"], n), "").astype(object)
    return first + second + third
