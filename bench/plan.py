"""What is measured at one size, as jobs for the harness (``measure_size``).

Per repeat, each in a fresh process: the pipeline's stages on the CSV set (the first
repeat also renders the reports again in one process, untimed in the table, to keep the
HTML and the report breakdown), the floor, pandas, the stages on the .xlsx/.csv mix
(``--mixed-at``), bare WeasyPrint on the captured HTML (all documents; the district
report in Chinese and as its ASCII twin); and at the ``--dagster-at`` sizes the cold
start: the bare imports, then the whole ``bangfu run`` with a fresh DAGSTER_HOME (cold)
and again on that DAGSTER_HOME (warm).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from datasets import generate_ledgers
from harness import PYTHON, Job, child_env, load_text, measure, python, round_robin
from measure import ROOT, WEEK
from workers import reports_available

BENCH = Path(__file__).resolve().parent
WORKERS = BENCH / "workers.py"
# The cold start (the target): both in fresh processes that write no bytecode.
BARE_IMPORTS = "import dagster, weasyprint, duckdb, pandas"
COLD = {"PYTHONDONTWRITEBYTECODE": "1"}


def bangfu_command() -> list[str]:
    """``bangfu`` as installed beside this interpreter (else ``python -m pipeline.cli``)."""
    script = Path(PYTHON).with_name("bangfu")
    return [str(script)] if script.exists() else [PYTHON, "-m", "pipeline.cli"]


def measure_size(args, n: int, work: Path) -> dict:
    """Generate the ledgers for ``n`` units under ``work`` and run every measurement."""
    repeat = args.large_repeat if (args.large_repeat and n >= 1_000_000) else args.repeat
    print(f"\n--- {n:,} units: generating ledgers ({load_text()})", flush=True)
    csv_dir = work / "csv"
    result = {"units": n, "repeat": repeat,
              "generate": generate_ledgers(csv_dir, n, "csv", args.faults), "load_before": os.getloadavg()}
    mixed_dir = None
    if n in args.mixed_at:
        mixed_dir = work / "mixed"
        generate_ledgers(mixed_dir, n, "mixed")
    capture = work / "html"

    def fresh(name: str) -> Path:
        folder = work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder

    def stages(raw: Path, tag: str, r: int) -> dict:
        run_dir = fresh(f"stages_{tag}_{r}")
        env = child_env(DAGSTER_HOME=run_dir / "dagster_home")
        res = python(WORKERS, "stages", raw, "--work", run_dir, "--reports", args.reports, env=env)
        if tag == "csv" and r == 0 and reports_available(args.reports):
            # once per size, untimed in the table: the HTML and the report breakdown
            res["capture"] = python(WORKERS, "capture", run_dir / "warehouse.duckdb", "--out", capture, env=env)
        shutil.rmtree(run_dir, ignore_errors=True)
        return res

    def dagster(raw: Path, r: int) -> dict:
        """``bangfu run`` for the week: a fresh DAGSTER_HOME with the project's
        dagster.yaml (cold), then the same again (warm); a fresh warehouse and output
        folder each time."""
        home = fresh(f"dagster_home_{r}")
        shutil.copyfile(ROOT / "dagster.yaml", home / "dagster.yaml")
        runs = {}
        for kind in ("cold", "warm"):
            run_dir = fresh(f"dagster_{kind}_{r}")
            cmd = [*bangfu_command(), "run", "--raw", str(raw), "--out", str(run_dir / "out"),
                   "--week", WEEK, "--warehouse", str(run_dir / "warehouse.duckdb")]
            runs[kind] = measure(cmd, child_env(DAGSTER_HOME=home, **COLD))
            shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
        return runs

    jobs: list[Job] = [
        ("stages_csv", lambda r: stages(csv_dir, "csv", r)),
        ("floor", lambda r: python(BENCH / "floor_duckdb.py", csv_dir)),
        ("pandas", lambda r: python(BENCH / "analyst_pandas.py", csv_dir)),
    ]
    if mixed_dir:
        jobs.append(("stages_mixed", lambda r: stages(mixed_dir, "mixed", r)))
    for key, extra in (("render_all", ["--which", "all"]),
                       ("render_cjk", ["--which", "district"]),
                       ("render_ascii", ["--which", "district", "--ascii"])):
        jobs.append((key, lambda r, extra=extra: python(WORKERS, "render", capture, *extra)
                     if (capture / "index.json").exists() else None))
    if n in args.dagster_at:
        jobs.append(("bare_imports", lambda r: python("-c", BARE_IMPORTS, env=child_env(**COLD))))
        jobs.append(("dagster", lambda r: dagster(mixed_dir or csv_dir, r)))
    result["runs"] = round_robin(jobs, repeat)
    result["load_after"] = os.getloadavg()
    return result
