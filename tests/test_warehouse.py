"""The warehouse: its lock, its schema version and upgrades, and the shared predicates."""

import datetime as dt

import duckdb
import pytest
from filelock import FileLock

from pipeline.core import warehouse
from pipeline.core.warehouse import (
    SCHEMA_VERSION,
    WarehouseBusy,
    WarehouseVersionError,
    open_warehouse,
)


def tables(path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()


def test_a_new_warehouse_records_the_schema_version(tmp_path):
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        assert con.execute("SELECT max(version) FROM bangfu_schema").fetchone()[0] == SCHEMA_VERSION
    with open_warehouse(path) as con:       # opened again: nothing to do
        assert con.execute("SELECT count(*) FROM bangfu_schema").fetchone()[0] == 1


def test_an_older_warehouse_is_upgraded_keeping_what_raw_cannot_rebuild(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))          # a first-build warehouse: tables, no version
    con.execute("CREATE TABLE unit_risk (unit_id VARCHAR, score DOUBLE)")
    con.execute("CREATE TABLE draw_log (week VARCHAR, seed VARCHAR)")
    con.execute("INSERT INTO draw_log VALUES ('2023-W32', 'abc')")
    con.close()
    monkeypatch.setattr(warehouse, "RECORDED_TABLES", ("draw_log",))
    with open_warehouse(path) as con:
        assert con.execute("SELECT version, upgraded_from FROM bangfu_schema").fetchall() == [
            (SCHEMA_VERSION, 1)]
        assert con.execute("SELECT * FROM draw_log").fetchall() == [("2023-W32", "abc")]
    assert tables(path) == {"bangfu_schema", "draw_log"}   # the derived table is rebuilt by the next run


def test_a_warehouse_from_a_newer_bangfu_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE bangfu_schema (version INTEGER, upgraded_from INTEGER, upgraded_at TIMESTAMP)")
    con.execute("INSERT INTO bangfu_schema VALUES (?, NULL, NULL)", [SCHEMA_VERSION + 1])
    con.execute("CREATE TABLE units (unit_id VARCHAR)")
    con.close()
    with pytest.raises(WarehouseVersionError, match="较新版本"), open_warehouse(path):
        pass
    assert "units" in tables(path)           # nothing was dropped


def test_a_held_warehouse_fails_after_the_timeout_with_a_message(tmp_path):
    path = tmp_path / "w.duckdb"
    with FileLock(f"{path}.lock"):
        with pytest.raises(WarehouseBusy, match="被另一个运行占用"), open_warehouse(path, lock_timeout_s=0.2):
            pass
    with open_warehouse(path, lock_timeout_s=0.2):  # released: opens
        pass


@pytest.mark.parametrize("found,fixed,due,day,is_open,is_overdue", [
    ("2023-08-01", None, "2023-08-10", "2023-08-13", True, True),
    ("2023-08-01", None, "2023-08-13", "2023-08-13", True, False),       # due on the day: not yet
    ("2023-08-01", "2023-08-13", "2023-08-10", "2023-08-13", False, False),  # fixed that day
    ("2023-08-01", "2023-08-14", "2023-08-10", "2023-08-13", True, True),    # fixed after it
    ("2023-08-14", None, "2023-08-10", "2023-08-13", False, False),      # found after it
])
def test_the_shared_predicates(tmp_path, found, fixed, due, day, is_open, is_overdue):
    with open_warehouse(tmp_path / "w.duckdb") as con:
        d = [dt.date.fromisoformat(x) if x else None for x in (found, fixed, due, day)]
        got = con.execute("SELECT open_at(?::DATE, ?::DATE, ?::DATE), overdue_at(?::DATE, ?::DATE, ?::DATE, ?::DATE)",
                          [d[0], d[1], d[3], d[0], d[1], d[2], d[3]]).fetchone()
        assert got == (is_open, is_overdue)
        assert con.execute("SELECT supervised('在业'), supervised('注销')").fetchone() == (True, False)
        assert "粉尘涉爆" in con.execute("SELECT major_accident_flags()").fetchone()[0]


def test_a_backup_is_a_consistent_copy_and_refuses_to_overwrite(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import PROJECT
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        con.execute("CREATE TABLE quarantine_history (ledger VARCHAR, row_key VARCHAR, code VARCHAR, "
                    "first_seen DATE)")
        con.execute("INSERT INTO quarantine_history VALUES ('units', 'FZ000001', 'bad_date', DATE '2023-08-09')")
    target = tmp_path / "backups" / "w-1.duckdb"
    run = [sys.executable, "-m", "pipeline.cli", "backup", "--warehouse", str(path), "--out", str(target)]
    done = subprocess.run(run, cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    copy = duckdb.connect(str(target), read_only=True)
    assert copy.execute("SELECT row_key FROM quarantine_history").fetchall() == [("FZ000001",)]
    assert copy.execute("SELECT max(version) FROM bangfu_schema").fetchone()[0] == SCHEMA_VERSION
    copy.close()
    again = subprocess.run(run, cwd=PROJECT, capture_output=True, text=True)
    assert again.returncode == 1 and "不覆盖" in again.stderr
    with FileLock(f"{path}.lock"):             # a run holds the warehouse: the backup waits
        held = subprocess.run([*run[:-1], str(tmp_path / "w-2.duckdb")], cwd=PROJECT, capture_output=True,
                              text=True, timeout=60, env={**os.environ, "BANGFU_LOCK_TIMEOUT": "1"})
    assert held.returncode == 1 and "被另一个运行占用" in held.stderr
