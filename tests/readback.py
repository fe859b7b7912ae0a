"""Reading the week's outputs back as a reader would see them: a PDF's text, a workbook's
cells, text without white space (a wrapped table cell reads as one string)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """The text of a PDF in content-stream order (a table cell's lines stay together)."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squash(text: str) -> str:
    """Without any white space: wrapped cells read as one string."""
    return "".join(text.split())


def workbook_text(path: Path, skip=()) -> str:
    """Every non-empty cell of every sheet (but those named in ``skip``), one per line."""
    wb = load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets if ws.title not in skip
                     for row in ws.iter_rows(values_only=True) for v in row if v is not None)
