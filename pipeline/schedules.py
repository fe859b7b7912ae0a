"""The weekly job and its schedule (每周定时): Monday 07:00 Asia/Shanghai, last week."""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    build_schedule_from_partitioned_job,
    define_asset_job,
)

from assets.ingest.assets import RAW_KEYS

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
