"""The workers: what runs inside the measured child processes.

    python bench/workers.py stages RAW --work DIR [--reports auto|off]
    python bench/workers.py capture WAREHOUSE --out DIR
    python bench/workers.py render CAPTURE_DIR [--which all|district] [--ascii]

Each prints one line ``BENCH_JSON {...}`` that bench/run.py reads.

* ``stages``: the pipeline's stages called directly, in this one process, each opening
  and closing the warehouse through ``open_warehouse`` (file lock, schema check, shared
  macros) as each Dagster step does: ingest, derive (which computes and stores the
  week's headline figures), the reports (query + render, when
  ``assets/report/render.py`` exists), the headline figures computed again on their own,
  the checks and metadata our Dagster assets compute, and the week detection ``bangfu
  run`` does without ``--week``; each timed with ``time.perf_counter``.
* ``capture``: the reports rendered again, all in this process, from the warehouse a
  ``stages`` run built: keeps each document's HTML and times ``render_html``,
  ``render_pdf`` and the workbooks apart (the timed stage renders in helper processes).
* ``render``: bare WeasyPrint on that HTML: every document, or the district report in
  Chinese or as its ASCII twin.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from measure import ROOT, RUN_DATE, WEEK_START, cpu_seconds, emit, peak_mib

sys.path.insert(0, str(ROOT))

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def reports_available(mode: str = "auto") -> bool:
    """The report stage is optional: timed once assets/report/render.py exists."""
    return mode == "auto" and (ROOT / "assets" / "report" / "render.py").exists()


# ---------------------------------------------------------------------------- stages

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


def stages(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="workers.py stages")
    p.add_argument("raw", type=Path)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--reports", choices=["auto", "off"], default="auto")
    a = p.parse_args(argv)
    t_import = time.perf_counter()
    from assets.derive.assets import result as derive_result
    from assets.derive.build import build_week
    from assets.derive.checks import check_results as derive_checks
    from assets.derive.figures import compute_figures
    from assets.ingest.assets import ledger_result, quarantine_result
    from assets.ingest.checks import check_results as ingest_checks
    from assets.ingest.events import newest_event_date
    from assets.ingest.load import ingest_folder
    from assets.report.manifest import code_version, inputs
    from pipeline.core.config import load_config
    from pipeline.core.ledgers import LEDGERS
    from pipeline.core.tables import DERIVED
    from pipeline.core.warehouse import open_warehouse, set_week
    from pipeline.core.weeks import week_label
    render_all = query_report_data = None
    if reports_available(a.reports):
        from assets.report.data import query_report_data
        from assets.report.render import render_all
    imports = time.perf_counter() - t_import

    run_date = dt.date.fromisoformat(RUN_DATE)
    start = dt.date.fromisoformat(WEEK_START)
    week = week_label(start)
    warehouse = a.work / "warehouse.duckdb"
    stages: list[dict] = []

    def stage(name, fn):
        c, t = cpu_seconds(children=True), time.perf_counter()
        value = fn()
        stages.append({"name": name, "seconds": time.perf_counter() - t,
                       "cpu": cpu_seconds(children=True) - c, "rss_mib": peak_mib()})
        return value

    # Each stage opens and closes the warehouse, as each Dagster step does.
    def ingest():
        with open_warehouse(warehouse) as con:
            return ingest_folder(con, a.raw, run_date)

    def derive():
        cfg = load_config()
        with open_warehouse(warehouse) as con:
            con.execute("BEGIN TRANSACTION")
            counts = build_week(con, start, cfg)
            con.execute("COMMIT")
            return counts

    def report_data():
        with open_warehouse(warehouse) as con:
            return query_report_data(con, start)

    def figures():
        """What derive computes for the week (it does so twice: this week's figures, and
        last week's as of its end), alone, to compare with the floor's figures."""
        with open_warehouse(warehouse) as con:
            set_week(con, start)
            con.execute("SET VARIABLE bureau = ?", [load_config().bureau])
            return compute_figures(con)

    def checks():
        with open_warehouse(warehouse) as con:
            for ledger in LEDGERS:
                ledger_result(con, ledger)
            quarantine_result(con, unrecognised)
            ingest_checks(con)
            for key in DERIVED:
                derive_result(con, key, derived.get(key, 0), week)
            derive_checks(con, week)
            inputs(con)
            con.execute("SELECT figures FROM weekly_figures WHERE week = ? AND as_of = ?", [week, week]).fetchone()
        code_version()

    unrecognised = stage("ingest", ingest).unrecognised
    derived = stage("derive", derive)
    reports = {"available": render_all is not None, "documents": []}
    if render_all is not None:
        data = stage("reports: query", report_data)
        stage_dir = a.work / "stage"
        shutil.rmtree(stage_dir, ignore_errors=True)
        written = stage("reports: render", lambda: render_all(data, stage_dir))
        c = cpu_seconds(children=True)
        stop_forkserver()
        stages[-1]["cpu"] += cpu_seconds(children=True) - c
        reports["documents"] = [{"name": name, "pages": pages} for name, pages in written.items()
                                if name.endswith(".pdf")]
    recomputed = stage("figures", figures)
    stage("checks + metadata", checks)
    stage("pick week", lambda: newest_event_date(a.raw, run_date))

    with open_warehouse(warehouse) as con:   # for the comparison, not timed
        counts = {k: {"rows": r, "loaded": ok, "quarantined": q} for k, r, ok, q in con.execute(
            """SELECT ledger, sum(rows_loaded + rows_quarantined), sum(rows_loaded),
                      sum(rows_quarantined) FROM ingest_files GROUP BY ledger""").fetchall()}
        total, top = con.execute("SELECT sum(score), list(unit_id ORDER BY score DESC, unit_id)[1:10] "
                                 "FROM unit_risk WHERE week = ?", [week]).fetchone()
        stored = con.execute("SELECT figures FROM weekly_figures WHERE week = ? AND as_of = ?",
                             [week, week]).fetchone()
    # the figures derive stored (what the manifest and the reports show)
    figs = json.loads(stored[0]) if stored else {}
    figs.update(risk_score_sum=round(float(total or 0), 2), risk_top10=list(top or []))
    import assets.report.assets as report_assets
    emit({"imports": imports, "stages": stages, "counts": counts,
          "rows": sum(int(c["rows"]) for c in counts.values()), "figures": figs,
          "figures_recomputed": recomputed, "figures_in_derive": True,
          "reports": reports, "reports_in_job": hasattr(report_assets, "reports"),
          "peak_mib": peak_mib()})


# ---------------------------------------------------------------------------- capture

def capture(argv: list[str]) -> None:
    """Render the reports again, all in this one process, from a warehouse the stages run
    built: keep each document's HTML (for the bare renders) and time render_html,
    render_pdf and the workbooks (the report step's breakdown, free of helper processes)."""
    p = argparse.ArgumentParser(prog="workers.py capture")
    p.add_argument("warehouse", type=Path)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    os.environ["BANGFU_REPORT_WORKERS"] = "1"
    import assets.report.render as render_module
    from assets.report import workbooks
    from assets.report.data import query_report_data
    from pipeline.core.warehouse import open_warehouse
    records: list[dict] = []

    def traced(kind, fn):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            value = fn(*args, **kwargs)
            record = {"kind": kind, "seconds": time.perf_counter() - t}
            if kind == "pdf":       # render_pdf(html, target, week, name, ...) -> pages
                record.update(name=args[3], pages=value, html=args[0])
            records.append(record)
            return value
        return wrapper

    # render.py calls render_html and render_pdf through its module globals
    for attr, kind in (("render_html", "html"), ("render_pdf", "pdf")):
        if hasattr(render_module, attr):
            setattr(render_module, attr, traced(kind, getattr(render_module, attr)))
    for name, fn in list(vars(workbooks).items()):    # the module's own, not imported helpers
        if name.endswith("_workbook") and callable(fn) and getattr(fn, "__module__", None) == workbooks.__name__:
            setattr(workbooks, name, traced("workbook", fn))
    with open_warehouse(a.warehouse) as con:
        data = query_report_data(con, dt.date.fromisoformat(WEEK_START))
    c, t = cpu_seconds(children=True), time.perf_counter()
    render_module.render_all(data, a.out / "stage")
    total, cpu = time.perf_counter() - t, cpu_seconds(children=True) - c
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


def district_document(index: list[dict]) -> dict:
    """The district report: the PDF at the top of the week folder (others are under 街道/)."""
    top = [d for d in index if "/" not in d["name"] and d["name"].endswith(".pdf")]
    return (top or index)[0]


def render(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="workers.py render")
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
    seconds, pages, docs = 0.0, 0, []
    cpu0 = cpu_seconds()
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
    emit({"imports": imports, "seconds": seconds, "cpu": cpu_seconds() - cpu0,
          "pages": pages, "documents": docs, "peak_mib": peak_mib()})


WORKERS = {"stages": stages, "capture": capture, "render": render}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in WORKERS:
        sys.exit(f"usage: workers.py {{{','.join(WORKERS)}}} ARGS (run by bench/run.py)")
    WORKERS[sys.argv[1]](sys.argv[2:])
