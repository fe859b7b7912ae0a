"""Blank ledger templates for the clerks (台账模板) and ``docs/ledgers.md``, from the contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.core.ledgers import (
    EVENT_DATES,
    LEDGERS,
    MULTI_SEPARATORS,
    PROBLEM_CODES,
    SKIP_CODES,
    USCC_PREFIXES,
    Column,
    Ledger,
)
from pipeline.core.xlsx import save_workbook

KIND_NOTES = {
    "text": "文字",
    "id": "编号，不得重复" ,
    "int": "整数",
    "date": "日期，如 2023-08-15",
    "enum": "从下拉列表中选",
    "yesno": "是/否",
    "multi": "可填多个，用顿号、逗号、分号或空格分隔",
    "uscc": "18位统一社会信用代码",
}
TEMPLATE_TIME = dt.datetime(2023, 1, 1)


def column_note(col: Column) -> str:
    parts = ["必填" if col.required else "选填", KIND_NOTES[col.kind]]
    if col.values and col.kind != "yesno":
        parts.append("可选：" + "、".join(col.values))
    if col.ref:
        parts.append(f"须在{col.ref}中存在")
    return "；".join(parts)


def write_template(ledger: Ledger, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = ledger.title
    ws.append([c.header for c in ledger.columns])
    for i, col in enumerate(ledger.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if col.required else "EDEDED")
        cell.comment = Comment(column_note(col), "bangfu")
        ws.column_dimensions[cell.column_letter].width = max(12, 2 * len(col.header) + 4)
        if col.kind in ("enum", "yesno"):
            options = ",".join(col.values)
            dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=not col.required,
                                showErrorMessage=True, errorTitle="取值不对",
                                error="请从下拉列表中选择")
            ws.add_data_validation(dv)
            dv.add(f"{cell.column_letter}2:{cell.column_letter}5000")
    ws.freeze_panes = "A2"
    save_workbook(wb, path, TEMPLATE_TIME)
    return path


def write_templates(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [write_template(ledger, out / f"{ledger.title}（模板）.xlsx") for ledger in LEDGERS]


def ledgers_markdown() -> str:
    lines = [
        "# 台账规范（ledger contract）",
        "",
        "由 `pipeline/core/ledgers.py` 生成（`bangfu docs`），勿手改。把导出的 Excel（.xlsx/.xls）或 CSV"
        "（UTF-8、带或不带 BOM、GB18030）放进 `raw/`；一个 CSV 文件只用一种编码，"
        "后来追加的行若换了编码，整个文件会被拒绝。",
        "",
        "- 文件按文件名识别（如 `units.xlsx`、`监管对象台账（2023年8月）.xlsx`），认不出时按表头识别；"
        "认不出的文件会在运行日志和清单中列出，不会被悄悄跳过。",
        "- 同一台账可分多个文件（如按月导出），一起读入；跨文件重复的编号算重复。",
        "- 表头前可有标题行，数据中可有空行和合计/总计行（计为跳过）；Excel 读第一张表或以台账命名的表。",
        f"- 多值单元格用 `{MULTI_SEPARATORS}` 分隔；全角数字和空格、前后空白会被清理；"
        "日期可写 2023-08-15、2023/8/15、2023.8.15、2023年8月15日或 Excel 日期序号。",
        "- 每一行数据都有去处：入库、隔离（quarantine，记下文件、行号、列、值和原因）或跳过；"
        "每个文件 读取行数 = 入库 + 隔离 + 跳过。",
        "- 日期不得早于2000年；事件日期（" + "、".join(f"{k}.{c}" for k, cs in EVENT_DATES.items()
                                                 for c in cs)
        + "、units.last_inspected）不得晚于运行当天；整改期限可以在将来，但不得早于发现日期。",
        "- 统一社会信用代码只有在建施工项目可以为空；前两位须与单位类别相符（"
        + "；".join(f"{k} {'/'.join(v)}" for k, v in USCC_PREFIXES.items()) + "）。",
        "- 晚于所报周的记录不是错误：照常入库，各周的数字只计当周周末以前的事件。",
        "",
        "## 隔离原因（quarantine.code）",
        "",
        "| 代码 | 含义与修正方法 |",
        "|---|---|",
        *(f"| `{code}` | {text} |" for code, text in PROBLEM_CODES.items()),
        "",
        "跳过的行（skipped_rows.code）：" + "；".join(f"`{k}` {v}" for k, v in SKIP_CODES.items()),
        "",
    ]
    for ledger in LEDGERS:
        lines += [f"## {ledger.title} `{ledger.key}`", "",
                  f"文件名可用：`{ledger.key}*`，或含" + "、".join(
                      f"“{s}”" for s in dict.fromkeys((ledger.title, *ledger.stems))), "",
                  "| 表头 | 内部列名 | 列 | 值 | 类型 | 也接受的表头 | 取值（别名） |",
                  "|---|---|---|---|---|---|---|"]
        for col in ledger.columns:
            values = "；".join(v + (f"（{'、'.join(a)}）" if a else "")
                              for v, a in col.values.items())
            ref = f"引用 {col.ref}" if col.ref else ""
            may_be_empty = not col.required or col.default is not None or col.kind == "uscc"
            lines.append(f"| {col.header} | `{col.name}` | {'必有' if col.required else '可无'} | "
                         f"{'可空' if may_be_empty else '必填'} | "
                         f"{KIND_NOTES[col.kind]} | {'、'.join(col.aliases)} | "
                         f"{values or ref} |")
        lines.append("")
    return "\n".join(lines)
