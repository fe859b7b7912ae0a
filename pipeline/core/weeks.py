"""The reporting week (周): a Dagster weekly partition, Monday to Sunday, Asia/Shanghai.

Partition keys are the Monday's date (``2023-08-07``); people see ISO weeks (``2023-W32``).
"""

from __future__ import annotations

import datetime as dt
import re

from dagster import WeeklyPartitionsDefinition

TIMEZONE = "Asia/Shanghai"
FIRST_WEEK = "2023-01-02"

weekly_partitions = WeeklyPartitionsDefinition(
    start_date=FIRST_WEEK, day_offset=1, timezone=TIMEZONE, fmt="%Y-%m-%d"
)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_label(start: dt.date) -> str:
    """``2023-W32`` for the ISO week that contains ``start``."""
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> dt.date:
    """The Monday of ``2023-W32`` or of the week containing a date like ``2023-08-09``."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", text, re.IGNORECASE):
        try:
            return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError as exc:
            raise ValueError(f"不存在的周：{text}") from exc
    try:
        return week_start(dt.date.fromisoformat(text))
    except ValueError as exc:
        raise ValueError(f"无法识别的周：{text}（应写作 2023-W32 或 2023-08-09）") from exc


def partition_key(start: dt.date) -> str:
    return start.isoformat()


def latest_complete_week(newest_event: dt.date) -> dt.date:
    """The Monday of the latest week whose Sunday is on or before ``newest_event``."""
    start = week_start(newest_event)
    return start if newest_event.weekday() == 6 else start - dt.timedelta(days=7)
