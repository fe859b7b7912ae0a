"""The harness: every measurement in a fresh process, repeated round-robin, medians.

``measure`` runs one command and takes its wall seconds (timed here), its peak RSS and CPU
seconds (from the child's own ``wait4`` rusage: a helper process it started counts as its
own maximum, not added to its parent's) and the ``BENCH_JSON`` line it printed.
``round_robin`` runs a size's jobs repeat by repeat (every job once, then every job
again), so that a slow spell of the machine spreads over all of them; ``stat`` gives the
median, minimum and maximum of the repeats.

This module imports nothing heavy: a child's peak RSS starts from the size of the
process that forked it, so the runner stays small (~18 MiB).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from measure import MARK, ROOT, RUN_DATE

PYTHON = sys.executable
Job = tuple[str, Callable[[int], "dict | None"]]     # (key, run(repeat index) -> measurement)


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd``; wall seconds, the child's peak RSS (wait4), CPU, its BENCH_JSON line."""
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
    """This environment, the run date every run uses, a fixed hash seed, and ``extra``."""
    env = dict(os.environ, BANGFU_RUN_DATE=RUN_DATE, PYTHONHASHSEED="0")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def python(script: Path | str, *argv, env: dict | None = None) -> dict:
    """``measure`` a Python script of bench/ (or ``-c CODE``) in this interpreter."""
    return measure([PYTHON, str(script), *map(str, argv)], env or child_env())


def round_robin(jobs: list[Job], repeat: int) -> dict[str, list[dict]]:
    """Every job ``repeat`` times, one repeat of all jobs after the other: {key: [runs]}.
    A job returning None (nothing to measure) is left out."""
    runs: dict[str, list[dict]] = {}
    for r in range(repeat):
        for key, job in jobs:
            t = time.perf_counter()
            res = job(r)
            if res is not None:
                runs.setdefault(key, []).append(res)
            print(f"    repeat {r + 1}/{repeat} {key:14s} {time.perf_counter() - t:8.1f} s", flush=True)
    return runs


def stat(values) -> dict | None:
    """Median, minimum and maximum of the repeats."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def med(x: dict | None) -> float | None:
    return x["median"] if x else None


def bytecode_cached(modules=("dagster", "weasyprint", "duckdb", "pandas")) -> list[str]:
    """Those of ``modules`` whose compiled bytecode is in their __pycache__: read even under
    PYTHONDONTWRITEBYTECODE=1 (which only stops writing it), so the cold start depends on it."""
    from importlib.util import find_spec
    specs = {name: find_spec(name) for name in modules}          # finds, imports nothing
    return [name for name, spec in specs.items() if spec and spec.cached and Path(spec.cached).exists()]


def machine() -> dict:
    # Versions from the package metadata, so that this process stays small.
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
            "weasyprint": version("weasyprint"), "dagster": version("dagster"),
            "bytecode_cached": bytecode_cached()}


def machine_text(info: dict) -> str:
    return (f"{info['cores']} cores, {info['memory_gib']} GiB, {info['cpu']}, Linux {info['kernel']}, "
            f"Python {info['python']}, DuckDB {info['duckdb']}, pandas {info['pandas']}, "
            f"WeasyPrint {info['weasyprint']}"
            + (f"; bytecode cached: {', '.join(info['bytecode_cached']) or 'none'}" if "bytecode_cached" in info else ""))


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"
