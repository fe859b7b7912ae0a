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
    FIX_CODES,
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
    "phone": "电话：手机11位，座机如 0595-22345678（请把该列设为文本）",
}

# What the import does with the files and cells clerks send: stated in docs/ledgers.md and
# on the 填写说明 sheet of every blank template.
RULES = (
    "读哪些文件：raw/ 及其子文件夹中的文件都会读，但名称含“备份、历史、归档、作废、旧”（或 backup、old、"
    "archive、history、bak）的文件夹中的文件不读；隐藏文件、Office 锁文件（~$开头）和系统文件略过；"
    "与另一文件逐字节相同的副本只读一次。读过、没读的文件都列在清单（manifest）和《待修正清单》中。",
    "文件按内容判断：空文件、没下载完的工作簿、扩展名与内容不符（如 CSV 却命名为 .xlsx）、设了打开密码的文件，"
    "都会被拒绝并写明原因（空文件 / 文件不完整 / 扩展名与内容不符 / 已加密）。",
    "CSV 可以是 UTF-8（带或不带 BOM）或 GB18030，也可以是 Excel“另存为 Unicode 文本”的 .txt（UTF-16、制表符分隔）；"
    "一个文件只用一种编码，后来追加的行若换了编码，整个文件会被拒绝。",
    "行数按 Excel 中看到的行计：单元格内换行（Alt+Enter）的内容在引号内，算一行；某行有未闭合的英文双引号时，"
    "引号按原样读作字符、该行在《待修正清单》中标出，后面的行照常读取；引号一直未闭合到文件末尾时，拒绝该文件并写明行号。",
    "Excel 工作簿的每个工作表都会看：含本台账表头的工作表都读（如每月一张，分别核算行数）；"
    "不含表头的工作表（填写说明、汇总）不读并列出；只含部分表头的工作表被拒绝并写明缺哪一列。",
    "表头可在前30行中的任一行，或由两行组成（上面一行是合并的分组标题）；缺少必填列时写明查找的行和最接近的表头；"
    "同一列的表头出现两次（或一列写表头、另一列写它的别名）时拒绝，写明两列的列号。",
    "同一台账的多个文件或工作表：编号不重叠的各部分都读；编号大量重叠的是同一台账的两个版本——"
    "文件名或工作表名含“更正、修正、订正、修订”的为准，否则标题行或文件名中“截至”日期较新的为准，"
    "它所含的编号以它为准、另一版本的这些行计为跳过（superseded）；无法判断时拒绝并写明两个文件。"
    "零星重复的编号：内容相同只读一次，内容不同的各行都隔离，并互相指明。",
    "单元格：必填列的值有问题，整行隔离；选填列的值有问题，该值置空、整行入库，并在《待修正清单》“已自动处理”中列出。"
    "Excel 错误值（#VALUE!、#REF!、#DIV/0! 等）从不当作数值；被 Excel 改成科学计数法的长数字（如 1.34148E+10）已丢失原数字，"
    "不入库；座机号码被去掉的开头0（如 59522345678）可以确定时补回并列出；千位分隔符须在每三位处（12,34 不是数字）。",
    "编号和选项中的空格及不可见字符（零宽空格、不换行空格、全角空格、字节顺序标记、软连字符等）在比对前去除并列出；"
    "《待修正清单》中引用的值把不可见字符显示为 ⟨U+200B⟩ 这样的记号。",
    "街道自制的隐患台账和帮扶记录也能读：可以不填单位编号而写企业名称（有统一社会信用代码的行先按代码、"
    "再按名称在所属街道内对应单位；名称找不到或对应多家时隔离，并列出相近或同名的单位）；可以用“序号”而不填隐患编号、"
    "记录编号（按单位、日期和内容生成编号，内容不变则每周相同）；可以不填发现途径；整改情况写“已整改”并填复查或验收日期时，"
    "以该日期为整改完成日期（写“已整改”却没有日期、或写“整改中”却有完成日期的行隔离）；干部、专家可写姓名代替工号、编号。",
    "每一行数据都有去处：入库、隔离（quarantine，记下文件、工作表、行号、列、值和原因）或跳过；"
    "每个文件或工作表：读取行数 = 入库 + 隔离 + 跳过。",
)
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
    notes = wb.create_sheet("填写说明")       # no header of the ledger: the import lists it, unread
    notes.append([f"{ledger.title}填写说明"])
    notes["A1"].font = Font(bold=True)
    notes.append(["表头黄色的列必填、灰色的列选填；把鼠标移到表头上可以看到该列的填写要求。"])
    for i, rule in enumerate(RULES, start=1):
        notes.append([f"{i}. {rule}"])
    notes.column_dimensions["A"].width = 160
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
        *(f"- {rule}" for rule in RULES),
        "- 表头前可有标题行，数据中可有空行和合计/总计行（计为跳过）。",
        f"- 多值单元格用 `{MULTI_SEPARATORS}` 分隔；全角数字和空格、前后空白会被清理；"
        "日期可写 2023-08-15、2023/8/15、2023.8.15、2023年8月15日或 Excel 日期序号。",
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
        "## 入库时自动处理（cell_fixes.code）",
        "",
        "行照常入库，《待修正清单》“已自动处理”中列出，请在原台账中改正。选填列的值有问题时也在此列出（代码同上表，处理为“已置空”）。",
        "",
        "| 代码 | 含义 |",
        "|---|---|",
        *(f"| `{code}` | {text} |" for code, text in FIX_CODES.items()),
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
