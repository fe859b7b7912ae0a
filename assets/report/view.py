"""What a report shows, shaped for its template (视图): data → template context.

``view(data, scope, chart, files)`` narrows the week's report data to the district
(scope None) or one subdistrict and adds the sentences' parts (comparisons with last
week, date ranges, capped lists).  Plain functions: no database, no file is written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import jinja2

from assets.report import prose
from assets.report import spot as lottery
from assets.report.pdf import PDF_VARIANT, PDF_VARIANT_LABEL, TEMPLATES
from assets.report.prose import month_day
from pipeline.core.campaign import chinese_number

TZ = dt.timezone(dt.timedelta(hours=8))   # Asia/Shanghai, no DST
# Rows shown in a PDF table before it points to the workbook holding them all.
CAPS = {"targets": 50, "pairs": 50, "overdue": 50, "major": 20, "uncovered": 30,
        "spot": 30, "quarantine": 30, "inputs": 30}
PDF_DIR_SUBDISTRICTS = "街道"


# --- formatting -----------------------------------------------------------------------

def fmt_number(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return str(value)


def signed(value) -> str:
    """A change: +3, −2, 持平."""
    if not value:
        return "持平"
    return f"+{value:,}" if value > 0 else f"−{-value:,}"


def clip(value, limit: int = 120) -> str:
    """Ledger text for a PDF cell: at most ``limit`` characters, with a note when cut."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共{len(text):,}字，已截断）"


def delta(now, prev) -> tuple[str, str]:
    """Table text and CSS class of the change against last week."""
    if now is None or prev is None:
        return "—", ""
    diff = now - prev
    if diff == 0:
        return "持平", ""
    return (f"+{fmt_number(diff)}", "up") if diff > 0 else (f"−{fmt_number(-diff)}", "down")


def versus(now, prev, unit: str) -> str:
    """Sentence part: （较上周增加5条） / （与上周持平） / '' when not comparable."""
    if now is None or prev is None:
        return ""
    diff = now - prev
    if diff == 0:
        return "（与上周持平）"
    return f"（较上周{'增加' if diff > 0 else '减少'}{fmt_number(abs(diff))}{unit}）"


def pairs(rows: list) -> list[tuple]:
    """[a, b, c] → [(a, b), (c, None)]: two groups side by side in one table."""
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    return [(a, right[i] if i < len(right) else None) for i, a in enumerate(left)]


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False,
                             keep_trailing_newline=True)
    env.filters.update(n=fmt_number, clip=clip, pairs=pairs, signed=signed, cn=chinese_number)
    return env


# --- names ----------------------------------------------------------------------------

def file_names(data: dict) -> dict[str, str]:
    week = data["week"]
    return {
        "district": f"{data['district']}安全生产帮扶工作周报_{week}.pdf",
        "docx": f"{data['district']}安全生产帮扶工作周报_{week}.docx",
        "tasks": f"任务清单_{week}.xlsx",
        "fix": f"待修正清单_{week}.xlsx",
        "summary": f"汇总表_{week}.xlsx",
        "results": lottery.results_file(week),
    }


def _spot_view(data: dict, scope: str | None) -> dict:
    """双随机: next week's draw as counts only (names are in the drawing departments'
    notices); this week's published results (一公开), narrowed to ``scope``."""
    summary = data["spot_summary"]
    results = [{**r, "outcome_text": lottery.outcome_text(r), "rectification": lottery.rectification_text(r),
                "visited_cn": month_day(r["visited_on"])}
               for r in data["spot_results"] if scope is None or r["subdistrict"] == scope]
    draw = lottery.draw_in_force(data)
    return {
        "spot_total": sum(s["total"] for s in summary),
        "spot_unstaffed": sum(s["unstaffed"] for s in summary),
        "spot_by_dept": lottery.counts_by_dept(data),
        "results": results[:CAPS["spot"]], "results_total": len(results),
        "results_sum": lottery.results_summary(results),
        "published_week": data["spot_published_week"],
        "draw": draw, "drawn_at": lottery.drawn_at_text(draw["drawn_at"]) if draw else "",
        "redraws": [d for d in data["spot_draws"] if not d["in_force"]],
    }


def street_book_file(data: dict, sub: str) -> str:
    """The subdistrict's restricted task workbook (街道任务清单), beside its PDF."""
    return f"{PDF_DIR_SUBDISTRICTS}/{sub}_任务清单_{data['week']}.xlsx"


def subdistrict_file(data: dict, sub: str) -> str:
    return f"{PDF_DIR_SUBDISTRICTS}/{sub}_{data['week']}.pdf"


def week_end_moment(data: dict) -> dt.datetime:
    """The week's last second, Asia/Shanghai: every file's timestamp."""
    return dt.datetime.combine(dt.date.fromisoformat(data["end"]), dt.time(23, 59, 59), TZ)


# --- view models ----------------------------------------------------------------------

# Headline figures that come from weekly_progress: label, unit, field.
HEADLINE_PROGRESS = (
    ("本周帮扶服务", "次", "visits_week"), ("本周解决问题", "个", "problems_solved_week"),
    ("今年累计解决问题", "个", "problems_solved_ytd"), ("今年标准化评审", "家次", "reviews_ytd"),
    ("其中评审通过", "家次", "reviews_passed_ytd"), ("精品企业", "家", "tier_jingpin"),
    ("标杆企业", "家", "tier_biaogan"), ("评审达标企业", "家", "tier_dabiao"),
    ("示范岗位", "个", "demo_posts"), ("本周新发现隐患", "条", "hazards_found_week"),
    ("本周完成整改", "条", "hazards_fixed_week"), ("未整改隐患", "条", "hazards_open"),
    ("其中重大隐患", "条", "hazards_major_open"), ("逾期未整改隐患", "条", "hazards_overdue"),
)


def headline(data: dict, scope: str | None) -> list[dict]:
    """Headline figures of the district or a subdistrict, with last week's values."""
    prog = {p["scope"]: p for p in data["progress"]}
    prog_prev = {p["scope"]: p for p in data["progress_prev"]}
    key = scope or "全区"
    p, pp = prog.get(key, {}), prog_prev.get(key, {})
    f, fp = data["figures"], data["figures_prev"]
    planned = data["prev_planned"]   # last week's plans (targets, links) exist to compare

    def item(label, unit, now, prev):
        text, css = delta(now, prev)
        return {"label": label, "unit": unit, "now": now, "prev": prev, "delta": text,
                "delta_class": css}

    def prog_item(label, unit, field, weekly=False):
        return item(label, unit, p.get(field), pp.get(field) if (planned or not weekly) else None)

    rows = [prog_item("在监管单位", "家", "supervised_units"),
            prog_item("帮扶对象", "家", "targets", weekly=True)]
    if scope is None:
        subs_now = len({t["subdistrict"] for t in data["targets"]})
        rows += [item("覆盖街道", "个", subs_now,
                      data.get("prev_target_subdistricts") if planned else None),
                 item("驻点区直单位", "个", f["departments"], fp["departments"]),
                 item("帮扶工作队干部", "名", f["team_cadres"], fp["team_cadres"]),
                 item("专家库专家", "名", f["experts"], fp["experts"]),
                 item("包保重点企业", "家", f["key_enterprises"],
                      fp["key_enterprises"] if planned else None)]
    rows += [prog_item(label, unit, field) for label, unit, field in HEADLINE_PROGRESS]
    return rows


def _progress_rows(data: dict, scope: str | None) -> list[dict]:
    prog = {p["scope"]: p for p in data["progress"]}
    if scope is None:
        rows = [{**prog[s], "label": s, "total": False} for s in data["subdistricts"] if s in prog]
        if "全区" in prog:
            rows.append({**prog["全区"], "label": "全区合计", "total": True})
        return rows
    prev = {p["scope"]: p for p in data["progress_prev"]}
    rows = []
    if scope in prev:
        row = dict(prev[scope])
        if not data["prev_planned"]:
            row["targets"] = None
        rows.append({**row, "label": "上周", "total": False})
    if scope in prog:
        rows.append({**prog[scope], "label": "本周", "total": True})
    return rows


def _data_quality(data: dict, scope: str | None) -> dict:
    """Counts for the one paragraph leaders read; row-level detail is in the fix list only."""
    q = data["quarantine"]
    mine = [r for r in q["rows"] if scope is None or r["subdistrict"] == scope]
    by_ledger: dict[str, int] = {}
    for r in mine:
        title = q["titles"].get(r["ledger"], r["ledger"])
        by_ledger[title] = by_ledger.get(title, 0) + 1
    inputs = data["inputs"]
    return {
        "files": len(inputs),
        "rows_read": sum(i["rows_read"] or 0 for i in inputs),
        "rows_loaded": sum(i["rows_loaded"] or 0 for i in inputs),
        "rows_quarantined": sum(i["rows_quarantined"] or 0 for i in inputs) or q["total_rows"],
        "rows_skipped": sum(i["rows_skipped"] or 0 for i in inputs),
        "mine": len(mine),
        "knock_ons": sum(1 for r in mine if r["knock_on_of"]),
        "weighing": sum(1 for r in mine if r["weighs"]),
        "by_ledger": "、".join(f"{k}{v}行" for k, v in by_ledger.items()),
        "by_subdistrict": "、".join(f"{k}{v}行" for k, v in q["by_subdistrict"].items()),
        "fixes": len(q["fixes"]),
        "conflicts": len(q["conflicts"]),
        "not_read": len(q["ignored"]) + len(data["unrecognised_files"]),
    }


ANNEXES = (("figures", "主要指标"), ("targets", "帮扶对象名单"), ("links", "部门驻点和帮扶工作队"),
           ("progress", "各街道进展"), ("majors", "重大隐患和疑似重大隐患"),
           ("overdue", "逾期和即将到期的隐患"), ("pairs", "下周联合帮扶和观摩学习安排"),
           ("results", "“双随机”抽查结果公示"))
ANNEXES_SUBDISTRICT = {"targets": "帮扶对象和包保企业", "progress": "本街道进展",
                       "overdue": "即将到期和逾期的隐患"}


def annexes(present: dict[str, bool], scope: str | None) -> list[dict]:
    """The 附件 that have something in them, numbered in order."""
    shown = [(key, (ANNEXES_SUBDISTRICT.get(key, title) if scope else title))
             for key, title in ANNEXES if present.get(key)]
    return [{"key": key, "no": i, "label": f"附件{i}", "title": title}
            for i, (key, title) in enumerate(shown, start=1)]


def addressed(lines: list[list[str]], compiler: str) -> list[list[str]]:
    """报/送/发 lines without the compiler itself: a report is never sent to its own office
    (区安委办 is how the district's 安全生产委员会办公室 is addressed)."""
    own = {compiler, compiler.replace("安全生产委员会办公室", "安委办")}
    own |= {"区" + o.split("区", 1)[1] for o in own if "区" in o[1:]}
    out = []
    for key, text in lines:
        parts = re.split(r"([、，；])", text)
        kept: list[str] = []
        for i in range(0, len(parts), 2):
            if parts[i].strip() in own:
                continue
            kept += [parts[i - 1]] if kept and i else []
            kept.append(parts[i])
        if kept:
            out.append([key, "".join(kept)])
    return out


def _dated(rows: list[dict]) -> list[dict]:
    return [{**h, "found_md": month_day(h["found_on"]) if h.get("found_on") else "",
             "due_md": month_day(h["due_on"]) if h.get("due_on") else ""} for h in rows]


def _focus(data: dict, targets: list[dict], major: list[dict], overdue: list[dict],
           deadlines: list[dict]) -> list[str]:
    """四、下步工作's 重点, from the data: 督办 deadlines in the next 14 days, targets not yet
    visited this phase, overdue items to escalate."""
    out = []
    due = [h for h in major if -14 <= h["days_overdue"] <= 0]
    due += [h for h in deadlines if h["level"] == "重大隐患" and h["hazard_id"] not in {m["hazard_id"] for m in due}]
    if due:
        out.append("盯紧挂牌督办期限：" + "、".join(f"{prose.short(h['unit'], 40)}（{month_day(h['due_on'])}到期）" for h in due[:6])
                   + (f"等{len(due)}条重大隐患" if len(due) > 6 else "") + "，督促按期整改、申请验收")
    first = data.get("phase_first_day")
    unvisited = [t for t in targets if not t.get("last_visit") or (first and t["last_visit"] < first)]
    if unvisited:
        since = f"{data['phase_name']}以来" if first else "至今"
        out.append(f"{since}尚未上门服务的帮扶对象{len(unvisited)}家（"
                   + "、".join(prose.short(t["name"], 40) for t in unvisited[:5]) + ("等）" if len(unvisited) > 5 else "）")
                   + "，下周优先安排")
    escalate = [h for h in major if "立案" in (h.get("next_action") or "")]
    talk = [h for h in overdue if h["level"] != "重大隐患" and h["days_overdue"] > 30]
    if escalate or talk:
        parts = []
        if escalate:
            parts.append(f"逾期的重大隐患{len(escalate)}条建议立案查处或责令停产整改（"
                         + "、".join(prose.short(h["unit"], 40) for h in escalate[:4]) + "）")
        if talk:
            parts.append(f"逾期30天以上的一般隐患{len(talk)}条约谈企业主要负责人")
        out.append("升级处置：" + "，".join(parts))
    general_due = [h for h in deadlines if h["level"] != "重大隐患"]
    if general_due:
        out.append(f"未来14天内到期的一般隐患{len(general_due)}条，由包保干部提前提醒企业")
    return out


def view(data: dict, scope: str | None, chart_svg: str, files: dict[str, str]) -> dict:
    """Everything one report's template needs, narrowed to ``scope`` (None = district)."""
    def mine(rows):
        return rows if scope is None else [x for x in rows if x.get("subdistrict") == scope]

    prog = {p["scope"]: p for p in data["progress"]}
    prog_prev = {p["scope"]: p for p in data["progress_prev"]}
    p, pp = prog.get(scope or "全区", {}), prog_prev.get(scope or "全区", {})
    f, fp = data["figures"], data["figures_prev"]
    comparable = not data.get("first_issue")
    targets = [{**t, "last_md": month_day(t["last_visit"])} for t in mine(data["targets"])]
    overdue, major = _dated(mine(data["overdue"])), _dated(mine(data["major_open"]))
    deadlines = _dated(mine(data.get("deadlines", [])))
    uncovered, pairs_ = mine(data["uncovered"]), mine(data["pairs"])
    team = data.get("team_members", {})
    links = [{**lk, "members": team.get(lk["dept"], "")} for lk in mine(data["links"])]
    keys = mine(data["key_enterprises"])
    cats = sorted((f.get("units_by_category") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    plan_start = dt.date.fromisoformat(data["start"]) + dt.timedelta(days=7)
    end = dt.date.fromisoformat(data["end"])
    scope_name = scope or "全区"
    issue_label = "首期" if data.get("first_issue") else f"第{data.get('issue_no', data['week_no'])}期"
    title = f"{data['district']}安全生产帮扶工作周报（{scope + '，' if scope else ''}{data['year']}年{issue_label}）"
    distribution = data["distribution"]
    if scope:
        dept = links[0]["dept"] if links else "驻点帮扶单位"
        distribution = [[key, text.format(subdistrict=scope, dept=dept)]
                        for key, text in data["subdistrict_distribution"]]
    distribution = addressed(distribution, data["compiler"])
    next_week = f"下周（{prose.day_range(plan_start, plan_start + dt.timedelta(days=6))}）"
    spot = _spot_view(data, scope)
    progress_rows = _progress_rows(data, scope)
    dept_rows = data.get("dept_work", [])
    if scope:
        dept_rows = [d for d in dept_rows if links and d["dept"] == links[0]["dept"]]
    sub_rows = [prog[s] for s in ([scope] if scope else data["subdistricts"]) if s in prog]
    practices = [{**g, "visited_md": month_day(g["visited_on"])} for g in mine(data.get("practices", []))]
    plan_done = [prose.plan_done_sentence(mine([x for x in data.get("plan_done", []) if x["kind"] == kind]), label)
                 for kind, label in (("联合帮扶", "“执法人员+专家”联合帮扶"), ("包保", "包保干部上门服务"),
                                      ("双随机抽查", "“双随机”抽查"))]
    pairs_unstaffed = sum(1 for x in pairs_ if not x["officer_1"])
    unstaffed = spot["spot_unstaffed"] + pairs_unstaffed
    staffing = prose.join([
        f"{len(uncovered)}家帮扶对象尚未落实包保干部或专家" if uncovered else "",
        f"{unstaffed}项检查因主管部门持证执法人员不足暂未派员" if unstaffed else ""], "；")
    suspected = mine(data["suspected"])
    present = {"figures": True, "targets": bool(targets), "links": bool(links) and not scope,
               "progress": bool(progress_rows), "majors": bool(major or suspected),
               "overdue": bool(overdue or (scope and deadlines)), "pairs": bool(pairs_ or uncovered),
               "results": bool(spot["draw"])}
    listed = annexes(present, scope)
    first_s = suspected[0] if suspected else None
    return {
        "scope": scope, "scope_name": scope_name, "title": title, "issue_label": issue_label,
        "timestamp": week_end_moment(data).isoformat(),
        "date_range": prose.day_range(dt.date.fromisoformat(data["start"]), end),
        "next_week": next_week,
        "issued_cn": prose.cn_date(data.get("issued_on") or data["end"]),
        "end_md": month_day(data["end"]),
        "prev_end_md": month_day((end - dt.timedelta(days=7)).isoformat()),
        "report_due": month_day((plan_start + dt.timedelta(days=4)).isoformat()),
        "deadline_range": prose.day_range(end + dt.timedelta(days=1), end + dt.timedelta(days=14)),
        "f": f, "p": p,
        "vs": lambda name, unit: versus(f.get(name), fp.get(name), unit) if comparable else "",
        "pvs": lambda name, unit: versus(p.get(name), pp.get(name), unit) if comparable else "",
        "comparison_note": _comparison_note(data),
        "prev_caption": "" if data.get("prev_basis") == "published" else "，上周未发布，按台账推算",
        "categories": "、".join(f"{k}{fmt_number(v)}家" for k, v in cats) or "（无分类数据）",
        "covered_subdistricts": len({t["subdistrict"] for t in data["targets"]}),
        "coverage_text": _coverage_text(mine(data.get("coverage", []))),
        "proposals": [lk for lk in links if lk.get("proposal")],
        "phase_text": f"专项行动{data['phase_label']}" if data.get("phase_label") else "本阶段",
        "kinds": prose.join([prose.counted(p.get("inspections_week"), "次", "执法检查"),
                             prose.counted(p.get("expert_visits_week"), "次", "专家指导"),
                             prose.counted(p.get("trainings_week"), "次", "培训"),
                             prose.counted(p.get("observations_week"), "次", "观摩学习")]),
        "reviews": prose.review_text(p),
        "problems_vs_hazards": prose.problems_vs_hazards(p),
        "headline": headline(data, scope),
        "chart_svg": chart_svg,
        "targets": targets[:CAPS["targets"]], "targets_total": len(targets),
        "key_units": keys, "team": team.get(links[0]["dept"], "") if (scope and links) else "",
        "links": links,
        "dept_sentences": [prose.department_sentence(d) for d in dept_rows],
        "sub_sentences": [prose.subdistrict_sentence(x) for x in sub_rows],
        "scorecard_text": _scorecard_text(data["scorecard"]) if not scope else "",
        "plan_done": [x for x in plan_done if x],
        "practices": practices,
        "progress_rows": progress_rows,
        "overdue": overdue[:CAPS["overdue"]], "overdue_total": len(overdue),
        "overdue_buckets": prose.overdue_buckets(overdue),
        "overdue_max": max((h["days_overdue"] for h in overdue), default=0),
        "overdue_longest": overdue and prose.short(max(overdue, key=lambda h: h["days_overdue"])["unit"], 40),
        "deadlines": deadlines[:CAPS["overdue"]],
        "major_open": major[:CAPS["major"]], "major_total": len(major),
        "major_items": [prose.major_item(h) for h in major[:10]],
        "major_overdue": sum(1 for h in major if h["days_overdue"] > 0),
        "major_stages": "、".join(f"{k}{v}条" for k, v in Counter(h["status"] for h in major).items()),
        "suspected": suspected[:CAPS["major"]], "suspected_total": len(suspected),
        "suspected_example": (f"{prose.short(first_s['unit'], 40)}“{prose.short(first_s['description'], 30)}”"
                              f"（{first_s['article']}）") if first_s else "",
        "scorecard": data["scorecard"],
        "subdistricts_targets_since": data.get("subdistricts_targets_since") or "",
        "exemplars": [t for t in targets if t.get("exemplar_name")],
        "no_exemplar": sum(1 for t in targets if not t.get("exemplar_name")),
        "joined": sum(1 for c in data["target_changes"] if c["change"] == "新增"),
        "left": sum(1 for c in data["target_changes"] if c["change"] == "退出"),
        "changes_text": "；".join(f"{c['change']}{prose.short(c['name'], 40)}（{c['reason']}）"
                                  for c in data["target_changes"]),
        "uncovered": uncovered[:CAPS["uncovered"]], "uncovered_total": len(uncovered),
        "staffing": staffing + "。" if staffing else "",
        "focus": _focus(data, targets, major, overdue, deadlines),
        "dq": _data_quality(data, scope),
        "pairs": pairs_[:CAPS["pairs"]], "pairs_total": len(pairs_),
        "pairs_unstaffed": pairs_unstaffed,
        **spot,
        "published_text": _week_text(spot["published_week"], data),
        "annexes": listed, "ax": {a["key"]: a for a in listed},
        "sources": "、".join(f"{i['ledger_title']}{fmt_number(i['rows_loaded'])}行（{(i['sha256'] or '')[:8]}）"
                            for i in data["inputs"][:CAPS["inputs"]]),
        "config_short": (data.get("config_sha256") or "—")[:8],
        "code_short": str(data.get("code_version") or "—")[:12],
        "files": files,
        "pdf_variant": PDF_VARIANT_LABEL.get(PDF_VARIANT, PDF_VARIANT),
        "distribution": distribution,
    }


def _coverage_text(rows: list[dict]) -> str:
    """全域覆盖 by each subdistrict's supervision priority: covered, or uncovered and why."""
    if not rows:
        return ""
    covered = [r for r in rows if r["covered"]]
    text = f"各街道监管重点{len(rows)}项中{len(covered)}项已有帮扶对象覆盖"
    missing = [f"{r['subdistrict']}{r['priority']}（{prose.short(r['note'] or '', 40)}）"
               for r in rows if not r["covered"]]
    return text + (f"，未覆盖：{'；'.join(missing)}" if missing else "")


def _comparison_note(data: dict) -> str:
    if data.get("first_issue"):
        return "本期为首期，无上周数据可比。"
    if data.get("prev_basis") != "published":
        return "说明：上周未生成周报，文中“较上周”按现有台账推算至上周末。"
    return ""


def _scorecard_text(card: list[dict]) -> str:
    if not card:
        return ""
    top = "、".join(c["subdistrict"] for c in card[:3])
    return f"8个街道作为帮扶对象排名，前三位为{top}，末位为{card[-1]['subdistrict']}。"


def _week_text(week_label_: str, data: dict) -> str:
    """2023-W31 → 上周（7月31日—8月6日） / 本周 — never the ISO code."""
    if week_label_ == data["week"]:
        return "本周"
    s = dt.date.fromisoformat(f"{week_label_}-1")          # its Monday (ISO week date)
    if week_label_ == data["prev_week"]:
        return f"上周（{prose.day_range(s, s + dt.timedelta(days=6))}）"
    return f"{month_day(s.isoformat())}所在周"


PDF_SAFE_KEYS = ("week", "week_no", "year", "start", "end", "plan_for", "prev_week", "district",
                 "bureau", "compiler", "code_version", "config_sha256", "signer")


def pdf_context(data: dict) -> dict:
    """The part of ``data`` a PDF template may see: no people, so no full phone numbers."""
    return {k: data[k] for k in PDF_SAFE_KEYS}


def render_html(env: jinja2.Environment, data: dict, scope: str | None, files: dict,
                chart: bool = True) -> str:
    """The report's HTML; ``chart=False`` leaves the chart out (the Word version has its
    caption only, so the main process never imports matplotlib)."""
    svg = ""
    if chart:
        from assets.report.charts import trend_svg  # matplotlib: only where PDFs are rendered
        svg = trend_svg(data["trend"][scope or "全区"])
    return env.get_template("report.html").render(d=pdf_context(data),
                                                  r=view(data, scope, svg, files))
