"""Servers the operations tests start on loopback: PostgreSQL, dagster-webserver, the daemon."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s")


def pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@contextmanager
def postgres_server():
    """A throwaway PostgreSQL cluster on 127.0.0.1 with trust auth; yields its port."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; make test installs it as root)")
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="bangfu-pg-"))  # outside root-only pytest folders
    data, sock = base / "pgdata", base / "pgsock"
    for d in (data, sock):
        d.mkdir(parents=True, exist_ok=True)
        if as_user:
            shutil.chown(d, "postgres", "postgres")
    if as_user:
        shutil.chown(base, "postgres", "postgres")
    subprocess.run([*as_user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, capture_output=True)
    port = free_port()
    subprocess.run([*as_user, pg_ctl, "-D", str(data), "-l", str(base / "pg.log"), "-w", "-o",
                    f"-h 127.0.0.1 -p {port} -k {sock}", "start"], check=True, capture_output=True)
    try:
        yield port
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def log_tail(path: Path, lines: int = 40) -> str:
    """The last lines of a service's log, without Dagster's BetaWarning noise."""
    text = path.read_text("utf-8", errors="replace") if path.exists() else ""
    kept = [line for line in text.splitlines() if "BetaWarning" not in line and "return fn(" not in line]
    return "\n".join(kept[-lines:])


@contextmanager
def dagster_services(home: Path, env: dict):
    """dagster-webserver on 127.0.0.1 and dagster-daemon, from the project root.

    The instance's storage is created first (`dagster instance migrate`), as the operations
    guide says: two services starting on a fresh DAGSTER_HOME would both create the SQLite
    schema, and the loser dies with "table alembic_version already exists"."""
    port = free_port()
    env = {**os.environ, **env, "DAGSTER_HOME": str(home)}
    bin_dir = Path(os.sys.executable).parent
    migrate = subprocess.run([str(bin_dir / "dagster"), "instance", "migrate"], cwd=PROJECT, env=env,
                             capture_output=True, text=True)
    if migrate.returncode:
        raise RuntimeError(f"dagster instance migrate failed:\n{migrate.stderr[-3000:]}")
    paths = [home / "webserver.log", home / "daemon.log"]
    logs = [path.open("w") for path in paths]
    procs = [
        subprocess.Popen([str(bin_dir / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port)],
                         cwd=PROJECT, env=env, stdout=logs[0], stderr=subprocess.STDOUT),
        subprocess.Popen([str(bin_dir / "dagster-daemon"), "run"], cwd=PROJECT, env=env,
                         stdout=logs[1], stderr=subprocess.STDOUT),
    ]

    def webserver_up() -> bool:
        for proc, path in zip(procs, paths, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(f"{path.name[:-4]} exited with {proc.returncode}:\n{log_tail(path)}")
        return http_ok(f"http://127.0.0.1:{port}/server_info")

    try:
        wait_for(webserver_up, 180, "dagster-webserver")
        yield f"http://127.0.0.1:{port}"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()
