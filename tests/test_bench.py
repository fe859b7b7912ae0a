"""The benchmark (bench/run.py) runs end to end at a tiny size and prints every stage,
every ratio and the agreement of pipeline, floor and pandas.  No timing assertions."""

import re
import subprocess
import sys

from conftest import PROJECT

UNITS = 3000
STAGES = [
    "pipeline ingest", "pipeline derive", "pipeline figures", "pipeline checks + metadata",
    "pipeline pick week", "pipeline ingest + derive", "pipeline process wall",
    "floor: load + validate", "floor: derive (risk scores)", "floor: figures",
    "floor: load + validate + derive", "floor: process wall",
    "pandas: load + validate", "pandas: derive (risk scores)", "pandas: figures",
    "pandas: load + validate + derive", "pandas: process wall",
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
]
REPORT_RATIOS = [
    rf"report step / bare render\s+{NUMBER} \(target ≤ 1.2: (met|MISSED)\)",
    rf"CJK / ASCII render \(district report\)\s+{NUMBER} \(target ≤ 1.5: (met|MISSED)\)",
]


def test_bench_prints_every_stage_ratio_and_agreement(tmp_path):
    plot = tmp_path / "plot.svg"
    proc = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "run.py"), "--sizes", str(UNITS), "--repeat", "1",
         "--dagster-at", str(UNITS), "--mixed-at", "", "--workdir", str(tmp_path / "work"),
         "--plot", str(plot)],
        cwd=PROJECT, capture_output=True, text=True, timeout=900)
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
