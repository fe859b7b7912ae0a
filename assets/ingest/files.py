"""What is in ``raw/`` (原始文件): which files are read, which are left alone, and why.

The rule an operator can rely on:

* every file directly in ``raw/`` and in its subfolders is considered, except what lies in
  a folder whose name says it is not current (备份、历史、归档、作废、旧, backup, old,
  archive, history, bak): those are listed as not read, never loaded;
* hidden files, Office lock files (``~$…``) and system files (Thumbs.db …) are passed over;
* a file that is a byte-for-byte copy of another is read once and the copy listed;
* a file is a ledger by its name (key or Chinese title) or, failing that, by its header;
* a file is read by what it is, not by its extension: an empty file, a truncated
  workbook, a text file named ``.xlsx`` or an encrypted workbook is refused with a reason
  that says so (空文件 / 文件不完整 / 扩展名与内容不符 / 已加密).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import BangfuError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
TEXT_SUFFIXES = {".csv", ".txt"}
SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES
NOT_CURRENT = re.compile(r"备份|历史|归档|作废|旧|(?<![a-z])(backup|bak|old|archive|history)(?![a-z])",
                         re.IGNORECASE)
SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class LedgerError(BangfuError):
    """A ledger that cannot be read: one line per problem, naming the file and row."""

    heading = "台账导入失败："


@dataclass(frozen=True)
class Ignored:
    """A file or sheet in raw/ that was not read, with the reason (listed in the manifest)."""

    file: str
    reason: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def candidates(raw_dir: Path) -> tuple[list[Path], list[Ignored]]:
    """The files of ``raw_dir`` that may be ledgers, and those left alone on purpose."""
    found, ignored = [], []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(raw_dir).as_posix()
        if path.name.startswith((".", "~$")) or path.name.lower() in SYSTEM_FILES:
            continue
        folders = rel.split("/")[:-1]
        if any(NOT_CURRENT.search(folder) for folder in folders):
            ignored.append(Ignored(rel, "位于备份/历史文件夹中，不读取（只读现行文件）"))
            continue
        found.append(path)
    return found, ignored


def file_kind(path: Path, rel: str) -> str:
    """``xlsx``, ``xls``, ``text`` or ``utf16`` by content; LedgerError with the reason."""
    with path.open("rb") as f:
        head = f.read(4096)
    suffix = path.suffix.lower()
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise LedgerError([f"{rel}: 空文件（没有任何内容），请重新导出"])
    if head.startswith(ZIP):
        if suffix in TEXT_SUFFIXES or suffix == ".xls":
            raise LedgerError([f"{rel}: 扩展名与内容不符：内容是 .xlsx 工作簿，请把扩展名改为 .xlsx"])
        try:
            with zipfile.ZipFile(path) as z:
                if "xl/workbook.xml" not in z.namelist():
                    raise LedgerError([f"{rel}: 扩展名与内容不符：这是压缩包，不是 Excel 工作簿"])
        except zipfile.BadZipFile:
            raise LedgerError([f"{rel}: 文件不完整（可能没有下载或复制完），请重新导出"]) from None
        return "xlsx"
    if head.startswith(OLE2):
        if encrypted(path):
            raise LedgerError([f"{rel}: 已加密（设置了打开密码），无法读取；请另存为不加密的文件"])
        if suffix in TEXT_SUFFIXES:
            raise LedgerError([f"{rel}: 扩展名与内容不符：内容是 .xls 工作簿，请把扩展名改为 .xls"])
        return "xls"
    if suffix in EXCEL_SUFFIXES:
        raise LedgerError([f"{rel}: 扩展名与内容不符：文件名是 {suffix}，内容却是文本（CSV）；"
                           "请在 Excel 中另存为工作簿，或把扩展名改为 .csv"])
    return "utf16" if head.startswith(UTF16_BOMS) else "text"


def encrypted(path: Path) -> bool:
    """An Office file with an open password: an OLE2 container holding EncryptedPackage."""
    with path.open("rb") as f:
        return ENCRYPTED_STREAM in f.read(1 << 20)
