"""What a run's events say (运行事件): step lines as they happen, reasons when it fails.

``step_logger`` is the one logger of a ``bangfu run``: it prints one line per finished
step with its time and keeps the run's data warnings for the end; Dagster's own console
output (and a failing step's traceback) stays in the run's event log, shown by the UI.
``failure_lines`` turns a failed run's events into one line per problem.
"""

from __future__ import annotations

import logging
import sys

from dagster import DagsterEventType, LoggerDefinition, logger

from pipeline.core.errors import DATA_NOTE

STEP_TITLES = {"ingest_ledgers": "导入台账", "derive": "派生帮扶安排", "reports": "生成周报与清单",
               "manifest": "写清单并发布"}


class StepLines(logging.Handler):
    """Prints ``✓ 导入台账（ingest_ledgers）2.1 秒`` per step; collects warnings."""

    def __init__(self, stream=None):
        super().__init__(logging.DEBUG)
        self.stream = stream
        self.warnings: list[str] = []

    def say(self, text: str) -> None:
        print(text, file=self.stream or sys.stdout, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = record.__dict__.get("dagster_meta") or {}
        event = meta.get("dagster_event")
        if event is None:
            text = str(meta.get("orig_message") or "")
            if record.levelno >= logging.WARNING and text.startswith(DATA_NOTE):
                self.warnings.append(text.removeprefix(DATA_NOTE))
            return
        step = event.step_key
        title = f"{STEP_TITLES.get(step, step)}（{step}）"
        if event.event_type == DagsterEventType.STEP_SUCCESS:
            self.say(f"  ✓ {title} {event.step_success_data.duration_ms / 1000:.1f} 秒")
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            self.say(f"  ✗ {title} 失败")


def step_logger(handler: StepLines) -> LoggerDefinition:
    """A Dagster logger that sends the run's records to ``handler`` and nowhere else."""
    @logger(description="bangfu run: one line per step on the terminal, warnings kept for the end")
    def _steps(_init_context):
        log = logging.getLogger("bangfu.steps")
        log.setLevel(logging.DEBUG)
        log.handlers = [handler]
        log.propagate = False
        return log

    return _steps


def root_message(error) -> str:
    """The innermost cause of a Dagster error: the message that says what went wrong."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def failure_lines(events, with_traceback: bool = False) -> list[str]:
    """One line per problem from a run's events: failed steps and failed checks.

    An expected failure (a ``Failure`` raised for a bad ledger, a busy warehouse …) gives
    its description; any other error its innermost message, and with ``with_traceback``
    the whole traceback too (a bug should show where it is)."""
    lines: list[str] = []
    for event in events:
        if event is None:
            continue
        if event.event_type == DagsterEventType.STEP_FAILURE:
            data = event.step_failure_data
            user = data.user_failure_data
            if user and user.description:
                text = user.description
            elif with_traceback:
                text = data.error.to_string()
            else:
                text = root_message(data.error)
            lines += [f"[{event.step_key}] {line}" for line in text.strip().splitlines()]
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            check = event.event_specific_data
            if not check.passed:
                lines.append(f"[check] {check.asset_check_key.name} 未通过")
    return lines or ["运行失败，原因见 Dagster 运行日志"]
