"""隐患排查治理台账 (hazard investigation and remediation ledger): every hazard found at a
unit this year — 一般隐患 or 重大隐患 (about 3%), its category and description from
tables/hazards.csv, the deadline (整改期限), the date it was put right (整改完成日期, empty
while open) and how it was found (发现途径: 执法检查, 企业自查, and from April 帮扶检查
and 专家指导, which belong to a visit of 帮扶服务记录).

The bureau keeps it in two files: the first half-year as a GB18030 export with some
2023/8/15 dates, July and August as UTF-8 with BOM.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from demo.common import (
    AS_OF,
    MECHANISM_START,
    PERIOD_START,
    draw_days,
    fmt_ids,
    norm,
    pick,
    pick_by_share,
    scaled,
    slash,
    weighted_sample,
)
from demo.files import frame, write_csv
from demo.load import rows
from demo.units import SPECIAL_FLAGS, Units
from demo.visits import Visits
from pipeline.core.ledgers import CATEGORIES, HAZARDS

N_HAZARDS = 2100
MAJOR_SHARE = 0.03
MAJOR_LATE = np.datetime64("2023-07-15")        # fewer 重大隐患 are found after this
GENERAL_WINDOWS = (7, 7, 10, 15, 15, 20, 30)   # 整改期限, days after 发现日期
MAJOR_WINDOWS = (30, 45, 60)
STUCK_SHARE = 0.012                             # hazards never fixed (overdue once due)
SOURCES_BEFORE = {"执法检查": 0.45, "企业自查": 0.55}
SOURCES_AFTER = {"执法检查": 0.28, "企业自查": 0.32, "帮扶检查": 0.22, "专家指导": 0.18}
HAZARD_CATEGORY_WEIGHT = {"工贸企业": 1.0, "学校": 0.15, "医院": 0.2, "福利机构": 0.2, "文旅场所": 0.3,
                          "在建施工项目": 0.5, "住宿餐饮": 0.25}
FIRST_HALF_END = np.datetime64("2023-06-30")
FIRST_HALF_FILE = "隐患排查治理台账_2023上半年.csv"
SECOND_HALF_FILE = "hazards_2023-07_08.csv"

Item = tuple[str, str]   # 隐患类别, 隐患描述


@dataclass
class Hazards:
    day: np.ndarray
    unit: np.ndarray
    level: np.ndarray
    kind: np.ndarray
    text: np.ndarray
    due: np.ndarray
    fixed: np.ndarray
    source: np.ndarray


def _catalogue() -> dict[str, tuple[list[Item], list[Item]]]:
    """pool (a category or special flag) -> (一般隐患 items, 重大隐患 items), in file order."""
    out: dict[str, tuple[list[Item], list[Item]]] = {}
    for r in rows("hazards"):
        general, major = out.setdefault(r["pool"], ([], []))
        (major if r["level"] == "重大隐患" else general).append((r["kind"], r["description"]))
    return out


def _hazard_sources(rng, days: np.ndarray) -> np.ndarray:
    early = pick_by_share(rng, SOURCES_BEFORE, days.size)
    late = pick_by_share(rng, SOURCES_AFTER, days.size)
    return np.where(days < MECHANISM_START, early, late).astype(object)


def _link_to_visits(rng, days, unit, source, visits: Visits) -> np.ndarray:
    """Move 帮扶检查 / 专家指导 hazards onto a matching visit; returns hazards per visit."""
    attached = np.zeros(visits.day.size, dtype=np.int64)
    for src, kind in (("帮扶检查", "执法检查"), ("专家指导", "专家指导")):
        found = np.flatnonzero(source == src)
        pool = np.flatnonzero((visits.kind == kind) & (visits.day >= MECHANISM_START))
        if pool.size == 0:
            source[found] = "执法检查"
            continue
        v = pool[rng.integers(0, pool.size, size=found.size)]
        days[found], unit[found] = visits.day[v], visits.unit[v]
        np.add.at(attached, v, 1)
    return attached


def _hazard_texts(rng, units: Units, unit: np.ndarray, major: np.ndarray):
    """隐患类别 and 隐患描述 from the unit's category or one of its special risk flags."""
    special = units.special
    keys = np.where(special, rng.random(special.shape), -1.0)
    own_flag = np.where(keys.max(axis=1) >= 0, np.array(SPECIAL_FLAGS, dtype=object)[keys.argmax(axis=1)], "")
    category = np.array(CATEGORIES, dtype=object)[units.cat]
    pool = np.where((own_flag[unit] != "") & (rng.random(unit.size) < 0.5), own_flag[unit], category[unit])
    kind, text = np.full(unit.size, "", dtype=object), np.full(unit.size, "", dtype=object)
    for name, (general, majors) in _catalogue().items():
        for is_major, items in ((False, general), (True, majors)):
            where = np.flatnonzero((pool == name) & (major == is_major))
            choice = rng.integers(0, len(items), size=where.size)
            kind[where] = np.array([k for k, _ in items], dtype=object)[choice]
            text[where] = np.array([t for _, t in items], dtype=object)[choice]
    return kind, text


def _remediation(rng, days: np.ndarray, major: np.ndarray):
    """整改期限 and 整改完成日期 (empty while still open on AS_OF)."""
    n = days.size
    window = np.where(major, pick(rng, MAJOR_WINDOWS, n), pick(rng, GENERAL_WINDOWS, n)).astype(np.int64)
    due = days + window.astype("timedelta64[D]")
    r = rng.random(n)
    share = np.where(r < 0.15, 0.0, np.where(r < 0.85, rng.uniform(0.1, 1.0, n), rng.uniform(1.0, 1.6, n)))
    share = np.where(major, rng.uniform(0.2, 0.7, n), share)
    delay = np.ceil(share * window).astype(np.int64).astype("timedelta64[D]")
    fixed = days + delay
    open_ = (fixed > AS_OF) | (rng.random(n) < STUCK_SHARE)
    return due, np.where(open_, np.datetime64("NaT"), fixed).astype("datetime64[D]")


def _hazard_units(rng, units: Units, n: int) -> np.ndarray:
    """Where hazards are found: active units, by category, special flags and size."""
    cat_w = np.array([HAZARD_CATEGORY_WEIGHT[c] for c in CATEGORIES])[units.cat]
    risk = 1.0 + 0.6 * units.special.sum(axis=1)
    weight = np.where(units.active, cat_w * risk * np.log1p(units.employees), 0.0)
    return rng.choice(units.n, size=n, p=norm(weight))


def plan_hazards(rng, units: Units, visits: Visits, n_units: int) -> tuple[Hazards, np.ndarray]:
    """隐患排查治理台账 rows and the number of hazards attached to each visit."""
    n = scaled(N_HAZARDS, n_units)
    days = draw_days(rng, n, PERIOD_START, AS_OF, growth=2.0, off_day_weight=0.15,
                     boost_from=MECHANISM_START, boost=1.4)
    source = _hazard_sources(rng, days)
    unit = _hazard_units(rng, units, n)
    attached = _link_to_visits(rng, days, unit, source, visits)
    order = np.argsort(days, kind="stable")
    days, unit, source = days[order], unit[order], source[order]
    major = np.zeros(n, dtype=bool)   # mostly found during the spring and summer campaign
    major[weighted_sample(rng, np.where(days <= MAJOR_LATE, 1.0, 0.5), int(round(MAJOR_SHARE * n)))] = True
    kind, text = _hazard_texts(rng, units, unit, major)
    due, fixed = _remediation(rng, days, major)
    level = np.where(major, "重大隐患", "一般隐患").astype(object)
    return Hazards(days, unit, level, kind, text, due, fixed, source), attached


def hazards_frame(h: Hazards, units: Units, dates) -> pd.DataFrame:
    """The ledger with its Chinese headers; ``dates`` formats the three date columns."""
    width = max(5, len(str(h.day.size)))
    return frame(HAZARDS, {
        "hazard_id": fmt_ids("YH2023", np.arange(1, h.day.size + 1), width),
        "unit_id": units.unit_id[h.unit], "found_on": dates(h.day), "level": h.level, "kind": h.kind,
        "description": h.text, "due_on": dates(h.due), "fixed_on": dates(h.fixed), "source": h.source,
    })


def write_mixed(out_dir: Path, table: pd.DataFrame, days: np.ndarray, rng) -> list[Path]:
    """First half-year as a GB18030 export (some 2023/8/15 dates), the rest as UTF-8 with BOM."""
    first = days <= FIRST_HALF_END
    early = table[first].copy()
    slashed = rng.random(len(early)) < 0.2
    for col in (HAZARDS.column(c).header for c in ("found_on", "due_on", "fixed_on")):
        iso_dates = early[col].to_numpy(dtype=object)
        early[col] = np.where(slashed, slash(iso_dates), iso_dates)
    return [
        write_csv(out_dir / FIRST_HALF_FILE, early, "gb18030", "\r\n"),
        write_csv(out_dir / SECOND_HALF_FILE, table[~first], "utf-8-sig", "\r\n"),
    ]
