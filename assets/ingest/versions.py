"""Several files of one ledger (同一台账的多个文件): parts, versions, and duplicates.

Files (or sheets) of one ledger whose keys do not overlap are parts, all read.  When two
of them share keys, the result never depends on how their names sort:

* **versions** (at least two, and at least half, of the smaller one's keys are in the
  other): the one marked
  as a correction (更正、修正、订正、修订 in its file or sheet name) wins, else the one with
  the later 截至 date (in its name or its title rows); it wins for the keys it holds, and
  the other's rows with those keys are skipped as superseded (被取代).  Two versions that
  no rule tells apart stop the run, naming both files.
* **stray duplicates** between parts: rows with the same key and the same content are read
  once (the copy is skipped); rows with the same key and different content are all
  quarantined, naming each other, since neither can be preferred.

Every such case is recorded in ``ingest_conflicts`` and said in the run's output, the
manifest and the fix list.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from assets.ingest.files import LedgerError
from pipeline.core.ledgers import Ledger

CORRECTION = re.compile(r"更正|修正|订正|修订")
AS_OF = re.compile(r"截至\s*(20\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})")
FULL_DATE = re.compile(r"(20\d{2})\s*[年.\-/_]?\s*(\d{1,2})\s*[月.\-/_]?\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"(20\d{2})([-.]?)(\d{2})\2(\d{2})(?!\d)")
MONTH = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")
VERSION_SHARE = 0.5        # versions share at least half the smaller one's keys …
VERSION_MIN = 2            # … and at least two


@dataclass(frozen=True)
class Conflict:
    ledger: str
    kept: str
    other: str
    shared: int
    rule: str           # what decided, in Chinese


def date_or_none(y, m, d) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def as_of(texts: list[str]) -> dt.date | None:
    """The 截至 date a source states (title rows first, then its name), if any."""
    for text in texts:
        if m := AS_OF.search(text):
            return date_or_none(*m.groups())
    dates = []
    for text in texts:
        found = [m.groups() for m in FULL_DATE.finditer(text)]
        found += [(m[1], m[3], m[4]) for m in ISO_DATE.finditer(text)]
        dates += [d for d in (date_or_none(*g) for g in found) if d]
        for m in MONTH.finditer(text):
            year, month = int(m[1]), int(m[2])
            if 1 <= month <= 12:
                dates.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return max(dates, default=None)


def standing(lf) -> tuple[bool, dt.date | None]:
    names = [lf.path.stem, lf.sheet or ""]
    return bool(CORRECTION.search(" ".join(names))), as_of([lf.above, *names])


def winner(a, b) -> tuple[object, str] | None:
    """Which of two versions counts, and why; None when no rule tells them apart."""
    (mark_a, date_a), (mark_b, date_b) = standing(a), standing(b)
    if mark_a != mark_b:
        return (a, "标为更正的版本为准") if mark_a else (b, "标为更正的版本为准")
    if date_a and date_b and date_a != date_b:
        return (a, f"截至日期较新（{max(date_a, date_b)}）的版本为准") if date_a > date_b else \
            (b, f"截至日期较新（{max(date_a, date_b)}）的版本为准")
    return None


def resolve(con, ledger: Ledger, sources: list) -> list[Conflict]:
    """Settle the keys shared between the sources staged in ``stg_<key>`` (see above)."""
    if len(sources) < 2:
        return []
    table, key = f"stg_{ledger.key}", ledger.id_column.name
    by_source = {lf.source: lf for lf in sources}
    con.execute(f"""CREATE OR REPLACE TEMP TABLE src_keys AS SELECT DISTINCT _file, clean({key}) AS k
        FROM {table} WHERE _skip IS NULL AND clean({key}) IS NOT NULL""")
    pairs = con.execute("""WITH n AS (SELECT _file, count(*) AS keys FROM src_keys GROUP BY _file)
        SELECT a._file, b._file, count(*) AS shared, any_value(na.keys), any_value(nb.keys)
        FROM src_keys a JOIN src_keys b ON a.k = b.k AND a._file < b._file
        JOIN n na ON na._file = a._file JOIN n nb ON nb._file = b._file
        GROUP BY a._file, b._file ORDER BY a._file, b._file""").fetchall()
    conflicts, problems = [], []
    for first, second, shared, n1, n2 in pairs:
        if shared >= max(VERSION_MIN, VERSION_SHARE * min(n1, n2)):
            decided = winner(by_source[first], by_source[second])
            if decided is None:
                problems.append(
                    f"{ledger.title}：{first} 与 {second} 有 {shared} 个相同的{ledger.id_column.header}，"
                    "像是同一台账的两个版本，无法判断以哪个为准；请删去旧的一个，"
                    "或在新文件名中注明“更正”或“截至某年某月某日”")
                continue
            kept, rule = decided
            other = second if kept.source == first else first
            con.execute(f"""UPDATE {table} SET _skip = 'superseded' WHERE _file = ? AND _skip IS NULL
                AND clean({key}) IN (SELECT k FROM src_keys WHERE _file = ?)""", [other, kept.source])
            conflicts.append(Conflict(ledger.key, kept.source, other, shared, rule))
        else:
            conflicts.append(settle_duplicates(con, ledger, first, second, shared))
    con.execute("DROP TABLE src_keys")
    if problems:
        raise LedgerError(problems)
    return conflicts


def settle_duplicates(con, ledger: Ledger, first: str, second: str, shared: int) -> Conflict:
    """Same key in two parts: the same row is read once; different rows are all quarantined."""
    table, key = f"stg_{ledger.key}", ledger.id_column.name
    content = " || '\x1f' || ".join(f"coalesce(clean({c.name}), '')" for c in ledger.columns)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE dup_rows AS
        SELECT _file, _row, clean({key}) AS k, {content} AS content FROM {table}
        WHERE _skip IS NULL AND _file IN (?, ?)
          AND clean({key}) IN (SELECT k FROM src_keys WHERE _file = ? INTERSECT
                               SELECT k FROM src_keys WHERE _file = ?)""",
                [first, second, first, second])
    con.execute(f"""UPDATE {table} SET _skip = 'duplicate_copy' FROM dup_rows d
        WHERE {table}._file = ? AND d._file = ? AND {table}._row = d._row
          AND d.content IN (SELECT content FROM dup_rows WHERE _file = ? AND k = d.k)""",
                [second, second, first])
    con.execute(f"""DELETE FROM dup_rows WHERE (_file, _row) IN (
        SELECT (_file, _row) FROM {table} WHERE _skip = 'duplicate_copy')""")
    con.execute(f"""UPDATE {table} SET _conflict = '编号“' || d.k || '”出现在 ' || o.others || '，内容不同，无法确定哪条为准'
        FROM dup_rows d, (SELECT k, string_agg(_file || ' 第' || _row || '行', '、' ORDER BY _file, _row)
                          AS others, list(_file) AS files FROM dup_rows GROUP BY k) o
        WHERE {table}._file = d._file AND {table}._row = d._row AND o.k = d.k
          AND {table}._skip IS NULL AND len(list_distinct(o.files)) > 1""")
    con.execute("DROP TABLE dup_rows")
    return Conflict(ledger.key, first, second, shared, "两个文件有相同编号：内容相同的只读一次，内容不同的都隔离")
