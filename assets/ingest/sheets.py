"""Excel workbooks (Excel 台账): every sheet as rows of text, error cells kept visible.

python-calamine reads .xlsx, .xlsm and .xls (cached formula values, hidden and filtered
rows included).  It returns an empty cell for an Excel error value (#VALUE!, #REF!,
#DIV/0! …); for .xlsx the sheet's XML is scanned for such cells so that they reach the
checks as what they are, never as an empty cell or 0.  (.xls keeps its error cells in
binary records calamine does not expose: there they read as empty.)
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import python_calamine

from assets.ingest.files import LedgerError

ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*?(?:/>|>.*?</f>))?<v>([^<]*)</v>',
                        re.DOTALL)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class Sheet:
    """One worksheet: its name and rows of text, up to its last row with content."""

    name: str
    rows: list[list[str]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive


def cell_text(value) -> str:
    """An Excel cell as text: integral floats without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(index: int) -> str:
    """0 → A, 26 → AA: the column letters a clerk sees."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """For .xlsx: sheet name → {(row, col) 0-based: '#DIV/0!'} of the error cells."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            target = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", NS)}
            for sheet in workbook.findall("m:sheets/m:sheet", NS):
                ref = target.get(sheet.get(f"{{{NS['r']}}}id"), "")
                part = ref.lstrip("/") if ref.startswith("/") else str(PurePosixPath("xl") / ref)
                if part not in z.namelist():
                    continue
                xml = z.read(part)
                if b't="e"' not in xml:
                    continue
                found[sheet.get("name")] = {(int(r) - 1, column_index(c.decode())): v.decode()
                                            for c, r, v in ERROR_CELL.findall(xml)}
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    return found


def read_workbook(path: Path, rel: str, kind: str) -> list[Sheet]:
    """Every worksheet of the workbook, error cells written as their error value."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise LedgerError([f"{rel}: 已加密（设置了打开密码），无法读取；请另存为不加密的文件"]) from None
    except Exception as exc:
        raise LedgerError([f"{rel}: 文件已损坏，无法读取（{type(exc).__name__}: {exc}）；请重新导出"]) from exc
    errors = error_cells(path) if kind == "xlsx" else {}
    sheets = []
    for meta in workbook.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet":
            continue
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = [[cell_text(v).strip() for v in row] for row in sheet.to_python(skip_empty_area=False)]
        except Exception as exc:
            raise LedgerError([f"{rel} 工作表“{meta.name}”: 无法读取（{type(exc).__name__}: {exc}）"]) from exc
        for (r, c), value in errors.get(meta.name, {}).items():   # rows start at A1
            if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
                rows[r][c] = value
        while rows and not any(rows[-1]):
            rows.pop()
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        sheets.append(Sheet(meta.name, rows, hidden=str(meta.visible) != "SheetVisibleEnum.Visible",
                            merged=merged))
    return sheets
