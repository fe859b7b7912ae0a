"""CSV and text exports (文本台账): encodings, and rows as the clerk sees them.

Encodings: UTF-8 (with or without BOM), GB18030, and UTF-16 "Unicode 文本" (what Excel
writes for 另存为 Unicode 文本: tab-separated).  One encoding per file.

Rows: a record spans several lines only inside a quote that closes (Excel writes such
cells for Alt+Enter).  A quote still open when a following line is a well-formed record
of its own is taken literally, and the row is flagged; a quote open to the end of the
file is refused with the line it opened on.  So one cell never swallows the rows after
it, and the rows counted are the rows a clerk sees when Excel opens the file.
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assets.ingest.files import LedgerError

LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass
class Record:
    """One row of a text ledger: its number as Excel shows it, its first line, its cells."""

    row: int
    line: int
    cells: list[str]
    literal_quote: bool = False     # an unclosed quote read as a character


# --------------------------------------------------------------------------- encodings

def encoding_of(data: bytes, limit: int | None = None) -> str:
    """``utf-16``, ``utf-8-sig``, ``utf-8`` or ``gb18030``, decided on the whole file or on
    its first ``limit`` bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
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


def transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy of a GB18030 or UTF-16 file, written in a streaming pass."""
    target = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    with path.open(encoding=encoding, newline="") as src, target.open("w", encoding="utf-8",
                                                                       newline="") as dst:
        for chunk in iter(lambda: src.read(1 << 20), ""):
            dst.write(chunk)
    return target


def delimiter_of(head: str) -> str:
    """Tab for Excel's Unicode text (and other tab-separated exports), else comma."""
    first = next((line for line in LINE_BREAK.split(head) if line.strip()), "")
    return "\t" if first.count("\t") > first.count(",") else ","


def count_data_lines(data: bytes, skip_lines: int) -> int:
    """Physical lines after the first ``skip_lines``, up to the last one with content.

    Counted on bytes, at C speed.  When DuckDB returns another number of records
    (blank lines between rows, quoted line breaks, mixed line endings), the file is read
    again, exactly, by ``split_records``.
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


# --------------------------------------------------------------------------- records

def cells_of(text: str, delimiter: str, literal: bool = False) -> list[str]:
    """The cells of one record's text; ``literal``: quotes are ordinary characters."""
    quoting = csv.QUOTE_NONE if literal else csv.QUOTE_MINIMAL
    rows = list(csv.reader(_Lines(text), delimiter=delimiter, quoting=quoting))
    return rows[0] if rows else []


class _Lines:
    """The lines of one record's text (quoted line breaks inside), for csv.reader."""

    def __init__(self, text: str):
        self._lines = iter(text.split("\n"))

    def __iter__(self):
        return self

    def __next__(self) -> str:
        return next(self._lines) + "\n"


def quote_open(text: str) -> bool:
    return text.count('"') % 2 == 1


def well_formed(line: str, delimiter: str, width: int) -> bool:
    """A line that is a complete record of its own: quotes balanced, all the columns."""
    return not quote_open(line) and len(cells_of(line, delimiter)) >= width


def split_records(text: str, delimiter: str, rel: str, width: int = 2,
                  partial: bool = False) -> list[Record]:
    """Every row of the file as the clerk sees it (see the module's docstring).

    ``width``: the number of columns a well-formed row has (the header's, once known);
    ``partial``: ``text`` is the head of a file, so a quote still open at its end is the
    head's cut, not the clerk's mistake: that last row is left out."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    records: list[Record] = []
    i = 0
    while i < len(lines):
        joined, j = lines[i], i
        while quote_open(joined) and j + 1 < len(lines) and not well_formed(lines[j + 1], delimiter, width):
            j += 1
            joined += "\n" + lines[j]
        if quote_open(joined):
            if j + 1 >= len(lines) and partial:
                break
            if j + 1 >= len(lines) and j > i:
                raise LedgerError([f"{rel} 第{i + 1}行: 引号未闭合，从这一行起到文件末尾都会落进同一个格子；"
                                   "请检查这一行的英文双引号"])
            records.append(Record(len(records) + 1, i + 1, cells_of(lines[i], delimiter, literal=True),
                                  literal_quote=True))
            i += 1
            continue
        records.append(Record(len(records) + 1, i + 1, cells_of(joined, delimiter)))
        i = j + 1
    return records
