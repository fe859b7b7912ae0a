"""What every benchmark process shares: the week measured, the ``BENCH_JSON`` line a child
prints for bench/run.py, process-level measurements (peak RSS, CPU seconds) and the
command line of the floor and pandas scripts."""

import argparse
import datetime as dt
import json
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_DATE = "2023-08-20"             # BANGFU_RUN_DATE of every run
WEEK = "2023-W32"                   # the week reported …
WEEK_START = "2023-08-07"           # … and its Monday
MARK = "BENCH_JSON "


def emit(obj: dict) -> None:
    """The one line bench/run.py reads from a child's output."""
    print(MARK + json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def peak_mib() -> float:
    """This process's peak resident set size, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(children: bool = False) -> float:
    """User plus system CPU seconds of this process (DuckDB's threads included) and, with
    ``children``, of its reaped child processes (PDF helpers)."""
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) if children else (resource.RUSAGE_SELF,)
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, who))


def script_main(description: str, run, argv=None) -> int:
    """``SCRIPT RAW_DIR [--run-date] [--week-start]``: run, print a summary and, last, one
    line ``BENCH_JSON {...}`` that bench/run.py reads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("raw", type=Path, help="folder of CSV ledgers written by the demo data (fmt='csv')")
    parser.add_argument("--run-date", default=RUN_DATE)
    parser.add_argument("--week-start", default=WEEK_START, help="Monday of the reported week")
    args = parser.parse_args(argv)
    result = run(args.raw, dt.date.fromisoformat(args.run_date), dt.date.fromisoformat(args.week_start))
    for name, seconds in result["phases"].items():
        print(f"{name:14s} {seconds:8.3f} s")
    print(f"rows {result['rows']:,}  peak RSS {peak_mib():.0f} MiB")
    emit(result)
    return 0
