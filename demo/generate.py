"""Build every demo ledger from one seeded generator and write them as files.

The order of the steps in ``build`` is the order of the random draws: changing it
changes every file.  Each ledger's own module says what the ledger is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from demo import hazards as hz
from demo.cadres import add_enforcement_staff, build_cadres
from demo.common import REFERENCE_UNITS, SEED, iso
from demo.departments import departments_frame
from demo.experts import ExpertPicker, build_experts
from demo.files import excel_dates, frame, write_csv, write_xlsx
from demo.reviews import plan_reviews, reviews_frame, staff_reviews
from demo.tiers import assign_demo_posts, assign_tiers
from demo.units import build_units, units_frame, update_last_inspected
from demo.visits import count_problems, key_units, mark_practices, plan_visits, visits_frame
from pipeline.core.ledgers import CADRES, DEPARTMENTS, EXPERTS, HAZARDS, REVIEWS, UNITS, VISITS

UNITS_TITLE = "丰泽区生产经营单位监管台账（截至2023年8月13日）"


def build(n_units: int = REFERENCE_UNITS, seed: int = SEED, excel: bool = False):
    """All ledgers as frames (Chinese headers), the hazards' found dates and the generator.

    ``excel``: units and visits get real dates (for .xlsx) instead of ISO strings.
    """
    rng = np.random.default_rng(seed)
    dates = excel_dates if excel else iso
    units = build_units(rng, n_units)
    reviews = plan_reviews(rng, units, n_units)
    assign_tiers(rng, units, reviews, n_units)
    assign_demo_posts(rng, units, n_units)
    names, phones = set(), set()
    cadres = build_cadres(rng, names, phones)
    experts, conflicts = build_experts(rng, units, names, phones)
    picker = ExpertPicker(experts, conflicts)
    staff_reviews(rng, reviews, units, picker)
    key = key_units(rng, units, n_units)
    visits = plan_visits(rng, units, reviews, cadres, picker, key, n_units)
    employers = np.zeros(units.n, dtype=bool)
    employers[list(conflicts)] = True          # experts' employers get no major hazard
    hazards, attached = hz.plan_hazards(rng, units, visits, n_units, employers)
    count_problems(rng, visits, attached, n_units)
    update_last_inspected(units, hazards, visits)
    cadres = add_enforcement_staff(np.random.default_rng([seed, 14]), cadres, names, phones)
    mark_practices(np.random.default_rng([seed, 15]), visits, units)
    tables = {
        "units": units_frame(units, dates),
        "hazards": hz.hazards_frame(hazards, units, iso),
        "departments": departments_frame(),
        "cadres": frame(CADRES, cadres),
        "experts": frame(EXPERTS, experts),
        "visits": visits_frame(visits, units, experts, dates),
        "reviews": reviews_frame(reviews, units, experts, iso),
    }
    return tables, hazards.day, rng


def _write_mixed(out_dir: Path, tables: dict[str, pd.DataFrame], hazard_days: np.ndarray, rng) -> list[Path]:
    """The bureau-like mix of .xlsx and .csv files."""
    paths = [write_xlsx(out_dir / "监管对象台账（2023年8月）.xlsx", UNITS.title, tables["units"],
                        title=UNITS_TITLE)]
    paths += hz.write_mixed(out_dir, tables["hazards"], hazard_days, rng)
    paths.append(write_csv(out_dir / "区直单位.csv", tables["departments"]))
    paths.append(write_xlsx(out_dir / "干部名册.xlsx", CADRES.title, tables["cadres"]))
    paths.append(write_xlsx(out_dir / "专家库.xlsx", EXPERTS.title, tables["experts"]))
    paths.append(write_xlsx(out_dir / "帮扶服务记录.xlsx", VISITS.title, tables["visits"]))
    paths.append(write_csv(out_dir / "标准化评审记录.csv", tables["reviews"]))
    return paths


def _write_all_csv(out_dir: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """One UTF-8 CSV per ledger, named after the ledger's title."""
    ledgers = {"units": UNITS, "hazards": HAZARDS, "departments": DEPARTMENTS, "cadres": CADRES,
               "experts": EXPERTS, "visits": VISITS, "reviews": REVIEWS}
    return [write_csv(out_dir / f"{ledgers[key].title}.csv", table) for key, table in tables.items()]


def generate(out_dir: Path, n_units: int = REFERENCE_UNITS, seed: int = SEED,
             fmt: str = "mixed") -> list[Path]:
    """Write the demo ledgers into ``out_dir``; returns the files written.

    ``fmt="mixed"``: the bureau-like mix of .xlsx and .csv files (meant for modest sizes).
    ``fmt="csv"``: one UTF-8 CSV per ledger, fast enough for a million units.
    Files of ``out_dir`` that the generator does not write are left alone.
    """
    if fmt not in ("mixed", "csv"):
        raise ValueError(f"fmt must be 'mixed' or 'csv', not {fmt!r}")
    if n_units < 1:
        raise ValueError("n_units must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables, hazard_days, rng = build(n_units, seed, excel=fmt == "mixed")
    if fmt == "csv":
        return _write_all_csv(out_dir, tables)
    return _write_mixed(out_dir, tables, hazard_days, rng)
