"""Sensors (传感器): rerun when the ledgers change (off by default); note a failed run.

``BANGFU_LEDGER_SENSOR=on`` starts the ledger sensor with the daemon; it can also be
turned on in the UI (Automation → ledger_change_sensor).
"""

import datetime as dt
import os

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    run_failure_sensor,
    sensor,
)

from pipeline.core.outputs import write_failure_note
from pipeline.core.resources import BangfuPaths
from pipeline.core.weeks import latest_complete_week, partition_key, week_label
from pipeline.run_events import failure_lines
from pipeline.schedules import weekly_job

SENSOR_ON = os.environ.get("BANGFU_LEDGER_SENSOR", "").lower() in ("1", "on", "true", "yes")


def raw_fingerprint(paths: BangfuPaths) -> str:
    from assets.ingest.read import discover, files_digest
    found, unrecognised, _ = discover(paths.raw)
    return files_digest([lf for files in found.values() for lf in files], unrecognised)


@sensor(job=weekly_job, minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING if SENSOR_ON else DefaultSensorStatus.STOPPED,
        description="台账文件变化时，重跑最近一个完整周（默认关闭）")
def ledger_change_sensor(context: SensorEvaluationContext, paths: BangfuPaths):
    from assets.ingest.events import newest_event_date

    fingerprint = raw_fingerprint(paths)
    if context.cursor == fingerprint:
        return SkipReason("台账文件没有变化")
    context.update_cursor(fingerprint)
    week = partition_key(latest_complete_week(newest_event_date(paths.raw, paths.today)))
    return RunRequest(run_key=f"{week}-{fingerprint[:16]}", partition_key=week)


@run_failure_sensor(monitored_jobs=[weekly_job], default_status=DefaultSensorStatus.RUNNING,
                    description="周报运行失败时写 OUT/<周>.FAILED.txt，说明失败的步骤和原因")
def failure_note_sensor(context: RunFailureSensorContext, paths: BangfuPaths):
    run = context.dagster_run
    partition = run.tags.get("dagster/partition")
    if not partition:
        return
    events = [entry.dagster_event for entry in context.instance.all_logs(run.run_id)]
    write_failure_note(paths.out, week_label(dt.date.fromisoformat(partition)), run.run_id,
                       failure_lines(events))
