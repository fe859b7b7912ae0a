"""The 双随机 draw (双随机抽查): next week's randomly drawn units and their inspectors.

The units are drawn in SQL (``sql/spot_checks.sql``): a pseudo-random order fixed by the
seed, at least ``min_per_subdistrict`` per subdistrict, recently inspected units and
units drawn ``max_per_year`` times left out.  Each drawn unit then gets two licensed
inspectors drawn with the same seed, never the unit's own 包保 cadre.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

COLUMNS = ["plan_for", "pick", "unit_id", "name", "subdistrict", "inspector_1", "inspector_2", "seed"]


def spot_seed(district: str, plan_for: str) -> str:
    """The draw's seed: derived from the district and the week drawn for, nothing else."""
    return hashlib.sha256(f"{district}|{plan_for}".encode()).hexdigest()[:16]


def draw_inspectors(drawn: pd.DataFrame, duty: pd.DataFrame, cadres: pd.DataFrame,
                    plan_for: str, seed: str) -> pd.DataFrame:
    """Two licensed inspectors for each drawn unit, never the unit's own cadre."""
    rng = np.random.default_rng(int(seed, 16))
    licensed = sorted(cadres.loc[cadres.licence.notna(), "cadre_id"])
    responsible = dict(zip(duty.unit_id, duty.cadre_id, strict=True))
    rows = []
    for r in drawn.itertuples():
        pool = [c for c in licensed if c != responsible.get(r.unit_id)]
        pair = sorted(rng.choice(pool, size=2, replace=False)) if len(pool) >= 2 else [None, None]
        rows.append({"plan_for": plan_for, "pick": r.pick, "unit_id": r.unit_id, "name": r.name,
                     "subdistrict": r.subdistrict, "inspector_1": pair[0], "inspector_2": pair[1],
                     "seed": seed})
    return pd.DataFrame(rows, columns=COLUMNS)
