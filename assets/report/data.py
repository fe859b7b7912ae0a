"""Everything the week's reports show, read from the warehouse in one go (报告数据).

``query_report_data(con, start)`` is the only place the report code reads DuckDB: named
queries in ``queries/``, run with the week's variables.  It returns plain Python data
(dicts, lists, str, int, float, bool, None), so the caller can close the connection
before anything is rendered, and the renderers never hold the DuckDB file.  Dates are
ISO strings.  What the reports compare with the past (last week's figures and progress
as of its end, the hazard trend) derive stored for the week; nothing is recomputed here.

Phone numbers: lists meant for the PDFs carry masked numbers only (``138****5678``);
the full numbers live in ``people`` and are used by the task-list workbook and the notices.
Next week's 双随机 checks (``spot_checks``, ``spot_next_draw``) are for the drawing
departments' notices alone; the PDFs see their counts (``spot_summary``) and the results
published this week (``spot_results``, ``spot_draws``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from pathlib import Path
from types import SimpleNamespace

from assets.report.fixes import plain, visible, work_list
from assets.report.manifest import code_version
from pipeline.core.campaign import phase_of_week, phases
from pipeline.core.config import DISTRIBUTION_KEYS, issue_number, load_config
from pipeline.core.ledgers import BY_KEY, LEDGERS, PROBLEM_CODES, SKIP_CODES, SUBDISTRICTS
from pipeline.core.warehouse import named_sql, set_week
from pipeline.core.weeks import week_label

QUERIES = Path(__file__).with_name("queries")


def in_order(lines: dict[str, str]) -> list[list[str]]:
    """报、送、发、抄送 lines ([key, text]) in the order a 简报 prints them (the stored
    configuration's JSON sorts its keys)."""
    return [[key, lines[key]] for key in DISTRIBUTION_KEYS if key in lines]


def mask_phone(phone) -> str:
    """``13812345678`` → ``138****5678``; other numbers keep at most 3 + 4 digits."""
    if phone is None:
        return ""
    digits = re.sub(r"\D", "", str(phone))
    if not digits:
        return ""
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" + digits[-2:] if len(digits) > 2 else "****"


def _plain(value):
    """DuckDB values as plain Python: dates as ISO strings, decimals as numbers."""
    if isinstance(value, dt.date):      # datetime is a date too
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def rows(con, name: str, **params) -> list[dict]:
    """The rows of the named query ``queries/<name>.sql`` as plain dicts."""
    cur = con.execute(named_sql(str(QUERIES), name), params or None)
    names = [d[0] for d in cur.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _settings(con) -> dict:
    """The run's effective configuration for the week (the file's, if derive never ran)."""
    found = rows(con, "settings")
    if not found:
        return {"config": load_config().model_dump(mode="json"), "config_sha256": None}
    return {"config": json.loads(found[0]["config_json"]), "config_sha256": found[0]["config_sha256"]}


def _spot(con, start: dt.date, config: dict, person) -> dict:
    """The 双随机 part: next week's checks (confidential: for the drawing departments'
    notices only), their counts (what a distributed report may say), and the results of
    the draw published this week with the draws' records and registers (一公开)."""
    checks = rows(con, "spot_checks")
    for s in checks:
        s["officers"] = [{"id": pid, "name": person(pid, "name"), "title": person(pid, "title"),
                          "phone": person(pid, "phone"), "licence": person(pid, "licence")}
                         for pid in (s["officer_1"], s["officer_2"]) if pid]
    lag = (config.get("spot_checks") or {}).get("publish_lag_weeks", 0)
    published = week_label(start - dt.timedelta(days=7 * lag))
    draws = rows(con, "spot_draws", plan_for=published)
    upcoming = rows(con, "spot_draws", plan_for=week_label(start + dt.timedelta(days=7)))
    for d in (*draws, *upcoming):
        d["witnesses"] = json.loads(d["witnesses"] or "[]")
    return {
        "spot_checks": checks,
        # for the notices: when and by whom next week's draw was made (never its seed)
        "spot_next_draw": next(({k: d[k] for k in ("draw_no", "kind", "reason", "drawn_at", "operator",
                                                   "witnesses")} for d in upcoming if d["in_force"]), None),
        "spot_summary": rows(con, "spot_summary"),
        "spot_published_week": published,
        "spot_results": rows(con, "spot_results"),
        "spot_draws": draws,
        "spot_registers": rows(con, "spot_registers", plan_for=published),
    }


def _trend(con, start: dt.date) -> dict[str, list[dict]]:
    """Per week of the ISO year up to this week: hazards found, fixed, overdue at week end."""
    found = {(r["scope"], r["week_start"]): r for r in rows(con, "trend")}
    first = dt.date.fromisocalendar(start.isocalendar()[0], 1, 1)
    weeks = [first + dt.timedelta(days=7 * i) for i in range((start - first).days // 7 + 1)]
    trend = {}
    for scope in ("全区", *SUBDISTRICTS):
        series = []
        for w in weeks:
            r = found.get((scope, w.isoformat()), {})
            series.append({"week": week_label(w), "week_no": w.isocalendar()[1],
                           "found": r.get("found", 0), "fixed": r.get("fixed", 0),
                           "overdue": r.get("overdue", 0), "open": r.get("open", 0)})
        trend[scope] = series
    return trend


def _people(con) -> dict[str, dict]:
    """Cadres and experts by id, with FULL phone numbers (task-list workbook only)."""
    people = {}
    for r in rows(con, "cadres"):
        people[r["id"]] = {**r, "kind": "cadre", "org": r["dept"],
                           "phone_masked": mask_phone(r["phone"])}
    for r in rows(con, "experts"):
        people[r["id"]] = {**r, "kind": "expert", "org": r["employer"],
                           "domains": "、".join(r["domains"] or []),
                           "phone_masked": mask_phone(r["phone"])}
    return people


def _titled(entries: list[dict]) -> list[dict]:
    for r in entries:
        r["ledger_title"] = BY_KEY[r["ledger"]].title if r["ledger"] in BY_KEY else r["ledger"]
    return entries


def _unit_names(con) -> dict[str, dict]:
    """Unit number (as the checks compare it) → name, subdistrict, whether quarantined."""
    units: dict[str, dict] = {}
    for r in rows(con, "unit_names"):
        key = plain(r["unit_id"])
        if key and (key not in units or not r["quarantined"]):
            units[key] = r
    return units


def _quarantine(con) -> dict:
    order = {ledger.key: i for i, ledger in enumerate(LEDGERS)}
    summary = _titled(rows(con, "quarantine_summary"))
    for r in summary:
        r["fix"] = PROBLEM_CODES.get(r["code"], r["reason"])
    summary.sort(key=lambda r: (order.get(r["ledger"], 99), r["code"]))
    by_row = {(p["ledger"], p["file"], p["row"]): p["problems"] for p in rows(con, "quarantine_problems")}
    found = []
    for r in rows(con, "quarantine_rows"):
        raw = json.loads(r["raw"]) if isinstance(r["raw"], str) else (r["raw"] or {})
        found.append({"ledger": r["ledger"], "file": r["file"], "row": r["row"], "raw": raw,
                      "first_seen": r["first_seen"],
                      "problems": by_row.get((r["ledger"], r["file"], r["row"]), [])})
    # problems of rows whose raw copy is missing still need fixing
    seen = {(r["ledger"], r["file"], r["row"]) for r in found}
    for key, probs in by_row.items():
        if key not in seen:
            found.append({"ledger": key[0], "file": key[1], "row": key[2], "raw": {},
                          "first_seen": None, "problems": probs})
    found.sort(key=lambda r: (order.get(r["ledger"], 99), r["file"], r["row"]))
    units = _unit_names(con)
    derived = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'priority_targets'"
                          ).fetchone()[0]
    targets = {plain(r["unit_id"]) for r in rows(con, "targets_so_far")} if derived else set()
    listed = work_list(found, units, targets)
    headers = {ledger.key: [c.header for c in ledger.columns] for ledger in LEDGERS}
    skipped = _titled(rows(con, "skipped"))
    for s in skipped:
        s["meaning"] = SKIP_CODES.get(s["code"], s["code"])
    fixes = _titled(rows(con, "cell_fixes"))
    for f in fixes:
        f["value"] = visible(f["value"])
    by_subdistrict: dict[str, int] = {}
    for r in listed:
        by_subdistrict[r["subdistrict"] or "街道不明"] = by_subdistrict.get(r["subdistrict"] or "街道不明", 0) + 1
    return {"summary": summary, "rows": listed, "total_rows": len(listed), "headers": headers,
            "titles": {ledger.key: ledger.title for ledger in LEDGERS}, "skipped": skipped,
            "fixes": fixes, "ignored": rows(con, "ignored_files"),
            "conflicts": _titled(rows(con, "conflicts")),
            "by_subdistrict": dict(sorted(by_subdistrict.items(), key=lambda kv: (-kv[1], kv[0])))}


def _units_info(con, unit_ids: list[str]) -> tuple[dict, dict]:
    """Unit details and open hazards (with deadlines) of the units in next week's tasks."""
    if not unit_ids:
        return {}, {}
    units = {r["unit_id"]: r for r in rows(con, "task_units", units=unit_ids)}
    hazards: dict[str, list] = {}
    for r in rows(con, "task_hazards", units=unit_ids):
        hazards.setdefault(r.pop("unit_id"), []).append(r)
    return units, hazards


def _issue(report: dict, start: dt.date, config: dict) -> dict:
    """期号 (counted from the mechanism's first week), 印发 date (the Monday after the week),
    签发 line, and the first day of the campaign's phase (for "not yet visited this phase")."""
    number = issue_number(report["first_week"], start) if report.get("first_week") else None
    configured = [SimpleNamespace(**p) for p in (config.get("campaign") or {}).get("phases", [])]
    phase = phase_of_week(start + dt.timedelta(days=6), configured)
    # the phase from which the 8 subdistricts are assistance targets too (the scorecard's basis)
    since = next((p for p in phases(configured) if p.subdistricts_as_targets), None)
    return {"issue_no": number or start.isocalendar()[1], "first_issue": number == 1,
            "issued_on": (start + dt.timedelta(days=7)).isoformat(),
            "signer": report.get("signer") or "",
            "phase_first_day": phase.start.isoformat() if phase else None,
            "phase_name": f"专项行动{phase.ordinal}" if phase else None,
            "phase_label": phase.label if phase else None,
            "subdistricts_targets_since": f"专项行动{since.ordinal}" if since else None}


def query_report_data(con, start: dt.date) -> dict:
    """All the week's report data as plain Python; the connection can be closed after."""
    set_week(con, start)
    con.execute(named_sql(str(QUERIES), "duty_cadre"))
    end = start + dt.timedelta(days=6)
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    settings = _settings(con)
    config = settings["config"]
    report = config["report"]
    figures = {r["basis"]: json.loads(r["figures"]) for r in rows(con, "figures")}
    progress: dict[str, list] = {"now": [], "published": [], "recomputed": []}
    for r in rows(con, "progress"):
        progress[r.pop("basis")].append(r)
    # 上周: what bangfu published for last week; recomputed as of its end only when last
    # week was never run (and then the reports say so)
    prev_basis = "published" if "published" in figures else "recomputed"
    previous = rows(con, "previous_plan")[0]

    people = _people(con)
    targets = rows(con, "targets")
    for t in targets:
        t["cadre_phone"] = mask_phone(t.pop("_phone"))

    def person(pid, field):
        p = people.get(pid) if pid else None
        return p[field] if p else ""

    pairs = rows(con, "pairs")
    for p in pairs:
        p.update(officer_1_name=person(p["officer_1"], "name"),
                 officer_1_phone=person(p["officer_1"], "phone_masked"),
                 officer_2_name=person(p["officer_2"], "name"),
                 officer_2_phone=person(p["officer_2"], "phone_masked"),
                 expert=person(p["expert_id"], "name"),
                 expert_phone=person(p["expert_id"], "phone_masked"),
                 remark="；".join(x for x in (p["reason"], p["note"]) if x))
    spot = _spot(con, start, config, person)
    cadre_tasks, expert_tasks = rows(con, "cadre_tasks"), rows(con, "expert_tasks")
    task_units = sorted({r["unit_id"] for r in (*cadre_tasks, *expert_tasks, *pairs, *spot["spot_checks"])})
    units_info, open_hazards = _units_info(con, task_units)

    return {
        "week": week, "week_no": start.isocalendar()[1], "year": start.isocalendar()[0],
        "start": start.isoformat(), "end": end.isoformat(),
        "plan_for": plan_for, "prev_week": week_label(start - dt.timedelta(days=7)),
        "prev_planned": bool(previous["planned"]),
        "prev_target_subdistricts": previous["target_subdistricts"],
        "district": config["district"], "bureau": config["bureau"],
        "compiler": f"{config['district']}{report['compiler']}",
        "subdistricts": list(SUBDISTRICTS),
        "distribution": in_order(report["distribution"]),
        "subdistrict_distribution": in_order(report["subdistrict_distribution"]),
        "code_version": code_version(),
        "config_sha256": settings["config_sha256"],
        "target_count_config": config["targets"]["count"],
        "figures": figures.get("now", {}), "figures_prev": figures.get(prev_basis, {}),
        "progress": progress["now"], "progress_prev": progress[prev_basis],
        "prev_basis": prev_basis,
        **_issue(report, start, config),
        "trend": _trend(con, start),
        "targets": targets,
        "key_enterprises": rows(con, "key_enterprises"),
        "links": rows(con, "links"),
        "coverage": rows(con, "coverage"),
        "uncovered": rows(con, "uncovered"),
        "overdue": rows(con, "overdue"),
        "deadlines": rows(con, "deadlines"),
        "practices": rows(con, "practices"),
        "plan_done": [r for r in rows(con, "plan_done") if r["plan_status"] != "不予检查"],
        "dept_work": rows(con, "dept_work", bureau=config["bureau"]),
        "team_members": {r["dept"]: r["members"] for r in rows(con, "team_members")},
        "major_open": rows(con, "major_open"),
        "suspected": rows(con, "suspected"),
        "scorecard": rows(con, "scorecard"),
        "last_service": {r["unit_id"]: r["last_service"] for r in rows(con, "last_service")},
        "target_changes": rows(con, "target_changes"),
        "quarantine": _quarantine(con),
        "pairs": pairs,
        **spot,
        "cadre_tasks": cadre_tasks,
        "expert_tasks": expert_tasks,
        "task_units": units_info,
        "open_hazards": open_hazards,
        "people": people,
        "inputs": _titled(rows(con, "inputs")),
        "unrecognised_files": [r["file"] for r in rows(con, "unrecognised")],
    }
