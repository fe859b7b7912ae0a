"""Load the read ledgers into the warehouse in one transaction (入库).

Every data row ends in exactly one place: its clean table, ``quarantine`` (with each of
its problems) or ``skipped_rows`` (title, blank and total rows; rows superseded by a
corrected version; copies of a row read from another file).  ``ingest_files`` keeps the
accounting per file or sheet: rows_read = rows_loaded + rows_quarantined + rows_skipped.
Rows loaded with a value blanked or corrected are listed in ``cell_fixes``; files and
sheets not read in ``ignored_files`` and ``unrecognised_files``; files of one ledger that
share keys in ``ingest_conflicts``.  ``quarantine_history`` remembers when each
quarantined row was first seen (it is kept across runs and upgrades).  If anything
fails, the transaction rolls back and the warehouse stays as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.ingest.files import Ignored, LedgerError
from assets.ingest.match import derive_ids, match_people, match_units, settle_status
from assets.ingest.read import LedgerFile, confirm_encoding, discover, read_all, read_text_exactly
from assets.ingest.validate import checked_rows_sql, duplicates_sql, sql_str
from assets.ingest.versions import Conflict, resolve
from pipeline.core.ledgers import LEDGERS, SKIP_CODES, TOTAL_MARKERS, Ledger
from pipeline.core.warehouse import named_sql

MACROS_FILE = Path(__file__).with_name("macros.sql")
TOTAL_PATTERN = "^(" + "|".join(r"\s*".join(m) for m in TOTAL_MARKERS) + ")"
# every marker ends in 计: rows without it anywhere skip the costly first-cell test
TOTAL_MARK = "计"
assert all(m.endswith(TOTAL_MARK) for m in TOTAL_MARKERS)
UNCLOSED_QUOTE = "此行有一个未闭合的英文双引号，已按原样读作字符（后面的行照常读取）：请核对这一行"

RESULT_TABLES = """
CREATE OR REPLACE TABLE quarantine (ledger VARCHAR, file VARCHAR, row BIGINT, column_name VARCHAR,
    header VARCHAR, value VARCHAR, code VARCHAR, reason VARCHAR);
CREATE OR REPLACE TABLE quarantine_rows (ledger VARCHAR, file VARCHAR, row BIGINT, raw JSON,
    row_key VARCHAR);
CREATE OR REPLACE TABLE cell_fixes (ledger VARCHAR, file VARCHAR, row BIGINT, column_name VARCHAR,
    header VARCHAR, value VARCHAR, code VARCHAR, reason VARCHAR, action VARCHAR);
CREATE OR REPLACE TABLE skipped_rows (ledger VARCHAR, file VARCHAR, row BIGINT, code VARCHAR,
    reason VARCHAR);
CREATE OR REPLACE TABLE ingest_files (ledger VARCHAR, file VARCHAR, sha256 VARCHAR,
    encoding VARCHAR, sheet VARCHAR, header_row BIGINT, rows_read BIGINT, rows_loaded BIGINT,
    rows_quarantined BIGINT, rows_skipped BIGINT, headers JSON);
CREATE OR REPLACE TABLE unrecognised_files (file VARCHAR);
CREATE OR REPLACE TABLE ignored_files (file VARCHAR, reason VARCHAR);
CREATE OR REPLACE TABLE ingest_conflicts (ledger VARCHAR, kept VARCHAR, other VARCHAR,
    shared BIGINT, rule VARCHAR);
CREATE TABLE IF NOT EXISTS quarantine_history (ledger VARCHAR, row_key VARCHAR, code VARCHAR,
    first_seen DATE);
"""


@dataclass
class Ingested:
    """What a load left aside, for the run's output: unrecognised and ignored files, conflicts."""

    unrecognised: list[str]
    ignored: list[Ignored]
    conflicts: list[Conflict]

    def warnings(self) -> list[str]:
        lines = [f"raw/{name}: 无法识别是哪一本台账，未读取（请按台账名称命名文件）" for name in self.unrecognised]
        lines += [f"raw/{i.file}: {i.reason}" for i in self.ignored]
        lines += [f"{c.kept} 与 {c.other} 有 {c.shared} 个相同编号：{c.rule}" for c in self.conflicts]
        return lines


def install_cleaning_macros(con: duckdb.DuckDBPyConnection) -> None:
    """norm(), parse_date(), the USCC checks … (``macros.sql``) on this connection."""
    con.execute(named_sql(str(MACROS_FILE.parent), "macros"))


def stage_table(con: duckdb.DuckDBPyConnection, ledger: Ledger) -> None:
    cols = ", ".join(f"{c.name} VARCHAR" for c in ledger.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stg_{ledger.key} (_file VARCHAR, _row BIGINT, "
                f"_skip VARCHAR, _conflict VARCHAR, _unmatched VARCHAR, _unmatched_reason VARCHAR, {cols})")


def csv_complete(con: duckdb.DuckDBPyConnection, lf: LedgerFile, width: int) -> bool:
    """DuckDB's reader on a text file: True when it found one record per data line."""
    spec = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE csv_in AS SELECT * FROM read_csv(
            $path, header = false, skip = $skip, delim = $delim, quote = '"', escape = '"',
            columns = {spec}, null_padding = true, auto_detect = false)""",
                    {"path": str(lf.csv_path), "skip": lf.csv_skip, "delim": lf.delimiter})
        return con.execute("SELECT count(*) FROM csv_in").fetchall() == [(lf.data_lines,)]
    except duckdb.Error:
        return False


def stage_file(con: duckdb.DuckDBPyConnection, lf: LedgerFile) -> None:
    """Insert one source's data rows as text, marking blank and total rows to skip."""
    ledger = lf.ledger
    if lf.frame is None:
        width = max(max(lf.columns.values()) + 1, lf.width)
        if not csv_complete(con, lf, width):
            confirm_encoding(lf)            # DuckDB may have stopped at bytes that are not UTF-8
            # quoted line breaks, ragged rows, mixed line endings: read it exactly in Python
            read_text_exactly(lf)
            con.execute("DROP TABLE IF EXISTS csv_in")
            return stage_file(con, lf)
    if lf.frame is not None:
        con.register("frame_in", lf.frame)
        # CAST: an empty frame has no strings for DuckDB to infer VARCHAR from
        source, cols = "frame_in", {c.name: f"CAST({c.name} AS VARCHAR)" for c in ledger.columns}
        cells = ", ".join(cols[n] for n in lf.columns)
        content, row = "_extra", "_row"
    else:
        source = "csv_in"
        cols = {name: f"c{pos}" for name, pos in lf.columns.items()}
        cells = ", ".join(f"c{i}" for i in range(width))
        content = f"length(trim(concat_ws('', {cells}))) > 0"
        row = f"rowid - (SELECT min(rowid) FROM csv_in) + {lf.header_row + 1}"
    by_position = sorted(lf.columns, key=lf.columns.get)
    first_cell = "coalesce(" + ", ".join(f"norm({cols[n]})" for n in by_position) + ", '')"
    values = ", ".join(cols.get(c.name, "NULL") if c.name in lf.columns else "NULL"
                       for c in ledger.columns)
    con.execute(f"""
        INSERT INTO stg_{ledger.key}
        SELECT $file, {row},
            CASE WHEN NOT ({content}) THEN 'blank_row'
                 WHEN contains(concat_ws('', {cells}), $mark)
                  AND regexp_matches({first_cell}, $pattern) THEN 'total_row' END,
            NULL, NULL, NULL, {values}
        FROM {source}""", {"file": lf.source, "mark": TOTAL_MARK, "pattern": TOTAL_PATTERN})
    # rows after the last one with content are not rows of the file
    con.execute(f"""DELETE FROM stg_{ledger.key} WHERE _file = ? AND _row > (
        SELECT coalesce(max(_row), 0) FROM stg_{ledger.key}
        WHERE _file = ? AND _skip IS DISTINCT FROM 'blank_row')""", [lf.source, lf.source])
    if lf.frame is not None:
        con.unregister("frame_in")
    else:
        con.execute("DROP TABLE csv_in")


def load_ledger(con: duckdb.DuckDBPyConnection, ledger: Ledger, files: list[LedgerFile],
                run_date: dt.date) -> None:
    """Check the staged rows of one ledger and write its clean table, quarantine and fixes."""
    match_units(con, ledger)            # the ledgers it refers to are written by now
    match_people(con, ledger)
    settle_status(con, ledger)
    con.execute(f"CREATE OR REPLACE TEMP TABLE chk_{ledger.key} AS {checked_rows_sql(ledger)}")
    con.execute(duplicates_sql(ledger))
    cols = ", ".join(c.name for c in ledger.columns)
    # Rows are staged in file and row order, and DuckDB keeps insertion order through
    # projections and filters; the joins of reference rules do not keep it: sort those.
    order = "ORDER BY _file, _row" if any(c.ref for c in ledger.columns) else ""
    con.execute(f"""CREATE OR REPLACE TABLE {ledger.key} AS
        SELECT {cols}, _file AS source_file, _row AS source_row
        FROM chk_{ledger.key} WHERE len(_problems) = 0 {order}""")
    headers = {"names": [c.name for c in ledger.columns], "headers": [c.header for c in ledger.columns]}
    for table, items, extra in (("quarantine", "_problems", ""), ("cell_fixes", "_fixes", ", p.action")):
        only = "len(_problems) = 0" if table == "cell_fixes" else "true"
        con.execute(f"""INSERT INTO {table}
            SELECT $ledger, _file, _row, nullif(p.column, ''), map($names, $headers)[p.column],
                p.value, p.code, p.reason{extra}
            FROM (SELECT _file, _row, unnest({items}) AS p FROM chk_{ledger.key} WHERE {only})""",
                    {"ledger": ledger.key, **headers})
    # the raw row as the clerk wrote it, under the contract's headers (struct field names)
    raw = ", ".join(f"{sql_str(c.header)}: s.{c.name}" for c in ledger.columns)
    key = ledger.id_column.name
    con.execute(f"""INSERT INTO quarantine_rows
        SELECT $ledger, s._file, s._row, to_json({{{raw}}}) AS raw,
            coalesce(clean(s.{key}), 'md5:' || md5(to_json({{{raw}}})::VARCHAR))
        FROM stg_{ledger.key} s JOIN chk_{ledger.key} c USING (_file, _row)
        WHERE len(c._problems) > 0""", {"ledger": ledger.key})
    remember_quarantine(con, ledger, run_date)
    con.execute(f"""INSERT INTO skipped_rows
        SELECT $ledger, _file, _row, _skip, map($codes, $meanings)[_skip]
        FROM stg_{ledger.key} WHERE _skip IS NOT NULL""",
                {"ledger": ledger.key, "codes": list(SKIP_CODES), "meanings": list(SKIP_CODES.values())})
    for lf in files:
        for row in range(1, lf.header_row):
            con.execute("INSERT INTO skipped_rows VALUES (?, ?, ?, 'title_row', ?)",
                        [ledger.key, lf.source, row, SKIP_CODES["title_row"]])
        for row in lf.literal_quotes:
            con.execute("INSERT INTO cell_fixes VALUES (?, ?, ?, NULL, NULL, NULL, 'unclosed_quote', ?, "
                        "'已按原样读取')", [ledger.key, lf.source, row, UNCLOSED_QUOTE])
        account_file(con, lf)
    # the staged and checked rows are written out: free their memory for the next ledger
    con.execute(f"DROP TABLE chk_{ledger.key}; DROP TABLE stg_{ledger.key}")


def remember_quarantine(con: duckdb.DuckDBPyConnection, ledger: Ledger, run_date: dt.date) -> None:
    """Note the day each quarantined problem was first seen: a row is the same across runs
    by its ledger, its key (or, without one, its content) and the problem."""
    con.execute(f"""INSERT INTO quarantine_history
        SELECT DISTINCT $ledger, q.row_key, p.code, $day
        FROM (SELECT _file, _row, unnest(_problems) AS p FROM chk_{ledger.key}) c
        JOIN quarantine_rows q ON q.ledger = $ledger AND q.file = c._file AND q.row = c._row
        WHERE (q.row_key, p.code) NOT IN (
            SELECT (row_key, code) FROM quarantine_history WHERE ledger = $ledger)""",
                {"ledger": ledger.key, "day": run_date})


def account_file(con: duckdb.DuckDBPyConnection, lf: LedgerFile) -> None:
    key = lf.ledger.key
    con.execute(f"""INSERT INTO ingest_files
        SELECT $1, $2, $3, $4, $5, $6,
            (SELECT count(*) FROM stg_{key} WHERE _file = $2) + $6 - 1,
            (SELECT count(*) FROM chk_{key} WHERE _file = $2 AND len(_problems) = 0),
            (SELECT count(*) FROM chk_{key} WHERE _file = $2 AND len(_problems) > 0),
            (SELECT count(*) FROM stg_{key} WHERE _file = $2 AND _skip IS NOT NULL) + $6 - 1,
            $7""", [key, lf.source, lf.sha256, lf.encoding, lf.sheet, lf.header_row,
                   to_json_text(lf.headers)])


def to_json_text(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def load_all(con: duckdb.DuckDBPyConnection, files: list[LedgerFile], run_date: dt.date,
             left: Ingested) -> Ingested:
    """Stage every source (temporary tables), settle shared keys, then check and write all
    ledgers in one transaction; on any error roll back, leaving the warehouse as it was."""
    install_cleaning_macros(con)
    con.execute("SET VARIABLE run_date = ?::DATE", [run_date])
    in_name_order = sorted(files, key=lambda f: f.source)   # staged source by source, by name
    for ledger in LEDGERS:
        stage_table(con, ledger)
        mine = [lf for lf in in_name_order if lf.ledger.key == ledger.key]
        for lf in mine:
            stage_file(con, lf)
        derive_ids(con, ledger)
        left.conflicts += resolve(con, ledger, mine)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(RESULT_TABLES)
        for table, rows in (("unrecognised_files", [[n] for n in left.unrecognised]),
                            ("ignored_files", [[i.file, i.reason] for i in left.ignored]),
                            ("ingest_conflicts", [[c.ledger, c.kept, c.other, c.shared, c.rule]
                                                  for c in left.conflicts])):
            for row in rows:
                con.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)
        for ledger in LEDGERS:
            load_ledger(con, ledger, [f for f in files if f.ledger.key == ledger.key], run_date)
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise LedgerError([f"写入数据仓库失败，数据仓库保持原样：{exc}"]) from exc
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return left


def ingest_folder(con: duckdb.DuckDBPyConnection, raw: Path, run_date: dt.date) -> Ingested:
    """Read, check and load every ledger in ``raw``; return what was left aside."""
    found, unrecognised, ignored = discover(raw)
    with tempfile.TemporaryDirectory() as workdir:
        files, skipped_sheets = read_all(found, Path(workdir))
        return load_all(con, files, run_date, Ingested(unrecognised, ignored + skipped_sheets, []))
