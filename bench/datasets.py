"""The data: the demo ledgers at each size, with faults injected so validation has work.

    python bench/datasets.py OUT --units N [--format csv|mixed] [--faults 0.002] [--seed S]

``demo.generate`` writes the ledgers (``fmt="csv"``: one UTF-8 CSV per ledger; ``"mixed"``:
the bureau-like .xlsx/.csv mix that ``raw/`` holds).  ``--faults`` gives that share of the
data rows of the units, hazards, visits and reviews CSVs one fault each: half the kinds
break a rule (the row must be quarantined), the ``ok:`` kinds only write a value another
accepted way, so that the pipeline, the floor and pandas could disagree.  bench/run.py
runs this in a fresh process (``generate_ledgers``); it prints one ``BENCH_JSON`` line.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from pathlib import Path

from harness import python
from measure import ROOT, emit

sys.path.insert(0, str(ROOT))


def generate_ledgers(out: Path, units: int, fmt: str = "csv", faults: float = 0.0) -> dict:
    """Write the ledgers in a fresh process; its BENCH_JSON: seconds, files, faults, bytes."""
    return python(__file__, out, "--units", units, "--format", fmt, "--faults", faults)["json"]


def _fault_plan():
    """Per ledger: (label, mutate(row, previous_row)) for the injected faults."""
    from pipeline.core.ledgers import HAZARDS, REVIEWS, UNITS, VISITS
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

    def h(ledger, name):
        return ledger.column(name).header

    def wrong_check(row, prev):
        code = row[h(UNITS, "uscc")]
        row[h(UNITS, "uscc")] = (code[:-1] + alphabet[(alphabet.index(code[-1]) + 1) % 31]
                                 if code and code[-1] in alphabet else "91350503MA2XXXX0")

    def fullwidth(row, prev):
        row[h(UNITS, "employees")] = row[h(UNITS, "employees")].translate(
            str.maketrans("0123456789", "０１２３４５６７８９"))

    def chinese_date(col):
        def mutate(row, prev):
            text = row[col]
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
                y, m, d = text.split("-")
                row[col] = f"{y}年{int(m)}月{int(d)}日"
        return mutate

    def slash_date(col):
        def mutate(row, prev):
            text = row[col]
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
                row[col] = "/".join(str(int(p)) for p in text.split("-"))
        return mutate

    def setter(col, value):
        def mutate(row, prev):
            row[col] = value
        return mutate

    def solved_exceeds(row, prev):
        found = row[h(VISITS, "problems_found")]
        row[h(VISITS, "problems_solved")] = str(int(found) + 1) if found.isdigit() else "999"

    def extra_expert(row, prev):
        ids = row[h(VISITS, "expert_ids")]
        row[h(VISITS, "expert_ids")] = f"{ids}、ZJ9999" if ids else "ZJ9999"

    def duplicate(row, prev):
        row[h(UNITS, "unit_id")] = prev[h(UNITS, "unit_id")]

    return {
        "units": [("uscc_check", wrong_check), ("unknown_value", setter(h(UNITS, "category"), "其他类别")),
                ("not_a_number", setter(h(UNITS, "employees"), "十二")),
                ("bad_date", setter(h(UNITS, "last_inspected"), "2023-02-30")),
                ("duplicate_key", duplicate), ("ok: full-width digits", fullwidth),
                ("ok: 2023年5月6日", chinese_date(h(UNITS, "last_inspected")))],
        "hazards": [("unknown_reference", setter(h(HAZARDS, "unit_id"), "FZ9999999")),
                  ("unknown_value", setter(h(HAZARDS, "level"), "特大隐患")),
                  ("deadline_before_found", setter(h(HAZARDS, "due_on"), "2000-01-01")),
                  ("missing_required", setter(h(HAZARDS, "found_on"), "")),
                  ("date_in_future", setter(h(HAZARDS, "fixed_on"), "2030-01-01")),
                  ("ok: 2023/3/5", slash_date(h(HAZARDS, "found_on")))],
        "visits": [("solved_exceeds_found", solved_exceeds),
                 ("unknown_reference", setter(h(VISITS, "cadre_id"), "GB9999")),
                 ("unknown_reference", extra_expert),
                 ("unknown_value", setter(h(VISITS, "kind"), "走访"))],
        "reviews": [("unknown_value", setter(h(REVIEWS, "result"), "待定")),
                  ("bad_date", setter(h(REVIEWS, "reviewed_on"), "2023-13-01")),
                  ("negative_number", setter(h(REVIEWS, "observers"), "-3"))],
    }


def inject_faults(folder: Path, rate: float, seed: int) -> dict[str, dict[str, int]]:
    """Rewrite ``rate`` of the data lines of four CSV ledgers with one fault each, in place.

    Half the kinds break a rule (the row must be quarantined), the ``ok:`` kinds only
    write a value another accepted way (full-width digits, 2023年5月6日, 2023/3/5).
    """
    import numpy as np
    rng = np.random.default_rng(seed)
    done: dict[str, dict[str, int]] = {}
    from pipeline.core.ledgers import BY_KEY
    for key, plan in _fault_plan().items():
        ledger = BY_KEY[key]
        path = folder / f"{ledger.title}.csv"
        lines = path.read_bytes().split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        header = next(csv.reader([lines[0].decode("utf-8")]))
        n = len(lines) - 2                      # data lines after the first one
        if n < 1:
            continue
        k = min(n, max(len(plan), round(rate * (n + 1))))
        chosen = np.sort(rng.choice(np.arange(2, len(lines)), size=k, replace=False))
        counts: dict[str, int] = {}
        for i, line_no in enumerate(chosen):
            fields = next(csv.reader([lines[line_no].decode("utf-8")]))
            prev = next(csv.reader([lines[line_no - 1].decode("utf-8")]))
            if len(fields) != len(header) or len(prev) != len(header):
                continue
            row, prev_row = dict(zip(header, fields, strict=True)), dict(zip(header, prev, strict=True))
            label, mutate = plan[i % len(plan)]
            mutate(row, prev_row)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow([row[c] for c in header])
            lines[line_no] = buf.getvalue().encode("utf-8")
            counts[label] = counts.get(label, 0) + 1
        path.write_bytes(b"\n".join(lines) + b"\n")
        done[ledger.key] = counts
    return done


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="demo ledgers for the benchmark, with injected faults")
    p.add_argument("out", type=Path)
    p.add_argument("--units", type=int, required=True)
    p.add_argument("--format", choices=["csv", "mixed"], default="csv")
    p.add_argument("--faults", type=float, default=0.0, help="share of rows given a fault (CSV only)")
    p.add_argument("--seed", type=int, default=20230813, help="which rows get a fault")
    a = p.parse_args(argv)
    from demo import generate
    t = time.perf_counter()
    files = generate(a.out, n_units=a.units, fmt=a.format)
    seconds = time.perf_counter() - t
    faults = inject_faults(a.out, a.faults, a.seed) if a.format == "csv" and a.faults > 0 else {}
    emit({"seconds": seconds, "files": [str(f) for f in files], "faults": faults,
          "bytes": sum(Path(f).stat().st_size for f in files)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
