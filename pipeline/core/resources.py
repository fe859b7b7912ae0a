"""Dagster resources (资源): where the ledgers, the outputs and the warehouse live.

``build_resources`` makes them from the CLI's flags or the environment (``BANGFU_RAW``,
``BANGFU_OUT``, ``BANGFU_WAREHOUSE``, ``BANGFU_RUN_DATE``, ``BANGFU_LOCK_TIMEOUT``, passed
as ``EnvVar`` so the UI shows where a value comes from), with defaults relative to the
project folder.  Nothing is read or created when this module is imported: folders are
made when a step opens the warehouse.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import ConfigurableResource, EnvVar
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipeline.core.warehouse import WarehouseBusy, open_warehouse
from pipeline.core.weeks import TIMEZONE

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULTS = {
    "BANGFU_RAW": PROJECT_DIR / "raw",
    "BANGFU_OUT": PROJECT_DIR / "out",
    "BANGFU_WAREHOUSE": PROJECT_DIR / "data" / "warehouse.duckdb",
}
# Every step that opens the warehouse declares this Dagster pool (see dagster.yaml).
POOL = "warehouse"

__all__ = ["POOL", "PROJECT_DIR", "BangfuPaths", "Warehouse", "WarehouseBusy", "build_resources"]


class BangfuPaths(ConfigurableResource):
    """The ledger folder (raw/), the output folder (OUT/) and the run's date."""

    raw_dir: str = Field(description="Folder the operator drops the ledger exports into")
    out_dir: str = Field(description="Folder the weekly outputs are published under")
    run_date: str = Field(
        default="", description="Day of the run (YYYY-MM-DD); empty means today in Asia/Shanghai"
    )

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)

    @property
    def today(self) -> dt.date:
        return run_day(self.run_date)


def run_day(run_date: str = "") -> dt.date:
    """The given day, or today in Asia/Shanghai."""
    if run_date:
        return dt.date.fromisoformat(run_date)
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


class Warehouse(DuckDBResource):
    """The DuckDB warehouse (数据仓库), opened by one step at a time.

    DuckDB admits one writing process per file, and while it writes no other process may
    open it.  Runs from the UI and the schedule wait in Dagster's run queue; a
    ``bangfu run`` beside them waits on the file lock ``<warehouse>.lock`` for up to
    ``lock_timeout_s`` seconds and then fails with a message.  Every connection comes
    with the shared SQL macros and a checked schema version (see ``warehouse.py``).
    """

    lock_timeout_s: int = Field(default=1800, description="Seconds to wait for another run's step")

    @contextmanager
    def get_connection(self):
        with open_warehouse(Path(self.database), self.lock_timeout_s, self.connection_config) as con:
            yield con


def setting(name: str, given: str | None):
    """A flag's value, else the environment variable (as ``EnvVar``), else the default."""
    if given:
        return given
    if os.environ.get(name):
        return EnvVar(name)
    return str(DEFAULTS[name])


def build_resources(raw: str | None = None, out: str | None = None,
                    warehouse: str | None = None) -> dict:
    """The resources of every run; arguments override the environment."""
    return {
        "paths": BangfuPaths(
            raw_dir=setting("BANGFU_RAW", raw), out_dir=setting("BANGFU_OUT", out),
            run_date=EnvVar("BANGFU_RUN_DATE") if os.environ.get("BANGFU_RUN_DATE") else "",
        ),
        "duckdb": Warehouse(database=setting("BANGFU_WAREHOUSE", warehouse),
                            lock_timeout_s=EnvVar.int("BANGFU_LOCK_TIMEOUT")
                            if os.environ.get("BANGFU_LOCK_TIMEOUT") else 1800),
    }
