"""Run one week through the same Definitions the UI uses, in process (``bangfu run``)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import tempfile
from pathlib import Path

import duckdb
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from assets.report.publish import clear_failure_note, write_failure_note
from pipeline.resources import PROJECT_DIR
from pipeline.weeks import latest_complete_week, parse_week, partition_key, week_label


class RunFailed(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def project_instance() -> DagsterInstance:
    """The persistent instance in the project-local DAGSTER_HOME (or the one set)."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    project_yaml = PROJECT_DIR / "dagster.yaml"
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(project_yaml, home / "dagster.yaml")
    return DagsterInstance.get()


HOST = socket.gethostname()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_dead_runs(instance: DagsterInstance) -> list[str]:
    """A `bangfu run` killed midway leaves its run STARTED and its warehouse pool slot
    claimed, so the next run would wait forever: fail such runs and free their slots."""
    released = []
    stuck = instance.get_runs(filters=RunsFilter(
        statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
        tags={"bangfu/host": HOST}))
    for run in stuck:
        pid = int(run.tags.get("bangfu/pid", "0"))
        if pid and pid != os.getpid() and not pid_alive(pid):
            instance.report_run_failed(run, f"bangfu run 进程 {pid} 已终止，运行未完成；释放其数据仓库槽位")
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            released.append(run.run_id)
    return released


def newest_event_date(raw: Path, today: dt.date) -> dt.date:
    """The newest found/fixed/visited/reviewed date in the ledgers (deadlines do not count)."""
    from assets.ingest.load import MACROS, stage_file, stage_table
    from assets.ingest.read import discover, read_file
    from pipeline.ledgers import BY_KEY, EVENT_DATES

    found, _ = discover(raw)
    con = duckdb.connect()
    con.execute(MACROS)
    newest: list[dt.date] = []
    with tempfile.TemporaryDirectory() as workdir:
        for key, columns in EVENT_DATES.items():
            if not found[key]:
                continue
            stage_table(con, BY_KEY[key])
            for lf in found[key]:
                stage_file(con, read_file(lf, Path(workdir)))
            for col in columns:
                value = con.execute(f"""SELECT max(d) FROM (SELECT parse_date(norm({col})) AS d
                    FROM stg_{key} WHERE _skip IS NULL) WHERE d <= ?""", [today]).fetchone()[0]
                if value:
                    newest.append(value)
    if not newest:
        raise RunFailed([f"{raw}: 台账中没有任何事件日期，无法确定最近完整的一周；请用 --week 指定"])
    return max(newest)


def run_week(raw: Path, out: Path, week: str | None = None, warehouse: str | None = None) -> Path:
    """Materialise every asset for the week; return the manifest's path."""
    from pipeline.definitions import build_definitions
    from pipeline.resources import BangfuPaths

    if not raw.is_dir():
        raise RunFailed([f"{raw}: 台账文件夹不存在"])
    defs = build_definitions(raw=str(raw.resolve()), out=str(out.resolve()), warehouse=warehouse)
    try:
        start = parse_week(week) if week else latest_complete_week(
            newest_event_date(raw, BangfuPaths(raw_dir="", out_dir="",
                                               run_date=os.environ.get("BANGFU_RUN_DATE", "")).today))
    except ValueError as exc:
        raise RunFailed([str(exc)]) from exc
    job = defs.resolve_job_def("weekly_report")
    instance = project_instance()
    release_dead_runs(instance)
    result = job.execute_in_process(
        partition_key=partition_key(start), instance=instance, raise_on_error=False,
        tags={"bangfu/host": HOST, "bangfu/pid": str(os.getpid())},
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    if not result.success:
        lines = failure_lines(result.all_events)
        write_failure_note(out, week_label(start), result.run_id, lines)
        raise RunFailed(lines)
    clear_failure_note(out, week_label(start))
    return out / week_label(start) / "manifest.json"


def root_message(error) -> str:
    """The innermost cause of a Dagster error: the message that says what went wrong."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def failure_lines(events) -> list[str]:
    """One line per problem from a run's events: failed steps and failed checks."""
    lines: list[str] = []
    for event in events:
        if event is None:
            continue
        if event.event_type == DagsterEventType.STEP_FAILURE:
            data = event.step_failure_data
            user = data.user_failure_data
            text = user.description if user and user.description else root_message(data.error)
            lines += [f"[{event.step_key}] {line}" for line in text.strip().splitlines()]
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data
            if not check.passed:
                lines.append(f"[check] {check.asset_check_key.name} 未通过")
    return lines or ["运行失败，原因见 Dagster 运行日志"]
