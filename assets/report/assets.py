"""Reports (周报) as Dagster assets: the week's published outputs and its manifest.

``reports`` reads what the week's reports show (``data.py``), closes the warehouse and
renders the PDFs and workbooks into the week's staging folder (``render.py``);
``manifest`` writes ``manifest.json`` and publishes the folder as a whole
(``publish.py``), so readers never see half a week.
"""

import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipeline.core.errors import reported_as_failure
from pipeline.core.outputs import clear_failure_note, staging_dir
from pipeline.core.resources import POOL, BangfuPaths, Warehouse
from pipeline.core.tables import DERIVED, LEDGER_TABLES, QUARANTINE
from pipeline.core.weeks import week_label, weekly_partitions

OUTPUTS_TABLE = """CREATE TABLE IF NOT EXISTS report_outputs (week VARCHAR, file VARCHAR,
    pages INTEGER)"""


@asset(group_name="reports", partitions_def=weekly_partitions, kinds={"pdf", "excel"}, pool=POOL,
       deps=[*DERIVED, QUARANTINE])
def reports(context: AssetExecutionContext, duckdb: Warehouse,
            paths: BangfuPaths) -> MaterializeResult:
    """周报：区级周报（PDF 与可编辑的 Word 版）、各街道周报（PDF）；任务清单、各街道任务清单（内部资料）、待修正清单、汇总表、双随机抽查结果公示和抽查通知单（xlsx）。"""
    from assets.report.data import query_report_data
    from assets.report.publish import fresh_staging
    from assets.report.render import render_all

    start = dt.date.fromisoformat(context.partition_key)
    week = week_label(start)
    with reported_as_failure():
        with duckdb.get_connection() as con:
            data = query_report_data(con, start)
        pages = render_all(data, fresh_staging(paths.out, week))
        with duckdb.get_connection() as con:
            con.execute(OUTPUTS_TABLE)
            con.execute("DELETE FROM report_outputs WHERE week = ?", [week])
            con.executemany("INSERT INTO report_outputs VALUES (?, ?, ?)",
                            [[week, name, n] for name, n in sorted(pages.items())])
    listing = "\n".join(f"| {name} | {n or ''} |" for name, n in sorted(pages.items()))
    return MaterializeResult(metadata={
        "files": len(pages), "pdf_pages": sum(pages.values()),
        "outputs": MetadataValue.md("| 文件 | 页数 |\n|---|---|\n" + listing)})


@asset(group_name="reports", partitions_def=weekly_partitions, kinds={"json"}, pool=POOL,
       deps=[*LEDGER_TABLES, QUARANTINE, *DERIVED, "reports"])
def manifest(context: AssetExecutionContext, duckdb: Warehouse,
             paths: BangfuPaths) -> MaterializeResult:
    """清单（manifest.json）：本周读取的文件及行数核算、输出文件及其哈希、汇总数字。"""
    from assets.report.manifest import build_manifest, code_version, write_json
    from assets.report.publish import publish

    start = dt.date.fromisoformat(context.partition_key)
    week = week_label(start)
    stage = staging_dir(paths.out, week)
    stage.mkdir(parents=True, exist_ok=True)
    with reported_as_failure(), duckdb.get_connection() as con:
        data = build_manifest(con, start, week_dir=stage, extra={"code_version": code_version()})
    write_json(stage / "manifest.json", data)
    week_dir = publish(paths.out, week)
    clear_failure_note(paths.out, week)
    figures = data["figures"]
    table = "\n".join(f"| {k} | {v} |" for k, v in figures.items() if not isinstance(v, dict))
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(week_dir / "manifest.json")),
        "supervised_units": figures.get("supervised_units"),
        "figures": MetadataValue.md("| figure | value |\n|---|---|\n" + table),
    })
