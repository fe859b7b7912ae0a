"""Checks of the ingest step (导入检查), evaluated inside it on its connection.

One step, and a failed blocking check stops everything downstream of the ledger it
guards: every row read is accounted for, keys are unique, references resolve.
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec

from pipeline.core.ledgers import BY_KEY, LEDGERS, Ledger

REFERRING = [ledger for ledger in LEDGERS if any(c.ref for c in ledger.columns)]

CHECK_SPECS = [
    AssetCheckSpec("rows_accounted", asset="quarantine", blocking=True,
                   description="每个文件：读取行数 = 入库 + 隔离 + 跳过（不丢一行）"),
    *(AssetCheckSpec(f"{ledger.key}_key_unique", asset=ledger.key, blocking=True,
                     description=f"{ledger.title}：{ledger.id_column.header}不重复")
      for ledger in LEDGERS),
    *(AssetCheckSpec(f"{ledger.key}_references_known", asset=ledger.key, blocking=True,
                     description=f"{ledger.title}：引用的单位、干部、专家都存在")
      for ledger in REFERRING),
]


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


def check_results(con) -> list[AssetCheckResult]:
    return [rows_accounted(con), *(key_unique(con, ledger) for ledger in LEDGERS),
            *(references_known(con, ledger) for ledger in REFERRING)]
