"""Where a week's outputs live (输出位置): its folder, its staging folder, its failure note.

``OUT/<week>/`` holds the published outputs; ``OUT/.staging/<week>/`` is where a run
writes them before the manifest step swaps them in; ``OUT/<week>.FAILED.txt`` says why
the week's latest run failed while the last good outputs stay in place.
"""

from __future__ import annotations

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
