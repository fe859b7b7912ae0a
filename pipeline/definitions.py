"""The Dagster Definitions of bangfu: each stage's assets, the job, schedule, sensors and
resources.  Loaded lazily (``@definitions``): nothing is read until Dagster asks."""

from dagster import Definitions, definitions, in_process_executor

from assets.derive.assets import derive
from assets.ingest.assets import RAW_SOURCES, ingest_ledgers
from assets.report.assets import manifest, reports
from pipeline.core.resources import build_resources
from pipeline.schedules import weekly_job, weekly_schedule
from pipeline.sensors import failure_note_sensor, ledger_change_sensor


def build_definitions(**resource_overrides) -> Definitions:
    return Definitions(
        assets=[*RAW_SOURCES, ingest_ledgers, derive, reports, manifest],
        jobs=[weekly_job],
        schedules=[weekly_schedule],
        sensors=[ledger_change_sensor, failure_note_sensor],
        resources=build_resources(**resource_overrides),
        # Every step opens the one warehouse, so steps run one after another anyway: one
        # process per run saves each step's imports over the multiprocess default.
        executor=in_process_executor,
    )


@definitions
def defs() -> Definitions:
    return build_definitions()
