"""Reports (周报): the week's published outputs and its manifest."""


import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from dagster_duckdb import DuckDBResource

from assets.derive import DERIVED
from assets.ingest import LEDGER_SPECS, QUARANTINE_SPEC
from assets.report.manifest import build_manifest, code_version, write_json
from assets.report.publish import clear_failure_note, fresh_staging, publish, staging_dir
from pipeline.resources import POOL, BangfuPaths
from pipeline.weeks import week_label, weekly_partitions


@asset(group_name="reports", partitions_def=weekly_partitions, kinds={"pdf", "excel"}, pool=POOL,
       deps=[*DERIVED, QUARANTINE_SPEC.key])
def reports(context: AssetExecutionContext, duckdb: DuckDBResource,
            paths: BangfuPaths) -> MaterializeResult:
    """周报：区级周报与各街道周报（PDF）、任务清单、待修正清单、汇总表（xlsx）。

    Queries the warehouse first and closes it, then renders into the week's staging
    folder; the manifest step publishes the folder as a whole."""
    from assets.report.data import query_report_data
    from assets.report.render import render_all

    start = dt.date.fromisoformat(context.partition_key)
    week = week_label(start)
    with duckdb.get_connection() as con:
        data = query_report_data(con, start)
    pages = render_all(data, fresh_staging(paths.out, week))
    with duckdb.get_connection() as con:
        con.execute("CREATE TABLE IF NOT EXISTS report_outputs (week VARCHAR, file VARCHAR, pages INTEGER)")
        con.execute("DELETE FROM report_outputs WHERE week = ?", [week])
        con.executemany("INSERT INTO report_outputs VALUES (?, ?, ?)",
                        [[week, name, n] for name, n in sorted(pages.items())])
    listing = "\n".join(f"| {name} | {n or ''} |" for name, n in sorted(pages.items()))
    return MaterializeResult(metadata={
        "files": len(pages), "pdf_pages": sum(pages.values()),
        "outputs": MetadataValue.md("| 文件 | 页数 |\n|---|---|\n" + listing)})


@asset(group_name="reports", partitions_def=weekly_partitions, kinds={"json"}, pool=POOL,
       deps=[*(spec.key for spec in (*LEDGER_SPECS, QUARANTINE_SPEC)), *DERIVED, "reports"])
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
        data["figures"]["report_pages"] = dict(con.execute(
            "SELECT file, pages FROM report_outputs WHERE week = ? AND pages > 0 ORDER BY file",
            [week]).fetchall())
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
