import datetime as dt
import os
import sys
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

sys.path.insert(0, str(Path(__file__).parent))

from assets.ingest.load import ingest_folder  # noqa: E402
from pipeline.core.warehouse import install_macros  # noqa: E402

RUN_DATE = dt.date(2023, 8, 20)
PROJECT = Path(__file__).resolve().parents[1]


# `make test` hands whole files to two workers (--dist loadfile --no-loadscope-reorder) in
# the order below: the files that take longest go first, so that none of them starts last
# while the other worker has nothing left to do (longest-processing-time-first).  The
# server tests lead, since they mostly wait on their services while the other worker
# computes.  Measure with `pytest --durations=0` when a file grows.
LONGEST_FIRST = ("test_ops_ui.py", "test_reports.py", "test_demo_run.py", "test_ops_rerun.py",
                 "test_ingest_rules.py", "test_leader_report.py", "test_draw.py",
                 "test_ops_postgres.py", "test_ingest_clerks.py", "test_derive_units.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within kept


@pytest.fixture(autouse=True, scope="session")
def dagster_home(tmp_path_factory):
    """Tests never touch the project's own DAGSTER_HOME."""
    home = tmp_path_factory.mktemp("dagster_home")
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ["BANGFU_RUN_DATE"] = RUN_DATE.isoformat()
    return home


def connect(path, read_only: bool = False):
    """A warehouse connection as the pipeline's steps have it: with the shared macros."""
    con = duckdb.connect(str(path), read_only=read_only)
    install_macros(con)
    return con


@pytest.fixture
def ingest(tmp_path):
    """Ingest a raw folder into a fresh warehouse; returns the open connection."""
    def _ingest(raw: Path, run_date: dt.date = RUN_DATE):
        con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
        install_macros(con)
        ingest_folder(con, raw, run_date)
        return con
    return _ingest


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, dagster_home, worker_id):
    """The demo ledgers run for 2023-W32 through `bangfu run`'s code path, once per test
    session: with pytest-xdist the first worker makes it (under a file lock) and the
    others wait for it and share it.  Tests read it; a test that writes copies it first.
    Its Dagster instance is ``<base>/dagster_home``."""
    from pipeline.runner import run_week
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    base = shared / "demo_w32"
    manifest = base / "out" / "2023-W32" / "manifest.json"
    with FileLock(str(shared / "demo_w32.lock")):
        if not manifest.exists():
            base.mkdir(exist_ok=True)
            own_home = os.environ["DAGSTER_HOME"]
            os.environ["DAGSTER_HOME"] = str(base / "dagster_home")
            try:
                run_week(PROJECT / "raw", base / "out", "2023-W32", str(base / "warehouse.duckdb"))
            finally:
                os.environ["DAGSTER_HOME"] = own_home
    return base, manifest


@pytest.fixture(scope="session")
def demo_warehouse(demo_run):
    return demo_run[0] / "warehouse.duckdb"
