"""Render the week's report set from ``query_report_data`` output (周报渲染).

``render_all(data, stage)`` writes into the week's staging folder:

* ``<区>安全生产帮扶工作周报_<week>.pdf``: the district report (区级周报);
* ``<区>安全生产帮扶工作周报_<week>.docx``: the same report as an editable Word document
  (GB/T 9704 look), made from the same HTML;
* ``街道/<街道>_<week>.pdf``: one report per subdistrict, the same structure narrowed;
* ``任务清单_<week>.xlsx``: next week's tasks, one sheet per cadre and expert (full phones);
* ``待修正清单_<week>.xlsx``: the quarantined rows for the ledger clerks;
* ``汇总表_<week>.xlsx``: figures per subdistrict and the full lists the PDFs cap;
* ``双随机抽查结果公示_<week>.xlsx``: the results of the draw published this week (一公开);
* ``街道/<街道>_任务清单_<week>.xlsx``: each subdistrict's restricted task workbook (街道任务清单,
  内部资料): its targets, 包保 firms, coming deadlines and visits with full contacts;
* ``抽查通知单/<部门>_<week>.xlsx``: next week's drawn checks, one restricted notice per
  drawing department (内部资料): the only files that name next week's drawn units.

It returns ``{relative file name: page count}`` (0 for workbooks).  No database access
here: everything comes from ``data``.  Same data ⇒ same bytes: dates come from the week,
never from the clock, and ``SOURCE_DATE_EPOCH`` is pinned to the week end while rendering.

PDFs render in a ``ProcessPoolExecutor`` of forkserver processes (one per CPU, at most
one per report; ``BANGFU_REPORT_WORKERS`` overrides, 1 = all in this process) while this
process writes the workbooks.  A forkserver starts clean (forking this process is unsafe
once Pango or Dagster's threads run) and imports this module once for all its workers:
they never import Dagster, DuckDB or the workbooks.  If the pool fails, whatever it did
not render is rendered here; bytes do not depend on which process rendered what.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from weasyprint.text.fonts import FontConfiguration

from assets.report.pdf import check_cjk_font, check_harfbuzz_subset, render_pdf
from assets.report.processes import main_module_hidden, pdf_context, pdf_processes
from assets.report.spot import NOTICE_DIR, notice_files
from assets.report.view import (
    PDF_DIR_SUBDISTRICTS,
    environment,
    file_names,
    headline,
    render_html,
    street_book_file,
    subdistrict_file,
    week_end_moment,
)

log = logging.getLogger(__name__)

# Sections of ``data`` the PDFs do not use; the PDF processes never receive them (the
# full phone numbers are among them).
NOT_FOR_PDF = ("people", "task_units", "open_hazards", "cadre_tasks", "expert_tasks",
               "spot_checks", "spot_next_draw", "spot_registers")   # the draw: notices and 公示 only
# What a PDF renderer works from: set by render_all in this process, and once per
# worker process by its initializer.
_JOB: dict = {}


@contextlib.contextmanager
def pinned_source_date(moment: dt.datetime):
    """SOURCE_DATE_EPOCH = ``moment`` while rendering (restored afterwards)."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _init_worker(data: dict, stage: str, files: dict, moment: dt.datetime) -> None:
    _JOB.clear()
    _JOB.update(data=data, stage=Path(stage), files=files, moment=moment)


def _render_one(scope: str | None, name: str) -> tuple[str, int]:
    """One report, HTML to PDF file (in a worker, or in this process)."""
    job = _JOB
    started = time.perf_counter()
    if "env" not in job:
        job["env"] = environment()
        job["font_config"] = FontConfiguration()
    with pinned_source_date(job["moment"]):
        html = render_html(job["env"], job["data"], scope, job["files"])
        pages = render_pdf(html, job["stage"] / name, job["data"]["week"], name, job["font_config"])
    log.debug("%s: %d 页，进程 %d，%.2f 秒", name, pages, os.getpid(), time.perf_counter() - started)
    return name, pages


def _render_pdfs(jobs: list[tuple[str | None, str]], meanwhile) -> dict[str, int]:
    """Render ``jobs`` in worker processes while ``meanwhile()`` runs here."""
    results: dict[str, int] = {}
    pool, futures, failed = None, [], None
    if pdf_processes(len(jobs)) > 1:
        context = pdf_context()
        pdf_data = {k: v for k, v in _JOB["data"].items() if k not in NOT_FOR_PDF}
        try:
            pool = ProcessPoolExecutor(pdf_processes(len(jobs)), mp_context=context,
                                       initializer=_init_worker,
                                       initargs=(pdf_data, str(_JOB["stage"]), _JOB["files"],
                                                 _JOB["moment"]))
            with main_module_hidden():         # the workers start at the first submit
                futures = [pool.submit(_render_one, *job) for job in jobs]
        except Exception as exc:  # noqa: BLE001 - no workers: everything is rendered here
            failed = exc
    try:
        meanwhile()
        for future in as_completed(futures):
            try:
                name, pages = future.result()
                results[name] = pages
            except Exception as exc:  # noqa: BLE001 - rendered again here below
                failed = failed or exc
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if failed is not None:
        log.warning("PDF 渲染进程失败（%s: %s），其余 PDF 改在本进程渲染", type(failed).__name__, failed)
    for job in jobs:
        if job[1] not in results:
            results[job[1]] = _render_one(*job)[1]
    return results


def render_all(data: dict, stage: Path) -> dict[str, int]:
    """Write the week's PDFs and workbooks into ``stage``; {relative name: pages}."""
    check_cjk_font()
    check_harfbuzz_subset()
    stage = Path(stage)
    stage.mkdir(parents=True, exist_ok=True)
    (stage / PDF_DIR_SUBDISTRICTS).mkdir(exist_ok=True)
    files = file_names(data)
    moment = week_end_moment(data)
    when = moment.replace(tzinfo=None, second=0)      # 23:59 local, as the workbooks show it
    started = time.perf_counter()
    # the district first: the longest job starts first
    jobs = [(None, files["district"])] + [(s, subdistrict_file(data, s)) for s in data["subdistricts"]]
    notices = notice_files(data)
    street_books = {sub: street_book_file(data, sub) for sub in data["subdistricts"]}
    if notices:
        (stage / NOTICE_DIR).mkdir(exist_ok=True)

    def write_workbooks():
        from assets.report import workbooks
        from assets.report.docx import write_docx
        from assets.report.street_book import street_book
        workbooks.tasks_workbook(data, stage / files["tasks"], when)
        workbooks.fix_workbook(data, stage / files["fix"], when)
        workbooks.summary_workbook(data, headline(data, None), stage / files["summary"], when)
        workbooks.results_workbook(data, stage / files["results"], when)
        for dept, name in notices.items():
            workbooks.notice_workbook(data, dept, stage / name, when)
        for sub, name in street_books.items():
            street_book(data, sub, stage / name, when)
        # the editable Word version: made from the district report's own HTML
        write_docx(render_html(environment(), data, None, files, chart=False), stage / files["docx"], moment)

    _JOB.clear()
    _JOB.update(data=data, stage=stage, files=files, moment=moment)
    try:
        with pinned_source_date(moment):
            written = _render_pdfs(jobs, write_workbooks)
    finally:
        _JOB.clear()
    written.update({files[key]: 0 for key in ("tasks", "fix", "summary", "results", "docx")})
    written.update(dict.fromkeys(notices.values(), 0))
    written.update(dict.fromkeys(street_books.values(), 0))
    log.info("周报渲染完成：%d 个文件，用时 %.1f 秒", len(written), time.perf_counter() - started)
    return dict(sorted(written.items()))
