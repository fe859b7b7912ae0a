"""Benchmark: bangfu's pipeline against bare DuckDB, pandas and bare WeasyPrint, and its
cold start against the bare imports.

    python bench/run.py --sizes 4098,100000,1000000 --repeat 3

For each size the demo ledgers are generated once (``datasets.py``), then every
measurement runs in a fresh process, ``--repeat`` times round-robin, and the medians are
reported (``harness.py``; what is measured: ``plan.py``; what runs in the children:
``workers.py``, ``floor_duckdb.py``, ``analyst_pandas.py``).  Prints one table per size,
the ratios against the targets and whether the pipeline, the floor and pandas agree
(``summary.py``), then the growth from 100k to 1M units against n log n.  ``--json``
keeps every measurement, ``--plot`` draws seconds against units (``plot.py``),
``--from-json`` prints an earlier run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

from harness import load_text, machine, machine_text
from plan import measure_size
from plot import plot
from summary import scaling, size_text, summarise

DEMO_UNITS = 4098


def sizes(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="bangfu benchmark against bare DuckDB, pandas and WeasyPrint")
    parser.add_argument("--sizes", type=sizes, default="4098,100000,1000000", help="supervised units, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--large-repeat", type=int, default=0,
                        help="runs per measurement at 1,000,000 units and more (default: --repeat)")
    parser.add_argument("--faults", type=float, default=0.002,
                        help="share of rows of four CSV ledgers given a fault (0: clean demo data)")
    parser.add_argument("--dagster-at", type=sizes, default=str(DEMO_UNITS),
                        help="sizes at which the cold start (bare imports, then the whole `bangfu run` "
                             "through Dagster) is timed ('' for none)")
    parser.add_argument("--mixed-at", type=sizes, default=str(DEMO_UNITS),
                        help="sizes also generated as the .xlsx/.csv mix ('' for none)")
    parser.add_argument("--reports", choices=["auto", "off"], default="auto",
                        help="time the report stage when assets/report/render.py exists")
    parser.add_argument("--workdir", type=Path, help="where ledgers and warehouses go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--plot", type=Path, help="write a log-log plot (.svg or .png)")
    parser.add_argument("--from-json", type=Path, metavar="JSON",
                        help="measure nothing: print the tables (and --plot) of an earlier --json")
    return parser.parse_args(argv)


def finish(summaries: list[dict], plot_path: Path | None) -> None:
    """The growth between sizes, and the plot."""
    lines = scaling(summaries)
    if lines:
        print()
        print("\n".join(lines))
    if plot_path:
        plot(summaries, plot_path)
        print(f"\nplot: {plot_path}")


def from_json(a: argparse.Namespace) -> int:
    saved = json.loads(a.from_json.read_text(encoding="utf-8"))
    info = saved["machine"]
    print(f"bangfu bench, from {a.from_json} ({' '.join(saved['args'])}) at {info.get('code', '?')}: "
          f"{machine_text(info)}")
    summaries = [summarise(res) for res in saved["results"]]
    for s in summaries:
        print()
        print(size_text(s))
    finish(summaries, a.plot)
    return 0


def main(argv=None) -> int:
    a = parse_args(argv)
    if a.from_json:
        return from_json(a)
    info = machine()
    print(f"bangfu bench {dt.datetime.now().isoformat(timespec='seconds')} at {info['code']}: "
          f"{machine_text(info)}; {load_text()}")
    a.dagster_at, a.mixed_at = set(a.dagster_at), set(a.mixed_at)
    root = a.workdir or Path(tempfile.mkdtemp(prefix="bangfu-bench-"))
    results, summaries = [], []
    try:
        for n in a.sizes:
            work = root / f"n{n}"
            work.mkdir(parents=True, exist_ok=True)
            results.append(measure_size(a, n, work))
            summaries.append(summarise(results[-1]))
            print()
            print(size_text(summaries[-1]), flush=True)
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if not a.keep and not a.workdir:
            shutil.rmtree(root, ignore_errors=True)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"machine": info, "args": sys.argv[1:] if argv is None else argv,
                                      "results": results, "summaries": summaries},
                                     ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    finish(summaries, a.plot)
    print(f"done ({load_text()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
