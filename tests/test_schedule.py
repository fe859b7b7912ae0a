"""The weekly schedule asks for the week that just ended, Monday 07:00 Asia/Shanghai."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dagster import build_schedule_context

from pipeline.core.weeks import week_label
from pipeline.definitions import defs

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def schedule():
    return defs().resolve_schedule_def("weekly_report_schedule")


def test_schedule_runs_monday_seven_in_shanghai_by_default(schedule):
    assert schedule.cron_schedule == "0 7 * * 1"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.default_status.value == "RUNNING"


@pytest.mark.parametrize("instant,week", [
    (dt.datetime(2023, 8, 14, 7, 0, tzinfo=SHANGHAI), "2023-W32"),
    (dt.datetime(2023, 8, 14, 7, 0, 30, tzinfo=SHANGHAI), "2023-W32"),
    (dt.datetime(2024, 1, 1, 7, 0, tzinfo=SHANGHAI), "2023-W52"),       # New Year's Day, a Monday
    (dt.datetime(2026, 1, 5, 7, 0, tzinfo=SHANGHAI), "2026-W01"),       # the week of 2025-12-29
    (dt.datetime(2023, 1, 9, 7, 0, tzinfo=SHANGHAI), "2023-W01"),       # the first partition
    # the same instant written in UTC: Sunday 23:00 UTC is already Monday 07:00 in Shanghai
    (dt.datetime(2023, 8, 13, 23, 0, tzinfo=dt.UTC), "2023-W32"),
])
def test_tick_asks_for_the_week_just_ended(schedule, instant, week):
    with build_schedule_context(scheduled_execution_time=instant) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert len(requests) == 1
    start = dt.date.fromisoformat(requests[0].partition_key)
    assert start.weekday() == 0 and week_label(start) == week
