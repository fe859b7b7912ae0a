"""Reports (周报): the week's published outputs and its manifest."""


import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from assets.derive import DERIVED
from assets.ingest import LEDGER_SPECS, QUARANTINE_SPEC
from assets.report.manifest import build_manifest, code_version, write_json
from pipeline.config import load_config
from pipeline.resources import POOL, BangfuPaths
from pipeline.weeks import week_label, weekly_partitions


@asset(group_name="reports", partitions_def=weekly_partitions, kinds={"json"}, pool=POOL,
       deps=[*(spec.key for spec in (*LEDGER_SPECS, QUARANTINE_SPEC)), *DERIVED])
def manifest(context: AssetExecutionContext, duckdb: DuckDBResource,
             paths: BangfuPaths) -> MaterializeResult:
    """清单（manifest.json）：本周读取的文件及行数核算、输出文件及其哈希、汇总数字。"""
    start = dt.date.fromisoformat(context.partition_key)
    config = load_config()
    week_dir = paths.out / week_label(start)
    with duckdb.get_connection() as con:
        data = build_manifest(con, start, config.bureau, week_dir=week_dir,
                              extra={"code_version": code_version()})
    data["config_sha256"] = data["figures"]["config_sha256"]
    write_json(week_dir / "manifest.json", data)
    figures = data["figures"]
    table = "\n".join(f"| {k} | {v} |" for k, v in figures.items() if not isinstance(v, dict))
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(week_dir / "manifest.json")),
        "supervised_units": figures["supervised_units"],
        "figures": MetadataValue.md("| figure | value |\n|---|---|\n" + table),
    })
