"""Expected failures (预期的失败): problems an operator can fix, told in one line each.

Ingest (a missing or unreadable ledger), the warehouse (busy, too new) and the
configuration raise ``BangfuError`` with its ``problems``: one Chinese line per problem,
naming the file, row and reason.  Inside a step, ``reported_as_failure`` hands them to
Dagster as a ``Failure`` (the run's log keeps the traceback), and ``bangfu run`` prints
just those lines; anything else is a bug and shows its traceback.
"""

from __future__ import annotations

from contextlib import contextmanager

from dagster import Failure, MetadataValue

# Warnings about the data (not failures) carry this mark in a step's log: ingest writes
# them, and ``bangfu run`` prints them after its step lines (pipeline/run_events.py).
DATA_NOTE = "台账提示："


class BangfuError(Exception):
    """A problem that stops the run: each entry of ``problems`` is one line for the operator."""

    heading = ""        # a first line saying what failed, e.g. 台账导入失败：

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    @property
    def lines(self) -> list[str]:
        return ([self.heading] if self.heading else []) + self.problems


@contextmanager
def reported_as_failure():
    """Turn a ``BangfuError`` raised inside into a Dagster ``Failure`` with its lines."""
    try:
        yield
    except BangfuError as exc:
        raise Failure(description="\n".join(exc.lines), metadata={
            "problems": MetadataValue.md("\n".join(f"- {p}" for p in exc.problems))}) from exc
