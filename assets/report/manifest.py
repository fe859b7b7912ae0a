"""The week's manifest (清单): what was read, what was written, and the figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from pathlib import Path

from pipeline.core.weeks import week_label


def inputs(con) -> list[dict]:
    rows = con.execute("""SELECT ledger, file, sha256, rows_read, rows_loaded, rows_quarantined,
        rows_skipped FROM ingest_files ORDER BY ledger, file""").fetchall()
    keys = ("ledger", "file", "sha256", "rows_read", "rows_loaded", "rows_quarantined",
            "rows_skipped")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def outputs(week_dir: Path) -> list[dict]:
    listed = []
    for path in sorted(p for p in week_dir.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = path.read_bytes()
        listed.append({"path": path.relative_to(week_dir.parent).as_posix(),
                       "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    return listed


def code_version() -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        return subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def build_manifest(con, start: dt.date, week_dir: Path | None = None, extra: dict | None = None) -> dict:
    """The manifest of the week: inputs, outputs and the figures derive stored for it."""
    week, end = week_label(start), start + dt.timedelta(days=6)
    stored = con.execute("SELECT figures FROM weekly_figures WHERE week = ? AND as_of = ?",
                         [week, week]).fetchone()
    figures = json.loads(stored[0]) if stored else {}
    figures["report_pages"] = dict(con.execute(
        "SELECT file, pages FROM report_outputs WHERE week = ? AND pages > 0 ORDER BY file",
        [week]).fetchall())
    return {
        "week": week,
        "week_start": start.isoformat(),
        "week_end": end.isoformat(),
        "inputs": inputs(con),
        "outputs": outputs(week_dir) if week_dir else [],
        "unrecognised_files": [f for (f,) in con.execute(
            "SELECT file FROM unrecognised_files ORDER BY file").fetchall()],
        "ignored_files": [{"file": f, "reason": r} for f, r in con.execute(
            "SELECT file, reason FROM ignored_files ORDER BY file").fetchall()],
        "conflicts": [dict(zip(("ledger", "kept", "other", "shared", "rule"), row, strict=True))
                      for row in con.execute("SELECT ledger, kept, other, shared, rule FROM ingest_conflicts "
                                             "ORDER BY ledger, kept, other").fetchall()],
        "figures": figures,
        "config_sha256": figures.get("config_sha256"),
        **(extra or {}),
    }


def write_json(path: Path, data: dict) -> None:
    """Write through a temporary file and rename, so no reader sees half a manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
