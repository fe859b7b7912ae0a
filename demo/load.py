"""The data tables beside the generator: ``demo/tables/<name>.csv`` (UTF-8, one header row).

Rows come back in file order, so every draw made from them is the same on every run;
editing a table (or reordering its rows) changes the generated ledgers.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """All rows of ``tables/<name>.csv`` as dicts keyed by the header, in file order."""
    text = (files("demo") / "tables" / f"{name}.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


def column(name: str, field: str) -> list[str]:
    """One column of a table, in file order."""
    return [row[field] for row in rows(name)]


def grouped(name: str, key: str, field: str) -> dict[str, list[str]]:
    """``field`` values per ``key``; keys and values both in file order."""
    out: dict[str, list[str]] = {}
    for row in rows(name):
        out.setdefault(row[key], []).append(row[field])
    return out


def split(cell: str) -> tuple[str, ...]:
    """A multi-value cell such as ``服装、服饰`` as a tuple."""
    return tuple(x for x in cell.split("、") if x)
