"""Find the ledger files in ``raw/`` and read them as text, as they come (读取台账).

``discover`` applies the rule of ``files.py`` (what in raw/ is read) and recognises each
file's ledger by its name or header.  ``read_all`` reads every file, or refuses them all
together with one line per problem before anything is written:

* a workbook is read sheet by sheet: every sheet that holds the ledger's header is a
  part of it (one per month, say) and is accounted for on its own; a sheet without the
  header (填表说明, 汇总 …) is listed as not read; a sheet that holds some of the
  header but not all of it is refused, naming it;
* a CSV or text export goes through DuckDB's reader when its rows are one line each,
  otherwise through ``csvtext.split_records`` (quoted line breaks, ragged rows).

Every data row keeps its row number as a clerk sees it in Excel, so problems can be
pointed at.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assets.ingest.csvtext import (
    count_data_lines,
    delimiter_of,
    encoding_of,
    line_at,
    split_records,
    transcode_to_utf8,
    utf8_error_at,
)
from assets.ingest.files import (
    SUFFIXES,
    Ignored,
    LedgerError,
    candidates,
    file_kind,
    sha256_of,
)
from assets.ingest.header import SEARCH_ROWS, Header, locate
from assets.ingest.sheets import read_workbook
from pipeline.core.ledgers import BY_KEY, LEDGERS, Ledger, missing_columns, normalise_header

HEAD_BYTES = 256 * 1024             # the head of a CSV: where the header is looked for
NOT_DATA_SHEET = "没有{title}的表头，视为说明或汇总页，未读取"
COPY_NAME = re.compile(r"副本|复制|copy|\(\d+\)|（\d+）", re.IGNORECASE)

__all__ = ["HEAD_BYTES", "LedgerError", "LedgerFile", "discover", "files_digest", "read_all",
           "read_file", "sha256_of"]


@dataclass
class LedgerFile:
    """One source of one ledger: a text file, or one sheet of a workbook."""

    ledger: Ledger
    path: Path
    relpath: str
    sha256: str = ""
    kind: str = ""                     # xlsx | xls | text | utf16
    header_row: int = 0                # 1-based row number of the (last) header row
    columns: dict[str, int] = field(default_factory=dict)   # column name -> position
    headers: dict[str, str] = field(default_factory=dict)   # column name -> header as written
    encoding: str = "utf-8"
    sheet: str | None = None
    parts: int = 1                     # data sheets of its workbook
    above: str = ""                    # the text above the header (titles: 截至…)
    frame: pd.DataFrame | None = None  # rows after the header, when read in Python
    csv_path: Path | None = None       # UTF-8 CSV for DuckDB's reader
    delimiter: str = ","
    csv_skip: int = 0                  # physical lines before the first data line
    width: int = 0                     # cells in the widest of the first rows
    data_lines: int = 0                # physical lines after the header, up to the last one
    encoding_confirmed: bool = True    # False: UTF-8 judged on the head only (confirm_encoding)
    literal_quotes: list[int] = field(default_factory=list)   # rows with an unclosed quote

    @property
    def source(self) -> str:
        """How the fix list and the manifest name it: the file, and its sheet if it has several."""
        return f"{self.relpath}［{self.sheet}］" if self.parts > 1 else self.relpath


def files_digest(files: list[LedgerFile], extra: list[str] = ()) -> str:
    """SHA-256 over the files' names and contents (and any further names given)."""
    digest = hashlib.sha256()
    for lf in files:
        digest.update(f"{lf.relpath}\0{sha256_of(lf.path)}\n".encode())
    for name in extra:
        digest.update(f"?{name}\n".encode())
    return digest.hexdigest()


def discover(raw_dir: Path) -> tuple[dict[str, list[LedgerFile]], list[str], list[Ignored]]:
    """Group the files of ``raw_dir`` by ledger; return them, the unrecognised ones and
    those not read on purpose (backups, byte-for-byte copies)."""
    found: dict[str, list[LedgerFile]] = {ledger.key: [] for ledger in LEDGERS}
    unrecognised: list[str] = []
    paths, ignored = candidates(raw_dir)
    seen: dict[str, str] = {}
    # of byte-for-byte copies the one not named as a copy is read (副本, copy, (1) …)
    for path in sorted(paths, key=lambda p: (bool(COPY_NAME.search(p.stem)), p)):
        rel = path.relative_to(raw_dir).as_posix()
        ledger = ledger_by_name(path.stem) if path.suffix.lower() in SUFFIXES else None
        if ledger is None and path.suffix.lower() in SUFFIXES:
            ledger = ledger_by_header(path)
        if ledger is None:
            unrecognised.append(rel)
            continue
        digest = sha256_of(path)
        if digest in seen:
            ignored.append(Ignored(rel, f"与 {seen[digest]} 内容完全相同（副本），不重复读取"))
            continue
        seen[digest] = rel
        found[ledger.key].append(LedgerFile(ledger, path, rel, sha256=digest))
    for files in found.values():
        files.sort(key=lambda lf: lf.relpath)
    return found, sorted(unrecognised), ignored


def ledger_by_name(stem: str) -> Ledger | None:
    """The ledger a file stem names: its key (``units_2023-08``) or a Chinese name."""
    lowered = stem.lower()
    for ledger in LEDGERS:
        if re.match(rf"{ledger.key}([\W_]|$)", lowered):
            return ledger
    names = sorted(((s, lg) for lg in LEDGERS for s in (lg.title, *lg.stems)),
                   key=lambda pair: -len(pair[0]))
    return next((lg for s, lg in names if s in stem), None)


def ledger_by_header(path: Path) -> Ledger | None:
    """The ledger whose required headers all appear in one of the first rows."""
    try:
        rows = head_rows(path)
    except Exception:  # unreadable files are reported as unrecognised here
        return None
    for row in rows:
        cells = {normalise_header(c) for c in row if c}
        for ledger in LEDGERS:
            names = ledger.header_names
            found = {names[c] for c in cells if c in names}
            if len(found) >= 2 and not missing_columns(ledger, found):
                return ledger
    return None


def head_rows(path: Path) -> list[list[str]]:
    kind = file_kind(path, path.name)
    if kind in ("xlsx", "xls"):
        return [row for sheet in read_workbook(path, path.name, kind) for row in sheet.rows[:SEARCH_ROWS]]
    data = path.read_bytes()[:HEAD_BYTES]
    text = data.decode(encoding_of(data, HEAD_BYTES), errors="replace").lstrip("\ufeff")
    return [r.cells for r in split_records(text, delimiter_of(text), path.name, partial=True)[:SEARCH_ROWS]]


def apply_header(lf: LedgerFile, header: Header, rows: list[list[str]]) -> None:
    lf.columns, lf.headers = header.columns, header.headers
    lf.header_row = header.last + 1
    lf.above = " ".join(c for row in rows[:header.last + 1 - header.rows] for c in row if c)


# --------------------------------------------------------------------------- excel

def frame_from_rows(lf: LedgerFile, rows: list[list[str]], numbers) -> pd.DataFrame:
    """Data rows as strings under the ledger's column names, with their row numbers."""
    data = {"_row": list(numbers)}
    for col in lf.ledger.columns:
        pos = lf.columns.get(col.name)
        data[col.name] = [r[pos] if pos is not None and pos < len(r) else "" for r in rows]
    data["_extra"] = [any(v.strip() for v in r) for r in rows]  # row has content anywhere
    return pd.DataFrame(data)


def read_workbook_parts(lf: LedgerFile) -> tuple[list[LedgerFile], list[Ignored]]:
    """One LedgerFile per sheet that holds the ledger; other sheets are listed as not read."""
    sheets = read_workbook(lf.path, lf.relpath, lf.kind)
    lf.encoding = lf.kind
    parts, problems, skipped = [], [], []
    names = lf.ledger.header_names
    for sheet in sheets:
        if max((sum(1 for c in row if normalise_header(c) in names) for row in sheet.rows[:SEARCH_ROWS]),
               default=0) < 2:
            skipped.append(Ignored(f"{lf.relpath}［{sheet.name}］", NOT_DATA_SHEET.format(title=lf.ledger.title)))
            continue
        part = LedgerFile(lf.ledger, lf.path, lf.relpath, sha256=lf.sha256, kind=lf.kind,
                          encoding=lf.kind, sheet=sheet.name)
        try:
            header = locate(lf.ledger, sheet.rows, f"{lf.relpath} 工作表“{sheet.name}”")
        except LedgerError as exc:
            problems += exc.problems
            continue
        apply_header(part, header, sheet.rows)
        first = header.last + 1
        part.frame = frame_from_rows(part, sheet.rows[first:], range(first + 1, len(sheet.rows) + 1))
        parts.append(part)
    if problems:
        raise LedgerError(problems)
    if not parts:
        raise LedgerError([f"{lf.relpath}: 没有一个工作表含{lf.ledger.title}的表头"
                           f"（应包含：{'、'.join(c.header for c in lf.ledger.columns)}）"])
    for part in parts:
        part.parts = len(parts)
    return parts, skipped


# --------------------------------------------------------------------------- text

def confirm_encoding(lf: LedgerFile) -> None:
    """Check the whole of a CSV judged UTF-8 on its head alone.

    Such a file goes to DuckDB's reader as UTF-8, which rejects invalid UTF-8 anywhere;
    only then is the rest read here.  A head in UTF-8 holds the (Chinese) header, so bytes
    that are not UTF-8 further on mean rows appended in another encoding: refused, with
    the line, rather than read as mojibake."""
    if lf.encoding_confirmed:
        return
    lf.encoding_confirmed = True
    data = lf.path.read_bytes()
    bad = utf8_error_at(data)
    if bad is not None:
        raise LedgerError([f"{lf.relpath} 第{line_at(data, bad)}行: 文件前部是UTF-8编码，从这一行起不是"
                           "（混合了GB18030等其他编码），请在原系统中重新导出整个文件"])


def read_text(lf: LedgerFile, workdir: Path) -> LedgerFile:
    """Locate the header of a CSV or text export and prepare its data rows."""
    try:
        data = lf.path.read_bytes()     # one read for the encoding and the lines
        lf.encoding = encoding_of(data, limit=HEAD_BYTES)    # DuckDB's reader checks the rest
        lf.encoding_confirmed = len(data) <= HEAD_BYTES or lf.encoding != "utf-8"
        source = lf.path
        if not lf.encoding.startswith("utf-8"):
            source = transcode_to_utf8(lf.path, lf.encoding, workdir)
            data = source.read_bytes()
    except OSError as exc:
        raise LedgerError([f"{lf.relpath}: 无法读取文件（{exc}）"]) from exc
    except UnicodeDecodeError as exc:
        line = line_at(data, utf8_error_at(data) or 0)
        raise LedgerError([f"{lf.relpath} 第{line}行: 从这一行起不是UTF-8编码，整个文件按GB18030也读不通"
                           "（一个文件里混用了两种编码？），请在原系统中重新导出整个文件"]) from exc
    head = data[:HEAD_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    lf.delimiter = delimiter_of(head)
    records = split_records(head, lf.delimiter, lf.relpath, partial=len(data) > HEAD_BYTES)[:SEARCH_ROWS]
    rows = [r.cells for r in records]
    header = locate(lf.ledger, rows, lf.relpath)
    apply_header(lf, header, rows)
    after = header.last + 1
    # physical lines up to and including the header
    lf.csv_skip = records[after].line - 1 if after < len(records) else head.count("\n") + 1
    lf.width = max(len(r) for r in rows)
    lf.csv_path = source
    lf.data_lines = count_data_lines(data, lf.csv_skip)
    return lf


def read_text_exactly(lf: LedgerFile) -> None:
    """The exact way: every row as the clerk sees it, blank and ragged rows in place."""
    text = lf.csv_path.read_text(encoding="utf-8-sig")
    width = max(lf.columns.values()) + 1
    records = split_records(text, lf.delimiter, lf.relpath, width=width)
    while records and not any(c.strip() for c in records[-1].cells):
        records.pop()
    data = records[lf.header_row:]
    lf.literal_quotes = [r.row for r in data if r.literal_quote]
    lf.frame = frame_from_rows(lf, [[c.strip() for c in r.cells] for r in data], (r.row for r in data))


def read_file(lf: LedgerFile, workdir: Path) -> tuple[list[LedgerFile], list[Ignored]]:
    """The sources of one file (its data sheets, or the file itself for text) and the
    sheets not read."""
    lf.kind = file_kind(lf.path, lf.relpath)
    if lf.kind in ("xlsx", "xls"):
        return read_workbook_parts(lf)
    return [read_text(lf, workdir)], []


def read_all(found: dict[str, list[LedgerFile]], workdir: Path) -> tuple[list[LedgerFile], list[Ignored]]:
    """Read every file; missing ledgers and unreadable files fail together, before any write."""
    problems: list[str] = []
    files: list[LedgerFile] = []
    skipped: list[Ignored] = []
    for key, ledger_files in found.items():
        if not ledger_files:
            ledger = BY_KEY[key]
            problems.append(f"raw/: 缺少{ledger.title}（{key}），请放入 {key}.xlsx/.csv 或"
                            f"“{ledger.title}”开头的文件")
        for lf in ledger_files:
            try:
                parts, not_read = read_file(lf, workdir)
                files += parts
                skipped += not_read
            except LedgerError as exc:
                problems.extend(exc.problems)
    if problems:
        raise LedgerError(problems)
    return files, skipped
