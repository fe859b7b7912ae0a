"""Derive (派生) as a Dagster asset: who to help, who helps, how, and how it is managed.

One multi-asset builds every derived table of the week in one transaction
(``build.py``), then evaluates its checks (``checks.py``) on the week just built.  The
run's configuration is ``pipeline/bangfu.yaml``, with any section overridden from the
launchpad; the effective configuration is stored with the week (``run_settings``).
"""

import datetime as dt

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from assets.derive.checks import CHECK_SPECS, check_results
from pipeline.core.config import BangfuConfig, load_config
from pipeline.core.errors import reported_as_failure
from pipeline.core.resources import POOL, Warehouse
from pipeline.core.tables import DERIVED, LEDGER_TABLES
from pipeline.core.weeks import week_label, weekly_partitions

PRIVATE = {"phone", "licence"}
# Next week's drawn checks are confidential until made: their metadata is counts only.
COUNTS_ONLY = {"spot_checks"}


@multi_asset(
    specs=[AssetSpec(key, group_name="derived", kinds={"duckdb"}, description=text,
                     deps=list(LEDGER_TABLES)) for key, text in DERIVED.items()],
    check_specs=CHECK_SPECS, partitions_def=weekly_partitions, can_subset=False, pool=POOL)
def derive(context: AssetExecutionContext, config: BangfuConfig, duckdb: Warehouse):
    """Build the week's derived tables in one transaction, then check them."""
    from assets.derive.build import build_week

    start = dt.date.fromisoformat(context.partition_key)
    week = week_label(start)
    with reported_as_failure():
        effective = config.over(load_config())
        with duckdb.get_connection() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                # the run's root: a re-execution of this run reuses the draw it made
                counts = build_week(con, start, effective, context.run.root_run_id or context.run.run_id)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            results = [result(con, key, counts.get(key, 0), week) for key in DERIVED]
            checks = check_results(con, week)
    yield from results
    yield from checks


def result(con, key: str, rows: int, week: str) -> MaterializeResult:
    """Row count and a preview of the week's rows, without phone or licence numbers; for the
    confidential draw, counts by department and status only."""
    if key in COUNTS_ONLY:
        tally = con.execute(f"""SELECT dept AS 主管部门, status AS 状态, count(*) AS 家数 FROM {key}
            WHERE week = ? GROUP BY ALL ORDER BY ALL""", [week]).df()
        return MaterializeResult(asset_key=key, metadata={
            "dagster/row_count": rows, "week": week,
            "counts": MetadataValue.md(tally.to_markdown(index=False) if len(tally) else "（无）")})
    columns = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() "
                                         "WHERE table_name = ? ORDER BY column_index", [key]).fetchall()]
    shown = ", ".join(c for c in columns if c not in PRIVATE)
    preview = con.execute(f"SELECT {shown} FROM {key} WHERE week = ? LIMIT 10", [week]).df()
    return MaterializeResult(asset_key=key, metadata={
        "dagster/row_count": rows, "week": week,
        "preview": MetadataValue.md(preview.to_markdown(index=False))})
