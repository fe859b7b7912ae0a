"""干部名册 (cadre roster): the 43 staff of the bureau (区应急管理局), the 30 members of the
帮扶工作队 sent by the participating departments (帮扶工作队 = 是) and a few other
department cadres; with 工号, phone and, for most, an enforcement licence (执法证号).
The bureau's posts are tables/bureau_staff.csv.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from demo.common import pick
from demo.departments import BUREAU, participating, team_seats
from demo.load import rows
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
