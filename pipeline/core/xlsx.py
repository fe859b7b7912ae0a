"""Reproducible .xlsx output: the same workbook content always gives the same bytes.

openpyxl stamps the save time into ``docProps/core.xml`` and into every zip
entry.  ``save_workbook`` pins both to a given moment, writes the zip entries
in a fixed order with fixed compression, and replaces the target atomically.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from pipeline.core.outputs import atomic_write

AUTHOR = "bangfu"
COMPRESS_LEVEL = 6
FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")


def _pin_properties(wb: Workbook, when: datetime) -> None:
    """Set the document properties that openpyxl would otherwise take from the clock."""
    props = wb.properties
    props.created = when
    props.modified = when
    props.lastModifiedBy = AUTHOR
    props.creator = AUTHOR
    props.lastPrinted = None


def _entry_order(name: str) -> tuple[int, str]:
    """Sort key: the package manifest and root relations first, then by name."""
    return (FIRST_ENTRIES.index(name) if name in FIRST_ENTRIES else len(FIRST_ENTRIES), name)


def _canonical_zip(raw: bytes, when: datetime) -> bytes:
    """Rewrite a zip with one timestamp, one order and one compression for all entries."""
    date_time = when.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as dst:
        for name in sorted(src.namelist(), key=_entry_order):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(name), compresslevel=COMPRESS_LEVEL)
    return out.getvalue()


def workbook_bytes(wb: Workbook, when: datetime) -> bytes:
    """The canonical bytes of ``wb`` as saved at ``when``."""
    _pin_properties(wb, when)
    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl.save_workbook would reset ``modified`` to now.
    # stored, not deflated: _canonical_zip compresses every entry once, the same way
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _canonical_zip(buf.getvalue(), when)


def save_workbook(wb: Workbook, path: str | os.PathLike, when: datetime) -> Path:
    """Save ``wb`` to ``path`` reproducibly, as if saved at ``when``; returns the path."""
    path = Path(path)
    atomic_write(path, workbook_bytes(wb, when))
    return path
