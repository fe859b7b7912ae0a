"""The Dagster Definitions of bangfu: assets by stage, their checks, schedule and sensor."""

from dagster import Definitions, in_process_executor

from assets.derive import derive
from assets.ingest import ingest_ledgers
from assets.ingest.sources import RAW_SOURCES
from assets.report import manifest, reports
from pipeline.resources import build_resources
from pipeline.schedules import (
    failure_note_sensor,
    ledger_change_sensor,
    weekly_job,
    weekly_schedule,
)


def build_definitions(**resource_overrides) -> Definitions:
    return Definitions(
        assets=[*RAW_SOURCES, ingest_ledgers, derive, reports, manifest],
        jobs=[weekly_job],
        schedules=[weekly_schedule],
        sensors=[ledger_change_sensor, failure_note_sensor],
        resources=build_resources(**resource_overrides),
        # Every step opens the one warehouse, so steps run one after another anyway: one
        # process per run saves each step's imports (seconds each) over the multiprocess default.
        executor=in_process_executor,
    )


defs = build_definitions()
