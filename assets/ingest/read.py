"""Find the ledger files in ``raw/`` and read them as text, as they come.

A file is recognised by its stem (``units.xlsx``, ``监管对象台账（2023年8月）.xlsx``) or,
failing that, by its header row.  Every data row keeps its row number in the file
(the number a clerk sees in Excel), so problems can be pointed at.

Two ways in:
- CSV without blank lines inside the data goes through DuckDB's own reader (fast);
- everything else (.xlsx, .xls, CSV with blank lines between rows) is read in
  Python (python-calamine for Excel) into a frame of strings.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine

from pipeline.core.errors import BangfuError
from pipeline.core.ledgers import BY_KEY, LEDGERS, Ledger, normalise_header

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUFFIXES = EXCEL_SUFFIXES | {".csv"}
HEADER_SEARCH_ROWS = 30
HEAD_BYTES = 256 * 1024             # the head: where the header is looked for


class LedgerError(BangfuError):
    """A ledger that cannot be read: one line per problem, naming the file and row."""

    heading = "台账导入失败："


@dataclass
class LedgerFile:
    """One file of one ledger, located and (for Excel) read."""

    ledger: Ledger
    path: Path
    relpath: str
    sha256: str = ""
    header_row: int = 0                # 1-based row number of the header in the file
    columns: dict[str, int] = field(default_factory=dict)   # column name -> position
    headers: dict[str, str] = field(default_factory=dict)   # column name -> header as written
    encoding: str = "utf-8"
    sheet: str | None = None
    frame: pd.DataFrame | None = None  # rows after the header, when read in Python
    csv_path: Path | None = None       # UTF-8 CSV for DuckDB's reader
    csv_skip: int = 0                  # physical lines before the first data line
    width: int = 0                     # cells in the widest of the first rows
    data_lines: int = 0                # physical lines after the header, up to the last one
    encoding_confirmed: bool = True    # False: UTF-8 judged on the head only (confirm_encoding)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_digest(files: list[LedgerFile], extra: list[str] = ()) -> str:
    """SHA-256 over the files' names and contents (and any further names given)."""
    digest = hashlib.sha256()
    for lf in files:
        digest.update(f"{lf.relpath}\0{sha256_of(lf.path)}\n".encode())
    for name in extra:
        digest.update(f"?{name}\n".encode())
    return digest.hexdigest()


def discover(raw_dir: Path) -> tuple[dict[str, list[LedgerFile]], list[str]]:
    """Group the files of ``raw_dir`` by ledger; return them and the unrecognised ones."""
    found: dict[str, list[LedgerFile]] = {ledger.key: [] for ledger in LEDGERS}
    unrecognised: list[str] = []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(raw_dir).as_posix()
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Office lock files
        ledger = ledger_by_name(path.stem) if path.suffix.lower() in SUFFIXES else None
        if ledger is None and path.suffix.lower() in SUFFIXES:
            ledger = ledger_by_header(path)
        if ledger is None:
            unrecognised.append(rel)
        else:
            found[ledger.key].append(LedgerFile(ledger, path, rel))
    return found, unrecognised


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
            required = {c.name for c in ledger.columns if c.required}
            if required <= {names[c] for c in cells if c in names}:
                return ledger
    return None


def head_rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return excel_rows(path, None)[1][:HEADER_SEARCH_ROWS]
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as f:
        head = f.read(HEAD_BYTES)
    return list(csv.reader(io.StringIO(head)))[:HEADER_SEARCH_ROWS]


# --------------------------------------------------------------------------- encoding

def detect_encoding(path: Path) -> str:
    return encoding_of(path.read_bytes())


def encoding_of(data: bytes, limit: int | None = None) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030``, decided on the whole file or on its first
    ``limit`` bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return "utf-8" if utf8_error_at(data, limit) is None else "gb18030"


def utf8_error_at(data: bytes, limit: int | None = None) -> int | None:
    """Offset of the first bytes that are not UTF-8 (in the first ``limit`` bytes: a
    character cut by the limit is fine), or None; decoded in chunks, never whole."""
    view, chunk = memoryview(data)[:limit], 1 << 22
    decoder = codecs.getincrementaldecoder("utf-8")()
    final = limit is None or len(data) <= limit
    start = 0
    try:
        for start in range(0, len(view), chunk):
            decoder.decode(view[start:start + chunk], final=final and start + chunk >= len(view))
    except UnicodeDecodeError as exc:
        return start + exc.start
    return None


def line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


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


def transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy of a GB18030 file, written in a streaming pass."""
    target = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    with path.open(encoding=encoding, newline="") as src, target.open("w", encoding="utf-8",
                                                                       newline="") as dst:
        for chunk in iter(lambda: src.read(1 << 20), ""):
            dst.write(chunk)
    return target


# --------------------------------------------------------------------------- excel

def cell_text(value) -> str:
    """An Excel cell as text: integral floats without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def excel_rows(path: Path, ledger: Ledger | None) -> tuple[str, list[list[str]]]:
    """The sheet named after the ledger (or the first one), up to its last row with content."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise LedgerError([f"{path.name}: 文件已加密，无法读取（{exc}）；请另存为不加密的文件"]) from exc
    except Exception as exc:
        raise LedgerError([f"{path.name}: 无法读取该 Excel 文件（{type(exc).__name__}: {exc}）"]) from exc
    names = workbook.sheet_names
    wanted = [n for n in names if ledger and n.strip() in (ledger.key, ledger.title, *ledger.stems)]
    sheet_name = wanted[0] if wanted else names[0]
    sheet = workbook.get_sheet_by_name(sheet_name)
    rows = [[cell_text(v).strip() for v in row] for row in sheet.to_python(skip_empty_area=False)]
    while rows and not any(rows[-1]):
        rows.pop()
    return sheet_name, rows


# --------------------------------------------------------------------------- header

def locate_header(lf: LedgerFile, rows: list[list[str]]) -> int:
    """Index (0-based) of the header row among ``rows``; fills ``lf.columns``/``lf.headers``."""
    names = lf.ledger.header_names
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for c in row if normalise_header(c) in names)
        if hits > best_hits:
            best, best_hits = i, hits
    if best_hits < 2:
        raise LedgerError([f"{lf.relpath}: 前{HEADER_SEARCH_ROWS}行中找不到{lf.ledger.title}的表头"
                           f"（应包含：{'、'.join(c.header for c in lf.ledger.columns)}）"])
    for pos, text in enumerate(rows[best]):
        name = names.get(normalise_header(text))
        if name and name not in lf.columns:
            lf.columns[name] = pos
            lf.headers[name] = text.strip()
    missing = [c.header for c in lf.ledger.columns if c.required and c.name not in lf.columns]
    if missing:
        raise LedgerError([f"{lf.relpath}: 第{best + 1}行表头缺少必填列：{'、'.join(missing)}"])
    lf.header_row = best + 1
    return best


def frame_from_rows(lf: LedgerFile, rows: list[list[str]], first_row: int) -> pd.DataFrame:
    """Data rows as strings under the ledger's column names, with their row numbers."""
    data = {"_row": range(first_row, first_row + len(rows))}
    for col in lf.ledger.columns:
        pos = lf.columns.get(col.name)
        data[col.name] = [r[pos] if pos is not None and pos < len(r) else "" for r in rows]
    data["_extra"] = [any(v.strip() for v in r) for r in rows]  # row has content anywhere
    return pd.DataFrame(data)


# --------------------------------------------------------------------------- reading

def read_file(lf: LedgerFile, workdir: Path) -> LedgerFile:
    """Locate the header and prepare the data rows of one file."""
    if lf.path.suffix.lower() in EXCEL_SUFFIXES:
        lf.sha256 = sha256_of(lf.path)
        lf.sheet, rows = excel_rows(lf.path, lf.ledger)
        lf.encoding = "xlsx" if lf.path.suffix.lower() != ".xls" else "xls"
        h = locate_header(lf, rows)
        lf.frame = frame_from_rows(lf, rows[h + 1:], h + 2)
        return lf
    try:
        data = lf.path.read_bytes()     # one read for the hash, the encoding and the lines
        lf.sha256 = hashlib.sha256(data).hexdigest()
        # decided on the head; DuckDB's reader checks the rest (see confirm_encoding)
        lf.encoding = encoding_of(data, limit=HEAD_BYTES)
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
    with source.open(encoding="utf-8-sig", newline="", errors="replace") as f:
        head = f.read(HEAD_BYTES)
    counter = _LineCounter(head)
    head_records, lines_after = [], []
    for record in csv.reader(counter):
        head_records.append(record)
        lines_after.append(counter.count)
        if len(head_records) >= HEADER_SEARCH_ROWS:
            break
    h = locate_header(lf, head_records)
    lf.csv_skip = lines_after[h]  # physical lines up to and including the header
    lf.width = max(len(r) for r in head_records)
    lf.csv_path = source
    lf.data_lines = count_data_lines(data, lf.csv_skip)
    return lf


def read_csv_in_python(lf: LedgerFile) -> None:
    """The exact, slower way: Python's csv module keeps blank and ragged rows in place."""
    with lf.csv_path.open(encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    h = lf.header_row - 1
    lf.frame = frame_from_rows(lf, [[c.strip() for c in r] for r in records[h + 1:]], h + 2)


class _LineCounter:
    """Iterates the lines of ``text`` and counts how many were taken."""

    def __init__(self, text: str):
        self._lines = iter(text.splitlines(keepends=True))
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


def count_data_lines(data: bytes, skip_lines: int) -> int:
    """Physical lines after the first ``skip_lines``, up to the last one with content.

    Counted on bytes, at C speed.  When DuckDB returns another number of records
    (blank lines between rows, quoted line breaks, mixed line endings), ``stage_file``
    reads the file again, exactly, in Python.
    """
    start = 0
    for _ in range(skip_lines):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return 0
    end = len(data)
    while end > start and data[end - 1] in b" \t\r\n":
        end -= 1
    if end == start:
        return 0
    return data.count(b"\n", start, end) + 1


def read_all(found: dict[str, list[LedgerFile]], workdir: Path) -> list[LedgerFile]:
    """Read every file; missing ledgers and unreadable files fail together, before any write."""
    problems: list[str] = []
    files: list[LedgerFile] = []
    for key, ledger_files in found.items():
        if not ledger_files:
            ledger = BY_KEY[key]
            problems.append(f"raw/: 缺少{ledger.title}（{key}），请放入 {key}.xlsx/.csv 或"
                            f"“{ledger.title}”开头的文件")
        for lf in ledger_files:
            try:
                files.append(read_file(lf, workdir))
            except LedgerError as exc:
                problems.extend(exc.problems)
    if problems:
        raise LedgerError(problems)
    return files
