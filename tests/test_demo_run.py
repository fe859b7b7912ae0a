"""End to end on the demo ledgers: the published figures for 2023-W32, earlier weeks,
reruns, broken rows, and the CLI contract."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import PROJECT

from pipeline.runner import RunFailed, run_week

PUBLISHED = {
    "supervised_units": 4098, "subdistricts": 8, "departments": 8, "team_cadres": 30,
    "bureau_cadres": 43, "experts": 43, "problems_solved_ytd": 68, "reviews_ytd": 77,
    "reviews_passed_ytd": 44, "tier_jingpin": 10, "tier_biaogan": 69, "tier_dabiao": 221,
    "demo_posts": 1400, "priority_targets": 29, "key_enterprises": 43, "uncovered_targets": 0,
}
LINKS = {"东海街道": "区住建局", "北峰街道": "区工信科技局", "泉秀街道": "区文体旅游局", "清源街道": "区城管局"}
CATEGORIES = {"工贸企业", "学校", "医院", "福利机构", "文旅场所", "在建施工项目", "住宿餐饮"}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_demo_week_reproduces_the_published_figures(demo_run):
    manifest = load(demo_run[1])
    assert (manifest["week"], manifest["week_start"], manifest["week_end"]) == (
        "2023-W32", "2023-08-07", "2023-08-13")
    figures = manifest["figures"]
    assert {k: figures[k] for k in PUBLISHED} == PUBLISHED
    assert set(figures["units_by_category"]) == CATEGORIES
    assert sum(figures["units_by_category"].values()) == 4098
    assert LINKS.items() <= figures["department_links"].items()
    assert len(set(figures["department_links"].values())) == 8
    assert 0 < figures["hazards_overdue"] <= figures["hazards_open"]
    assert figures["config_sha256"] == manifest["config_sha256"]


def test_week_32_targets_span_industries_and_hold_every_open_major_hazard(demo_warehouse):
    """全域覆盖、突出重点: the demo district's targets come from several industries and
    categories, foundries stay rare, and every unit with an open major hazard is among them."""
    import duckdb
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        targets = con.execute(
            "SELECT u.unit_id, u.industry, u.category FROM priority_targets t JOIN units u USING (unit_id) "
            "WHERE t.week = '2023-W32'").df()
        open_major = {r[0] for r in con.execute(
            "SELECT DISTINCT unit_id FROM hazards WHERE level = '重大隐患' AND found_on <= DATE '2023-08-13' "
            "AND (fixed_on IS NULL OR fixed_on > DATE '2023-08-13')").fetchall()}
    finally:
        con.close()
    assert len(targets) == 29
    assert targets["industry"].nunique() >= 5 and targets["category"].nunique() >= 2
    assert (targets["industry"] == "精密铸造").sum() <= 1
    assert 1 <= len(open_major) <= 12 and open_major <= set(targets["unit_id"])


def test_manifest_matches_its_schema_and_accounts_for_every_row(demo_run):
    manifest = load(demo_run[1])
    jsonschema.validate(manifest, load(PROJECT / "docs" / "manifest.schema.json"))
    for entry in manifest["inputs"]:
        assert entry["rows_read"] == (entry["rows_loaded"] + entry["rows_quarantined"]
                                      + entry["rows_skipped"]), entry
    assert {e["ledger"] for e in manifest["inputs"]} == {
        "units", "hazards", "departments", "cadres", "experts", "visits", "reviews"}


def test_earlier_week_has_smaller_cumulative_figures_and_reruns_agree(demo_run, tmp_path):
    base, w32 = demo_run
    out, warehouse = tmp_path / "out", str(tmp_path / "warehouse.duckdb")
    shutil.copyfile(base / "warehouse.duckdb", warehouse)     # the shared demo run stays as it is
    w20 = load(run_week(PROJECT / "raw", out, "2023-W20", warehouse))
    w32f = load(w32)["figures"]
    assert w20["week_end"] == "2023-05-21"
    for key in ("hazards_found_ytd", "problems_solved_ytd", "reviews_ytd", "reviews_passed_ytd"):
        assert w20["figures"][key] < w32f[key], key
    again = load(run_week(PROJECT / "raw", out, "2023-05-17", warehouse))
    assert again["figures"] == w20["figures"]


def broken_copy(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "raw", raw)
    with (raw / "hazards_2023-07_08.csv").open("a", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["YH-BAD-1", "FZ999999", "2023-08-01", "一般隐患", "", "", "2023-08-20", "", "执法检查"])
        w.writerow(["YH-BAD-2", "FZ000001", "2023-13-45", "特大", "", "", "2023-08-20", "", "执法检查"])
        w.writerow([])
        w.writerow(["合计", "", "", "", "", "", "", "", ""])
    return raw


def cli_run(raw: Path, base: Path) -> subprocess.CompletedProcess:
    """`bangfu run` on ``raw``, its outputs and warehouse under ``base``."""
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "--raw", str(raw),
                           "--out", str(base / "out"), "--warehouse", str(base / "w.duckdb")],
                          capture_output=True, text=True, cwd=PROJECT)


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    """The demo ledgers with broken rows appended, run once through the command line:
    (folder, the finished process)."""
    base = tmp_path_factory.mktemp("broken")
    return base, cli_run(broken_copy(base), base)


def test_broken_rows_are_accounted_for(broken_run):
    base, done = broken_run
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = load(base / "out" / "2023-W32" / "manifest.json")
    entry = next(i for i in manifest["inputs"] if i["file"] == "hazards_2023-07_08.csv")
    assert entry["rows_quarantined"] == 2
    assert entry["rows_skipped"] == 2
    assert entry["rows_read"] == entry["rows_loaded"] + 4


def test_cli_runs_and_fails_with_one_line_per_problem(broken_run, tmp_path):
    """A run prints one line per step and then the outputs, with no warnings; a failing run
    prints only its reasons and where FAILED.txt is, without a stack trace, and exits 1."""
    base, done = broken_run
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    lines = done.stdout.strip().splitlines()
    assert lines[-1].endswith("2023-W32/manifest.json")
    steps = [line for line in lines if line.strip().startswith("✓")]
    assert len(steps) == 4 and all(re.search(r"\d+\.\d 秒$", line) for line in steps), lines
    assert not any("Warning" in line or " - dagster - " in line for line in lines)
    raw = shutil.copytree(base / "raw", tmp_path / "raw")      # the same out and warehouse
    (raw / "专家库.xlsx").unlink()
    with (raw / "干部名册.xlsx").open("wb") as f:
        f.write(b"not an xlsx")
    done = cli_run(raw, base)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert any("干部名册.xlsx" in line for line in lines)
    assert any("专家库" in line for line in lines)
    assert any("FAILED.txt" in line for line in lines)
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr
    assert len(lines) <= 6, lines


def test_cli_says_when_the_warehouse_is_held_by_another_run(tmp_path):
    from filelock import FileLock
    warehouse = tmp_path / "w.duckdb"
    run = [sys.executable, "-m", "pipeline.cli", "run", "--raw", str(PROJECT / "raw"), "--week",
           "2023-W32", "--out", str(tmp_path / "out"), "--warehouse", str(warehouse)]
    with FileLock(f"{warehouse}.lock"):
        done = subprocess.run(run, capture_output=True, text=True, cwd=PROJECT,
                              env={**os.environ, "BANGFU_LOCK_TIMEOUT": "1"})
    assert done.returncode == 1
    assert "被另一个运行占用" in done.stderr and "Traceback" not in done.stderr


def test_an_unexpected_error_shows_its_traceback(tmp_path, monkeypatch):
    import assets.derive.build as build

    def broken(*args):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(build, "build_week", broken)
    with pytest.raises(RunFailed) as failed:
        run_week(PROJECT / "raw", tmp_path / "out", "2023-W32", str(tmp_path / "w.duckdb"))
    assert not failed.value.expected
    text = "\n".join(failed.value.lines)
    assert "ZeroDivisionError: a bug" in text and 'File "' in text


def test_unknown_week_is_a_clear_error(tmp_path):
    with pytest.raises(RunFailed, match="2023-W60"):
        run_week(PROJECT / "raw", tmp_path / "out", "2023-W60", str(tmp_path / "w.duckdb"))


def test_clean_tables_keep_the_ledgers_row_order(demo_warehouse):
    """Clean tables list rows file by file in name order, each file top to bottom (the
    units table is written without a sort: staging order is kept)."""
    import duckdb

    from pipeline.core.ledgers import LEDGERS
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        for ledger in LEDGERS:
            rows = con.execute(f"SELECT source_file, source_row FROM {ledger.key} ORDER BY rowid").fetchall()
            assert rows and rows == sorted(rows), ledger.key
        files = con.execute("SELECT count(DISTINCT source_file) FROM hazards").fetchone()[0]
        assert files > 1            # the demo's hazards come in two files
    finally:
        con.close()
