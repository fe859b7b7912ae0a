"""What a report shows, shaped for its template (视图): data → template context.

``view(data, scope, chart, files)`` narrows the week's report data to the district
(scope None) or one subdistrict and adds the sentences' parts (comparisons with last
week, date ranges, capped lists).  Plain functions: no database, no file is written.
"""

from __future__ import annotations

import datetime as dt

import jinja2
import weasyprint

from assets.report import spot as lottery
from assets.report.pdf import PDF_VARIANT, PDF_VARIANT_LABEL, TEMPLATES

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


def month_day(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.month}月{d.day}日"


def cn_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


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
    env.filters.update(n=fmt_number, clip=clip, pairs=pairs, signed=signed)
    return env


# --- names ----------------------------------------------------------------------------

def file_names(data: dict) -> dict[str, str]:
    week = data["week"]
    return {
        "district": f"{data['district']}安全生产帮扶工作周报_{week}.pdf",
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
                "visited_cn": lottery.month_day(r["visited_on"])}
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


def _count(values) -> dict[str, int]:
    counted: dict[str, int] = {}
    for v in values:
        counted[v] = counted.get(v, 0) + 1
    return counted


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


def view(data: dict, scope: str | None, chart_svg: str, files: dict[str, str]) -> dict:
    """Everything one report's template needs, narrowed to ``scope`` (None = district)."""
    def mine(rows):
        return rows if scope is None else [x for x in rows if x.get("subdistrict") == scope]

    prog = {p["scope"]: p for p in data["progress"]}
    prog_prev = {p["scope"]: p for p in data["progress_prev"]}
    p, pp = prog.get(scope or "全区", {}), prog_prev.get(scope or "全区", {})
    f, fp = data["figures"], data["figures_prev"]
    targets, overdue, major = mine(data["targets"]), mine(data["overdue"]), mine(data["major_open"])
    uncovered, pairs_ = mine(data["uncovered"]), mine(data["pairs"])
    links = mine(data["links"])
    selected: dict[str, int] = {}
    for t in data["targets"]:
        selected[t["selected_by"]] = selected.get(t["selected_by"], 0) + 1
    cats = sorted((f.get("units_by_category") or {}).items(), key=lambda kv: (-kv[1], kv[0]))
    plan_start = dt.date.fromisoformat(data["start"]) + dt.timedelta(days=7)
    end = dt.date.fromisoformat(data["end"])
    prev_end = end - dt.timedelta(days=7)
    scope_name = scope or "全区"
    title = f"{data['district']}安全生产帮扶工作周报（{scope + '，' if scope else ''}{data['year']}年第{data['week_no']}期）"
    distribution = data["distribution"]
    if scope:
        dept = links[0]["dept"] if links else "驻点帮扶单位"
        distribution = [[key, text.format(subdistrict=scope, dept=dept)]
                        for key, text in data["subdistrict_distribution"]]
    return {
        "scope": scope, "scope_name": scope_name, "title": title,
        "timestamp": week_end_moment(data).isoformat(),
        "date_range": f"{month_day(data['start'])}—{month_day(data['end'])}",
        "plan_range": f"{month_day(plan_start.isoformat())}—"
                      f"{month_day((plan_start + dt.timedelta(days=6)).isoformat())}",
        "end_cn": cn_date(data["end"]), "end_md": month_day(data["end"]),
        "prev_end_md": month_day(prev_end.isoformat()),
        "f": f, "p": p,
        "vs": lambda name, unit: versus(f.get(name), fp.get(name), unit),
        "pvs": lambda name, unit: versus(p.get(name), pp.get(name), unit),
        "categories": "、".join(f"{k}{fmt_number(v)}家" for k, v in cats) or "（无分类数据）",
        "covered_subdistricts": len({t["subdistrict"] for t in data["targets"]}),
        "selected_by": "、".join(f"{k}{v}家" for k, v in sorted(selected.items())),
        "headline": headline(data, scope),
        "chart_svg": chart_svg,
        "targets": targets[:CAPS["targets"]], "targets_total": len(targets),
        "targets_visited": sum(1 for t in targets if t["visits_week"]),
        "links": links,
        "progress_rows": _progress_rows(data, scope),
        "overdue": overdue[:CAPS["overdue"]], "overdue_total": len(overdue),
        "overdue_major": sum(1 for h in overdue if h["level"] == "重大隐患"),
        "overdue_max": max((h["days_overdue"] for h in overdue), default=0),
        "major_open": major[:CAPS["major"]], "major_total": len(major),
        "major_stages": "、".join(f"{k}{v}条" for k, v in _count(h["status"] for h in major).items()),
        "suspected": mine(data["suspected"])[:CAPS["major"]], "suspected_total": len(mine(data["suspected"])),
        "scorecard": data["scorecard"],
        "phase_label": data.get("phase_label") or "第二阶段",
        "exemplars": [t for t in targets if t.get("exemplar_name")][:CAPS["targets"]],
        "no_exemplar": sum(1 for t in targets if not t.get("exemplar_name")),
        "joined": sum(1 for c in data["target_changes"] if c["change"] == "新增"),
        "left": sum(1 for c in data["target_changes"] if c["change"] == "退出"),
        "changes_text": "；".join(f"{c['change']}{c['name']}：{c['reason']}" for c in data["target_changes"]),
        "uncovered": uncovered[:CAPS["uncovered"]], "uncovered_total": len(uncovered),
        "dq": _data_quality(data, scope),
        "pairs": pairs_[:CAPS["pairs"]], "pairs_total": len(pairs_),
        "pairs_unstaffed": sum(1 for x in pairs_ if not x["officer_1"]),
        **_spot_view(data, scope),
        "inputs": data["inputs"][:CAPS["inputs"]], "inputs_total": len(data["inputs"]),
        "files": files,
        "pdf_variant": PDF_VARIANT_LABEL.get(PDF_VARIANT, PDF_VARIANT),
        "weasyprint": weasyprint.__version__,
        "distribution": distribution,
    }


PDF_SAFE_KEYS = ("week", "week_no", "year", "start", "end", "plan_for", "prev_week", "district",
                 "bureau", "compiler", "code_version", "config_sha256")


def pdf_context(data: dict) -> dict:
    """The part of ``data`` a PDF template may see: no people, so no full phone numbers."""
    return {k: data[k] for k in PDF_SAFE_KEYS}


def render_html(env: jinja2.Environment, data: dict, scope: str | None, files: dict) -> str:
    from assets.report.charts import trend_svg  # matplotlib: only where PDFs are rendered
    chart = trend_svg(data["trend"][scope or "全区"])
    return env.get_template("report.html").render(d=pdf_context(data),
                                                  r=view(data, scope, chart, files))
