"""隐患排查治理台账 (hazard investigation and remediation ledger): every hazard found at a
unit this year, its level (一般隐患 / 重大隐患), category and description, the deadline
(整改期限), the date it was put right (整改完成日期, empty while open) and how it was found
(发现途径: 执法检查, 企业自查, and from April 帮扶检查 and 专家指导, which belong to a visit
of 帮扶服务记录).

Three kinds of rows:

- general hazards (一般隐患), drawn per unit from tables/hazards.csv: from the pools of the
  unit's category, its industry and its risk features, so that a print shop gets ink and
  solvent items and a kindergarten its playground; on-the-spot items (a locked exit, a
  blocked passage) are put right the same or the next day;
- the major hazards (重大隐患) of tables/major_hazards.csv, each placed on a unit that fits
  it (a dust item on a firm with 粉尘涉爆, a gas item on a hotel), most found during the
  campaign and most closed by August;
- the misjudged ones of tables/misjudged_hazards.csv: items MEM Order No.10 calls 重大,
  logged as 一般 by the unit or the inspecting clerk, on purpose, for the major-hazard
  judgement to find (docs/demo.md lists them with the Order's article and item).

The sources follow the 2023 campaign (``demo.common.CAMPAIGN_PHASES``): enterprises
inspect themselves most in May and June, departments enforce most from July.  The bureau
keeps the ledger in two files: the first half-year as a GB18030 export with some
2023/8/15 dates, July and August as UTF-8 with BOM.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
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
    phase_index,
    pick,
    pick_by_share,
    scaled,
    slash,
    weighted_sample,
)
from demo.files import frame, write_csv
from demo.load import rows, split
from demo.units import Units
from demo.visits import Visits
from pipeline.core.ledgers import CATEGORIES, HAZARDS, RISK_FLAGS, SUBDISTRICTS

N_HAZARDS = 2100
GENERAL_WINDOWS = (7, 7, 10, 15, 15, 20, 30)   # 整改期限, days after 发现日期
STUCK_RATE = 0.02                               # of general hazards found from April: never fixed
SOURCES_BEFORE = {"执法检查": 0.45, "企业自查": 0.55}            # before the mechanism
SOURCES_MECHANISM = {"执法检查": 0.28, "企业自查": 0.32, "帮扶检查": 0.22, "专家指导": 0.18}
SOURCES_BY_PHASE = {                                              # index into CAMPAIGN_PHASES
    1: {"执法检查": 0.18, "企业自查": 0.47, "帮扶检查": 0.20, "专家指导": 0.15},   # self-inspection
    2: {"执法检查": 0.38, "企业自查": 0.22, "帮扶检查": 0.22, "专家指导": 0.18},   # enforcement
}
HAZARD_CATEGORY_WEIGHT = {"工贸企业": 1.0, "学校": 0.15, "医院": 0.2, "福利机构": 0.2, "文旅场所": 0.3,
                          "在建施工项目": 0.5, "住宿餐饮": 0.25}
FEATURE_POOL_SHARE = 0.35     # of a unit's general hazards drawn from its risk features' pools
INDUSTRY_POOL_SHARE = 0.30    # ... from its industry's pools
FIRST_HALF_END = np.datetime64("2023-06-30")
FIRST_HALF_FILE = "隐患排查治理台账_2023上半年.csv"
SECOND_HALF_FILE = "hazards_2023-07_08.csv"
LEVELS = ("一般隐患", "重大隐患")
MAJOR_AMONG_TOP = 3           # a major hazard goes to one of the 3 largest, riskiest fitting units


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


# ---------------------------------------------------------------- the catalogue of general hazards

@cache
def _catalogue() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """pool -> (隐患类别, 隐患描述, on-the-spot) of tables/hazards.csv; a row may name several
    pools (industries) separated by 、."""
    out: dict[str, tuple[list, list, list]] = {}
    for r in rows("hazards"):
        for pool in split(r["pool"]):
            kinds, texts, spot = out.setdefault(pool, ([], [], []))
            kinds.append(r["kind"])
            texts.append(r["description"])
            spot.append(r["on_spot"] == "1")
    return {p: (np.array(k, dtype=object), np.array(t, dtype=object), np.array(s))
            for p, (k, t, s) in out.items()}


def _pools(rng, units: Units, unit: np.ndarray) -> np.ndarray:
    """The pool each hazard is drawn from: one of the unit's features (that has items),
    else one of its industry's pools, else its category's."""
    catalogue = _catalogue()
    n = unit.size
    with_items = [RISK_FLAGS.index(f) for f in RISK_FLAGS if f in catalogue]
    feats = units.flags[unit][:, with_items]
    keys = np.where(feats, rng.random(feats.shape), -1.0)
    feature = np.array(RISK_FLAGS, dtype=object)[with_items][keys.argmax(axis=1)]
    pool = np.array(CATEGORIES, dtype=object)[units.cat[unit]]
    industry = units.industry[unit]
    r = rng.random(n)
    by_industry = np.array([i in catalogue for i in industry])
    pool = np.where(by_industry & (r < FEATURE_POOL_SHARE + INDUSTRY_POOL_SHARE), industry, pool)
    return np.where((keys.max(axis=1) >= 0) & (r < FEATURE_POOL_SHARE), feature, pool).astype(object)


def _general_items(rng, units: Units, unit: np.ndarray):
    """隐患类别, 隐患描述 and whether each is put right on the spot."""
    pool = _pools(rng, units, unit)
    kind = np.full(unit.size, "", dtype=object)
    text = np.full(unit.size, "", dtype=object)
    spot = np.zeros(unit.size, dtype=bool)
    for name, (kinds, texts, spots) in _catalogue().items():
        where = np.flatnonzero(pool == name)
        choice = rng.integers(0, texts.size, size=where.size)
        kind[where], text[where], spot[where] = kinds[choice], texts[choice], spots[choice]
    return kind, text, spot


def _hazard_sources(rng, days: np.ndarray) -> np.ndarray:
    """发现途径 by period: before the mechanism, then by campaign phase."""
    out = np.where(days < MECHANISM_START, pick_by_share(rng, SOURCES_BEFORE, days.size),
                   pick_by_share(rng, SOURCES_MECHANISM, days.size)).astype(object)
    phase = phase_index(days)
    for p, shares in SOURCES_BY_PHASE.items():
        where = np.flatnonzero(phase == p)
        out[where] = pick_by_share(rng, shares, where.size)
    return out


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


def _remediation(rng, days: np.ndarray, spot: np.ndarray):
    """整改期限 and 整改完成日期 of general hazards (empty while still open on AS_OF).

    On-the-spot items: due and fixed the same or the next day.  The others: a deadline of
    one to four weeks, mostly kept; a few found from April are never put right."""
    n = days.size
    window = pick(rng, GENERAL_WINDOWS, n).astype(np.int64)
    r = rng.random(n)
    share = np.where(r < 0.05, 0.0, np.where(r < 0.85, rng.uniform(0.1, 1.0, n), rng.uniform(1.0, 1.6, n)))
    delay = np.ceil(share * window).astype(np.int64)
    quick = rng.integers(0, 2, size=n)
    window = np.where(spot, quick, window)
    delay = np.where(spot, quick, delay)
    due = days + window.astype("timedelta64[D]")
    fixed = days + delay.astype("timedelta64[D]")
    stuck = ~spot & (days >= MECHANISM_START) & (rng.random(n) < STUCK_RATE)
    open_ = (fixed > AS_OF) | stuck
    return due, np.where(open_, np.datetime64("NaT"), fixed).astype("datetime64[D]")


def _hazard_units(rng, units: Units, n: int) -> np.ndarray:
    """Where hazards are found: active units, by category, special flags and size."""
    cat_w = np.array([HAZARD_CATEGORY_WEIGHT[c] for c in CATEGORIES])[units.cat]
    risk = 1.0 + 0.6 * units.special.sum(axis=1)
    weight = np.where(units.active, cat_w * risk * np.log1p(units.employees), 0.0)
    return rng.choice(units.n, size=n, p=norm(weight))


# ---------------------------------------------------------------- planned major and misjudged hazards

def planned_rows(table: str, n_units: int) -> list[dict[str, str]]:
    """The rows of tables/<table>.csv used at this size: all at the reference size, an
    evenly spread subset (in date order) at other sizes."""
    table_rows = list(rows(table))
    k = min(len(table_rows), scaled(len(table_rows), n_units))
    picked = np.floor(np.arange(k) * len(table_rows) / max(k, 1)).astype(int)
    return [table_rows[i] for i in picked]


GRADE_RISK = {"一级": 0.0, "二级": 2.0, "三级": 4.0, "小微达标": 6.0, "未达标": 10.0, "": 10.0}


def _risk_proxy(units: Units) -> np.ndarray:
    """Where campaign inspectors look first: special risks, weak standardization, many
    staff (a rough echo of the bureau's own risk score)."""
    grade = pd.Series(units.grade).map(GRADE_RISK).fillna(10.0).to_numpy(dtype=float)
    return 15.0 * units.special.sum(axis=1) + grade + 4.0 * np.log10(1 + units.employees)


def _place(rng, units: Units, row: dict[str, str], free: np.ndarray, weights: tuple[np.ndarray, np.ndarray],
           among_top: int = 0) -> int:
    """A unit that fits the planned row (category, industry, features, subdistrict) among the
    ``free`` ones, larger and riskier ones more likely (``among_top``: one of that many with
    the highest risk); the conditions are relaxed from the right at tiny sizes."""
    base = free
    conds = []
    if row.get("category"):
        conds.append(units.is_cat(row["category"]))
    else:
        conds.append(units.is_cat("工贸企业"))
    for feature in split(row.get("feature", "")):
        conds.append(units.flag(feature))
    if row.get("industry"):
        conds.append(np.isin(units.industry, split(row["industry"])))
    if row.get("subdistrict"):
        conds.append(units.sub == SUBDISTRICTS.index(row["subdistrict"]))
    weight = weights[1] if among_top else weights[0]
    for k in range(len(conds), -1, -1):
        ok = base.copy()
        for c in conds[:k]:
            ok &= c
        if ok.any():
            if among_top:
                best = np.flatnonzero(ok)[np.argsort(-weight[ok], kind="stable")[:among_top]]
                return int(best[rng.integers(0, best.size)])
            return int(weighted_sample(rng, np.where(ok, weight, 0.0), 1)[0])
    return -1


def _planned(rng, units: Units, n_units: int, protected: np.ndarray) -> dict[str, np.ndarray]:
    """The major hazards and the misjudged ones, each on a unit that fits it."""
    free = units.active & ~protected
    weights = (units.employees * (1.0 + units.special.sum(axis=1)), _risk_proxy(units))
    out: dict[str, list] = {k: [] for k in ("day", "unit", "level", "kind", "text", "due", "fixed", "source")}
    for table, level in (("major_hazards", "重大隐患"), ("misjudged_hazards", "一般隐患")):
        for row in planned_rows(table, n_units):
            # a major hazard found by the campaign is found where inspectors look first
            u = _place(rng, units, row, free, weights, MAJOR_AMONG_TOP if level == "重大隐患" else 0)
            if u < 0:
                continue
            free[u] = False
            day = np.datetime64(row["found_on"])
            out["day"].append(day)
            out["unit"].append(u)
            out["level"].append(level)
            out["kind"].append(row["kind"])
            out["text"].append(row["description"])
            out["due"].append(day + np.timedelta64(int(row["due_days"]), "D"))
            out["fixed"].append(np.datetime64(row["fixed_on"]) if row["fixed_on"] else np.datetime64("NaT"))
            out["source"].append(row["source"])
    return {
        "day": np.array(out["day"], dtype="datetime64[D]"), "unit": np.array(out["unit"], dtype=np.int64),
        "level": np.array(out["level"], dtype=object), "kind": np.array(out["kind"], dtype=object),
        "text": np.array(out["text"], dtype=object), "due": np.array(out["due"], dtype="datetime64[D]"),
        "fixed": np.array(out["fixed"], dtype="datetime64[D]"), "source": np.array(out["source"], dtype=object),
    }


def plan_hazards(rng, units: Units, visits: Visits, n_units: int,
                 protected: np.ndarray | None = None) -> tuple[Hazards, np.ndarray]:
    """隐患排查治理台账 rows and the number of hazards attached to each visit.

    ``protected``: units that get no major or misjudged hazard (experts' employers)."""
    protected = np.zeros(units.n, dtype=bool) if protected is None else protected
    planned = _planned(rng, units, n_units, protected)
    n = max(0, scaled(N_HAZARDS, n_units) - planned["day"].size)
    days = draw_days(rng, n, PERIOD_START, AS_OF, growth=2.0, off_day_weight=0.15,
                     boost_from=MECHANISM_START, boost=1.4)
    source = _hazard_sources(rng, days)
    unit = _hazard_units(rng, units, n)
    attached = _link_to_visits(rng, days, unit, source, visits)
    kind, text, spot = _general_items(rng, units, unit)
    due, fixed = _remediation(rng, days, spot)
    cols = {"day": days, "unit": unit, "level": np.full(n, LEVELS[0], dtype=object), "kind": kind,
            "text": text, "due": due, "fixed": fixed, "source": source}
    merged = {k: np.concatenate([cols[k], planned[k]]) for k in cols}
    order = np.argsort(merged["day"], kind="stable")
    return Hazards(**{k: v[order] for k, v in merged.items()}), attached


SUPERVISOR = "丰泽区安委办"
DOC_NUMBER = "泉丰安委办督〔2023〕{n}号"
ACCEPTED_BY = "区应急管理局、专家组"


def _on_or_before(day: np.ndarray) -> np.ndarray:
    """The day, or NaT when it falls after the demo's last day."""
    return np.where(day <= AS_OF, day, np.datetime64("NaT"))


def follow_up(h: Hazards, units: Units) -> dict[str, np.ndarray]:
    """The follow-up of each major hazard to 销号, at realistic stages (no random draws):
    挂牌督办 by the district's safety committee office 3 days after it is found, the
    remediation plan's five elements (五落实) a week after that (the three most recent
    still without funds and contingency plan), work stopped where dust could explode,
    acceptance asked for the day after the work is done, accepted 5 days later, 销号 2
    days after acceptance."""
    n = h.day.size
    major = h.level == "重大隐患"
    blank = np.full(n, "", dtype=object)
    nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    cols = {name: blank.copy() for name in ("supervisor", "supervision_doc", "plan_responsible",
                                             "plan_measures", "plan_funds", "plan_contingency",
                                             "stop_work", "accepted_by")}
    cols |= {name: nat.copy() for name in ("supervised_on", "applied_on", "accepted_on", "closed_on")}
    order = np.flatnonzero(major)[np.argsort(h.day[major], kind="stable")]
    newest = set(order[-3:].tolist())
    for number, i in enumerate(order, start=1):
        supervised = h.day[i] + np.timedelta64(3, "D")
        if supervised > AS_OF:
            continue
        cols["supervisor"][i] = SUPERVISOR
        cols["supervision_doc"][i] = DOC_NUMBER.format(n=number)
        cols["supervised_on"][i] = supervised
        if supervised + np.timedelta64(7, "D") <= AS_OF:
            cols["plan_responsible"][i] = f"{units.name[h.unit[i]]}主要负责人"
            cols["plan_measures"][i] = f"按{h.kind[i]}整改方案逐项落实：{h.text[i]}"
            if i not in newest or not np.isnat(h.fixed[i]):
                cols["plan_funds"][i] = "已落实"
                cols["plan_contingency"][i] = "已制定"
        if "粉尘" in str(h.kind[i]) and np.isnat(h.fixed[i]):
            cols["stop_work"][i] = "是"
        if not np.isnat(h.fixed[i]):
            cols["applied_on"][i] = h.fixed[i] + np.timedelta64(1, "D")
            cols["accepted_on"][i] = h.fixed[i] + np.timedelta64(6, "D")
            cols["closed_on"][i] = h.fixed[i] + np.timedelta64(8, "D")
    for name in ("supervised_on", "applied_on", "accepted_on", "closed_on"):
        cols[name] = _on_or_before(cols[name])
    cols["accepted_by"] = np.where(~np.isnat(cols["accepted_on"]), ACCEPTED_BY, "").astype(object)
    return cols


def hazards_frame(h: Hazards, units: Units, dates) -> pd.DataFrame:
    """The ledger with its Chinese headers; ``dates`` formats the date columns.  The
    follow-up columns of major hazards (挂牌督办 … 销号日期) stand at the right."""
    width = max(5, len(str(h.day.size)))
    extra = follow_up(h, units)
    return frame(HAZARDS, {
        "hazard_id": fmt_ids("YH2023", np.arange(1, h.day.size + 1), width),
        "unit_id": units.unit_id[h.unit], "found_on": dates(h.day), "level": h.level, "kind": h.kind,
        "description": h.text, "due_on": dates(h.due), "fixed_on": dates(h.fixed), "source": h.source,
        **{k: dates(v) if v.dtype.kind == "M" else v for k, v in extra.items()},
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
