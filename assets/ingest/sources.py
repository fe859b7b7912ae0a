"""The raw ledgers as observed sources (原始台账): one per ledger, versioned by file content.

Each source's data version is the SHA-256 over its files (names and bytes), so when the
operator replaces a ledger in raw/, the UI marks the downstream assets as out of date.
"""

import hashlib

from dagster import DataVersion, observable_source_asset

from assets.ingest.read import LedgerFile, discover, sha256_of
from pipeline.ledgers import LEDGERS, Ledger
from pipeline.resources import BangfuPaths


def files_digest(files: list[LedgerFile], extra: list[str] = ()) -> str:
    """SHA-256 over the files' names and contents (and any further names given)."""
    digest = hashlib.sha256()
    for lf in files:
        digest.update(f"{lf.relpath}\0{sha256_of(lf.path)}\n".encode())
    for name in extra:
        digest.update(f"?{name}\n".encode())
    return digest.hexdigest()


def ledger_version(paths: BangfuPaths, key: str) -> str:
    found, _ = discover(paths.raw)
    return files_digest(found[key])


def raw_source(ledger: Ledger):
    @observable_source_asset(key=f"raw_{ledger.key}", group_name="raw",
                             description=f"原始{ledger.title}：raw/ 中的导出文件（数据版本为文件的 SHA-256）")
    def _source(paths: BangfuPaths) -> DataVersion:
        return DataVersion(ledger_version(paths, ledger.key))

    return _source


RAW_SOURCES = [raw_source(ledger) for ledger in LEDGERS]
RAW_KEYS = [f"raw_{ledger.key}" for ledger in LEDGERS]
