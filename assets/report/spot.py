"""The 双随机 part of the reports (双随机抽查): what may be said before the checks, and what
is published after them (一公开).  Plain functions of the report data, shared by the view
(PDFs) and the workbooks.

Before: next week's drawn units and their officers go only to a restricted notice workbook
per drawing department (抽查通知单, 内部资料); every distributed report carries counts.
After: the results of the draw published this week, with the seed and the registers'
hashes that let anyone redo the draw, in the district report and in the results workbook
(双随机抽查结果公示), without phone or licence numbers.
"""

from __future__ import annotations

import datetime as dt

from assets.report.prose import cn_date

NOTICE_DIR = "抽查通知单"
OUTCOMES = ("合格", "责令整改", "立案")


def results_file(week: str) -> str:
    return f"双随机抽查结果公示_{week}.xlsx"


def notice_file(dept: str, week: str) -> str:
    return f"{NOTICE_DIR}/{dept}_{week}.xlsx"


def notice_files(data: dict) -> dict[str, str]:
    """Drawing department → its notice workbook (one per department with drawn checks)."""
    return {dept: notice_file(dept, data["week"])
            for dept in sorted({s["dept"] or "未配置主管部门" for s in data["spot_checks"]})}


def drawn_at_text(iso: str | None) -> str:
    """2023-08-14T07:00:03+08:00 → 2023年8月14日7时00分03秒（北京时间）."""
    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    return f"{cn_date(iso)}{moment.hour}时{moment:%M}分{moment:%S}秒（北京时间）"


def outcome_text(r: dict) -> str:
    if not r["checked"]:
        return "未检查"
    return r["outcome"] or "检查结果未录入"


def rectification_text(r: dict) -> str:
    """The problems found and their rectification, in one sentence."""
    if not r["checked"]:
        return ""
    found, solved = r["problems_found"] or 0, r["problems_solved"] or 0
    if not found and not r["hazards_found"]:
        return "未发现问题"
    text = f"发现问题{found}个，已解决{solved}个"
    if r["hazards_found"]:
        text += f"；登记隐患{r['hazards_found']}条，已整改{r['hazards_fixed']}条"
        if r["open_due"]:
            text += f"，其余限{cn_date(r['open_due'])}前整改"
    return text


def results_summary(results: list[dict]) -> dict:
    """Counts for the sentence above the results table."""
    checked = [r for r in results if r["checked"]]
    outcomes = {o: sum(1 for r in checked if r["outcome"] == o) for o in OUTCOMES}
    return {"total": len(results), "checked": len(checked), "not_checked": len(results) - len(checked),
            "outcomes": outcomes,
            "unrecorded": sum(1 for r in checked if not r["outcome"]),
            "problems": sum(r["problems_found"] or 0 for r in checked)}


def draw_in_force(data: dict) -> dict | None:
    return next((d for d in data["spot_draws"] if d["in_force"]), None)


def counts_by_dept(data: dict) -> str:
    """区应急管理局11家、区住建局2家 (next week's draw, counts only)."""
    return "、".join(f"{s['dept'] or '未配置主管部门'}{s['total']}家" for s in data["spot_summary"])


VERIFY_STEPS = (
    "一、核对名录：把“检查对象名录”工作表各行按 [单位编号, 单位名称, 所属街道, 监管类别]、"
    "“执法检查人员名录”各行按 [工号, 所属单位, 本周可派次数, [包保单位编号…]] 写成 JSON 数组"
    "（按编号排序，不加空格，UTF-8），其 SHA-256 应与公示的名录哈希一致。",
    "二、抽取单位：对每个单位计算 SHA-256(“随机种子|unit|单位编号”)，按结果（十六进制字符串）从小到大排序；"
    "先依次取每个街道排在最前的若干家（每街道最少抽查数），再按顺序取其余单位，"
    "直到抽取数 = 名录单位数 × 抽查比例（向上取整，且不少于前一步的家数）。",
    "三、抽取执法人员：按抽取顺序，对每家单位，从其监管类别的主管部门、未包保该单位、本周仍可派的执法人员中，"
    "按 SHA-256(“随机种子|officer|单位编号|工号”) 从小到大取前若干名（每家执法人员数），每取一名其可派次数减一；"
    "不足时该单位列为未派员，不占用任何人。",
    "四、所得单位及执法人员应与公示的抽取结果逐一相同。参数（抽查比例、每街道最少抽查数、每家执法人员数、"
    "监管类别与主管部门对照）见“抽取记录”工作表；程序实现见 bangfu 的 assets/derive/draw.py，"
    "也可运行 bangfu verify-draw 核验数据仓库中的全部抽取记录。",
)
