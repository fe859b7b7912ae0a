"""What an analyst would write: pandas, the same CSV ledgers, the same rules and figures.

Idiomatic, vectorised pandas (``read_csv`` as text, ``.str`` methods, ``map``, ``isin``,
``groupby``; dates and USCC check characters computed on whole columns): the contract's
validation rules (required fields, numbers, dates, enums, multi-value cells, USCC format +
check characters + kind, cross-column rules, references to the clean rows of the
referenced ledger, duplicate keys keeping the first), the unit risk scores of
``assets/derive/sql/unit_risk.sql`` and the ledger-based headline figures.  Nothing is
deliberately slow; nothing is tuned beyond what the pandas documentation suggests.

    python bench/analyst_pandas.py RAW_DIR [--run-date 2023-08-20] [--week-start 2023-08-07]

Prints a summary and, last, one line ``BENCH_JSON {...}`` that bench/run.py reads.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from measure import ROOT, cpu_seconds, peak_mib, script_main

sys.path.insert(0, str(ROOT))

from pipeline.core.ledgers import LEDGERS, USCC_PREFIXES  # noqa: E402  (the contract: plain data)

CONFIG = yaml.safe_load((ROOT / "pipeline" / "bangfu.yaml").read_text(encoding="utf-8"))
REF_KEYS = {"units": "unit_id", "cadres": "cadre_id", "experts": "expert_id", "departments": "dept"}

FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ　．－／：\xa0",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .-/: ")
SPACE = " \t\n\r\f"   # what \s means in DuckDB's (RE2) regular expressions
YMD = (r"^([0-9]{4})[ \t\n\r\f]*[-/.年][ \t\n\r\f]*([0-9]{1,2})[ \t\n\r\f]*[-/.月][ \t\n\r\f]*"
       r"([0-9]{1,2})[ \t\n\r\f]*日?(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
MULTI_SEPARATORS = r"[、，,；;\s]+"


# ------------------------------------------------------------------------- cleaning

def norm(s: pd.Series) -> pd.Series:
    """Full-width to ASCII, trimmed, '' as missing."""
    s = s.str.translate(FULL_WIDTH).str.strip(SPACE)
    return s.where(s != "")


def parse_int(s: pd.Series) -> pd.Series:
    plain = s.str.replace(",", "", regex=False)
    ok = plain.str.fullmatch(r"[+-]?[0-9]+(\.0*)?").fillna(False).astype(bool)
    return pd.to_numeric(plain.where(ok), errors="coerce").round().astype("Int64")


def parse_date(s: pd.Series) -> pd.Series:
    """The formats of the contract, parsed once per distinct value (dates repeat a lot)."""
    codes, uniques = pd.factorize(s)
    if len(uniques) == 0:
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    u = pd.Series(uniques, dtype=object).astype(str)
    parts = u.str.extract(YMD)
    out = pd.to_datetime(pd.DataFrame({"year": parts[0], "month": parts[1], "day": parts[2]})
                         .astype(float), errors="coerce")
    compact = u.str.fullmatch(r"[0-9]{8}").fillna(False).astype(bool)
    out = out.where(~compact, pd.to_datetime(u.where(compact), format="%Y%m%d", errors="coerce"))
    serial_text = u.str.fullmatch(r"[0-9]{4,5}(\.[0-9]+)?").fillna(False).astype(bool)
    serial = pd.to_numeric(u.where(serial_text), errors="coerce")
    serial = serial.where((serial >= 1) & (serial <= 2958465))
    excel = pd.Timestamp("1899-12-30") + pd.to_timedelta(np.floor(serial), unit="D")
    out = out.where(~serial.notna(), excel)
    values = out.to_numpy()
    result = np.where(codes >= 0, values[np.maximum(codes, 0)], np.datetime64("NaT"))
    return pd.Series(result, index=s.index, dtype="datetime64[ns]")


def enum_map(col) -> dict[str, str]:
    return {alias.upper(): value for value, aliases in col.values.items() for alias in (value, *aliases)}


def split_multi(s: pd.Series) -> pd.Series:
    """Exploded values (index = row), empty pieces dropped."""
    parts = s.fillna("").str.split(MULTI_SEPARATORS, regex=True).explode()
    return parts[parts.notna() & (parts != "")]


def uscc_ok(code: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(format ok, both check characters ok) for codes already upper-cased."""
    fmt = code.str.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}").fillna(False).astype(bool)
    check = pd.Series(False, index=code.index)
    if fmt.any():
        raw = np.frombuffer("".join(code[fmt]).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        uscc_value = np.full(128, -1)
        uscc_value[np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)] = np.arange(31)
        org_value = np.where((raw >= 48) & (raw <= 57), raw.astype(int) - 48, raw.astype(int) - 55)
        org = 11 - (org_value[:, 8:16] @ ORG_WEIGHTS) % 11
        org_char = np.where(org == 10, ord("X"), np.where(org == 11, ord("0"), org + 48))
        whole = (31 - (uscc_value[raw[:, :17]] @ USCC_WEIGHTS) % 31) % 31
        whole_char = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)[whole]
        check[fmt] = (org_char == raw[:, 16]) & (whole_char == raw[:, 17])
    return fmt, check


# ------------------------------------------------------------------------- validation

def validate(ledger, frame: pd.DataFrame, clean: dict[str, pd.DataFrame], run_date: pd.Timestamp
             ) -> tuple[pd.DataFrame, pd.Series, dict[str, pd.Series]]:
    """Typed columns, a boolean 'quarantined' per row, and the multi-value cells exploded."""
    text = pd.DataFrame({c.name: norm(frame[c.header]) for c in ledger.columns})
    typed = pd.DataFrame(index=frame.index)
    bad = pd.Series(False, index=frame.index)
    multi: dict[str, pd.Series] = {}
    for col in ledger.columns:
        t = text[col.name]
        if col.required and col.default is None and col.kind != "uscc":
            bad |= t.isna()
        if col.kind == "int":
            v = parse_int(t.fillna(col.default) if col.default is not None else t)
            bad |= (t.notna() & v.isna()) | (v < 0).fillna(False)
            if col.max_value is not None:
                bad |= (v > col.max_value).fillna(False)
        elif col.kind == "date":
            v = parse_date(t)
            bad |= (t.notna() & v.isna()) | (v < pd.Timestamp("2000-01-01"))
            if col.name != "due_on":
                bad |= v > run_date
        elif col.kind in ("enum", "yesno"):
            v = t.str.upper().map(enum_map(col))
            bad |= t.notna() & v.isna()
            if col.kind == "yesno":
                v = v == "是"
        elif col.kind == "multi":
            v = t.fillna("").str.split(MULTI_SEPARATORS, regex=True)
            pieces = v.explode()
            pieces = pieces[pieces.notna() & (pieces != "")]
            if col.values:
                pieces = pieces.str.upper().map(enum_map(col))
                bad |= pieces.isna().groupby(level=0).any().reindex(frame.index, fill_value=False)
            multi[col.name] = pieces
        elif col.kind == "uscc":
            v = t.str.replace(" ", "", regex=False).str.upper()
        else:
            v = t
        typed[col.name] = v
    for col in ledger.columns:
        v = typed[col.name]
        if col.kind == "uscc":   # needs the typed category
            category = typed["category"]
            fmt, check = uscc_ok(v)
            fits = pd.Series(False, index=frame.index)
            for cat, prefixes in USCC_PREFIXES.items():
                fits |= (category == cat) & v.str[:2].isin(prefixes)
            bad |= v.isna() & (category != "在建施工项目")
            bad |= v.notna() & ~fmt
            bad |= fmt & ~(check & (category.isna() | fits))
        if col.ref:
            keys = clean[col.ref][REF_KEYS[col.ref]]
            if col.kind == "multi":
                unknown = ~multi[col.name].isin(keys)
                bad |= unknown.groupby(level=0).any().reindex(frame.index, fill_value=False)
            else:
                bad |= v.notna() & ~v.isin(keys)
    if ledger.key == "hazards":
        bad |= (typed.due_on < typed.found_on) | (typed.fixed_on < typed.found_on)
    if ledger.key == "visits":
        bad |= (typed.problems_solved > typed.problems_found).fillna(False)
    key = typed[ledger.id_column.name]
    bad |= ~bad & key.where(~bad).duplicated(keep="first") & key.notna()
    return typed, bad, multi


# ------------------------------------------------------------------------- derive, figures

def risk_scores(units: pd.DataFrame, flags: pd.Series, hazards: pd.DataFrame,
                visits: pd.DataFrame, week_end: pd.Timestamp) -> pd.Series:
    """Score per unit_id; ``flags``: the units' risk flags exploded (index = units' row)."""
    s = CONFIG["scoring"]
    h = hazards[(hazards.found_on <= week_end)
                & (hazards.fixed_on.isna() | (hazards.fixed_on > week_end))]
    overdue = h.due_on < week_end
    counts = pd.DataFrame({
        "unit_id": h.unit_id, "g": h.level == "一般隐患", "m": h.level == "重大隐患",
        "og": (h.level == "一般隐患") & overdue, "om": (h.level == "重大隐患") & overdue,
    }).groupby("unit_id").sum()
    seen = visits[(visits.visited_on <= week_end) & visits.kind.isin(["执法检查", "专家指导"])]
    last_visit = seen.groupby("unit_id").visited_on.max()
    points = flags.map(s["flags"]).groupby(level=0).sum().reindex(units.index, fill_value=0)
    u = units.assign(flag_points=points.astype(float)).set_index("unit_id")
    c = counts.reindex(u.index, fill_value=0)
    inspected = u.last_inspected.where(u.last_inspected <= week_end)
    last_seen = pd.concat([inspected, last_visit.reindex(u.index)], axis=1).max(axis=1)
    days = (week_end - last_seen).dt.days
    of = s["overdue_factor"] - 1
    score = (u.flag_points
             + s["hazard_general"] * (c.g + of * c.og) + s["hazard_major"] * (c.m + of * c.om)
             + s["accident"] * u.accidents_3y.clip(upper=s["accidents_cap"]).astype(float)
             + u.std_grade.fillna("无").map(s["grade"]).astype(float)
             + np.where(last_seen.isna(), s["inspection_cap"],
                        np.minimum(s["inspection_cap"], s["inspection_per_30_days"] * days / 30))
             + s["size_per_log10"] * np.log10(1 + u.employees.clip(lower=0).astype(float)))
    return score.round(2)


def figures(t: dict[str, pd.DataFrame], score: pd.Series, week_end: pd.Timestamp) -> dict:
    ys = pd.Timestamp(week_end.year, 1, 1)
    units = t["units"][t["units"].status != "注销"]
    h = t["hazards"]
    open_ = (h.found_on <= week_end) & (h.fixed_on.isna() | (h.fixed_on > week_end))
    v, r = t["visits"], t["reviews"]
    r_ytd = r[r.reviewed_on.between(ys, week_end)]
    top = score.rename("score").reset_index().sort_values(["score", "unit_id"], ascending=[False, True])
    return {
        "supervised_units": len(units),
        "subdistricts": units.subdistrict.nunique(),
        "tier_jingpin": int((units.tier == "精品").sum()),
        "tier_biaogan": int((units.tier == "标杆").sum()),
        "tier_dabiao": int((units.tier == "评审达标").sum()),
        "demo_posts": int(units.demo_posts.sum()),
        "hazards_found_ytd": int(h.found_on.between(ys, week_end).sum()),
        "hazards_open": int(open_.sum()),
        "hazards_major_open": int((open_ & (h.level == "重大隐患")).sum()),
        "hazards_overdue": int((open_ & (h.due_on < week_end)).sum()),
        "reviews_ytd": len(r_ytd),
        "reviews_passed_ytd": int((r_ytd.result == "通过").sum()),
        "departments": int(t["departments"].participates.sum()),
        "team_cadres": int(t["cadres"].on_team.sum()),
        "bureau_cadres": int((t["cadres"].dept == CONFIG["bureau"]).sum()),
        "experts": len(t["experts"]),
        "problems_solved_ytd": int(v.loc[v.visited_on.between(ys, week_end), "problems_solved"].sum()),
        "units_by_category": {k: int(n) for k, n in units.category.value_counts().sort_index().items()},
        "risk_score_sum": round(float(score.sum()), 2),
        "risk_top10": list(top.unit_id.head(10)),
    }


def run(raw: Path, run_date: dt.date, week_start: dt.date) -> dict:
    week_end = pd.Timestamp(week_start + dt.timedelta(days=6))
    phases, cpu, rss, counts = {}, {}, {}, {}
    clean: dict[str, pd.DataFrame] = {}
    flags = None

    t, c = time.perf_counter(), cpu_seconds()
    for ledger in LEDGERS:
        frame = pd.read_csv(raw / f"{ledger.title}.csv", dtype=str, keep_default_na=False)
        typed, bad, multi = validate(ledger, frame, clean, pd.Timestamp(run_date))
        clean[ledger.key] = typed[~bad]
        if ledger.key == "units":
            pieces = multi["risk_flags"]
            flags = pieces[pieces.index.isin(typed.index[~bad])]
        counts[ledger.key] = {"rows": len(frame), "loaded": int((~bad).sum()), "quarantined": int(bad.sum())}
    phases["load_validate"] = time.perf_counter() - t
    cpu["load_validate"] = cpu_seconds() - c
    rss["load_validate"] = peak_mib()

    t, c = time.perf_counter(), cpu_seconds()
    score = risk_scores(clean["units"], flags, clean["hazards"], clean["visits"], week_end)
    phases["derive"] = time.perf_counter() - t
    cpu["derive"] = cpu_seconds() - c
    rss["derive"] = peak_mib()

    t, c = time.perf_counter(), cpu_seconds()
    result = figures(clean, score, week_end)
    phases["figures"] = time.perf_counter() - t
    cpu["figures"] = cpu_seconds() - c
    rss["figures"] = peak_mib()
    return {"tool": "analyst_pandas", "pandas": pd.__version__, "phases": phases, "phase_cpu": cpu,
            "rss_mib": rss, "counts": counts, "rows": sum(n["rows"] for n in counts.values()),
            "figures": result}


def main(argv=None) -> int:
    return script_main(__doc__.splitlines()[0], run, argv)


if __name__ == "__main__":
    sys.exit(main())
