"""Benchmark: bangfu's pipeline against bare DuckDB, pandas and bare WeasyPrint.

    python bench/run.py --sizes 4098,100000,1000000 --repeat 3

For each size the demo ledgers are generated once (``pipeline.demo_data``, CSV; at the
demo size also the bureau-like .xlsx/.csv mix), with a few faulty rows injected into the
CSV set (``--faults``) so that validation has something to find.  Then, every measurement
in a fresh subprocess (wall seconds measured by this process, peak RSS from the child's
own ``wait4`` rusage), ``--repeat`` times round-robin, medians reported:

* pipeline stages called directly, one process: ingest, derive, reports (query + render,
  when ``assets/report/render.py`` exists), figures, plus the checks and metadata our
  Dagster assets compute and the week detection; each timed with ``time.perf_counter``;
* the floor, ``bench/floor_duckdb.py`` (bare DuckDB, same rules and figures);
* ``bench/analyst_pandas.py`` (idiomatic pandas, same rules and figures);
* once per size, the reports rendered again all in one process from the stages run's
  warehouse, to keep each document's HTML and to time render_pdf, render_html and the
  workbooks apart (the timed stage may render in helper processes);
* bare WeasyPrint on that HTML: every document, and the district report in Chinese and
  with every CJK character replaced by an ASCII letter;
* at the demo size, the whole ``bangfu run`` through Dagster, cold (new DAGSTER_HOME) and
  warm (the same DAGSTER_HOME again), each with a fresh warehouse and output folder.

Prints one table per size (rows, median seconds, rows/s, peak RSS, CPU seconds, max/min
of the repeats), the ratios against the targets, and whether the pipeline, the floor and
pandas agree on the headline figures and on every ledger's loaded/quarantined rows; then
the growth from 100k to 1M units against n log n.  ``--json`` keeps every measurement,
``--plot`` draws seconds against units (log-log), ``--from-json`` prints an earlier run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import peak_mib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUN_DATE = "2023-08-20"
WEEK = "2023-W32"
WEEK_START = "2023-08-07"
DEMO_UNITS = 4098
MARK = "BENCH_JSON "
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
TARGETS = {"floor": 2.0, "pandas": 5.0, "rss_mib": 2048, "report": 1.2, "cjk": 1.5}


# ============================================================================ workers
# Each worker runs in its own process and prints one line: BENCH_JSON {...}.

def emit(obj: dict) -> None:
    print(MARK + json.dumps(obj, ensure_ascii=False, default=str), flush=True)



# ---------------------------------------------------------------------------- generate

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


def worker_generate(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--units", type=int, required=True)
    p.add_argument("--format", default="csv")
    p.add_argument("--faults", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=20230813)
    a = p.parse_args(argv)
    from pipeline.demo_data import generate
    t = time.perf_counter()
    files = generate(a.out, n_units=a.units, fmt=a.format)
    seconds = time.perf_counter() - t
    faults = inject_faults(a.out, a.faults, a.seed) if a.format == "csv" and a.faults > 0 else {}
    emit({"seconds": seconds, "files": [str(f) for f in files], "faults": faults,
          "bytes": sum(Path(f).stat().st_size for f in files)})


# ---------------------------------------------------------------------------- pipeline stages

def reports_available(mode: str = "auto") -> bool:
    """The report stage is optional: timed once assets/report/render.py exists."""
    return mode == "auto" and (ROOT / "assets" / "report" / "render.py").exists()


def cpu_seconds() -> float:
    """CPU of this process and of its reaped children (DuckDB threads, PDF helpers)."""
    import resource
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                resource.getrusage(resource.RUSAGE_CHILDREN)))


def child_pids(parent: int) -> list[int]:
    """Processes whose parent is ``parent`` (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            pids.append(int(stat.parent.name))
    return pids


def stop_forkserver(timeout: float = 60.0) -> None:
    """Stop multiprocessing's forkserver (render_all's PDF helpers come from one) once its
    helpers have exited and been reaped by it, so that their CPU is counted now: a helper
    still running when the forkserver stops is reparented and its CPU is lost."""
    try:
        from multiprocessing import forkserver
        server = forkserver._forkserver
        pid = getattr(server, "_forkserver_pid", None)
        if not pid:
            return
        deadline = time.monotonic() + timeout
        while child_pids(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        server._stop()
    except Exception:       # private API: at worst the helpers' CPU is not counted
        pass


def worker_stages(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("raw", type=Path)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--reports", choices=["auto", "off"], default="auto")
    a = p.parse_args(argv)
    t_import = time.perf_counter()
    import duckdb
    from assets.report.figures import compute_figures

    from assets.derive import CHECK_FUNCTIONS, DERIVED
    from assets.derive import result as derive_result
    from assets.derive.build import build_week
    from assets.ingest import ingest_check_results, ledger_result, quarantine_result
    from assets.ingest.load import ingest_folder
    from assets.report.manifest import code_version, inputs, set_week_variables
    from pipeline.core.config import DEFAULT_CONFIG
    from pipeline.core.ledgers import LEDGERS
    from pipeline.core.weeks import week_label
    from pipeline.runner import newest_event_date
    render_all = query_report_data = None
    if reports_available(a.reports):
        from assets.report.data import query_report_data
        from assets.report.render import render_all
    imports = time.perf_counter() - t_import

    run_date = dt.date.fromisoformat(RUN_DATE)
    start = dt.date.fromisoformat(WEEK_START)
    week = week_label(start)
    warehouse = str(a.work / "warehouse.duckdb")
    stages: list[dict] = []

    def stage(name, fn):
        c, t = cpu_seconds(), time.perf_counter()
        value = fn()
        stages.append({"name": name, "seconds": time.perf_counter() - t, "cpu": cpu_seconds() - c,
                       "rss_mib": peak_mib()})
        return value

    # Each stage opens and closes the warehouse, as each Dagster step does.
    def ingest():
        with duckdb.connect(warehouse) as con:
            return ingest_folder(con, a.raw, run_date)

    def derive():
        with duckdb.connect(warehouse) as con:
            con.execute("BEGIN TRANSACTION")
            counts = build_week(con, start, DEFAULT_CONFIG)
            con.execute("COMMIT")
            return counts

    def report_data():
        with duckdb.connect(warehouse) as con:
            return query_report_data(con, start)

    def figures():
        with duckdb.connect(warehouse) as con:
            set_week_variables(con, start, DEFAULT_CONFIG.bureau)
            return compute_figures(con)

    def checks():
        with duckdb.connect(warehouse) as con:
            for ledger in LEDGERS:
                ledger_result(con, ledger)
            quarantine_result(con, unrecognised)
            for key in DERIVED:
                derive_result(con, key, derived.get(key, 0), week)
            for check in CHECK_FUNCTIONS:
                check(con, week)
            ingest_check_results(con)
            inputs(con)
        code_version()

    unrecognised = stage("ingest", ingest)
    derived = stage("derive", derive)
    reports = {"available": render_all is not None, "documents": []}
    if render_all is not None:
        data = stage("reports: query", report_data)
        stage_dir = a.work / "stage"
        shutil.rmtree(stage_dir, ignore_errors=True)
        written = stage("reports: render", lambda: render_all(data, stage_dir))
        c = cpu_seconds()
        stop_forkserver()
        stages[-1]["cpu"] += cpu_seconds() - c
        reports["documents"] = [{"name": name, "pages": pages} for name, pages in written.items()
                                if name.endswith(".pdf")]
    figs = stage("figures", figures)
    stage("checks + metadata", checks)
    stage("pick week", lambda: newest_event_date(a.raw, run_date))

    with duckdb.connect(warehouse, read_only=True) as con:   # for the comparison, not timed
        counts = {k: {"rows": r, "loaded": ok, "quarantined": q} for k, r, ok, q in con.execute(
            """SELECT ledger, sum(rows_loaded + rows_quarantined), sum(rows_loaded),
                      sum(rows_quarantined) FROM ingest_files GROUP BY ledger""").fetchall()}
        total, top = con.execute("SELECT sum(score), list(unit_id ORDER BY score DESC, unit_id)[1:10] "
                                 "FROM unit_risk").fetchone()
    figs = dict(figs, risk_score_sum=round(float(total or 0), 2), risk_top10=list(top or []))
    import assets.report as report_assets
    emit({"imports": imports, "stages": stages, "counts": counts,
          "rows": sum(int(c["rows"]) for c in counts.values()), "figures": figs,
          "reports": reports, "reports_in_job": hasattr(report_assets, "reports"),
          "peak_mib": peak_mib()})


def worker_capture(argv: list[str]) -> None:
    """Render the reports again, all in this one process, from a warehouse the stages run
    built: keep each document's HTML (for the bare renders) and time render_html,
    render_pdf and the workbooks (the report step's breakdown, free of helper processes)."""
    p = argparse.ArgumentParser()
    p.add_argument("warehouse")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    os.environ["BANGFU_REPORT_WORKERS"] = "1"
    import duckdb

    import assets.report.render as render_module
    from assets.report import workbooks
    from assets.report.data import query_report_data
    records: list[dict] = []

    def traced(kind, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            value = fn(*args, **kwargs)
            record = {"kind": kind, "seconds": time.perf_counter() - t}
            if kind == "pdf":
                record.update(name=args[3], pages=value, html=args[0])
            records.append(record)
            return value
        return wrapper

    for attr, kind in (("render_html", "html"), ("render_pdf", "pdf")):
        if hasattr(render_module, attr):
            setattr(render_module, attr, traced(kind, getattr(render_module, attr)))
    for name, fn in list(vars(workbooks).items()):    # the module's own, not imported helpers
        if name.endswith("_workbook") and callable(fn) and getattr(fn, "__module__", None) == workbooks.__name__:
            setattr(workbooks, name, traced("workbook", fn))
    with duckdb.connect(a.warehouse) as con:
        data = query_report_data(con, dt.date.fromisoformat(WEEK_START))
    c, t = cpu_seconds(), time.perf_counter()
    render_module.render_all(data, a.out / "stage")
    total, cpu = time.perf_counter() - t, cpu_seconds() - c
    pdfs = sorted((r for r in records if r["kind"] == "pdf"), key=lambda r: r["name"])
    a.out.mkdir(parents=True, exist_ok=True)
    index = []
    for i, r in enumerate(pdfs):
        (a.out / f"{i:02d}.html").write_text(r["html"], encoding="utf-8")
        index.append({"file": f"{i:02d}.html", "name": r["name"], "pages": r["pages"]})
    if pdfs:
        (a.out / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(a.out / "stage", ignore_errors=True)
    emit({"render_all": total, "cpu": cpu, "documents": index,
          **{f"{kind}_seconds": sum(r["seconds"] for r in records if r["kind"] == kind)
             for kind in ("html", "pdf", "workbook")}})


# ---------------------------------------------------------------------------- bare render

def ascii_twin(html: str) -> str:
    """The same document with every CJK character replaced by one ASCII letter."""
    return CJK.sub(lambda m: chr(97 + ord(m.group()) % 26), html)


def worker_render(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("capture", type=Path)
    p.add_argument("--which", choices=["all", "district"], default="all")
    p.add_argument("--ascii", action="store_true")
    a = p.parse_args(argv)
    t_import = time.perf_counter()
    from weasyprint import HTML
    imports = time.perf_counter() - t_import
    index = json.loads((a.capture / "index.json").read_text(encoding="utf-8"))
    if a.which == "district":
        index = [district_document(index)]
    base_url = (ROOT / "report_templates").as_uri() + "/"
    import resource
    seconds, pages, docs = 0.0, 0, []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    for doc in index:
        html = (a.capture / doc["file"]).read_text(encoding="utf-8")
        if a.ascii:
            html = ascii_twin(html)
        t = time.perf_counter()
        document = HTML(string=html, base_url=base_url).render()   # = HTML(...).write_pdf()
        document.write_pdf()
        s = time.perf_counter() - t
        seconds += s
        pages += len(document.pages)
        docs.append({"name": doc["name"], "seconds": s, "pages": len(document.pages)})
    usage = resource.getrusage(resource.RUSAGE_SELF)
    emit({"imports": imports, "seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu0,
          "pages": pages, "documents": docs, "peak_mib": peak_mib()})


def district_document(index: list[dict]) -> dict:
    """The district report: the PDF at the top of the week folder (others are under 街道/)."""
    top = [d for d in index if "/" not in d["name"] and d["name"].endswith(".pdf")]
    return (top or index)[0]


# ============================================================================ the runner

def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; wall seconds, the child's peak RSS (wait4), and its BENCH_JSON line."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}\n{stdout[-2000:]}")
    payload = None
    for line in stdout.splitlines():
        if line.startswith(MARK):
            payload = json.loads(line[len(MARK):])
    return {"wall": wall, "rss_mib": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime,
            "json": payload}


def child_env(**extra) -> dict:
    env = dict(os.environ, BANGFU_RUN_DATE=RUN_DATE, PYTHONHASHSEED="0")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def machine() -> dict:
    # Versions from the package metadata: this process stays small, since a child's peak
    # RSS (ru_maxrss) starts from the RSS of the process that forked it.
    from importlib.metadata import version
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal:")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    try:
        code = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        code = "unknown"
    return {"code": code, "cores": os.cpu_count(), "memory_gib": round(mem / 1024 ** 2, 1), "cpu": cpu,
            "kernel": platform.release(), "python": platform.python_version(),
            "duckdb": version("duckdb"), "pandas": version("pandas"),
            "weasyprint": version("weasyprint"), "dagster": version("dagster")}


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


class Bench:
    def __init__(self, args):
        self.args = args
        self.py = sys.executable
        self.script = str(Path(__file__).resolve())

    def worker(self, name: str, *argv, env=None) -> dict:
        return measure([self.py, self.script, name, *map(str, argv)], env or child_env())

    def size(self, n: int, work: Path) -> dict:
        a = self.args
        repeat = a.large_repeat if (a.large_repeat and n >= 1_000_000) else a.repeat
        print(f"\n--- {n:,} units: generating ledgers ({load_text()})", flush=True)
        csv_dir = work / "csv"
        gen = self.worker("_generate", csv_dir, "--units", n, "--format", "csv", "--faults", a.faults)
        result = {"units": n, "repeat": repeat, "generate": gen["json"], "load_before": os.getloadavg(),
                  "runs": {}}
        mixed_dir = None
        if n in a.mixed_at:
            mixed_dir = work / "mixed"
            self.worker("_generate", mixed_dir, "--units", n, "--format", "mixed")
        capture = work / "html"
        home_root = work / "dagster_home"

        def stages(raw: Path, tag: str, r: int):
            run_dir = work / f"stages_{tag}_{r}"
            shutil.rmtree(run_dir, ignore_errors=True)
            run_dir.mkdir(parents=True)
            res = self.worker("_stages", raw, "--work", run_dir, "--reports", a.reports,
                              env=child_env(DAGSTER_HOME=run_dir / "dagster_home"))
            if tag == "csv" and r == 0 and reports_available(a.reports):
                # once per size, untimed in the table: the HTML and the report breakdown
                res["capture"] = self.worker("_capture", run_dir / "warehouse.duckdb", "--out", capture,
                                             env=child_env(DAGSTER_HOME=run_dir / "dagster_home"))
            shutil.rmtree(run_dir, ignore_errors=True)
            return res

        def dagster(raw: Path, r: int):
            home = home_root / f"r{r}"
            shutil.rmtree(home, ignore_errors=True)
            runs = {}
            for kind in ("cold", "warm"):
                run_dir = work / f"dagster_{kind}_{r}"
                shutil.rmtree(run_dir, ignore_errors=True)
                run_dir.mkdir(parents=True)
                cmd = [self.py, "-m", "pipeline.cli", "run", "--raw", str(raw), "--out",
                       str(run_dir / "out"), "--week", WEEK, "--warehouse", str(run_dir / "warehouse.duckdb")]
                runs[kind] = measure(cmd, child_env(DAGSTER_HOME=home))
                shutil.rmtree(run_dir, ignore_errors=True)
            return runs

        jobs = [("stages_csv", lambda r: stages(csv_dir, "csv", r)),
                ("floor", lambda r: measure([self.py, str(ROOT / "bench" / "floor_duckdb.py"),
                                             str(csv_dir)], child_env())),
                ("pandas", lambda r: measure([self.py, str(ROOT / "bench" / "analyst_pandas.py"),
                                              str(csv_dir)], child_env()))]
        if mixed_dir:
            jobs.append(("stages_mixed", lambda r: stages(mixed_dir, "mixed", r)))
        render_jobs = [("render_all", ["--which", "all"]),
                       ("render_cjk", ["--which", "district"]),
                       ("render_ascii", ["--which", "district", "--ascii"])]
        for key, extra in render_jobs:
            jobs.append((key, lambda r, extra=extra: self.worker("_render", capture, *extra)
                         if (capture / "index.json").exists() else None))
        if n in a.dagster_at:
            jobs.append(("dagster", lambda r: dagster(mixed_dir or csv_dir, r)))

        for r in range(repeat):
            for key, job in jobs:
                t = time.perf_counter()
                res = job(r)
                if res is not None:
                    result["runs"].setdefault(key, []).append(res)
                print(f"    repeat {r + 1}/{repeat} {key:14s} {time.perf_counter() - t:8.1f} s", flush=True)
        result["load_after"] = os.getloadavg()
        return result


# ============================================================================ summarising

def stat(values) -> dict | None:
    """Median, minimum and maximum of the repeats."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(res: dict) -> dict:
    """Medians (with min and max) of every measurement of one size."""
    runs, s = res["runs"], {"units": res["units"], "repeat": res["repeat"]}

    def stage_stats(key):
        if key not in runs:
            return None
        payloads = [r["json"] for r in runs[key]]
        first = payloads[0]
        out = {"rows": first["rows"], "counts": first["counts"], "figures": first["figures"],
               "reports": first["reports"], "reports_in_job": first["reports_in_job"],
               "imports": stat([p["imports"] for p in payloads]),
               "wall": stat([r["wall"] for r in runs[key]]), "cpu": stat([r["cpu"] for r in runs[key]]),
               "rss_mib": stat([r["rss_mib"] for r in runs[key]]), "stages": {}}
        for field in ("seconds", "cpu"):
            out[f"core_{field}"] = stat([sum(st[field] for st in p["stages"] if st["name"] in ("ingest", "derive"))
                                         for p in payloads])
        for name in [st["name"] for st in first["stages"]]:
            out["stages"][name] = {
                field: stat([next(st[field] for st in p["stages"] if st["name"] == name)
                             for p in payloads]) for field in ("seconds", "cpu", "rss_mib")}
        capture = next((r["capture"] for r in runs[key] if r.get("capture")), None)
        out["capture"] = dict(capture["json"], wall=capture["wall"]) if capture else None
        if first["reports"]["available"] and "pdf_seconds" in first["reports"]:
            # earlier versions timed these parts inside the timed stage
            for kind in ("html", "pdf"):
                out[f"{kind}_seconds"] = stat([p["reports"][f"{kind}_seconds"] for p in payloads])
        return out

    def tool_stats(key):
        if key not in runs:
            return None
        payloads = [r["json"] for r in runs[key]]
        phases = list(payloads[0]["phases"])
        totals = [p["phases"]["load_validate"] + p["phases"]["derive"] for p in payloads]
        out = {"rows": payloads[0]["rows"], "counts": payloads[0]["counts"],
               "figures": payloads[0]["figures"],
               "phases": {k: stat([p["phases"][k] for p in payloads]) for k in phases},
               "phase_rss": {k: stat([p["rss_mib"][k] for p in payloads]) for k in phases},
               "phase_cpu": ({k: stat([p["phase_cpu"][k] for p in payloads]) for k in phases}
                             if "phase_cpu" in payloads[0] else None),
               "work": stat(totals),
               "wall": stat([r["wall"] for r in runs[key]]), "cpu": stat([r["cpu"] for r in runs[key]]),
               "rss_mib": stat([r["rss_mib"] for r in runs[key]])}
        if out["phase_cpu"]:
            out["work_cpu"] = stat([p["phase_cpu"]["load_validate"] + p["phase_cpu"]["derive"]
                                    for p in payloads])
        return out

    def render_stats(key):
        if key not in runs:
            return None
        payloads = [r["json"] for r in runs[key]]
        return {"seconds": stat([p["seconds"] for p in payloads]), "cpu": stat([p["cpu"] for p in payloads]),
                "pages": payloads[0]["pages"], "documents": len(payloads[0]["documents"]),
                "name": payloads[0]["documents"][0]["name"],
                "wall": stat([r["wall"] for r in runs[key]]), "rss_mib": stat([r["rss_mib"] for r in runs[key]])}

    s["pipeline"] = stage_stats("stages_csv")
    s["pipeline_mixed"] = stage_stats("stages_mixed")
    for key in ("floor", "pandas"):
        s[key] = tool_stats(key)
    for key in ("render_all", "render_cjk", "render_ascii"):
        s[key] = render_stats(key)
    if "dagster" in runs:
        s["dagster"] = {kind: {"wall": stat([r[kind]["wall"] for r in runs["dagster"]]),
                               "cpu": stat([r[kind]["cpu"] for r in runs["dagster"]]),
                               "rss_mib": stat([r[kind]["rss_mib"] for r in runs["dagster"]])}
                        for kind in ("cold", "warm")}
        s["dagster"]["format"] = "mixed" if s["pipeline_mixed"] else "csv"
    s["generate"] = res["generate"]
    s["load_before"], s["load_after"] = res["load_before"], res["load_after"]
    return s


def med(x: dict | None) -> float | None:
    return x["median"] if x else None


def work_seconds(tool: dict | None) -> float | None:
    """Load + validate + derive: the part compared with the pipeline's ingest + derive."""
    return med(tool["work"]) if tool else None


def pipeline_core(p: dict | None, field: str = "seconds") -> float | None:
    """Ingest + derive (median of the per-run sums)."""
    return med(p[f"core_{field}"]) if p else None


def report_seconds(p: dict | None, field: str = "seconds") -> float | None:
    if not p or "reports: render" not in p["stages"]:
        return None
    return med(p["stages"]["reports: query"][field]) + med(p["stages"]["reports: render"][field])


def job_stage_seconds(p: dict) -> float:
    """The stages the Dagster job runs: ingest, derive, (reports), figures."""
    names = ["ingest", "derive", "figures"]
    if p["reports_in_job"]:
        names += [n for n in ("reports: query", "reports: render") if n in p["stages"]]
    return sum(med(p["stages"][n]["seconds"]) for n in names)


def fmt_row(label: str, rows, seconds: dict | None, rss: dict | None = None, cpu: dict | None = None) -> str:
    """rows, median seconds, rows/s, median peak RSS, median CPU seconds, max/min of the repeats."""
    sec = med(seconds)
    rows_text = f"{rows:,}" if isinstance(rows, int) else ""
    sec_text = f"{sec:.3f}" if sec is not None else "n/a"
    rate = f"{rows / sec:,.0f}" if isinstance(rows, int) and sec else ""
    rss_text = f"{med(rss):,.0f}" if rss else ""
    cpu_text = f"{med(cpu):.2f}" if cpu else ""
    spread = f"{seconds['max'] / seconds['min']:.2f}" if seconds and seconds["min"] else ""
    return f"  {label:<58s} {rows_text:>11s} {sec_text:>10s} {rate:>12s} {rss_text:>9s} {cpu_text:>8s} {spread:>7s}"


def table(s: dict) -> list[str]:
    n = s["units"]
    p = s["pipeline"]
    rows = p["rows"]
    lines = [f"=== {n:,} units: {rows:,} ledger data rows (CSV), median of {s['repeat']} "
             f"(load before {s['load_before'][0]:.2f}, after {s['load_after'][0]:.2f}) ===",
             f"  {'stage':<58s} {'rows':>11s} {'seconds':>10s} {'rows/s':>12s} {'peak MiB':>9s} "
             f"{'CPU s':>8s} {'max/min':>7s}"]

    def pipeline_block(p: dict, tag: str):
        out = []
        for name, st in p["stages"].items():
            if name == "reports: render":
                docs = p["reports"]["documents"]
                pages = sum(d["pages"] for d in docs)
                label = f"pipeline{tag} reports: render ({len(docs)} PDFs, {pages} pages + xlsx)"
                out.append(fmt_row(label, pages, st["seconds"], st["rss_mib"], st["cpu"]))
                cap = p.get("capture")
                if cap:
                    one = lambda v: {"median": v, "min": None, "max": None}  # noqa: E731
                    out.append("      the same, rendered again in one process (breakdown, run once):")
                    out.append(fmt_row("        render_all, 1 process", pages, one(cap["render_all"]),
                                       None, one(cap["cpu"])))
                    out.append(fmt_row("        of which render_pdf (PDF/A-3u, all documents)", pages,
                                       one(cap["pdf_seconds"])))
                    out.append(fmt_row("        of which render_html (templates + charts)", None,
                                       one(cap["html_seconds"])))
                    out.append(fmt_row("        of which workbooks (xlsx)", None, one(cap["workbook_seconds"])))
                elif p.get("pdf_seconds"):
                    workers = p["reports"].get("workers", 1)
                    out.append(fmt_row(f"    render_pdf, summed over {workers} process(es)", None,
                                       p.get("pdf_seconds")))
                    out.append(fmt_row("    render_html (templates + charts), summed", None,
                                       p.get("html_seconds")))
                continue
            out.append(fmt_row(f"pipeline{tag} {name}", rows, st["seconds"], st["rss_mib"], st["cpu"]))
        out.append(fmt_row(f"pipeline{tag} ingest + derive", rows, p["core_seconds"],
                           p["stages"]["derive"]["rss_mib"], p["core_cpu"]))
        out.append(fmt_row(f"pipeline{tag} process wall (start, imports {med(p['imports']):.1f} s, all)",
                           rows, p["wall"], p["rss_mib"], p["cpu"]))
        return out

    lines += pipeline_block(p, "")
    for tag, key in (("floor", "floor"), ("pandas", "pandas")):
        tool = s.get(key)
        if not tool:
            continue
        ph, rss, cpu = tool["phases"], tool["phase_rss"], tool["phase_cpu"] or {}
        for phase, label in (("load_validate", "load + validate"), ("derive", "derive (risk scores)"),
                             ("figures", "figures")):
            lines.append(fmt_row(f"{tag}: {label}", tool["rows"], ph[phase], rss[phase], cpu.get(phase)))
        lines.append(fmt_row(f"{tag}: load + validate + derive", tool["rows"], tool["work"], rss["derive"],
                             tool.get("work_cpu")))
        lines.append(fmt_row(f"{tag}: process wall", tool["rows"], tool["wall"], tool["rss_mib"], tool["cpu"]))
    for key, label in (("render_all", "bare WeasyPrint: all {d} PDFs"),
                       ("render_cjk", "bare WeasyPrint: district report, CJK"),
                       ("render_ascii", "bare WeasyPrint: district report, ASCII twin")):
        r = s.get(key)
        if r:
            lines.append(fmt_row(label.format(d=r["documents"]), r["pages"], r["seconds"], r["rss_mib"], r["cpu"]))
    if s.get("pipeline_mixed"):
        lines += pipeline_block(s["pipeline_mixed"], " [xlsx mix]")
    if s.get("dagster"):
        d = s["dagster"]
        for kind in ("cold", "warm"):
            lines.append(fmt_row(f"dagster: bangfu run, {kind} DAGSTER_HOME ({d['format']})", rows,
                                 d[kind]["wall"], d[kind]["rss_mib"], d[kind]["cpu"]))
    lines.append("  (rows/s for the renders: pages/s; CPU s includes DuckDB's threads and the PDF helper"
                 " processes; max/min: spread of the repeats)")
    return lines


def ratio_text(value, target, better: str) -> str:
    if value is None:
        return "n/a"
    ok = value <= target if better == "le" else value >= target
    sign = "≤" if better == "le" else "≥"
    return f"{value:.2f} (target {sign} {target:g}: {'met' if ok else 'MISSED'})"


def ratios(s: dict) -> list[str]:
    p = s["pipeline"]
    core, core_cpu = pipeline_core(p), pipeline_core(p, "cpu")
    lines = ["  ratios (medians; wall seconds, CPU seconds in brackets where both are measured):"]

    def cpu_of(tool):
        return med(tool.get("work_cpu")) if tool else None

    floor, pandas = work_seconds(s["floor"]), work_seconds(s["pandas"])
    extra = f" [CPU {core_cpu / cpu_of(s['floor']):.2f}]" if cpu_of(s["floor"]) else ""
    lines.append(f"    pipeline(ingest+derive) / floor        "
                 f"{ratio_text(core / floor if floor else None, TARGETS['floor'], 'le')}{extra}")
    extra = f" [CPU {cpu_of(s['pandas']) / core_cpu:.2f}]" if cpu_of(s["pandas"]) else ""
    lines.append(f"    pandas / pipeline(ingest+derive)       "
                 f"{ratio_text(pandas / core if pandas else None, TARGETS['pandas'], 'ge')}{extra}")
    rep, bare = report_seconds(p), med(s["render_all"]["seconds"]) if s.get("render_all") else None
    extra = ""
    cap = p.get("capture")
    if rep and bare:
        # CPU from the one-process rendering when there is one: it counts everything, while a
        # PDF helper's CPU can escape the timed stage (early runs did not wait for helpers)
        rep_cpu = (med(p["stages"]["reports: query"]["cpu"]) + cap["cpu"]) if cap else report_seconds(p, "cpu")
        extra = f" [CPU {rep_cpu / med(s['render_all']['cpu']):.2f}{', one-process rendering' if cap else ''}]"
    lines.append(f"    report step / bare render              "
                 f"{ratio_text(rep / bare if rep and bare else None, TARGETS['report'], 'le')}{extra}")
    if cap and bare:
        lines.append(f"    render_pdf in one process / bare render {cap['pdf_seconds'] / bare:.2f} "
                     f"(PDF/A-3u, fetcher; the rest of the report step is queries, templates, "
                     f"charts, workbooks)")
    cjk = med(s["render_cjk"]["seconds"]) if s.get("render_cjk") else None
    asc = med(s["render_ascii"]["seconds"]) if s.get("render_ascii") else None
    extra = f" [CPU {med(s['render_cjk']['cpu']) / med(s['render_ascii']['cpu']):.2f}]" if cjk and asc else ""
    lines.append(f"    CJK / ASCII render (district report)   "
                 f"{ratio_text(cjk / asc if cjk and asc else None, TARGETS['cjk'], 'le')}{extra}")
    rss = med(p["rss_mib"])
    lines.append(f"    peak RSS, pipeline process             {rss:,.0f} MiB "
                 f"(target < {TARGETS['rss_mib']:,} MiB: {'met' if rss < TARGETS['rss_mib'] else 'MISSED'})")
    if s.get("dagster"):
        d = s["dagster"]
        pm = s["pipeline_mixed"] if d["format"] == "mixed" else p
        stages_sum = job_stage_seconds(pm)
        ours = med(pm["stages"]["checks + metadata"]["seconds"])
        bare_process = med(pm["wall"]) - med(pm["stages"]["pick week"]["seconds"])
        lines.append(f"    Dagster: the job's stages (ingest, derive, {'reports, ' if pm['reports_in_job'] else ''}"
                     f"figures) take {stages_sum:.2f} s in process; the same stages plus our checks and "
                     f"metadata ({ours:.2f} s), started as a bare process, {bare_process:.2f} s "
                     f"(imports {med(pm['imports']):.2f} s)")
        for kind in ("cold", "warm"):
            whole = med(d[kind]["wall"])
            lines.append(f"    Dagster overhead ({kind} DAGSTER_HOME): whole run {whole:.2f} s; "
                         f"- job stages = {whole - stages_sum:.2f} s; "
                         f"- bare process = {whole - bare_process:+.2f} s (Dagster's own machinery)")
    return lines


FIGURE_KEYS = ("supervised_units", "units_by_category", "subdistricts", "departments", "team_cadres",
               "bureau_cadres", "experts", "hazards_found_ytd", "hazards_open", "hazards_major_open",
               "hazards_overdue", "problems_solved_ytd", "reviews_ytd", "reviews_passed_ytd",
               "tier_jingpin", "tier_biaogan", "tier_dabiao", "demo_posts", "risk_score_sum", "risk_top10")


def agreement(s: dict) -> str:
    """One line: do the pipeline, the floor and pandas agree on figures and row counts?"""
    ref = s["pipeline"]
    diffs = []
    for name in ("floor", "floor_guarded", "pandas"):   # floor_guarded: runs before 422c97b
        other = s.get(name)
        if not other:
            continue
        for key in FIGURE_KEYS:
            a, b = ref["figures"].get(key), other["figures"].get(key)
            same = (abs(a - b) <= 0.05 + 1e-9 * abs(a)) if key == "risk_score_sum" and None not in (a, b) else a == b
            if not same:
                diffs.append(f"{name}.{key}: pipeline {a} vs {b}")
        for ledger, c in ref["counts"].items():
            o = other["counts"].get(ledger, {})
            for field in ("rows", "loaded", "quarantined"):
                if int(c[field]) != int(o.get(field, -1)):
                    diffs.append(f"{name}.{ledger}.{field}: pipeline {c[field]} vs {o.get(field)}")
    quarantined = sum(int(c["quarantined"]) for c in ref["counts"].values())
    if diffs:
        return "  agreement: DIFFERENCES\n" + "\n".join(f"    {d}" for d in diffs)
    return (f"  agreement: pipeline, floor and pandas agree on all {len(FIGURE_KEYS)} headline figures "
            f"(incl. risk-score sum and top 10) and on rows loaded/quarantined per ledger "
            f"({quarantined:,} rows quarantined)")


SERIES = {   # what the growth check and the plot follow (median seconds)
    "pipeline ingest": lambda s: med(s["pipeline"]["stages"]["ingest"]["seconds"]),
    "pipeline derive": lambda s: med(s["pipeline"]["stages"]["derive"]["seconds"]),
    "pipeline ingest + derive": lambda s: pipeline_core(s["pipeline"]),
    "pipeline reports (query + render)": lambda s: report_seconds(s["pipeline"]),
    "pipeline figures": lambda s: med(s["pipeline"]["stages"]["figures"]["seconds"]),
    "pipeline pick week": lambda s: med(s["pipeline"]["stages"]["pick week"]["seconds"]),
    "floor: bare DuckDB (load+validate+derive)": lambda s: work_seconds(s["floor"]),
    "pandas (load+validate+derive)": lambda s: work_seconds(s["pandas"]),
}


def scaling(summaries: list[dict]) -> list[str]:
    """Growth between consecutive sizes against n log n (the target from 100k to 1M)."""
    lines = []
    big = [s for s in summaries if s["units"] >= 100_000]
    for s1, s2 in zip(big, big[1:], strict=False):
        n1, n2 = s1["units"], s2["units"]
        bound = (n2 * math.log(n2)) / (n1 * math.log(n1))
        lines.append(f"  growth {n1:,} -> {n2:,} units (x{n2 / n1:g}; n log n allows x{bound:.1f}):")
        for label, get in SERIES.items():
            a, b = get(s1), get(s2)
            if a and b:
                growth = b / a
                exponent = math.log(growth) / math.log(n2 / n1)
                verdict = "met" if growth <= bound else "MISSED"
                lines.append(f"    {label:<42s} x{growth:6.2f}  (exponent {exponent:.2f}; {verdict})")
    return lines


def plot(summaries: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    series = {k: v for k, v in SERIES.items() if k != "pipeline ingest + derive"}
    styles = {"pipeline": "-", "floor": "--", "pandas": ":"}
    with matplotlib.rc_context({"svg.hashsalt": "bangfu-bench", "svg.fonttype": "none",
                                "font.size": 8}):
        fig = Figure(figsize=(7.6, 3.8))
        ax = fig.add_subplot(1, 1, 1)
        for label, get in series.items():
            pts = [(s["units"], get(s)) for s in summaries if get(s)]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.plot(xs, ys, styles[label.split()[0].rstrip(":,")], marker="o", markersize=3,
                        label=label)
        xs = [s["units"] for s in summaries]
        if len(xs) > 1:
            ref = work_seconds(summaries[-1]["floor"])
            if ref:
                ax.plot(xs, [ref * x / xs[-1] for x in xs], color="#bbbbbb", linewidth=0.8,
                        label="proportional to n")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("supervised units (ledger rows ≈ 1.6 × units)")
        ax.set_ylabel("seconds (median)")
        ax.set_title("bangfu stages vs bare DuckDB and pandas", fontsize=9)
        ax.grid(True, which="both", color="#eeeeee", linewidth=0.5)
        ax.legend(fontsize=6.5, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)


def report(summaries: list[dict], plot_path: Path | None, tables: bool = True) -> None:
    """Tables, ratios and agreement per size (optional), the growth check, the plot."""
    if tables:
        for s in summaries:
            print()
            print("\n".join(table(s) + ratios(s) + [agreement(s)]))
    lines = scaling(summaries)
    if lines:
        print()
        print("\n".join(lines))
    if plot_path:
        plot(summaries, plot_path)
        print(f"\nplot: {plot_path}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="bangfu benchmark against bare DuckDB, pandas and WeasyPrint")
    parser.add_argument("--sizes", default="4098,100000,1000000", help="supervised units, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--large-repeat", type=int, default=0,
                        help="runs per measurement at 1,000,000 units and more (default: --repeat)")
    parser.add_argument("--faults", type=float, default=0.002,
                        help="share of rows of four CSV ledgers given a fault (0: clean demo data)")
    parser.add_argument("--dagster-at", default=str(DEMO_UNITS),
                        help="sizes at which `bangfu run` is timed through Dagster ('' for none)")
    parser.add_argument("--mixed-at", default=str(DEMO_UNITS),
                        help="sizes also generated as the .xlsx/.csv mix ('' for none)")
    parser.add_argument("--reports", choices=["auto", "off"], default="auto",
                        help="time the report stage when assets/report/render.py exists")
    parser.add_argument("--workdir", type=Path, help="where ledgers and warehouses go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--plot", type=Path, help="write a log-log plot (.svg or .png)")
    parser.add_argument("--from-json", type=Path, metavar="JSON",
                        help="measure nothing: print the tables (and --plot) of an earlier --json")
    a = parser.parse_args(argv)
    if a.from_json:
        saved = json.loads(a.from_json.read_text(encoding="utf-8"))
        info = saved["machine"]
        print(f"bangfu bench, from {a.from_json} ({' '.join(saved['args'])}) at {info.get('code', '?')}: "
              f"{info['cores']} cores, "
              f"{info['memory_gib']} GiB, {info['cpu']}, Linux {info['kernel']}, Python {info['python']}, "
              f"DuckDB {info['duckdb']}, pandas {info['pandas']}, WeasyPrint {info['weasyprint']}")
        report([summarise(res) for res in saved["results"]], a.plot)
        return 0
    a.sizes = [int(x.replace("_", "")) for x in a.sizes.split(",") if x.strip()]
    a.dagster_at = {int(x) for x in a.dagster_at.split(",") if x.strip()}
    a.mixed_at = {int(x) for x in a.mixed_at.split(",") if x.strip()}

    info = machine()
    print(f"bangfu bench {dt.datetime.now().isoformat(timespec='seconds')} at {info['code']}: {info['cores']} cores, "
          f"{info['memory_gib']} GiB, {info['cpu']}, Linux {info['kernel']}, Python {info['python']}, "
          f"DuckDB {info['duckdb']}, pandas {info['pandas']}, WeasyPrint {info['weasyprint']}; {load_text()}")
    root = a.workdir or Path(tempfile.mkdtemp(prefix="bangfu-bench-"))
    bench = Bench(a)
    results, summaries = [], []
    try:
        for n in a.sizes:
            work = root / f"n{n}"
            work.mkdir(parents=True, exist_ok=True)
            res = bench.size(n, work)
            results.append(res)
            s = summarise(res)
            summaries.append(s)
            print()
            print("\n".join(table(s) + ratios(s) + [agreement(s)]), flush=True)
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        if not a.keep and not a.workdir:
            shutil.rmtree(root, ignore_errors=True)
    report(summaries, None, tables=False)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({"machine": info, "args": sys.argv[1:], "results": results,
                                      "summaries": summaries}, ensure_ascii=False, indent=1, default=str),
                          encoding="utf-8")
    if a.plot:
        plot(summaries, a.plot)
        print(f"\nplot: {a.plot}")
    print(f"done ({load_text()})")
    return 0


WORKERS = {"_generate": worker_generate, "_stages": worker_stages, "_capture": worker_capture,
           "_render": worker_render}

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in WORKERS:
        WORKERS[sys.argv[1]](sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
