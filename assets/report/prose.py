"""The report's sentences, written from the week's records (周报行文): plain functions of the
report data, so that the PDF and the Word version say the same, and tests can read them.

The office's voice: dates as 8月14日, never week codes; a list with nothing in it is left
out rather than filled with a sentence saying so; a department with no records is named
with 本周无工作记录, because leaders read the absence as much as the work.
"""

from __future__ import annotations

import datetime as dt
import re


def month_day(iso: str | None) -> str:
    """'2023-08-14' → 8月14日 ('' for none)."""
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.month}月{d.day}日"


def day_range(first: dt.date, last: dt.date) -> str:
    """8月14日—8月20日."""
    return f"{month_day(first.isoformat())}—{month_day(last.isoformat())}"


def cn_date(iso: str | None) -> str:
    """'2023-08-14' → 2023年8月14日 ('' for none)."""
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def join(parts, sep: str = "、") -> str:
    return sep.join(p for p in parts if p)


def counted(n, unit: str, what: str) -> str:
    """'执法检查3次' or '' when none."""
    return f"{what}{n:,}{unit}" if n else ""


def department_sentence(d: dict) -> str:
    """区住建局（驻点东海街道）：本周开展帮扶服务5次（执法检查2次、专家指导3次），服务单位4家，
    发现问题12个、解决问题9个，重点服务了A、B。  Or: 本周无工作记录。"""
    head = short(d["dept"], 30)
    head = f"{head}（驻点{d['stationed_in']}）" if d.get("stationed_in") else head
    if not d["visits"]:
        return f"{head}：本周无工作记录。"
    kinds = join([counted(d["inspections"], "次", "执法检查"), counted(d["expert_visits"], "次", "专家指导"),
                  counted(d["trainings"], "次", "培训"), counted(d["observations"], "次", "评审观摩")])
    text = f"{head}：本周开展帮扶服务{d['visits']:,}次（{kinds}），服务单位{d['units_visited']:,}家"
    if d["problems_found"] or d["problems_solved"]:
        text += f"，发现问题{d['problems_found']:,}个、解决问题{d['problems_solved']:,}个"
    if d.get("notable"):
        text += f"，在{short(d['notable'], 60)}解决问题较多"
    return text + "。"


def subdistrict_sentence(p: dict) -> str:
    """东海街道：帮扶对象4家、本周已服务1家；帮扶服务3次；新发现隐患9条、整改11条，逾期未整改2条；
    标准化评审1家次（1次有同行企业观摩，观摩企业5家）.  ``p``: the subdistrict's weekly_progress."""
    targets, visited = p.get("targets") or 0, p.get("targets_visited_week") or 0
    parts = [f"帮扶对象{targets:,}家、本周已服务{visited:,}家" if targets else "",
             f"帮扶服务{p.get('visits_week') or 0:,}次" if p.get("visits_week") else "本周无帮扶服务记录",
             f"新发现隐患{p.get('hazards_found_week') or 0:,}条、整改{p.get('hazards_fixed_week') or 0:,}条"
             + (f"，逾期未整改{p['hazards_overdue']:,}条" if p.get("hazards_overdue") else ""),
             review_text(p)]
    return f"{p['scope']}：{join(parts, '；')}。"


def review_text(p: dict) -> str:
    """标准化评审3家次（2次有同行企业观摩，观摩企业11家） — 观摩 from the reviews' observers."""
    n = p.get("reviews_week") or 0
    if not n:
        return ""
    observed, observers = p.get("reviews_observed_week") or 0, p.get("observers_week") or 0
    text = f"标准化评审{n:,}家次"
    if observed:
        text += f"（{observed:,}次有同行企业现场观摩，观摩企业{observers:,}家次）"
    return text


def problems_vs_hazards(p: dict) -> str:
    """One sentence on why 问题 and 隐患 differ, when both are stated."""
    if not (p.get("problems_solved_week") or p.get("hazards_fixed_week")):
        return ""
    return ("“问题”指帮扶人员上门服务时当场发现、指导解决的问题，按帮扶服务记录统计；“隐患”指企业自查和"
            "各类检查登记在隐患台账的事故隐患，按整改完成日期统计，二者口径不同，数量不可直接比较。")


def major_item(h: dict) -> str:
    """A major hazard in one clause: unit, what, stage, deadline, next step."""
    due = month_day(h["due_on"])
    when = (f"已逾期{h['days_overdue']:,}天" if (h.get("days_overdue") or 0) > 0
            else f"整改期限{due}")
    stop = "，已责令停产停业整改" if h.get("stop_work") else ""
    sup = f"，{h['supervisor']}挂牌督办" if h.get("supervisor") else ""
    step = re.sub(r"^逾期\d+天[：:]", "", h.get("next_action") or "")
    return (f"{short(h['unit'], 40)}（{h['subdistrict']}）{short(h.get('description') or h.get('kind') or '', 30)}"
            f"{sup}，现处{h['status']}阶段{stop}，{when}；下一步：{step}")


def short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def overdue_buckets(overdue: list[dict]) -> str:
    """逾期未整改24条：重大隐患3条；逾期30天以上5条、8至30天9条、7天以内7条."""
    major = sum(1 for h in overdue if h["level"] == "重大隐患")
    general = [h for h in overdue if h["level"] != "重大隐患"]
    long_ = sum(1 for h in general if h["days_overdue"] > 30)
    mid = sum(1 for h in general if 7 < h["days_overdue"] <= 30)
    recent = sum(1 for h in general if h["days_overdue"] <= 7)
    return join([counted(major, "条", "重大隐患"), counted(long_, "条", "一般隐患逾期30天以上"),
                 counted(mid, "条", "逾期8至30天"), counted(recent, "条", "逾期7天以内")])


def plan_done_sentence(rows: list[dict], label: str) -> str:
    """上周安排的联合帮扶29家，本周已完成21家，完成率72%（按部门：区住建局3/4、…）；未完成：A、B。"""
    if not rows:
        return ""
    done = [r for r in rows if r.get("done")]
    missed = [short(r["name"] or r["unit_id"], 40) for r in rows if not r.get("done")]
    text = (f"上周安排的{label}{len(rows):,}家，本周已完成{len(done):,}家，完成率"
            f"{round(100 * len(done) / len(rows))}%")
    by_dept: dict[str, list[int]] = {}
    for r in rows:
        tally = by_dept.setdefault(r.get("dept") or "未确定部门", [0, 0])
        tally[0] += bool(r.get("done"))
        tally[1] += 1
    if len(by_dept) > 1:
        text += "（按部门：" + "、".join(f"{short(d, 12)}{a}/{b}" for d, (a, b) in sorted(by_dept.items())) + "）"
    if missed:
        names = "、".join(missed[:8]) + (f"等{len(missed):,}家" if len(missed) > 8 else "")
        text += f"；未完成：{names}"
    return text + "。"
