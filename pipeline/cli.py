"""The ``bangfu`` command: run a week, write demo data, blank templates and docs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.resources import PROJECT_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bangfu", description="丰泽区安全生产帮扶数据流水线")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialise every asset for one week and write its manifest")
    run.add_argument("--raw", default="raw", help="folder of ledger exports (default raw/)")
    run.add_argument("--out", default="out", help="output folder (default out/)")
    run.add_argument("--week", help="2023-W32 or a date in the week; default: latest complete week")
    run.add_argument("--warehouse", help="DuckDB file (default data/warehouse.duckdb)")

    demo = sub.add_parser("demo-data", help="write the deterministic demo ledgers")
    demo.add_argument("--out", default="raw")
    demo.add_argument("--units", type=int, default=4098)
    demo.add_argument("--format", choices=["mixed", "csv"], default="mixed")

    templates = sub.add_parser("templates", help="write blank .xlsx templates for the clerks")
    templates.add_argument("--out", required=True)

    sub.add_parser("docs", help="regenerate docs/figures.md and docs/ledgers.md from the code")

    args = parser.parse_args(argv)
    return {"run": cmd_run, "demo-data": cmd_demo, "templates": cmd_templates,
            "docs": cmd_docs}[args.command](args)


def cmd_run(args) -> int:
    from pipeline.runner import RunFailed, run_week

    try:
        manifest_path = run_week(Path(args.raw), Path(args.out), args.week, args.warehouse)
    except RunFailed as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 1
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    quarantined = sum(i["rows_quarantined"] for i in manifest["inputs"])
    print(f"{manifest['week']}（{manifest['week_start']} 至 {manifest['week_end']}）完成")
    if quarantined:
        print(f"有 {quarantined} 行未通过校验，已隔离；明细见数据仓库 quarantine 表与周报的数据质量部分")
    for out in manifest["outputs"]:
        print(f"  {Path(args.out) / out['path']}")
    print(manifest_path)
    return 0


def cmd_demo(args) -> int:
    from pipeline.demo_data import generate

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in generate(out, n_units=args.units, fmt=args.format):
        print(path)
    return 0


def cmd_templates(args) -> int:
    from pipeline.templates import write_templates

    for path in write_templates(Path(args.out)):
        print(path)
    return 0


def cmd_docs(args) -> int:
    from assets.report.figures import figures_markdown
    from pipeline.templates import ledgers_markdown

    docs = PROJECT_DIR / "docs"
    (docs / "figures.md").write_text(figures_markdown(), encoding="utf-8")
    (docs / "ledgers.md").write_text(ledgers_markdown(), encoding="utf-8")
    print(docs / "figures.md")
    print(docs / "ledgers.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

