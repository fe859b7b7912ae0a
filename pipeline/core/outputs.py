"""Where a week's outputs live (输出位置): its folder, its staging folder, its failure note,
and how a file is written so that no reader sees half of it (``atomic_write``).

``OUT/<week>/`` holds the published outputs; ``OUT/.staging/<week>/`` is where a run
writes them before the manifest step swaps them in; ``OUT/<week>.FAILED.txt`` says why
the week's latest run failed while the last good outputs stay in place.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def week_dir(out: Path, week: str) -> Path:
    return out / week


def staging_dir(out: Path, week: str) -> Path:
    return out / ".staging" / week


def failure_note(out: Path, week: str) -> Path:
    return out / f"{week}.FAILED.txt"


def write_failure_note(out: Path, week: str, run_id: str, lines: list[str]) -> Path:
    """OUT/<week>.FAILED.txt: which step failed and why; the week's last good outputs stay."""
    note = failure_note(out, week)
    note.parent.mkdir(parents=True, exist_ok=True)
    text = (f"{week} 的运行失败（run {run_id}）。{week}/ 中上一次成功的输出未被改动。\n"
            "失败的步骤和原因：\n" + "\n".join(lines) + "\n")
    note.write_text(text, encoding="utf-8")
    return note


def clear_failure_note(out: Path, week: str) -> None:
    failure_note(out, week).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and move it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())   # mkstemp creates 0600; give the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
