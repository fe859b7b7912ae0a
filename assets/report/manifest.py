"""The week's manifest (清单): what was read, what was written, and the figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
from pathlib import Path

from assets.report.figures import compute_figures
from pipeline.weeks import week_label


def set_week_variables(con, start: dt.date, bureau: str) -> None:
    end = start + dt.timedelta(days=6)
    con.execute("SET VARIABLE week = ?", [week_label(start)])
    con.execute(f"SET VARIABLE week_start = DATE '{start}'")
    con.execute(f"SET VARIABLE week_end = DATE '{end}'")
    con.execute(f"SET VARIABLE year_start = DATE '{end.year}-01-01'")
    con.execute("SET VARIABLE bureau = ?", [bureau])


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


def build_manifest(con, start: dt.date, bureau: str, extra_figures: dict | None = None,
                   week_dir: Path | None = None, extra: dict | None = None) -> dict:
    set_week_variables(con, start, bureau)
    end = start + dt.timedelta(days=6)
    figures = compute_figures(con) | (extra_figures or {})
    return {
        "week": week_label(start),
        "week_start": start.isoformat(),
        "week_end": end.isoformat(),
        "inputs": inputs(con),
        "outputs": outputs(week_dir) if week_dir else [],
        "unrecognised_files": [f for (f,) in con.execute(
            "SELECT file FROM unrecognised_files ORDER BY file").fetchall()],
        "figures": figures,
        **(extra or {}),
    }


def write_json(path: Path, data: dict) -> None:
    """Write through a temporary file and rename, so no reader sees half a manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
