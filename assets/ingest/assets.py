"""Ingest (台账导入) as Dagster assets: the raw ledgers observed, then loaded.

* ``raw_<ledger>``: each ledger's files in ``raw/`` as an observed source, versioned by
  their SHA-256, so replacing a file marks everything downstream out of date.
* ``ingest_ledgers``: one multi-asset loads all seven ledgers and the quarantine in one
  transaction (a bad file leaves the warehouse as it was); each ledger is still its own
  asset with its own checks (``checks.py``).  The tables hold the ledgers as they are
  now, so the assets are not partitioned by week: every weekly run reloads them.
"""

from dagster import (
    AssetExecutionContext,
    AssetSpec,
    DataVersion,
    MaterializeResult,
    MetadataValue,
    multi_asset,
    observable_source_asset,
)

from assets.ingest.checks import CHECK_SPECS, check_results
from pipeline.core.errors import DATA_NOTE, reported_as_failure
from pipeline.core.ledgers import LEDGERS, Ledger
from pipeline.core.resources import POOL, BangfuPaths, Warehouse

# Never shown in Dagster (the UI has no login): phone and licence numbers.
SENSITIVE_COLUMNS = {"phone", "licence"}
PREVIEW_ROWS = 5


def raw_source(ledger: Ledger):
    @observable_source_asset(key=f"raw_{ledger.key}", group_name="raw",
                             description=f"原始{ledger.title}：raw/ 中的导出文件（数据版本为文件的 SHA-256）")
    def _source(paths: BangfuPaths) -> DataVersion:
        from assets.ingest.read import discover, files_digest
        return DataVersion(files_digest(discover(paths.raw)[0][ledger.key]))

    return _source


RAW_SOURCES = [raw_source(ledger) for ledger in LEDGERS]
RAW_KEYS = [f"raw_{ledger.key}" for ledger in LEDGERS]

LEDGER_SPECS = [
    AssetSpec(ledger.key, group_name="ingest", kinds={"duckdb"}, deps=[f"raw_{ledger.key}"],
              description=f"{ledger.title}（{ledger.key}）：清洗后的台账记录（最近一次导入）")
    for ledger in LEDGERS
]
QUARANTINE_SPEC = AssetSpec(
    "quarantine", group_name="ingest", kinds={"duckdb"},
    description="隔离区（quarantine）：未通过校验的行及原因；另含 skipped_rows 与 ingest_files 行数核算",
)


@multi_asset(specs=[*LEDGER_SPECS, QUARANTINE_SPEC], check_specs=CHECK_SPECS, pool=POOL,
             can_subset=False)
def ingest_ledgers(context: AssetExecutionContext, duckdb: Warehouse, paths: BangfuPaths):
    """Read every ledger file in raw/, validate, and load in one transaction."""
    from assets.ingest.load import ingest_folder

    with reported_as_failure(), duckdb.get_connection() as con:
        ingested = ingest_folder(con, paths.raw, paths.today)
        results = [ledger_result(con, ledger) for ledger in LEDGERS]
        results.append(quarantine_result(con, ingested.unrecognised))
        results += check_results(con)
    for line in ingested.warnings():       # bangfu run prints these after its step lines
        context.log.warning(f"{DATA_NOTE}{line}")
    yield from results


def ledger_result(con, ledger: Ledger) -> MaterializeResult:
    files = con.execute("""SELECT file, rows_read, rows_loaded, rows_quarantined, rows_skipped
        FROM ingest_files WHERE ledger = ? ORDER BY file""", [ledger.key]).df()
    shown = [c.name for c in ledger.columns if c.name not in SENSITIVE_COLUMNS]
    preview = con.execute(f"SELECT {', '.join(shown)} FROM {ledger.key} LIMIT {PREVIEW_ROWS}").df()
    return MaterializeResult(asset_key=ledger.key, metadata={
        "dagster/row_count": int(files.rows_loaded.sum()),
        "rows_read": int(files.rows_read.sum()),
        "rows_quarantined": int(files.rows_quarantined.sum()),
        "rows_skipped": int(files.rows_skipped.sum()),
        "files": MetadataValue.md(files.to_markdown(index=False)),
        "preview": MetadataValue.md(preview.to_markdown(index=False)),
    })


def quarantine_result(con, unrecognised: list[str]) -> MaterializeResult:
    by_reason = con.execute("""SELECT ledger, code, any_value(reason) AS example, count(*) AS problems,
        count(DISTINCT (file, row)) AS rows FROM quarantine GROUP BY ALL ORDER BY ledger, code""").df()
    rows = con.execute("SELECT count(*) FROM quarantine_rows").fetchone()[0]
    return MaterializeResult(asset_key="quarantine", metadata={
        "dagster/row_count": int(rows),
        "problems": int(by_reason.problems.sum()) if len(by_reason) else 0,
        "by_reason": MetadataValue.md(by_reason.to_markdown(index=False) if len(by_reason)
                                      else "没有被隔离的行"),
        "unrecognised_files": MetadataValue.json(unrecognised),
    })
