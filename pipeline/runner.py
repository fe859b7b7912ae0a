"""Run one week through the same Definitions the UI uses, in process (``bangfu run``)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import socket
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from pipeline.core.errors import BangfuError
from pipeline.core.outputs import clear_failure_note, failure_note, write_failure_note
from pipeline.core.resources import PROJECT_DIR, run_day
from pipeline.core.weeks import latest_complete_week, parse_week, partition_key, week_label
from pipeline.definitions import build_definitions
from pipeline.run_events import StepLines, failure_lines, step_logger

HOST = socket.gethostname()


class RunFailed(Exception):
    """The run did not publish its week: ``lines`` say why, one problem each."""

    def __init__(self, lines: list[str], note: Path | None = None, expected: bool = True):
        super().__init__("\n".join(lines))
        self.lines, self.note, self.expected = lines, note, expected


def project_instance() -> DagsterInstance:
    """The persistent instance in the project-local DAGSTER_HOME (or the one set)."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(PROJECT_DIR / "dagster.yaml", home / "dagster.yaml")
    return DagsterInstance.get()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_dead_runs(instance: DagsterInstance) -> list[str]:
    """Mark failed the runs of ``bangfu run`` processes of this host that were killed.

    Such a run stays STARTED: nothing launched it, so the daemon's run monitoring cannot
    see that its process is gone, and a STARTED run holds a place in the run queue
    (max_concurrent_runs), so the UI's runs would wait for it forever."""
    failed = []
    stuck = instance.get_runs(filters=RunsFilter(
        statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING],
        tags={"bangfu/host": HOST}))
    for run in stuck:
        pid = int(run.tags.get("bangfu/pid", "0"))
        if pid and pid != os.getpid() and not pid_alive(pid):
            instance.report_run_failed(run, f"bangfu run 进程 {pid} 已终止，运行未完成")
            failed.append(run.run_id)
    return failed


def draw_run_config(draw: dict | None) -> dict:
    """The derive step's run config for these draw options (none: the file's section)."""
    given = {k: v for k, v in (draw or {}).items() if v not in (None, "", [], ())}
    if not given:
        return {}
    from pipeline.core.config import load_config
    try:
        options = load_config().draw.model_dump() | given
    except BangfuError as exc:
        raise RunFailed(exc.lines) from exc
    return {"ops": {"derive": {"config": {"draw": options}}}}


def pick_week(raw: Path, week: str | None) -> str:
    """The partition key of ``--week``, or of the latest complete week of the ledgers."""
    from assets.ingest.events import newest_event_date

    try:
        if week:
            return partition_key(parse_week(week))
        return partition_key(latest_complete_week(
            newest_event_date(raw, run_day(os.environ.get("BANGFU_RUN_DATE", "")))))
    except ValueError as exc:
        raise RunFailed([str(exc)]) from exc
    except BangfuError as exc:
        raise RunFailed(exc.lines) from exc


def run_week(raw: Path, out: Path, week: str | None = None, warehouse: str | None = None,
             steps: StepLines | None = None, draw: dict | None = None) -> Path:
    """Materialise every asset for the week; return the manifest's path.

    ``steps`` receives the run's step lines and warnings (``bangfu run`` prints them);
    without it the run is silent.  ``draw``: run options of the 双随机 draw (operator,
    witnesses, redraw: the reason for a new draw), over the file's ``draw`` section."""
    if not raw.is_dir():
        raise RunFailed([f"{raw}: 台账文件夹不存在"])
    from assets.report.processes import warm_up
    warm_up()           # the PDF workers' forkserver imports the renderer while we ingest
    key = pick_week(raw, week)
    label = week_label(dt.date.fromisoformat(key))
    definitions = build_definitions(raw=str(raw.resolve()), out=str(out.resolve()), warehouse=warehouse)
    job = definitions.resolve_job_def("weekly_report").with_logger_defs(
        {"bangfu_steps": step_logger(steps or StepLines(stream=io.StringIO()))})
    instance = project_instance()
    fail_dead_runs(instance)
    result = job.execute_in_process(
        partition_key=key, instance=instance, raise_on_error=False,
        tags={"bangfu/host": HOST, "bangfu/pid": str(os.getpid())},
        run_config={"loggers": {"bangfu_steps": {}}, **draw_run_config(draw)})
    if not result.success:
        expected = all(e.step_failure_data.user_failure_data is not None
                       for e in result.all_events if e.is_step_failure)
        lines = failure_lines(result.all_events)
        write_failure_note(out, label, result.run_id, lines)
        shown = lines if expected else failure_lines(result.all_events, with_traceback=True)
        raise RunFailed(shown, failure_note(out, label), expected)
    clear_failure_note(out, label)
    return out / label / "manifest.json"
