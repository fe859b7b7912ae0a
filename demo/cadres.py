"""干部名册 (cadre roster): the 43 staff of the bureau (区应急管理局), the 30 members of the
帮扶工作队 sent by the participating departments (帮扶工作队 = 是) and a few other
department cadres; with 工号, phone and, for most, an enforcement licence (执法证号).
The bureau's posts are tables/bureau_staff.csv.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from demo.common import pick
from demo.departments import BUREAU, participating, team_seats
from demo.load import column, rows
from demo.names import person_names, phones

BUREAU_UNLICENSED = {"局长", "科员"}   # a few of these hold no 执法证
TEAM_TITLES = ("副局长", "科长", "副科长", "科员", "执法队员")
TEAM_TITLE_WEIGHTS = (1, 3, 3, 5, 3)
N_OTHER_CADRES = 10


def _bureau_titles() -> list[str]:
    """One title per bureau cadre, in roster order."""
    return [r["title"] for r in rows("bureau_staff") for _ in range(int(r["count"]))]


def _licences(rng, n_bureau: int, n_other: int) -> list[str]:
    """执法证号: 3505032023NNN for the bureau, 350503<year>NNN for the others."""
    bureau_no = np.sort(rng.choice(np.arange(1, 100), size=n_bureau, replace=False))
    other_no = rng.choice(np.arange(100, 1000), size=n_other, replace=False)
    years = rng.integers(2019, 2023, size=n_other)
    return ([f"3505032023{x:03d}" for x in bureau_no]
            + [f"350503{y}{x:03d}" for y, x in zip(years, other_no, strict=True)])


def build_cadres(rng, names: set[str], phone_numbers: set[str]) -> pd.DataFrame:
    """43 bureau cadres, the 30-member 帮扶工作队 and some other department cadres."""
    bureau_titles = _bureau_titles()
    team_depts = team_seats()
    other_depts = list(pick(rng, participating(), N_OTHER_CADRES))
    depts = [BUREAU] * len(bureau_titles) + team_depts + other_depts
    n = len(depts)
    n_bureau, n_team = len(bureau_titles), len(team_depts)
    titles = bureau_titles + list(pick(rng, TEAM_TITLES, n - n_bureau, TEAM_TITLE_WEIGHTS))
    licensed = np.array([t not in BUREAU_UNLICENSED or rng.random() < 0.6 for t in bureau_titles]
                        + list(rng.random(n - n_bureau) < 0.5))
    licence = _licences(rng, n_bureau, n - n_bureau)
    return pd.DataFrame({
        "cadre_id": ([f"YJ{i + 1:03d}" for i in range(n_bureau)]
                     + [f"BF{i + 1:03d}" for i in range(n - n_bureau)]),
        "name": person_names(rng, n, names),
        "dept": depts,
        "title": titles,
        "phone": phones(rng, n, phone_numbers),
        "licence": [lic if ok else "" for lic, ok in zip(licence, licensed, strict=True)],
        "on_team": ["否"] * n_bureau + ["是"] * n_team + ["否"] * (n - n_bureau - n_team),
    })


def add_enforcement_staff(rng, cadres: pd.DataFrame, names: set[str],
                          phone_numbers: set[str]) -> pd.DataFrame:
    """The departments' licensed enforcement staff besides the team (tables/enforcement_staff.csv):
    as in a real district, every department that supervises a category has officers enough
    to send two to a check (行政处罚法 第四十二条).  Appended after every other draw of the
    generator, with a generator of their own, so the other ledgers do not change."""
    posts = [(r["department"], r["title"]) for r in rows("enforcement_staff") for _ in range(int(r["count"]))]
    n = len(posts)
    taken = {lic[6:] for lic in cadres["licence"] if lic}
    free = [f"{y}{x:03d}" for y in range(2019, 2023) for x in range(100, 1000) if f"{y}{x:03d}" not in taken]
    chosen = rng.choice(len(free), size=n, replace=False)
    first = int(cadres["cadre_id"].str.removeprefix("BF").where(cadres["cadre_id"].str.startswith("BF"))
                .dropna().astype(int).max())
    staff = pd.DataFrame({
        "cadre_id": [f"BF{first + i + 1:03d}" for i in range(n)],
        "name": _uncommon_names(rng, n, names),
        "dept": [d for d, _ in posts],
        "title": [t for _, t in posts],
        "phone": phones(rng, n, phone_numbers),
        "licence": [f"350503{free[i]}" for i in chosen],
        "on_team": ["否"] * n,
    })
    return pd.concat([cadres, staff], ignore_index=True)


def _uncommon_names(rng, n: int, names: set[str]) -> list[str]:
    """``n`` new names whose given name the roster has fewer than 3 times yet: added late, to
    a roster already drawn, they keep the names repeating only as real ones do."""
    surnames = sorted(column("surnames", "surname"), key=len, reverse=True)

    def given(name: str) -> str:
        return name[len(next(s for s in surnames if name.startswith(s))):]

    counts = Counter(given(x) for x in names)
    out: list[str] = []
    while len(out) < n:
        for name in person_names(rng, 2 * n, names | set(out)):
            if len(out) < n and counts[given(name)] < 3:
                out.append(name)
                counts[given(name)] += 1
    names.update(out)
    return out

