"""Ingest (台账导入): the bureau's ledgers from ``raw/`` into the warehouse.

One multi-asset loads all seven ledgers and the quarantine in one transaction, so
a bad file leaves the warehouse as it was; each ledger is still its own asset
(``units``, ``hazards``, …) with its own checks below.
"""


from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from dagster_duckdb import DuckDBResource

from assets.ingest.load import ingest_folder
from assets.ingest.read import LedgerError
from pipeline.ledgers import BY_KEY, LEDGERS, Ledger
from pipeline.resources import POOL, BangfuPaths
from pipeline.weeks import weekly_partitions

# Never shown in Dagster (the UI has no login): phone and licence numbers.
SENSITIVE_COLUMNS = {"phone", "licence"}
PREVIEW_ROWS = 5

LEDGER_SPECS = [
    AssetSpec(ledger.key, group_name="ingest", kinds={"duckdb"}, deps=[f"raw_{ledger.key}"],
              description=f"{ledger.title}（{ledger.key}）：清洗后的台账记录")
    for ledger in LEDGERS
]
QUARANTINE_SPEC = AssetSpec(
    "quarantine", group_name="ingest", kinds={"duckdb"},
    description="隔离区（quarantine）：未通过校验的行及原因；另含 skipped_rows 与 ingest_files 行数核算",
)


REFERRING = [ledger for ledger in LEDGERS if any(c.ref for c in ledger.columns)]
CHECKS = [
    AssetCheckSpec("rows_accounted", asset="quarantine", blocking=True,
                   description="每个文件：读取行数 = 入库 + 隔离 + 跳过（不丢一行）"),
    *(AssetCheckSpec(f"{ledger.key}_key_unique", asset=ledger.key, blocking=True,
                     description=f"{ledger.title}：{ledger.id_column.header}不重复")
      for ledger in LEDGERS),
    *(AssetCheckSpec(f"{ledger.key}_references_known", asset=ledger.key, blocking=True,
                     description=f"{ledger.title}：引用的单位、干部、专家都存在")
      for ledger in REFERRING),
]


@multi_asset(specs=[*LEDGER_SPECS, QUARANTINE_SPEC], check_specs=CHECKS,
             partitions_def=weekly_partitions, pool=POOL, can_subset=False)
def ingest_ledgers(context: AssetExecutionContext, duckdb: DuckDBResource, paths: BangfuPaths):
    """Read every ledger file in raw/, validate, and load in one transaction."""
    try:
        with duckdb.get_connection() as con:
            unrecognised = ingest_folder(con, paths.raw, paths.today)
            results = [ledger_result(con, ledger) for ledger in LEDGERS]
            results.append(quarantine_result(con, unrecognised))
            results += ingest_check_results(con)
    except LedgerError as exc:
        raise Failure(description="台账导入失败：\n" + "\n".join(exc.problems),
                      metadata={"problems": MetadataValue.md(
                          "\n".join(f"- {p}" for p in exc.problems))}) from exc
    for name in unrecognised:
        context.log.warning(f"raw/{name}: 无法识别是哪一本台账，未读取（请按台账名称命名文件）")
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


# --------------------------------------------------------------------------- checks
# Evaluated inside ingest_ledgers on its connection, right after the load: one step, and
# a failed blocking check stops everything downstream of the ledger it guards.

def rows_accounted(con) -> AssetCheckResult:
    bad = con.execute("""SELECT count(*) FROM ingest_files
        WHERE rows_read <> rows_loaded + rows_quarantined + rows_skipped""").fetchone()[0]
    loaded = con.execute("SELECT ledger, sum(rows_loaded) FROM ingest_files GROUP BY ledger").fetchall()
    mismatched = [k for k, n in loaded if con.execute(f"SELECT count(*) FROM {k}").fetchone()[0] != n]
    return AssetCheckResult(check_name="rows_accounted", asset_key="quarantine",
                            passed=bad == 0 and not mismatched, metadata={
                                "files_out_of_balance": bad, "tables_not_matching_rows_loaded": mismatched})


def key_unique(con, ledger: Ledger) -> AssetCheckResult:
    key = ledger.id_column.name
    dupes = con.execute(f"""SELECT count(*) FROM (SELECT {key} FROM {ledger.key}
        GROUP BY {key} HAVING count(*) > 1)""").fetchone()[0]
    return AssetCheckResult(check_name=f"{ledger.key}_key_unique", asset_key=ledger.key,
                            passed=dupes == 0, metadata={"duplicate_keys": dupes})


def references_known(con, ledger: Ledger) -> AssetCheckResult:
    missing = {}
    for col in (c for c in ledger.columns if c.ref):
        value = f"unnest({col.name})" if col.kind == "multi" else col.name
        missing[col.name] = con.execute(f"""SELECT count(*) FROM (SELECT {value} AS v
            FROM {ledger.key}) WHERE v IS NOT NULL AND v NOT IN (
            SELECT {BY_KEY[col.ref].id_column.name} FROM {col.ref})""").fetchone()[0]
    return AssetCheckResult(check_name=f"{ledger.key}_references_known", asset_key=ledger.key,
                            passed=not any(missing.values()), metadata=missing,
                            severity=AssetCheckSeverity.ERROR)


def ingest_check_results(con) -> list[AssetCheckResult]:
    return [rows_accounted(con), *(key_unique(con, ledger) for ledger in LEDGERS),
            *(references_known(con, ledger) for ledger in REFERRING)]
