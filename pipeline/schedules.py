"""When the pipeline runs by itself: the weekly schedule and the optional ledger sensor."""

import os

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    define_asset_job,
    run_failure_sensor,
    sensor,
)

from assets.ingest.read import discover
from assets.ingest.sources import RAW_KEYS, files_digest
from pipeline.resources import BangfuPaths

weekly_job = define_asset_job(
    "weekly_report", selection=AssetSelection.all() - AssetSelection.assets(*RAW_KEYS),
    description="本周全流程：导入台账 → 派生 → 周报与清单",
)

# Monday 07:00 Asia/Shanghai (the partitions' timezone): the week that ended last night.
weekly_schedule = build_schedule_from_partitioned_job(
    weekly_job, name="weekly_report_schedule", hour_of_day=7, minute_of_hour=0, day_of_week=1,
    default_status=DefaultScheduleStatus.RUNNING,
    description="每周一 07:00（北京时间）生成上一周的周报",
)

# One switch: BANGFU_LEDGER_SENSOR=on starts the sensor with the daemon; it can also be
# turned on in the UI (Automation → ledger_change_sensor).
SENSOR_ON = os.environ.get("BANGFU_LEDGER_SENSOR", "").lower() in ("1", "on", "true", "yes")


def raw_fingerprint(paths: BangfuPaths) -> str:
    found, unrecognised = discover(paths.raw)
    return files_digest([lf for files in found.values() for lf in files], unrecognised)


@sensor(job=weekly_job, minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING if SENSOR_ON else DefaultSensorStatus.STOPPED,
        description="台账文件变化时，重跑最近一个完整周（默认关闭）")
def ledger_change_sensor(context: SensorEvaluationContext, paths: BangfuPaths):
    fingerprint = raw_fingerprint(paths)
    if context.cursor == fingerprint:
        return SkipReason("台账文件没有变化")
    context.update_cursor(fingerprint)
    from pipeline.runner import newest_event_date
    from pipeline.weeks import latest_complete_week, partition_key
    week = partition_key(latest_complete_week(newest_event_date(paths.raw, paths.today)))
    return RunRequest(run_key=f"{week}-{fingerprint[:16]}", partition_key=week)


@run_failure_sensor(monitored_jobs=[weekly_job], default_status=DefaultSensorStatus.RUNNING,
                    description="周报运行失败时写 OUT/<周>.FAILED.txt，说明失败的步骤和原因")
def failure_note_sensor(context: RunFailureSensorContext, paths: BangfuPaths):
    import datetime as dt

    from assets.report.publish import write_failure_note
    from pipeline.runner import failure_lines
    from pipeline.weeks import week_label

    run = context.dagster_run
    partition = run.tags.get("dagster/partition")
    if not partition:
        return
    events = [entry.dagster_event for entry in context.instance.all_logs(run.run_id)]
    write_failure_note(paths.out, week_label(dt.date.fromisoformat(partition)), run.run_id,
                       failure_lines(events))
