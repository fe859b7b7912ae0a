"""The ``bangfu`` command: run a week, write demo data, blank templates and docs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bangfu", description="丰泽区安全生产帮扶数据流水线")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="materialise every asset for one week and write its manifest")
    run.add_argument("--raw", default="raw", help="folder of ledger exports (default raw/)")
    run.add_argument("--out", default="out", help="output folder (default out/)")
    run.add_argument("--week", help="2023-W32 or a date in the week; default: latest complete week")
    run.add_argument("--warehouse", help="DuckDB file (default data/warehouse.duckdb)")
    run.add_argument("--redraw", metavar="REASON",
                     help="draw next week's 双随机 checks again, for this reason (recorded in draw_log)")
    run.add_argument("--operator", help="who makes the draw (recorded with it)")
    run.add_argument("--witness", action="append", default=[], metavar="NAME",
                     help="a witness of the draw (recorded with it; repeat for several)")

    demo = sub.add_parser("demo-data", help="write the deterministic demo ledgers")
    demo.add_argument("--out", default="raw")
    demo.add_argument("--units", type=int, default=4098)
    demo.add_argument("--format", choices=["mixed", "csv"], default="mixed")

    templates = sub.add_parser("templates", help="write blank .xlsx templates for the clerks")
    templates.add_argument("--out", required=True)

    sub.add_parser("docs", help="regenerate docs/figures.md and docs/ledgers.md from the code")

    backup = sub.add_parser("backup", help="write a consistent copy of the warehouse (taken under its lock)")
    backup.add_argument("--warehouse", help="DuckDB file (default data/warehouse.duckdb)")
    backup.add_argument("--out", help="copy to write (default data/backups/warehouse-<time>.duckdb)")

    verify = sub.add_parser("verify-draw", help="redo the recorded 双随机 draws and compare (prints no names)")
    verify.add_argument("--warehouse", help="DuckDB file (default data/warehouse.duckdb)")
    verify.add_argument("--week", help="only the draws for this plan week (2023-W33)")

    args = parser.parse_args(argv)
    return {"run": cmd_run, "demo-data": cmd_demo, "templates": cmd_templates,
            "docs": cmd_docs, "backup": cmd_backup, "verify-draw": cmd_verify_draw}[args.command](args)


def cmd_run(args) -> int:
    quiet_dagster()
    from pipeline.run_events import StepLines
    from pipeline.runner import RunFailed, run_week

    steps = StepLines()
    print("bangfu run：导入台账 → 派生 → 周报与清单", flush=True)
    try:
        manifest_path = run_week(Path(args.raw), Path(args.out), args.week, args.warehouse, steps,
                                 draw={"redraw": args.redraw, "operator": args.operator,
                                       "witnesses": args.witness})
    except RunFailed as exc:
        say_warnings(steps.warnings)
        print("运行失败：" if exc.expected else "运行失败（程序错误，请把以下内容报告给维护者）：",
              file=sys.stderr)
        for line in exc.lines:
            print(line, file=sys.stderr)
        if exc.note:
            print(f"失败说明：{exc.note}（{Path(args.out)} 中上一次成功的输出保持不变）", file=sys.stderr)
        return 1
    say_warnings(steps.warnings)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    quarantined = sum(i["rows_quarantined"] for i in manifest["inputs"])
    print(f"{manifest['week']}（{manifest['week_start']} 至 {manifest['week_end']}）完成")
    if quarantined:
        print(f"有 {quarantined} 行未通过校验，已隔离；明细见待修正清单")
    for out in manifest["outputs"]:
        print(f"  {Path(args.out) / out['path']}")
    print(manifest_path)
    return 0


def say_warnings(warnings: list[str]) -> None:
    for text in warnings:
        print(f"注意：{text}")


def quiet_dagster() -> None:
    """No notices about Dagster APIs we chose on purpose (beta or preview: see
    docs/operations.md); real warnings still show."""
    import warnings

    from dagster import BetaWarning, PreviewWarning
    warnings.filterwarnings("ignore", category=BetaWarning)
    warnings.filterwarnings("ignore", category=PreviewWarning)


def cmd_demo(args) -> int:
    from demo import generate

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
    from assets.derive.figures import figures_markdown
    from pipeline.templates import ledgers_markdown

    docs = PROJECT_DIR / "docs"
    (docs / "figures.md").write_text(figures_markdown(), encoding="utf-8")
    (docs / "ledgers.md").write_text(ledgers_markdown(), encoding="utf-8")
    print(docs / "figures.md")
    print(docs / "ledgers.md")
    return 0


def warehouse_of(args) -> tuple[Path, float]:
    """The warehouse a command works on (--warehouse, else BANGFU_WAREHOUSE, else
    data/warehouse.duckdb) and how long it waits for the lock (BANGFU_LOCK_TIMEOUT, s)."""
    import os
    path = Path(args.warehouse or os.environ.get("BANGFU_WAREHOUSE") or PROJECT_DIR / "data" / "warehouse.duckdb")
    return path, float(os.environ.get("BANGFU_LOCK_TIMEOUT") or 1800)


def cmd_backup(args) -> int:
    import datetime as dt

    from pipeline.core.errors import BangfuError
    from pipeline.core.warehouse import backup

    warehouse, timeout = warehouse_of(args)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(args.out) if args.out else warehouse.parent / "backups" / f"warehouse-{stamp}.duckdb"
    try:
        print(backup(warehouse, target, timeout))
    except BangfuError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 1
    return 0


def cmd_verify_draw(args) -> int:
    """Every recorded draw (or one plan week's) redone from its seed and registers: one line
    each, no unit or officer named; exit 1 when any does not check out."""
    from assets.derive.draw import draws_of, verify
    from pipeline.core.errors import BangfuError
    from pipeline.core.warehouse import open_warehouse
    from pipeline.core.weeks import parse_week, week_label

    warehouse, timeout = warehouse_of(args)
    if not warehouse.exists():
        print(f"{warehouse}: 数据仓库不存在", file=sys.stderr)
        return 1
    try:
        plan_for = week_label(parse_week(args.week)) if args.week else None
        with open_warehouse(warehouse, timeout) as con:
            found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'draw_log'").fetchone()[0]
            records = draws_of(con, plan_for) if found else []
    except (BangfuError, ValueError) as exc:
        print("\n".join(getattr(exc, "lines", [str(exc)])), file=sys.stderr)
        return 1
    if not records:
        print("没有抽取记录" + (f"（{plan_for}）" if plan_for else ""))
        return 0
    failed = 0
    for r in records:
        problems = verify(r)
        failed += bool(problems)
        print(f"{r['plan_for']} 第{r['draw_no']}次（{r['kind']}，{r['drawn_at']}）：" +
              ("核验通过" if not problems else "不符：" + "；".join(problems)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

