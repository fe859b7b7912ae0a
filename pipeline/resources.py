"""Resources: where the ledgers, the outputs and the warehouse live.

Built from the environment (``BANGFU_RAW``, ``BANGFU_OUT``, ``BANGFU_WAREHOUSE``,
``BANGFU_RUN_DATE``) with defaults relative to the project folder, or from the
CLI's flags; the same Definitions serve ``dagster dev`` and ``bangfu run``.
"""

from __future__ import annotations

import datetime as dt
import os
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
        "duckdb": DuckDBResource(database=str(warehouse)),
    }
