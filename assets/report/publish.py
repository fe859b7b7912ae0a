"""Publishing a week's outputs as a whole (整体发布).

Everything is rendered into ``OUT/.staging/<week>/``; the final step moves it into
``OUT/<week>/`` with renames, so a reader or a killed run never sees a mix of old and
new files: the old folder stays complete until the moment it is replaced.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline.core.outputs import staging_dir, week_dir


def fresh_staging(out: Path, week: str) -> Path:
    """An empty staging folder for the week (whatever a killed run left there is removed)."""
    stage = staging_dir(out, week)
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    return stage


def publish(out: Path, week: str) -> Path:
    """Swap the staged folder in: old → .old, staged → OUT/<week>, then drop the old one."""
    stage, target = staging_dir(out, week), week_dir(out, week)
    old = out / ".staging" / f"{week}.old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(stage, target)
    if old.exists():
        shutil.rmtree(old)
    return target
