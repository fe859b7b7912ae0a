"""A rerun replaces a week's outputs as a whole, even when it is killed while rendering."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import PROJECT

from pipeline.runner import run_week

pytestmark = pytest.mark.slow


def consistent(week_dir) -> dict:
    """The published folder holds exactly what its manifest lists, byte for byte."""
    manifest = json.loads((week_dir / "manifest.json").read_text("utf-8"))
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    present = {p.relative_to(week_dir.parent).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in week_dir.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert present == listed
    return manifest


def published_copy(demo_run, tmp_path):
    """A copy of the demo week's published outputs under ``tmp_path/out``."""
    out = tmp_path / "out"
    shutil.copytree(demo_run[0] / "out" / "2023-W32", out / "2023-W32")
    return out


def test_killed_rerun_leaves_the_last_good_outputs(demo_run, tmp_path):
    out = published_copy(demo_run, tmp_path)
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(demo_run[0] / "warehouse.duckdb", warehouse)
    before = consistent(out / "2023-W32")
    assert any(o["path"].endswith(".pdf") for o in before["outputs"])

    cmd = [sys.executable, "-m", "pipeline.cli", "run", "--raw", str(PROJECT / "raw"), "--out",
           str(out), "--week", "2023-W32", "--warehouse", str(warehouse)]
    proc = subprocess.Popen(cmd, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    staging = out / ".staging" / "2023-W32"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if staging.exists() and any(staging.rglob("*.pdf")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before rendering could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    after = consistent(out / "2023-W32")
    assert after == before

    # the next run marks the killed one failed (it would hold its place in the run queue),
    # cleans up what it left and publishes a complete week
    run_week(PROJECT / "raw", out, "2023-W32", str(warehouse))
    assert not staging.exists()
    consistent(out / "2023-W32")
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
    (killed,) = DagsterInstance.get().get_runs(filters=RunsFilter(tags={"bangfu/pid": str(proc.pid)}))
    assert killed.status == DagsterRunStatus.FAILURE


def test_failed_run_leaves_a_note_and_the_good_outputs(demo_run, tmp_path):
    import pytest

    from pipeline.runner import RunFailed
    out = published_copy(demo_run, tmp_path)
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "raw", raw)
    (raw / "专家库.xlsx").unlink()
    with pytest.raises(RunFailed):
        run_week(raw, out, "2023-W32", str(tmp_path / "w.duckdb"))
    note = (out / "2023-W32.FAILED.txt").read_text("utf-8")
    assert "ingest_ledgers" in note and "专家库" in note
    consistent(out / "2023-W32")
    run_week(PROJECT / "raw", out, "2023-W32", str(tmp_path / "w.duckdb"))
    assert not (out / "2023-W32.FAILED.txt").exists()


def test_a_failed_blocking_check_stops_the_run_before_the_reports(demo_run, tmp_path, monkeypatch):
    """An ERROR check that fails in the ingest step (here: a duplicate unit number that
    slipped through) stops the run: nothing downstream runs, the last good week stays."""
    import pytest
    from dagster import AssetCheckResult

    import assets.ingest.checks as ingest
    from pipeline.runner import RunFailed
    real = ingest.key_unique

    def units_duplicated(con, ledger):
        result = real(con, ledger)
        if ledger.key != "units":
            return result
        return AssetCheckResult(check_name=result.check_name, asset_key=result.asset_key,
                                passed=False, metadata={"duplicate_keys": 1})

    monkeypatch.setattr(ingest, "key_unique", units_duplicated)
    out = published_copy(demo_run, tmp_path)
    before = consistent(out / "2023-W32")
    with pytest.raises(RunFailed):
        run_week(PROJECT / "raw", out, "2023-W32", str(tmp_path / "w.duckdb"))
    assert "units_key_unique" in (out / "2023-W32.FAILED.txt").read_text("utf-8")
    assert consistent(out / "2023-W32") == before
    assert not (out / ".staging" / "2023-W32").exists()
