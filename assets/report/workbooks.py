"""The week's workbooks (工作簿): task lists, the fix list, the summary table, the 双随机
results (公示) and the drawing departments' restricted notices (抽查通知单).

All saved through ``pipeline.core.xlsx.save_workbook`` (same content ⇒ same bytes).  Ledger
text is written as text: control characters Excel rejects are dropped, a leading ``=``
never becomes a formula, and sheet names are cleaned, cut to 31 characters and made
unique.  Only the task list carries full phone numbers: it goes to the assignees; the
notices (full numbers and licence numbers of the drawn officers) go to one department each.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assets.report.prose import cn_date, day_range
from assets.report.spot import (
    VERIFY_STEPS,
    drawn_at_text,
    outcome_text,
    rectification_text,
    results_file,
)
from pipeline.core.xlsx import save_workbook

MAX_CELL = 32_000            # Excel holds 32,767 characters in a cell
MAX_ROWS = 1_000_000         # Excel sheets end at 1,048,576 rows
WRAP_ROWS = 5_000            # larger tables skip per-cell wrapping (speed)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
NOTE = Font(italic=True, color="666666")
HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
PROBLEM_FILL = PatternFill("solid", fgColor="FFE699")
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


def cell_value(value):
    """A value Excel accepts, as text unless it is a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        value = "、".join("" if v is None else str(v) for v in value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…（已截断）"


def append(ws, values, font=None, fill=None, wrap=False) -> int:
    """Append one row of text-safe cells; returns its row number.

    Cells are built first and appended as cells: no ``ws.max_row`` (which scans every
    cell) per row, so large tables stay linear.  Styles are resolved once per workbook
    and copied onto each cell (openpyxl hashes a style on every assignment)."""
    style = _style(ws.parent, font, fill, wrap) if (font or fill or wrap) else None
    cells = []
    for value in values:
        cell = Cell(ws)
        value = cell_value(value)       # already Excel-safe: set without openpyxl's checks
        if value is not None:
            cell._value = value
            cell.data_type = "s" if isinstance(value, str) else "n"   # "=..." stays text
        if style is not None:
            cell._style = copy.copy(style)
        cells.append(cell)
    ws.append(cells)
    return ws._current_row


def _style(wb: Workbook, font, fill, wrap: bool):
    """The style array of a cell with this font, fill and wrapping, made once per workbook."""
    cache = wb.__dict__.setdefault("_bangfu_styles", {})
    key = (id(font), id(fill), wrap)    # the entry keeps font and fill alive: ids stay theirs
    if key not in cache:
        cell = Cell(wb.active)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if wrap:
            cell.alignment = WRAP
        cache[key] = (font, fill, cell._style)
    return cache[key][2]


def table(ws, headers: list[str], rows: list[list], widths: list[float] | None = None,
          note: str | None = None, empty: str | None = "（无）") -> int:
    """Header row and data rows at the end of ``ws``; returns the header's row number."""
    header_row = append(ws, headers, font=BOLD, fill=HEADER_FILL, wrap=True)
    if len(rows) > MAX_ROWS:
        note = f"共{len(rows):,}行，超出Excel上限，只写入前{MAX_ROWS:,}行。"
        rows = rows[:MAX_ROWS]
    wrap = len(rows) <= WRAP_ROWS
    for values in rows:
        append(ws, values, wrap=wrap)
    if not rows and empty:
        append(ws, [empty], font=NOTE)
    if note:
        append(ws, [note], font=NOTE)
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return header_row


def sheet_title(text: str, used: set[str]) -> str:
    """A legal, unique sheet name (≤31 characters, none of []:*?/\\)."""
    title = SHEET_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(text))).strip().strip("'").strip()
    title = (title or "工作表")[:31]
    if title.lower() == "history":
        title = "History_"
    base, n = title, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def new_sheet(wb: Workbook, name: str, used: set[str]):
    """The next sheet: the workbook's own empty first sheet, renamed, when nothing is used yet."""
    if not used and len(wb.worksheets) == 1:
        ws = wb.worksheets[0]
        ws.title = sheet_title(name, used)
        return ws
    return wb.create_sheet(sheet_title(name, used))


RESTRICTED = "内部资料　注意保存"
RED = Font(bold=True, size=13, color="C00000")


def restricted(ws, footer: str | None = None) -> None:
    """Mark a sheet 内部资料 注意保存: in the printed header and as its first line; ``footer``
    (who it is for, which week) printed with the page number."""
    ws.oddHeader.center.text = RESTRICTED
    if footer:
        ws.oddFooter.center.text = f"{footer}　第 &P 页"
    append(ws, [RESTRICTED], font=RED)


def heading(ws, title: str, *notes: str) -> None:
    append(ws, [title], font=TITLE)
    for note in notes:
        append(ws, [note], font=NOTE)
    append(ws, [])


def plan_range(data: dict) -> str:
    start = dt.date.fromisoformat(data["start"]) + dt.timedelta(days=7)
    return day_range(start, start + dt.timedelta(days=6))


# --- 任务清单 --------------------------------------------------------------------------

def _focus(data: dict, unit_id: str, targets: dict) -> str:
    t = targets.get(unit_id)
    if t:
        return f"主要风险：{t['main_risk'] or '—'}；原因：{t['reasons'] or '—'}"
    u = data["task_units"].get(unit_id, {})
    flags = "、".join(u.get("risk_flags") or []) or "无特殊风险特征"
    return f"风险特征：{flags}；标准化：{u.get('std_grade') or '无'}；{u.get('category') or ''}"


def collect_tasks(data: dict) -> dict[str, dict[str, dict]]:
    """person id → unit id → {tasks, partners, focus}: everything assigned for next week."""
    targets = {t["unit_id"]: t for t in data["targets"]}
    tasks: dict[str, dict[str, dict]] = {}

    def add(pid, unit_id, task, partner=None, focus=None):
        if not pid or not unit_id:
            return
        entry = tasks.setdefault(pid, {}).setdefault(unit_id, {"tasks": [], "partners": [], "focus": None})
        if task not in entry["tasks"]:
            entry["tasks"].append(task)
        if partner and partner != pid and partner not in entry["partners"]:
            entry["partners"].append(partner)
        if focus and not entry["focus"]:
            entry["focus"] = focus

    for r in data["cadre_tasks"]:
        add(r["cadre_id"], r["unit_id"],
            "包保（重点企业）" if r["duty"] == "包保重点企业" else "包保（帮扶对象）")
    for r in data["expert_tasks"]:
        add(r["expert_id"], r["unit_id"], "专家指导",
            focus=f"主要风险：{r['main_risk']}" if r["unit_id"] not in targets else None)
    # 执法人员+专家 (announced assistance); next week's 双随机 checks are not here: they go to
    # the drawing departments' restricted notices only (notice_workbook)
    for p in data["pairs"]:
        team = [x for x in (p["officer_1"], p["officer_2"], p["expert_id"]) if x]
        for pid, task in ((p["officer_1"], "联合帮扶（执法人员，带队）"), (p["officer_2"], "联合帮扶（执法人员）"),
                          (p["expert_id"], "联合帮扶（专家）")):
            for partner in team:
                add(pid, p["unit_id"], task, partner)
    for units in tasks.values():
        for unit_id, entry in units.items():
            base = _focus(data, unit_id, targets)
            entry["focus"] = f"{entry['focus']}；{base}" if entry["focus"] else base
    return tasks


def _hazard_state(h: dict) -> str:
    days = h.get("days_overdue") or 0
    return f"逾期{days}天" if days > 0 else ("今天到期" if days == 0 else f"剩余{-days}天")


# What an expert checks at a unit with each risk feature (企业专家服务清单).
FEATURE_SERVICE = {
    "粉尘涉爆": "粉尘防爆：除尘系统、泄爆与锁气卸灰装置、防爆电气、粉尘清扫制度",
    "涉氨制冷": "液氨制冷：氨区与人员密集场所隔离、泄漏检测报警与应急处置",
    "有限空间作业": "有限空间：辨识与台账、作业审批、先通风再检测后作业、专人监护",
    "金属冶炼": "金属冶炼：熔融金属吊运、炉体冷却与紧急处置",
    "危险化学品使用": "危险化学品：储存与使用、安全技术说明书、防泄漏措施",
    "人员密集": "人员密集场所：疏散通道与安全出口、消防设施",
    "自建厂房": "自建厂房：结构安全、消防与疏散",
    "临山临水": "临山临水：防汛与地质灾害隐患",
}


def service_items(data: dict, unit_ids: list[str]) -> list[list]:
    """企业专家服务清单: per unit, its open hazards, open suspicions and risk features, with
    their status and the date of the unit's last expert service."""
    units, hazards = data["task_units"], data["open_hazards"]
    suspected: dict[str, list] = {}
    for h in data["suspected"]:
        suspected.setdefault(h["unit_id"], []).append(h)
    rows = []
    for unit_id in unit_ids:
        u = units.get(unit_id, {})
        name, last = u.get("name") or unit_id, data["last_service"].get(unit_id) or "无记录"
        for h in hazards.get(unit_id, []):
            rows.append([name, f"{h['level']}：{h['description'] or h['kind']}", "未整改隐患", _hazard_state(h), last])
        for h in suspected.get(unit_id, []):
            rows.append([name, f"复核：{h['description']}（{h['article']}）", "疑似重大隐患", "待复核", last])
        for flag in u.get("risk_flags") or []:
            if flag in FEATURE_SERVICE:
                rows.append([name, FEATURE_SERVICE[flag], f"风险特征（{flag}）", "每次服务查看", last])
    return rows


def tasks_workbook(data: dict, path: Path, when: dt.datetime) -> Path:
    people, units, hazards = data["people"], data["task_units"], data["open_hazards"]
    tasks = collect_tasks(data)
    order = sorted(tasks, key=lambda pid: (people.get(pid, {}).get("kind") != "cadre", pid))
    wb, used = Workbook(), set()
    overview = new_sheet(wb, "总览", used)
    restricted(overview)
    heading(overview, f"{data['district']}安全生产帮扶任务清单（{data['plan_for']}，{plan_range(data)}）",
            f"由{data['week']}周报生成。每位有任务的干部、专家一个工作表：去哪些单位、查什么、这些单位未整改隐患的整改期限。",
            "本工作簿含完整手机号码，仅供帮扶人员联络使用，不得外传。")
    sheet_of: dict[str, str] = {}
    rows = []
    for pid in order:
        person = people.get(pid, {"id": pid, "name": pid, "kind": "cadre"})
        sheet_of[pid] = sheet_title(f"{pid} {person.get('name') or ''}", used)
        mine = tasks[pid]
        rows.append([len(rows) + 1, sheet_of[pid], "干部" if person.get("kind") == "cadre" else "专家",
                     pid, person.get("name"), person.get("org"), person.get("phone"), len(mine),
                     sum(len(hazards.get(u, [])) for u in mine),
                     "、".join(units.get(u, {}).get("name") or u for u in sorted(mine))])
    table(overview, ["序号", "工作表", "类别", "编号", "姓名", "单位", "手机号码", "任务单位数",
                     "未整改隐患数", "任务单位"], rows, [6, 18, 6, 9, 10, 20, 14, 10, 12, 60])
    overview.freeze_panes = "A7"

    pairs_ws = new_sheet(wb, "联合帮扶", used)
    heading(pairs_ws, f"“执法人员+专家”联合帮扶安排（{data['plan_for']}）")

    def name_phone(pid):
        p = people.get(pid) or {}
        return p.get("name") or pid or "待定", p.get("phone")

    pair_rows = []
    for p in data["pairs"]:
        o1, p1 = name_phone(p["officer_1"]) if p["officer_1"] else ("未派员", None)
        o2, p2 = name_phone(p["officer_2"]) if p["officer_2"] else ("未派员", None)
        en, ep = name_phone(p["expert_id"])
        pair_rows.append([p["rank"], p["unit_id"], p["name"], p["subdistrict"], p["main_risk"], p["dept"],
                          o1, p1, o2, p2, en, ep, p["remark"]])
    table(pairs_ws, ["序号", "单位编号", "帮扶对象", "街道", "重点检查", "主管部门", "执法人员（带队）", "电话",
                     "执法人员", "电话", "专家", "专家电话", "备注"], pair_rows,
          [6, 11, 34, 10, 14, 14, 10, 14, 10, 14, 10, 14, 40])
    pairs_ws.freeze_panes = "A4"

    for pid in order:
        person = people.get(pid, {"id": pid, "name": pid, "kind": "cadre"})
        ws = wb.create_sheet(sheet_of[pid])
        is_cadre = person.get("kind") == "cadre"
        detail = (f"单位：{person.get('org') or '—'}　职务：{person.get('title') or '—'}　"
                  f"执法证：{person.get('licence') or '无'}" if is_cadre else
                  f"单位：{person.get('org') or '—'}　专业领域：{person.get('domains') or '—'}")
        heading(ws, f"{person.get('name') or pid}（{pid}）下周任务清单",
                f"{detail}　手机：{person.get('phone') or '—'}",
                f"任务周次：{data['plan_for']}（{plan_range(data)}）")
        task_rows, hazard_rows = [], []
        for i, (unit_id, entry) in enumerate(sorted(tasks[pid].items()), start=1):
            u = units.get(unit_id, {})
            open_h = hazards.get(unit_id, [])
            partners = [name_phone(x) for x in entry["partners"]]
            task_rows.append([i, "、".join(entry["tasks"]), unit_id, u.get("name"), u.get("subdistrict"),
                              u.get("address"), entry["focus"], "、".join(n for n, _ in partners),
                              "、".join(ph or "—" for _, ph in partners), len(open_h),
                              min((h["due_on"] for h in open_h), default=None)])
            for h in open_h:
                hazard_rows.append([u.get("name") or unit_id, h["hazard_id"], h["level"],
                                    h["description"] or h["kind"], h["found_on"], h["due_on"],
                                    _hazard_state(h)])
        table(ws, ["序号", "任务", "单位编号", "单位名称", "街道", "地址", "检查重点", "同行人员",
                   "同行人员电话", "未整改隐患", "最早整改期限"], task_rows,
              [6, 20, 11, 30, 10, 30, 44, 12, 14, 10, 13])
        ws.freeze_panes = "A6"
        append(ws, [])
        append(ws, ["所负责单位的未整改隐患（按整改期限）"], font=BOLD)
        table(ws, ["单位名称", "隐患编号", "隐患级别", "隐患内容", "发现日期", "整改期限", "状态"], hazard_rows)
        if not is_cadre:
            append(ws, [])
            append(ws, ["企业专家服务清单（按未整改隐患、疑似重大隐患和风险特征逐项服务）"], font=BOLD)
            table(ws, ["单位名称", "服务项目", "来源", "状态", "上次专家服务"],
                  service_items(data, sorted(tasks[pid])), [30, 60, 14, 16, 14])
    return save_workbook(wb, path, when)


# --- 待修正清单 ------------------------------------------------------------------------

def problem_text(p: dict) -> str:
    """One problem for the clerk: the column, the value as written, what is wrong exactly."""
    text = f"{p.get('header') or '—'}：{p.get('reason')}（填写值：{p.get('value') or '空'}）"
    return text + (f"——{p['detail']}" if p.get("detail") else "")


def knock_on_text(row: dict) -> str:
    cause = row["knock_on_of"]
    return (f"连带隔离：所填单位编号的单位在监管对象台账 {cause['file']} 第{cause['row']}行被隔离；"
            "改好那一行后本行自动恢复，无需改动本行")


def fix_workbook(data: dict, path: Path, when: dt.datetime) -> Path:
    """待修正清单: a work list for the ledger clerks, ledger by ledger, fix by fix."""
    q = data["quarantine"]
    wb, used = Workbook(), set()
    readme = new_sheet(wb, "说明", used)
    heading(readme, f"待修正清单（{data['week']}）",
            "各台账工作表列出未通过校验、已被隔离的行：原有各列保持原样，前几列是文件、行号、单位及所属街道、"
            "首次发现的周和是否影响统计，“问题”列写明全部问题，“建议”列给出看得出的改法；有问题的单元格标为黄色。",
            "“连带隔离”的行本身没有错：它所填单位的那一行被隔离了，改好单位行后自动恢复。"
            "“已自动处理”工作表列出入库时置空或修正的单元格：数据已入库，但请在原台账中改正。",
            "请在原台账文件中逐行改正后重新运行；改正前被隔离的行不计入周报。")
    if not q["rows"] and not q["fixes"] and not q["ignored"] and not q["conflicts"]:
        append(readme, ["本周各台账均通过校验，没有需要修正的行。"], font=BOLD)
        readme.column_dimensions["A"].width = 100
        return save_workbook(wb, path, when)
    table(readme, ["台账", "问题代码", "行数", "问题数", "如何修正"],
          [[s["ledger_title"], s["code"], s["rows"], s["problems"], s["fix"]] for s in q["summary"]],
          [16, 22, 8, 8, 70])
    if q["conflicts"] or q["ignored"]:
        append(readme, [])
        table(readme, ["文件", "情况", "", "", "处理"],
              [[f"{c['kept']} / {c['other']}", f"{c['ledger_title']}：{c['shared']}个相同编号", "", "", c["rule"]]
               for c in q["conflicts"]] + [[i["file"], "未读取", "", "", i["reason"]] for i in q["ignored"]],
              empty=None)
    by_ledger: dict[str, list] = {}
    for row in q["rows"]:
        by_ledger.setdefault(row["ledger"], []).append(row)
    for ledger, rows in by_ledger.items():
        ws = wb.create_sheet(sheet_title(q["titles"].get(ledger, ledger), used))
        headers = list(q["headers"].get(ledger) or [])
        for row in rows:                           # raw keys beyond the contract, if any
            headers += [k for k in row["raw"] if k not in headers]
        lead = ["文件", "行号", "单位名称", "所属街道", "首次发现", "影响统计"]
        header_row = table(ws, [*lead, *headers, "问题（全部）", "建议"], [],
                           [28, 7, 24, 10, 26, 12] + [14] * len(headers) + [60, 36], empty=None)
        # knock-ons last: they are fixed by fixing the row that caused them
        for row in sorted(rows, key=lambda r: r["knock_on_of"] is not None):
            problems = knock_on_text(row) if row["knock_on_of"] else "；".join(map(problem_text, row["problems"]))
            if row["knock_ons"]:
                problems += f"；另有{len(row['knock_ons'])}行因本行连带隔离（改好本行即恢复）"
            advice = "".join(p["suggestion"] for p in row["problems"] if p.get("suggestion"))
            r = append(ws, [row["file"], row["row"], row["unit_name"], row["subdistrict"], row["first_seen"],
                            row["weighs"], *[row["raw"].get(h) for h in headers], problems, advice], wrap=True)
            bad = {p.get("header") for p in row["problems"]}
            for j, h in enumerate(headers, start=len(lead) + 1):
                if h in bad and not row["knock_on_of"]:
                    ws.cell(r, j).fill = PROBLEM_FILL
        ws.freeze_panes = ws.cell(header_row + 1, 3)
    if q["fixes"]:
        ws = wb.create_sheet(sheet_title("已自动处理", used))
        table(ws, ["台账", "文件", "行号", "列", "原填写值", "处理", "说明"],
              [[f["ledger_title"], f["file"], f["row"], f["header"], f["value"], f["action"], f["reason"]]
               for f in q["fixes"]], [16, 28, 7, 14, 24, 10, 70])
    return save_workbook(wb, path, when)


# --- 汇总表 ----------------------------------------------------------------------------

PROGRESS_COLUMNS = {
    "supervised_units": "在监管单位", "targets": "帮扶对象", "targets_visited_week": "本周已服务帮扶对象",
    "targets_planned_week": "上周计划本周帮扶", "tier_jingpin": "精品企业", "tier_biaogan": "标杆企业",
    "tier_dabiao": "评审达标企业", "demo_posts": "示范岗位", "visits_week": "本周帮扶服务",
    "inspections_week": "本周执法检查", "expert_visits_week": "本周专家指导", "trainings_week": "本周培训",
    "observations_week": "本周评审观摩", "visits_ytd": "今年帮扶服务", "problems_found_week": "本周发现问题",
    "problems_solved_week": "本周解决问题", "problems_found_ytd": "今年发现问题",
    "problems_solved_ytd": "今年解决问题", "hazards_found_week": "本周发现隐患",
    "hazards_fixed_week": "本周整改隐患", "hazards_found_ytd": "今年发现隐患",
    "hazards_fixed_ytd": "今年整改隐患", "hazards_open": "未整改隐患", "hazards_overdue": "逾期未整改隐患",
    "hazards_major_open": "未整改重大隐患", "reviews_week": "本周标准化评审", "reviews_observed_week": "本周有观摩的评审",
    "observers_week": "本周观摩企业（家次）", "reviews_ytd": "今年标准化评审",
    "reviews_passed_ytd": "今年评审通过",
}


def _progress_rows(data: dict, rows: list[dict]) -> list[list]:
    by_scope = {p["scope"]: p for p in rows}
    ordered = [s for s in ("全区", *data["subdistricts"]) if s in by_scope]
    return [[s, *[by_scope[s].get(k) for k in PROGRESS_COLUMNS]] for s in ordered]


def summary_workbook(data: dict, headline: list[dict], path: Path, when: dt.datetime) -> Path:
    wb, used = Workbook(), set()
    ws = new_sheet(wb, "汇总", used)
    end = dt.date.fromisoformat(data["end"])
    prev_end = end - dt.timedelta(days=7)
    heading(ws, f"{data['district']}安全生产帮扶工作汇总表（{data['year']}年第{data['week_no']}周，"
                f"{data['start']} 至 {data['end']}）",
            f"本周数据截至{end.isoformat()}；事件只计截至当日的，单位属性按现有台账。上报市级时使用本表。")
    widths = [11] + [10] * len(PROGRESS_COLUMNS)
    table(ws, ["范围", *PROGRESS_COLUMNS.values()], _progress_rows(data, data["progress"]), widths)
    ws.freeze_panes = "B5"
    append(ws, [])
    append(ws, [f"上周（{data['prev_week']}，截至{prev_end.isoformat()}，按同一口径计算）"], font=BOLD)
    prev_rows = _progress_rows(data, data["progress_prev"])
    if not data["prev_planned"]:
        col = list(PROGRESS_COLUMNS).index("targets") + 1
        for row in prev_rows:
            row[col] = None
    table(ws, ["范围", *PROGRESS_COLUMNS.values()], prev_rows)

    ws = new_sheet(wb, "主要指标", used)
    heading(ws, "全区主要指标（本周与上周）")
    table(ws, ["指标", "单位", "本周", "上周", "增减"],
          [[h["label"], h["unit"], h["now"], h["prev"],
            None if h["now"] is None or h["prev"] is None else h["now"] - h["prev"]] for h in headline],
          [22, 8, 10, 10, 10])

    ws = new_sheet(wb, "帮扶对象", used)
    heading(ws, f"帮扶对象（{data['week']}，共{len(data['targets'])}家）")
    table(ws, ["序号", "单位编号", "单位名称", "监管类别", "街道", "风险分", "确定依据", "主要风险", "主要原因",
               "包保干部", "包保干部单位", "专家", "本周服务次数"],
          [[t["rank"], t["unit_id"], t["name"], t["category"], t["subdistrict"], t["score"], t["selected_by"],
            t["main_risk"], t["reasons"], t["cadre"], t["cadre_dept"], t["experts"], t["visits_week"]]
           for t in data["targets"]],
          [6, 11, 34, 12, 10, 8, 14, 14, 44, 10, 14, 16, 10])
    ws.freeze_panes = "A4"

    ws = new_sheet(wb, "部门驻点", used)
    heading(ws, "部门驻点（区直单位 ↔ 街道）")
    table(ws, ["街道", "驻点单位", "契合度", "按配置固定", "工作队成员数", "选派理由", "确定于", "建议调整"],
          [[x["subdistrict"], x["dept"], x["fit"], x["fixed"], x["team_members"], x["reason"],
            x.get("decided_week"), x.get("proposal")] for x in data["links"]], [11, 16, 8, 10, 12, 80, 10, 50])

    ws = new_sheet(wb, "街道排名", used)
    heading(ws, "街道作为帮扶对象的排名（按未销号重大隐患、逾期隐患由少到多，帮扶对象本周服务覆盖由高到低）")
    table(ws, ["排名", "街道", "帮扶对象", "本周已服务帮扶对象", "本周帮扶服务", "逾期未整改隐患", "较上周",
               "未销号重大隐患", "较上周", "今年评审", "今年评审通过"],
          [[c["rank"], c["subdistrict"], c["targets"], c["targets_visited_week"], c["visits_week"],
            c["hazards_overdue"], c["overdue_change"], c["hazards_major_open"], c["major_change"],
            c["reviews_ytd"], c["reviews_passed_ytd"]] for c in data["scorecard"]],
          [6, 11, 10, 12, 10, 12, 8, 12, 8, 10, 12])

    ws = new_sheet(wb, "全域覆盖", used)
    heading(ws, "各街道监管重点的帮扶对象覆盖情况")
    table(ws, ["街道", "监管重点", "在监管单位", "其中帮扶对象", "已覆盖", "说明"],
          [[c["subdistrict"], c["priority"], c["supervised_units"], c["target_units"], c["covered"], c["note"]]
           for c in data.get("coverage", [])], [11, 14, 10, 12, 8, 80])

    hazard_cols = ["序号", "隐患编号", "单位编号", "单位名称", "街道", "隐患级别", "隐患类别", "隐患内容",
                   "发现日期", "整改期限", "逾期天数", "来源文件", "来源行号"]
    ws = new_sheet(wb, "逾期隐患", used)
    heading(ws, f"逾期未整改隐患（截至{data['end']}，共{len(data['overdue'])}条；重大隐患在前，逾期天数多的在前）")
    table(ws, hazard_cols,
          [[i, h["hazard_id"], h["unit_id"], h["unit"], h["subdistrict"], h["level"], h["kind"],
            h["description"], h["found_on"], h["due_on"], h["days_overdue"], h["source_file"], h["source_row"]]
           for i, h in enumerate(data["overdue"], start=1)],
          [6, 13, 11, 32, 10, 10, 12, 40, 11, 11, 9, 26, 8])
    ws.freeze_panes = "A4"

    ws = new_sheet(wb, "重大隐患", used)
    heading(ws, f"未销号重大隐患（截至{data['end']}，共{len(data['major_open'])}条）")
    table(ws, ["序号", "隐患编号", "单位编号", "单位名称", "街道", "隐患类别", "隐患内容", "发现日期",
               "整改期限", "期限", "督办单位", "督办文号", "阶段", "停产停业整改", "下一步"],
          [[i, h["hazard_id"], h["unit_id"], h["unit"], h["subdistrict"], h["kind"], h["description"],
            h["found_on"], h["due_on"], _hazard_state(h), h["supervisor"], h["supervision_doc"], h["status"],
            "是" if h["stop_work"] else "", h["next_action"]]
           for i, h in enumerate(data["major_open"], start=1)],
          [6, 13, 11, 32, 10, 12, 40, 11, 11, 10, 14, 22, 10, 8, 36])

    ws = new_sheet(wb, "疑似重大隐患", used)
    heading(ws, f"疑似重大隐患（按应急管理部令第10号研判，登记为一般隐患，待复核；截至{data['end']}，"
                f"共{len(data['suspected'])}条）")
    table(ws, ["序号", "隐患编号", "单位编号", "单位名称", "街道", "隐患内容", "对应条款", "判定依据（原文用语）",
               "发现日期", "整改期限"],
          [[i, h["hazard_id"], h["unit_id"], h["unit"], h["subdistrict"], h["description"], h["article"],
            h["matched"], h["found_on"], h["due_on"]] for i, h in enumerate(data["suspected"], start=1)],
          [6, 13, 11, 32, 10, 40, 20, 30, 11, 11])

    ws = new_sheet(wb, "未落实对象", used)
    heading(ws, "下周尚未落实包保干部或专家的帮扶对象")
    table(ws, ["序号", "单位编号", "单位名称", "街道", "原因"],
          [[u["rank"], u["unit_id"], u["name"], u["subdistrict"], u["reason"]] for u in data["uncovered"]],
          [6, 11, 34, 10, 60])

    ws = new_sheet(wb, "双随机抽查", used)
    total = sum(x["total"] for x in data["spot_summary"])
    heading(ws, f"“双随机”抽查（{data['plan_for']}，共{total}家；名单检查前保密，以抽查通知单密送主管部门）",
            f"本周公开{data['spot_published_week']}的抽查结果，见《{results_file(data['week'])}》。")
    table(ws, ["主管部门", "下周抽查家数", "其中未派员", "其中不予检查"],
          [[x["dept"], x["total"], x["unstaffed"], x["not_checked"]] for x in data["spot_summary"]],
          [18, 14, 12, 14])

    ws = new_sheet(wb, "数据来源", used)
    heading(ws, "数据来源与版本",
            f"报告周次：{data['week']}；配置哈希：{data['config_sha256'] or '—'}；代码版本：{data['code_version']}")
    table(ws, ["台账", "文件", "SHA-256", "编码", "工作表", "表头行", "读取行", "入库行", "隔离行", "跳过行"],
          [[i["ledger_title"], i["file"], i["sha256"], i["encoding"], i["sheet"], i["header_row"],
            i["rows_read"], i["rows_loaded"], i["rows_quarantined"], i["rows_skipped"]] for i in data["inputs"]],
          [14, 30, 66, 10, 12, 8, 8, 8, 8, 8])
    return save_workbook(wb, path, when)


# --- 双随机: 抽查通知单 (restricted) and 抽查结果公示 (published) ---------------------------



def _draw_line(d: dict | None) -> str:
    if not d:
        return "抽取记录：无"
    people = f"操作人：{d['operator'] or '定时任务自动抽取（未登记操作人）'}；见证人：{'、'.join(d['witnesses']) or '无'}"
    why = f"（理由：{d['reason']}）" if d["reason"] else ""
    return f"第{d['draw_no']}次抽取（{d['kind']}{why}），抽取时间：{drawn_at_text(d['drawn_at'])}；{people}"


def notice_workbook(data: dict, dept: str, path: Path, when: dt.datetime) -> Path:
    """抽查通知单: one drawing department's checks for next week, with the two officers each
    (names, licence and phone numbers: the check needs them).  Confidential until the
    checks are made: never distributed beyond the department."""
    checks = [c for c in data["spot_checks"] if (c["dept"] or "未配置主管部门") == dept]
    units = data["task_units"]
    wb, used = Workbook(), set()
    ws = new_sheet(wb, "抽查通知单", used)
    restricted(ws, f"{dept}　{data['plan_for']}")
    heading(ws, f"{dept}“双随机”抽查通知单（{data['plan_for']}，{plan_range(data)}）",
            f"本通知单列明随机抽取的下周检查对象和检查人员，仅限{dept}组织检查使用；检查前不得向被检查单位或其他单位、个人透露。",
            _draw_line(data["spot_next_draw"]),
            "检查要求：两名执法人员共同检查，出示执法证；与被检查单位有利害关系的，应当申请回避（行政处罚法第四十三条）。"
            "“未派员”的单位须由本部门补充持证执法人员后按规定重新抽取检查人员，不得由他人代为检查。",
            "检查后在《帮扶服务记录》中录入：服务方式“执法检查”、干部工号、第二执法人员工号、检查结果（合格/责令整改/立案）、"
            f"执法文书编号、发现问题数和解决问题数；抽查情况及查处结果将于{data['plan_for']}的周报和结果公示中公开。")
    rows = []
    for c in checks:
        o = c["officers"] + [{}] * (2 - len(c["officers"]))
        rows.append([c["pick"], c["unit_id"], c["name"], c["uscc"], c["subdistrict"],
                     c["address"] or units.get(c["unit_id"], {}).get("address"), c["category"],
                     o[0].get("name"), o[0].get("licence"), o[0].get("phone"),
                     o[1].get("name"), o[1].get("licence"), o[1].get("phone"), c["status"], c["reason"]])
    table(ws, ["抽取序号", "单位编号", "单位名称", "统一社会信用代码", "街道", "地址", "监管类别",
               "执法人员（主办）", "执法证号", "手机", "执法人员（协办）", "执法证号", "手机", "状态", "说明"],
          rows, [8, 11, 30, 20, 10, 28, 12, 10, 15, 13, 10, 15, 13, 8, 40])
    ws.freeze_panes = "A9"
    return save_workbook(wb, path, when)


def results_workbook(data: dict, path: Path, when: dt.datetime) -> Path:
    """双随机抽查结果公示: the results of the draw published this week, how it was drawn and
    what lets anyone redo it (the seed, the registers and their SHA-256).  Written every
    week; no phone or licence number."""
    week = data["spot_published_week"]
    draws, results = data["spot_draws"], data["spot_results"]
    start = dt.date.fromisoformat(f"{week}-1")              # its Monday (ISO week date)
    span = day_range(start, start + dt.timedelta(days=6))
    wb, used = Workbook(), set()
    ws = new_sheet(wb, "抽查结果", used)
    heading(ws, f"{data['district']}“双随机”抽查结果公示（{week}，{span}）",
            "依据《国务院办公厅关于推广随机抽查规范事中事后监管的通知》（国办发〔2015〕58号），"
            "随机抽取检查对象、随机选派执法检查人员，抽查情况及查处结果向社会公开。",
            f"截至{data['end']}按帮扶服务记录整理；本表不含手机号码和执法证号。随机种子和名录哈希见“抽取记录”，核验方法见“核验方法”。")
    if not draws:
        append(ws, [f"本周无应公开的“双随机”抽查结果：{week}未进行抽取。"], font=BOLD)
    else:
        table(ws, ["抽取序号", "单位名称", "统一社会信用代码", "所属街道", "监管类别", "检查部门", "抽取的执法人员",
                   "实际检查人员", "检查日期", "检查结果", "发现问题及整改情况", "执法文书编号", "备注"],
              [[r["pick"], r["name"], r["uscc"], r["subdistrict"], r["category"], r["dept"], r["drawn_officers"],
                r["checked_by"], cn_date(r["visited_on"]), outcome_text(r), rectification_text(r), r["document_no"],
                r["note"]] for r in results], [8, 30, 20, 10, 12, 14, 14, 14, 14, 12, 40, 22, 36])
    ws.freeze_panes = "A5"

    ws = new_sheet(wb, "抽取记录", used)
    heading(ws, f"抽取记录（{week}，共{len(draws)}次；以最后一次为准）")
    table(ws, ["次序", "类型", "理由", "抽取时间", "操作人", "见证人", "算法", "随机种子", "参数（JSON）",
               "参数SHA-256", "对象名录家数", "对象名录SHA-256", "人员名录名数", "人员名录SHA-256",
               "抽取结果SHA-256", "配置SHA-256", "是否有效"],
          [[d["draw_no"], d["kind"], d["reason"], drawn_at_text(d["drawn_at"]), d["operator"],
            "、".join(d["witnesses"]), d["algorithm"], d["seed"], d["params"], d["params_sha256"],
            d["units_in_pool"], d["units_pool_sha256"], d["officers_in_pool"], d["officers_pool_sha256"],
            d["result_sha256"], d["config_sha256"], "有效" if d["in_force"] else "已被重新抽取取代"]
           for d in draws], [6, 10, 24, 26, 16, 16, 14, 34, 60, 66, 10, 66, 10, 66, 66, 66, 14])

    names = {pid: p.get("name") for pid, p in data["people"].items()}
    units_rows, officer_rows = [], []
    for reg in data["spot_registers"]:
        units_rows += [[reg["draw_no"], *u] for u in json.loads(reg["units_pool"])]
        officer_rows += [[reg["draw_no"], o[0], names.get(o[0]), o[1], o[2], "、".join(o[3])]
                         for o in json.loads(reg["officers_pool"])]
    ws = new_sheet(wb, "检查对象名录", used)
    heading(ws, "检查对象名录（抽取所用，按单位编号排序）",
            "SHA-256 取自 [单位编号, 单位名称, 所属街道, 监管类别] 各行组成的 JSON 数组（不加空格，UTF-8）。")
    table(ws, ["次序", "单位编号", "单位名称", "所属街道", "监管类别"], units_rows, [6, 11, 34, 10, 12])
    ws = new_sheet(wb, "执法检查人员名录", used)
    heading(ws, "执法检查人员名录（抽取所用，按工号排序；本周可派次数已扣除“执法人员+专家”帮扶任务）",
            "SHA-256 取自 [工号, 所属单位, 本周可派次数, [包保单位编号…]] 各行组成的 JSON 数组（姓名不计入）。")
    table(ws, ["次序", "工号", "姓名", "所属单位", "本周可派次数", "包保单位（回避）"], officer_rows,
          [6, 9, 10, 16, 12, 40])
    ws = new_sheet(wb, "核验方法", used)
    heading(ws, "如何核验抽取结果")
    for step in VERIFY_STEPS:
        append(ws, [step], wrap=True)
    ws.column_dimensions["A"].width = 120
    return save_workbook(wb, path, when)

