"""The warehouse (数据仓库): opening it, its schema version, shared SQL, week variables.

Every connection a step opens comes through ``open_warehouse``: it waits for the file
lock (one process at a time may hold a DuckDB file), checks the schema version the
warehouse records, and installs the shared predicates of ``sql/macros.sql`` so that
ingest, derive and report mean the same thing by "supervised", "open at a date" and
"overdue at a date".

Schema versions: tables that ``raw/`` can rebuild (the ledgers, the derived tables) are
dropped when an older warehouse is opened, and the next run of a week rebuilds them;
tables named in ``RECORDED_TABLES`` hold what cannot be rebuilt and are kept (and
migrated) across versions.  A warehouse written by a newer bangfu is refused.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from pipeline.core.errors import BangfuError
from pipeline.core.ledgers import MAJOR_ACCIDENT_FLAGS
from pipeline.core.weeks import week_label

SQL_DIR = Path(__file__).with_name("sql")
# 1: the first build (no version recorded); 2: unit snapshots and figures kept per week;
# 3: targets that hold still (joined_week, joined_for), major hazards followed;
# 4: lawful draws (spot_checks and inspection_pairs by department, two officers each);
# 5: links and responsible people decided once per phase (department_links proposals,
# key_enterprises.basis), coverage_priorities.
SCHEMA_VERSION = 5
# Tables holding what raw/ cannot recreate: kept by upgrades (the 双随机 draws, draw_log,
# are records: made once from a secure random seed, never recomputed).
RECORDED_TABLES: tuple[str, ...] = ("quarantine_history", "draw_log")


class WarehouseBusy(BangfuError):
    """Another process holds the warehouse longer than we may wait."""


class WarehouseVersionError(BangfuError):
    """The warehouse was written by a newer bangfu."""


def read_sql(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def named_sql(folder: str, name: str) -> str:
    """``<folder>/<name>.sql``, read once per process."""
    return read_sql(Path(folder) / f"{name}.sql")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared predicates (TEMP macros, per connection) and the contract's lists."""
    con.execute("SET VARIABLE major_accident_flags = ?::VARCHAR[]", [list(MAJOR_ACCIDENT_FLAGS)])
    con.execute(named_sql(str(SQL_DIR), "macros"))


def user_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [t for (t,) in con.execute("""SELECT table_name FROM duckdb_tables()
        WHERE NOT temporary AND database_name = current_database() ORDER BY table_name""").fetchall()]


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The recorded version; 1 for a first-build warehouse; None for an empty one."""
    tables = user_tables(con)
    if "bangfu_schema" in tables:
        return con.execute("SELECT max(version) FROM bangfu_schema").fetchone()[0]
    return 1 if tables else None


def ensure_schema(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """Record the version on a new warehouse; upgrade an older one; refuse a newer one."""
    found = schema_version(con)
    if found == SCHEMA_VERSION:
        return
    if found is not None and found > SCHEMA_VERSION:
        raise WarehouseVersionError([
            f"{where}: 数据仓库由较新版本的 bangfu 写入（结构版本 {found}，本程序为 {SCHEMA_VERSION}）；"
            "请更新程序，或用 --warehouse 指定另一个数据仓库"])
    con.execute("BEGIN TRANSACTION")
    try:
        for table in user_tables(con):
            if table not in RECORDED_TABLES:
                con.execute(f'DROP TABLE "{table}"')
        con.execute("CREATE TABLE bangfu_schema (version INTEGER, upgraded_from INTEGER, "
                    "upgraded_at TIMESTAMP DEFAULT current_timestamp)")
        con.execute("INSERT INTO bangfu_schema (version, upgraded_from) VALUES (?, ?)",
                    [SCHEMA_VERSION, found])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def open_warehouse(path: Path, lock_timeout_s: float = 1800, config: dict | None = None):
    """A connection to the warehouse at ``path``, under its file lock, schema checked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{path}.lock")
    try:
        lock.acquire(timeout=lock_timeout_s)
    except Timeout:
        raise WarehouseBusy([
            f"{path}: 数据仓库被另一个运行占用，已等待 {lock_timeout_s:g} 秒仍未释放；"
            "请在 Dagster 界面查看正在进行的运行，稍后重试"]) from None
    try:
        con = duckdb.connect(str(path), config={"custom_user_agent": "bangfu", **(config or {})})
        try:
            ensure_schema(con, str(path))
            install_macros(con)
            yield con
        finally:
            con.close()
    finally:
        lock.release()


def set_week(con: duckdb.DuckDBPyConnection, start: dt.date) -> None:
    """The week's SQL variables: week (2023-W32), plan_for and prev_week (its neighbours),
    week_start, week_end, prev_week_end and year_start (1 January of the week end's year)."""
    end = start + dt.timedelta(days=6)
    values = {
        "week": week_label(start),
        "plan_for": week_label(start + dt.timedelta(days=7)),
        "prev_week": week_label(start - dt.timedelta(days=7)),
        "week_start": start, "week_end": end, "prev_week_end": end - dt.timedelta(days=7),
        "year_start": dt.date(end.year, 1, 1),
    }
    for name, value in values.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])


def backup(path: Path, target: Path, lock_timeout_s: float = 1800) -> Path:
    """A consistent copy of the warehouse at ``target``, taken under its lock (so no run
    writes meanwhile): the tables raw/ cannot rebuild are in it with everything else."""
    if not path.exists():
        raise BangfuError([f"{path}: 数据仓库不存在，没有可备份的内容"])
    if target.exists():
        raise BangfuError([f"{target}: 已存在，不覆盖；请换一个文件名"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with open_warehouse(path, lock_timeout_s) as con:
        name = con.execute("SELECT current_database()").fetchone()[0]
        con.execute("ATTACH ? AS bangfu_backup", [str(partial)])
        try:
            con.execute(f'COPY FROM DATABASE "{name}" TO bangfu_backup')
        finally:
            con.execute("DETACH bangfu_backup")
    os.replace(partial, target)
    return target
