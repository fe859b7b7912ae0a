"""Shared by the floor and pandas scripts: process-level measurements (peak RSS, CPU
seconds) and their common command line."""

import argparse
import datetime as dt
import json
import resource
from pathlib import Path


def peak_mib() -> float:
    """This process's peak resident set size, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User plus system CPU seconds of this process (DuckDB's threads included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def script_main(description: str, run, argv=None) -> int:
    """``SCRIPT RAW_DIR [--run-date] [--week-start]``: run, print a summary and, last, one
    line ``BENCH_JSON {...}`` that bench/run.py reads."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("raw", type=Path, help="folder of CSV ledgers written by demo_data (fmt='csv')")
    parser.add_argument("--run-date", default="2023-08-20")
    parser.add_argument("--week-start", default="2023-08-07", help="Monday of the reported week")
    args = parser.parse_args(argv)
    result = run(args.raw, dt.date.fromisoformat(args.run_date), dt.date.fromisoformat(args.week_start))
    for name, seconds in result["phases"].items():
        print(f"{name:14s} {seconds:8.3f} s")
    print(f"rows {result['rows']:,}  peak RSS {peak_mib():.0f} MiB")
    print("BENCH_JSON " + json.dumps(result, ensure_ascii=False, default=str))
    return 0
