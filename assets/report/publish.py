"""Publishing a week's outputs as a whole (整体发布).

Everything is rendered into ``OUT/.staging/<week>/``; the final step moves it into
``OUT/<week>/`` with renames, so a reader or a killed run never sees a mix of old and
new files: the old folder stays complete until the moment it is replaced.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def staging_dir(out: Path, week: str) -> Path:
    return out / ".staging" / week


def fresh_staging(out: Path, week: str) -> Path:
    """An empty staging folder for the week (whatever a killed run left there is removed)."""
    stage = staging_dir(out, week)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    return stage


def publish(out: Path, week: str) -> Path:
    """Swap the staged folder in: old → .old, staged → OUT/<week>, then drop the old one."""
    stage, target = staging_dir(out, week), out / week
    old = out / ".staging" / f"{week}.old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(stage, target)
    if old.exists():
        shutil.rmtree(old)
    return target


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
