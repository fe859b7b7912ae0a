"""Resources: where the ledgers, the outputs and the warehouse live.

Built from the environment (``BANGFU_RAW``, ``BANGFU_OUT``, ``BANGFU_WAREHOUSE``,
``BANGFU_RUN_DATE``) with defaults relative to the project folder, or from the
CLI's flags; the same Definitions serve ``dagster dev`` and ``bangfu run``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipeline.weeks import TIMEZONE

PROJECT_DIR = Path(__file__).resolve().parents[1]


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
        if self.run_date:
            return dt.date.fromisoformat(self.run_date)
        return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


class WarehouseBusy(RuntimeError):
    pass


class Warehouse(DuckDBResource):
    """The DuckDB warehouse, opened by one step at a time.

    DuckDB admits one writing process per file, and while it writes no other process may
    open the file at all.  Dagster's ``warehouse`` pool (limit 1, see dagster.yaml) keeps
    steps of concurrent runs in line; this lock is the last defence, also against
    ``bangfu run`` started while the UI runs: it waits up to ``lock_timeout_s`` seconds.
    """

    lock_timeout_s: int = Field(default=1800, description="Seconds to wait for another run's step")

    @contextmanager
    def get_connection(self):
        lock_path = Path(f"{self.database}.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as handle:
            deadline = time.monotonic() + self.lock_timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WarehouseBusy(
                            f"数据仓库 {self.database} 被另一个运行占用，已等待 {self.lock_timeout_s} 秒仍未释放；"
                            "请在 Dagster 界面查看正在进行的运行，稍后重试") from None
                    time.sleep(0.2)
            try:
                with super().get_connection() as con:
                    yield con
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def default_setting(name: str, fallback: Path) -> str:
    return os.environ.get(name) or str(fallback)


def build_resources(raw: str | None = None, out: str | None = None,
                    warehouse: str | None = None) -> dict:
    """The resources of every run; arguments override the environment."""
    warehouse = warehouse or default_setting("BANGFU_WAREHOUSE", PROJECT_DIR / "data" / "warehouse.duckdb")
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    return {
        "paths": BangfuPaths(
            raw_dir=raw or default_setting("BANGFU_RAW", PROJECT_DIR / "raw"),
            out_dir=out or default_setting("BANGFU_OUT", PROJECT_DIR / "out"),
            run_date=os.environ.get("BANGFU_RUN_DATE", ""),
        ),
        "duckdb": Warehouse(database=str(warehouse)),
    }


# Every step that opens the warehouse runs in this Dagster concurrency pool (limit 1).
POOL = "warehouse"
