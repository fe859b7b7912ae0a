"""The benchmark (bench/run.py) runs end to end at a tiny size and prints every stage,
every ratio (the cold start's included) and the agreement of pipeline, floor and pandas.
No timing assertions.

    .venv/bin/pytest -q bench/test_smoke.py        (from the project folder; a few minutes)
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
UNITS = 3000
STAGES = [
    "pipeline ingest", "pipeline derive", "pipeline figures", "pipeline checks + metadata",
    "pipeline pick week", "pipeline ingest + derive", "pipeline process wall",
    "floor: load + validate", "floor: derive (risk scores)", "floor: figures",
    "floor: load + validate + derive", "floor: process wall",
    "pandas: load + validate", "pandas: derive (risk scores)", "pandas: figures",
    "pandas: load + validate + derive", "pandas: process wall",
    "cold start: bare imports",
    "dagster: bangfu run, cold DAGSTER_HOME", "dagster: bangfu run, warm DAGSTER_HOME",
]
REPORT_STAGES = [
    "pipeline reports: query", "pipeline reports: render", "bare WeasyPrint: all",
    "bare WeasyPrint: district report, CJK", "bare WeasyPrint: district report, ASCII twin",
]
NUMBER = r"\d+\.\d\d"
RATIOS = [
    rf"pipeline\(ingest\+derive\) / floor\s+{NUMBER} \(target ≤ 2: (met|MISSED)\)",
    rf"pandas / pipeline\(ingest\+derive\)\s+{NUMBER} \(target ≥ 5: (met|MISSED)\)",
    r"peak RSS, pipeline process\s+[\d,]+ MiB \(target < 2,048 MiB: (met|MISSED)\)",
    rf"Dagster overhead \(cold DAGSTER_HOME\): whole run {NUMBER} s",
    rf"Dagster overhead \(warm DAGSTER_HOME\): whole run {NUMBER} s",
    rf"cold start: bangfu run / bare imports\s+{NUMBER} \(target ≤ 3: (met|MISSED)\)",
]
REPORT_RATIOS = [
    rf"report step / bare render\s+{NUMBER} \(target ≤ 1.2: (met|MISSED)\)",
    rf"CJK / ASCII render \(district report\)\s+{NUMBER} \(target ≤ 1.5: (met|MISSED)\)",
]


@pytest.mark.slow
def test_bench_prints_every_stage_ratio_and_agreement(tmp_path):
    plot, saved = tmp_path / "plot.svg", tmp_path / "results.json"
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path / "dagster_home"))   # never the project's own
    proc = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "run.py"), "--sizes", str(UNITS), "--repeat", "1",
         "--dagster-at", str(UNITS), "--mixed-at", "", "--workdir", str(tmp_path / "work"),
         "--plot", str(plot), "--json", str(saved)],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = proc.stdout
    with_reports = (PROJECT / "assets" / "report" / "render.py").exists()
    assert f"=== {UNITS:,} units:" in out
    rows = [line.strip() for line in out.splitlines()]
    for label in STAGES + (REPORT_STAGES if with_reports else []):
        line = next((r for r in rows if r.startswith(label)), None)
        assert line is not None, f"no row for {label!r}:\n{out}"
        assert re.search(r"\s\d+\.\d{3}\s", line), f"no seconds on the row {line!r}"
    for pattern in RATIOS + (REPORT_RATIOS if with_reports else []):
        assert re.search(pattern, out), f"no ratio matching {pattern!r}:\n{out}"
    assert "agreement: pipeline, floor and pandas agree on all" in out, out
    assert plot.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    cold = json.loads(saved.read_text(encoding="utf-8"))["summaries"][0]["cold_start"]
    assert cold["bare_imports"] > 0 and cold["bangfu_run_cold"] > 0 and cold["bangfu_run_warm"] > 0
    assert cold["ratio_cold"] == cold["bangfu_run_cold"] / cold["bare_imports"]
