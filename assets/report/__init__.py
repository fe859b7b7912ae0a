"""Reports (周报): the week's published outputs and its manifest."""


import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from assets.derive import DERIVED
from assets.ingest import LEDGER_SPECS, QUARANTINE_SPEC
from assets.report.manifest import build_manifest, code_version, write_json
from assets.report.publish import clear_failure_note, publish, staging_dir
from pipeline.resources import POOL, BangfuPaths
from pipeline.weeks import week_label, weekly_partitions


@asset(group_name="reports", partitions_def=weekly_partitions, kinds={"json"}, pool=POOL,
       deps=[*(spec.key for spec in (*LEDGER_SPECS, QUARANTINE_SPEC)), *DERIVED])
def manifest(context: AssetExecutionContext, duckdb: DuckDBResource,
             paths: BangfuPaths) -> MaterializeResult:
    """清单（manifest.json）：本周读取的文件及行数核算、输出文件及其哈希、汇总数字。

    The final step: writes the manifest into the staging folder and publishes the week."""
    start = dt.date.fromisoformat(context.partition_key)
    week = week_label(start)
    stage = staging_dir(paths.out, week)
    stage.mkdir(parents=True, exist_ok=True)
    with duckdb.get_connection() as con:
        bureau = con.execute("SELECT json_extract_string(config_json, '$.bureau') FROM run_settings "
                             "WHERE week = ?", [week]).fetchall()[0][0]
        data = build_manifest(con, start, bureau, week_dir=stage,
                              extra={"code_version": code_version()})
    data["config_sha256"] = data["figures"]["config_sha256"]
    write_json(stage / "manifest.json", data)
    week_dir = publish(paths.out, week)
    clear_failure_note(paths.out, week)
    figures = data["figures"]
    table = "\n".join(f"| {k} | {v} |" for k, v in figures.items() if not isinstance(v, dict))
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(week_dir / "manifest.json")),
        "supervised_units": figures["supervised_units"],
        "figures": MetadataValue.md("| figure | value |\n|---|---|\n" + table),
    })
