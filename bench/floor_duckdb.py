"""The floor: bare DuckDB doing the pipeline's work on the same CSV ledgers, nothing else.

One script, one in-memory connection: ``read_csv`` (all text), the contract's validation
rules as one boolean per row (required fields, numbers, dates, enums, multi-value cells,
USCC format + check characters + kind, cross-column rules, references to the clean rows of
the referenced ledger, duplicate keys keeping the first), the unit risk scores of
``assets/derive/sql/unit_risk.sql`` (the part of the derivations that grows with the data)
and the ledger-based headline figures.  The cleaning macros are the pipeline's own
``assets/ingest/macros.sql`` text (plain SQL), so both apply the very same rules.

What the floor leaves out: header search and aliases, encodings other than UTF-8, Excel,
blank/total rows, per-problem reasons, the quarantine tables and the row accounting.

    python bench/floor_duckdb.py RAW_DIR [--run-date 2023-08-20] [--week-start 2023-08-07]

Prints a summary and, last, one line ``BENCH_JSON {...}`` that bench/run.py reads.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import duckdb
import yaml
from measure import ROOT, cpu_seconds, peak_mib, script_main

sys.path.insert(0, str(ROOT))

from pipeline.core.ledgers import LEDGERS, USCC_PREFIXES  # noqa: E402  (the contract: plain data)

MACROS = (ROOT / "assets" / "ingest" / "macros.sql").read_text(encoding="utf-8")
CONFIG = yaml.safe_load((ROOT / "pipeline" / "bangfu.yaml").read_text(encoding="utf-8"))
REF_KEYS = {"units": "unit_id", "cadres": "cadre_id", "experts": "expert_id", "departments": "dept"}


def q(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def enum_sql(expr: str, col) -> str:
    whens = " ".join(f"WHEN {q(alias.upper())} THEN {q(value)}"
                     for value, aliases in col.values.items() for alias in (value, *aliases))
    return f"CASE upper({expr}) {whens} END"


def typed_sql(col) -> str:
    t = f"t_{col.name}"
    if col.kind == "int":
        return f"parse_int(coalesce({t}, {q(col.default or '')}))"
    if col.kind == "date":
        return f"parse_date({t})"
    if col.kind == "enum":
        return enum_sql(t, col)
    if col.kind == "yesno":
        return f"({enum_sql(t, col)} = '是')"
    if col.kind == "multi":
        if col.values:
            return f"list_transform(split_multi({t}), lambda x: {enum_sql('x', col)})"
        return f"split_multi({t})"
    if col.kind == "uscc":
        return f"upper(replace({t}, ' ', ''))"
    return t


def bad_sql(ledger, run_date: dt.date) -> list[str]:
    """Conditions that quarantine a row (any one true)."""
    out = []
    for col in ledger.columns:
        t, v = f"t_{col.name}", col.name
        if col.required and col.default is None and col.kind != "uscc":
            out.append(f"{t} IS NULL")
        if col.kind == "int":
            out += [f"{t} IS NOT NULL AND {v} IS NULL", f"{v} < 0"]
            if col.max_value is not None:
                out.append(f"{v} > {col.max_value}")
        elif col.kind == "date":
            out += [f"{t} IS NOT NULL AND {v} IS NULL", f"{v} < DATE '2000-01-01'"]
            if col.name != "due_on":
                out.append(f"{v} > DATE '{run_date}'")
        elif col.kind in ("enum", "yesno"):
            out.append(f"{t} IS NOT NULL AND {v} IS NULL")
        elif col.kind == "multi" and col.values:
            out.append(f"list_contains(list_transform({v}, lambda x: x IS NULL), true)")
        elif col.kind == "uscc":
            fits = " OR ".join(f"(category = {q(c)} AND left({v}, 2) IN ({', '.join(map(q, p))}))"
                               for c, p in USCC_PREFIXES.items())
            out += [f"{v} IS NULL AND category IS DISTINCT FROM '在建施工项目'",
                    f"{v} IS NOT NULL AND NOT uscc_format_ok({v})",
                    f"uscc_format_ok({v}) AND NOT (uscc_check_ok({v}) AND (category IS NULL OR {fits}))"]
        if col.ref:
            key = REF_KEYS[col.ref]
            if col.kind == "multi":
                out.append(f"len({v}) > 0 AND NOT list_has_all("
                           f"(SELECT coalesce(list({key}), []) FROM {col.ref}), {v})")
            else:
                out.append(f"{v} IS NOT NULL AND {v} NOT IN (SELECT {key} FROM {col.ref})")
    if ledger.key == "hazards":
        out += ["due_on < found_on", "fixed_on < found_on"]
    if ledger.key == "visits":
        out.append("problems_solved > problems_found")
    return out


def load_ledger(con, ledger, path: Path, run_date: dt.date) -> None:
    """raw_<key> (the file as text, rowid = file order), chk_<key> (typed + _ok), <key> (clean)."""
    con.execute(f"CREATE TEMP TABLE raw_{ledger.key} AS SELECT * FROM read_csv({q(path)}, "
                "header = true, all_varchar = true)")
    texts = ", ".join(f'norm("{c.header}") AS t_{c.name}' for c in ledger.columns)
    typed = ", ".join(f"{typed_sql(c)} AS {c.name}" for c in ledger.columns)
    bad = " OR ".join(f"({b}) IS TRUE" for b in bad_sql(ledger, run_date))
    key = ledger.id_column.name
    drop = ", ".join(f"t_{c.name}" for c in ledger.columns)
    con.execute(f"""CREATE TEMP TABLE chk_{ledger.key} AS
        WITH t AS (SELECT rowid AS _row, {texts} FROM raw_{ledger.key}),
             typed AS (SELECT *, {typed} FROM t),
             flagged AS (SELECT *, NOT ({bad}) AS _valid FROM typed)
        SELECT * EXCLUDE (_valid, {drop}), _valid AND row_number() OVER (
            PARTITION BY _valid, {key} ORDER BY _row) = 1 AS _ok
        FROM flagged""")
    cols = ", ".join(c.name for c in ledger.columns)
    con.execute(f"CREATE TABLE {ledger.key} AS SELECT {cols} FROM chk_{ledger.key} WHERE _ok ORDER BY _row")


def set_weights(con) -> None:
    s = CONFIG["scoring"]
    for name in ("hazard_general", "hazard_major", "overdue_factor", "accident", "accidents_cap",
                 "inspection_per_30_days", "inspection_cap", "size_per_log10"):
        con.execute(f"SET VARIABLE {name} = {float(s[name])}")
    flags = ", ".join(f"{q(k)}: {float(v)}" for k, v in s["flags"].items())
    grades = ", ".join(f"{q(k)}: {float(v)}" for k, v in s["grade"].items())
    con.execute(f"SET VARIABLE flag_weights = MAP {{{flags}}}")
    con.execute(f"SET VARIABLE grade_weights = MAP {{{grades}}}")


RISK = """
CREATE TABLE unit_risk AS
WITH h AS (
    SELECT unit_id,
        count(*) FILTER (level = '一般隐患') AS g, count(*) FILTER (level = '重大隐患') AS m,
        count(*) FILTER (level = '一般隐患' AND due_on < $we) AS og,
        count(*) FILTER (level = '重大隐患' AND due_on < $we) AS om
    FROM hazards WHERE found_on <= $we AND (fixed_on IS NULL OR fixed_on > $we)
    GROUP BY unit_id
), v AS (
    SELECT unit_id, max(visited_on) AS visited_on FROM visits
    WHERE visited_on <= $we AND kind IN ('执法检查', '专家指导') GROUP BY unit_id
), f AS (
    SELECT u.unit_id, u.employees, u.std_grade, u.accidents_3y,
        coalesce(list_sum(list_transform(u.risk_flags,
            lambda x: getvariable('flag_weights')[x]))::DOUBLE, 0) AS c_flags,
        coalesce(h.g, 0) AS g, coalesce(h.m, 0) AS m, coalesce(h.og, 0) AS og, coalesce(h.om, 0) AS om,
        greatest(CASE WHEN u.last_inspected <= $we THEN u.last_inspected END, v.visited_on) AS last_seen
    FROM units u LEFT JOIN h USING (unit_id) LEFT JOIN v USING (unit_id)
)
SELECT unit_id, round(c_flags
    + getvariable('hazard_general') * (g + (getvariable('overdue_factor') - 1) * og)
    + getvariable('hazard_major') * (m + (getvariable('overdue_factor') - 1) * om)
    + getvariable('accident') * least(accidents_3y, getvariable('accidents_cap'))
    + getvariable('grade_weights')[coalesce(std_grade, '无')]
    + CASE WHEN last_seen IS NULL THEN getvariable('inspection_cap')
           ELSE least(getvariable('inspection_cap'),
                      getvariable('inspection_per_30_days') * ($we - last_seen) / 30) END
    + getvariable('size_per_log10') * log10(1 + greatest(employees, 0)), 2) AS score
FROM f
"""

FIGURES = """
WITH u AS (
    SELECT count(*) AS supervised_units, count(DISTINCT subdistrict) AS subdistricts,
        count(*) FILTER (tier = '精品') AS tier_jingpin, count(*) FILTER (tier = '标杆') AS tier_biaogan,
        count(*) FILTER (tier = '评审达标') AS tier_dabiao, coalesce(sum(demo_posts), 0) AS demo_posts
    FROM units WHERE status <> '注销'
), h AS (
    SELECT count(*) FILTER (found_on BETWEEN $ys AND $we) AS hazards_found_ytd,
        count(*) FILTER (open) AS hazards_open,
        count(*) FILTER (open AND level = '重大隐患') AS hazards_major_open,
        count(*) FILTER (open AND due_on < $we) AS hazards_overdue
    FROM (SELECT *, found_on <= $we AND (fixed_on IS NULL OR fixed_on > $we) AS open FROM hazards)
), r AS (
    SELECT count(*) AS reviews_ytd, count(*) FILTER (result = '通过') AS reviews_passed_ytd
    FROM reviews WHERE reviewed_on BETWEEN $ys AND $we
)
SELECT *,
    (SELECT count(*) FROM departments WHERE participates) AS departments,
    (SELECT count(*) FROM cadres WHERE on_team) AS team_cadres,
    (SELECT count(*) FROM cadres WHERE dept = $bureau) AS bureau_cadres,
    (SELECT count(*) FROM experts) AS experts,
    (SELECT coalesce(sum(problems_solved), 0) FROM visits WHERE visited_on BETWEEN $ys AND $we)
        AS problems_solved_ytd
FROM u, h, r
"""


def run(raw: Path, run_date: dt.date, week_start: dt.date) -> dict:
    week_end = week_start + dt.timedelta(days=6)
    params = {"we": week_end, "ys": dt.date(week_end.year, 1, 1), "bureau": CONFIG["bureau"]}
    con = duckdb.connect()
    phases, cpu = {}, {}

    t, c = time.perf_counter(), cpu_seconds()
    con.execute(MACROS)
    for ledger in LEDGERS:
        load_ledger(con, ledger, raw / f"{ledger.title}.csv", run_date)
    phases["load_validate"] = time.perf_counter() - t
    cpu["load_validate"] = cpu_seconds() - c
    rss = {"load_validate": peak_mib()}

    t, c = time.perf_counter(), cpu_seconds()
    set_weights(con)
    con.execute(RISK, {"we": week_end})
    phases["derive"] = time.perf_counter() - t
    cpu["derive"] = cpu_seconds() - c
    rss["derive"] = peak_mib()

    t, c = time.perf_counter(), cpu_seconds()
    cur = con.execute(FIGURES, params)
    figures = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    figures["units_by_category"] = dict(con.execute(
        "SELECT category, count(*) FROM units WHERE status <> '注销' GROUP BY category "
        "ORDER BY category").fetchall())
    total, top = con.execute("SELECT sum(score), list(unit_id ORDER BY score DESC, unit_id)[1:10] "
                             "FROM unit_risk").fetchone()
    phases["figures"] = time.perf_counter() - t
    cpu["figures"] = cpu_seconds() - c
    rss["figures"] = peak_mib()
    figures["risk_score_sum"] = round(float(total or 0), 2)
    figures["risk_top10"] = list(top or [])

    counts = {}
    for ledger in LEDGERS:
        read, ok = con.execute(f"SELECT count(*), count(*) FILTER (_ok) FROM chk_{ledger.key}").fetchone()
        counts[ledger.key] = {"rows": read, "loaded": ok, "quarantined": read - ok}
    return {"tool": "floor_duckdb", "duckdb": duckdb.__version__,
            "phases": phases, "phase_cpu": cpu, "rss_mib": rss, "counts": counts,
            "rows": sum(n["rows"] for n in counts.values()),
            "figures": {k: (int(v) if isinstance(v, int | float) and k != "risk_score_sum" else v)
                        for k, v in figures.items()}}


def main(argv=None) -> int:
    return script_main(__doc__.splitlines()[0], run, argv)


if __name__ == "__main__":
    sys.exit(main())
