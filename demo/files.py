"""Writing the ledgers the way the bureau keeps them: frames with the contract's Chinese
headers, CSV in a given encoding and line ending, and one-sheet .xlsx workbooks whose
bytes do not depend on when they are written.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.core.ledgers import Ledger
from pipeline.core.outputs import atomic_write
from pipeline.core.xlsx import save_workbook

SAVED_AT = datetime(2023, 8, 14, 8, 0)          # the moment every workbook is "saved"


def frame(ledger: Ledger, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with the contract's Chinese headers in contract order.

    Every required column must be given; optional columns the demo does not give (those a
    subdistrict's own form carries, say) are left out, as the bureau's export leaves them."""
    missing = [c.name for c in ledger.columns if c.required and c.name not in columns]
    if missing:
        raise KeyError(f"{ledger.key}: missing columns {missing}")
    return pd.DataFrame({c.header: columns[c.name] for c in ledger.columns if c.name in columns})


def excel_dates(days: np.ndarray) -> np.ndarray:
    """datetime.date objects (None where missing), for real Excel date cells."""
    return days.astype("datetime64[D]").astype(object)


# ---------------------------------------------------------------- csv

def _csv_bytes(table: pd.DataFrame, encoding: str, newline: str) -> bytes:
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator=newline)
    return buf.getvalue().encode(encoding)


def write_csv(path: Path, table: pd.DataFrame, encoding: str = "utf-8", newline: str = "\n") -> Path:
    """The table as CSV, written atomically."""
    atomic_write(path, _csv_bytes(table, encoding, newline))
    return path


# ---------------------------------------------------------------- xlsx

def _cell(value):
    """Excel cell value: '' becomes an empty cell, numpy scalars become Python numbers."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _title_row(ws, title: str, width: int) -> None:
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")


def write_xlsx(path: Path, sheet: str, table: pd.DataFrame, title: str | None = None) -> Path:
    """One sheet: optional merged title row, bold header row, data rows; dates as dates."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        _title_row(ws, title, table.shape[1])
    ws.append(list(table.columns))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in table.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in row])
    for i, header in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, 2.2 * len(header) + 2)
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    save_workbook(wb, path, SAVED_AT)
    return path
