"""The header of a ledger (表头): where it is, which column is which, and what is ambiguous.

The header is the row among the first ``SEARCH_ROWS`` that names the most of the
ledger's columns, or a pair of rows read as one: a merged group row (基本信息 over
单位编号、单位名称 …) above its sub-headers, where a column without a sub-header keeps
the group row's text.  A column named twice (the same header, or a header beside one
of its aliases) is refused with both column letters: which one holds the data cannot be
guessed.  A required column that cannot be found is reported with the row searched and
the nearest headers seen.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from assets.ingest.files import LedgerError
from assets.ingest.sheets import column_letter
from pipeline.core.ledgers import Ledger, missing_columns, normalise_header

SEARCH_ROWS = 30


@dataclass
class Header:
    """Where the header is (0-based index of its last row; 1 or 2 rows) and the columns."""

    last: int
    rows: int
    columns: dict[str, int]      # column name -> 0-based position
    headers: dict[str, str]      # column name -> header as written


def merged_text(upper: list[str], lower: list[str], names: dict[str, str]) -> list[str]:
    """Two header rows read as one: the lower cell where it names a column, else the upper."""
    width = max(len(upper), len(lower))
    cells = []
    for c in range(width):
        low = lower[c] if c < len(lower) else ""
        up = upper[c] if c < len(upper) else ""
        cells.append(low if normalise_header(low) in names or not up else up)
    return cells


def hits(cells: list[str], names: dict[str, str]) -> int:
    return len({names[n] for n in map(normalise_header, cells) if n in names})


def candidates(rows: list[list[str]], names: dict[str, str]):
    """(hits, last index, number of rows, cells) for each row and each pair of rows."""
    for i, row in enumerate(rows[:SEARCH_ROWS]):
        yield hits(row, names), i, 1, row
        if i + 1 < len(rows):
            pair = merged_text(row, rows[i + 1], names)
            yield hits(pair, names), i + 1, 2, pair


def locate(ledger: Ledger, rows: list[list[str]], where: str) -> Header:
    """The ledger's header among ``rows``; LedgerError when absent, incomplete or ambiguous."""
    names = ledger.header_names
    best = max(candidates(rows, names), key=lambda c: (c[0], -c[2], -c[1]), default=(0, -1, 1, []))
    found, last, count, cells = best
    if found < 2:
        raise LedgerError([f"{where}: 前{SEARCH_ROWS}行中找不到{ledger.title}的表头"
                           f"（应包含：{'、'.join(c.header for c in ledger.columns)}）"])
    first_row = last - count + 2          # 1-based row number(s) as the clerk sees them
    rows_text = f"第{first_row}行" if count == 1 else f"第{first_row}—{last + 1}行"
    positions: dict[str, list[int]] = {}
    for pos, text in enumerate(cells):
        name = names.get(normalise_header(text))
        if name:
            positions.setdefault(name, []).append(pos)
    problems = []
    for name, where_found in positions.items():
        if len(where_found) > 1:
            column = ledger.column(name)
            listed = "、".join(f"{column_letter(p)}列“{cells[p].strip()}”" for p in where_found)
            problems.append(f"{where}: {rows_text}表头中{listed}都表示“{column.header}”，无法确定用哪一列；"
                            "请删去或改名多余的一列")
    missing = missing_columns(ledger, set(positions))
    for column in missing:
        seen = [c.strip() for c in cells if c.strip()]
        near = difflib.get_close_matches(column.header, seen, n=2, cutoff=0.4)
        hint = f"（最接近的表头：{'、'.join(near)}）" if near else ""
        problems.append(f"{where}: {rows_text}表头缺少必填列：{column.header}{hint}")
    if problems:
        raise LedgerError(problems)
    return Header(last=last, rows=count, columns={n: p[0] for n, p in positions.items()},
                  headers={n: cells[p[0]].strip() for n, p in positions.items()})
