"""The processes that render the PDFs (渲染进程): how many, and the forkserver they come from.

Light on purpose (no WeasyPrint here): the runner calls ``warm_up`` at the start of a run,
so the forkserver imports the renderer while the run ingests and derives.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import sys

RENDERER = "assets.report.render"


def pdf_processes(jobs: int) -> int:
    """Worker processes for ``jobs`` PDFs: BANGFU_REPORT_WORKERS, else one per usable CPU;
    1 means everything in this process."""
    setting = os.environ.get("BANGFU_REPORT_WORKERS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        wanted = int(setting)
    else:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if "forkserver" not in multiprocessing.get_all_start_methods():
        wanted = 1
    return max(1, min(wanted, jobs))


def pdf_context():
    """The forkserver the PDF workers fork from: it imports the renderer once for them all."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([RENDERER])
    return context


def warm_up() -> None:
    """Start the forkserver now, so that its imports (WeasyPrint, matplotlib, Jinja2:
    seconds) overlap with the steps before the reports.  Harmless when not needed."""
    if pdf_processes(9) > 1:
        pdf_context()
        with main_module_hidden():
            multiprocessing.forkserver.ensure_running()


@contextlib.contextmanager
def main_module_hidden():
    """Start workers without the caller's ``__main__``: multiprocessing would otherwise run
    the caller's script again in each worker (harmful for a script without an
    ``if __name__ == "__main__"`` guard); the workers need nothing from it."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
