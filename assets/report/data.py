"""Everything the week's reports show, read from the warehouse in one go (报告数据).

``query_report_data(con, start)`` is the only place the report code reads DuckDB.  It
returns plain Python data (dicts, lists, str, int, float, bool, None), so the caller can
close the connection before anything is rendered, and the renderers never hold the
DuckDB file.  Dates are ISO strings.

Phone numbers: lists meant for the PDFs carry masked numbers only (``138****5678``);
the full numbers live in ``people`` and are used by the task-list workbook alone.

Figures "against last week" are computed as of the previous week's end (events up to
then, unit attributes as the ledgers state them now), with the same SQL as this week's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re

from assets.derive.build import sql as derive_sql
from assets.report.figures import compute_figures
from assets.report.manifest import code_version, set_week_variables
from pipeline.config import DEFAULT_CONFIG, DISTRIBUTION_KEYS
from pipeline.ledgers import BY_KEY, LEDGERS, PROBLEM_CODES, SKIP_CODES, SUBDISTRICTS
from pipeline.weeks import week_label


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
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
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


def _rows(con, query: str, params: list | None = None) -> list[dict]:
    cur = con.execute(query, params or [])
    names = [d[0] for d in cur.description]
    return [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _scalar(con, query: str, params: list | None = None):
    rows = con.execute(query, params or []).fetchall()
    return _plain(rows[0][0]) if rows else None


def _settings(con, week: str) -> dict:
    """The run's effective configuration for the week (falls back to the file's)."""
    rows = _rows(con, "SELECT config_json, config_sha256, spot_seed FROM run_settings "
                      "WHERE week = ? ORDER BY config_sha256", [week])
    if not rows:
        return {"config": json.loads(DEFAULT_CONFIG.model_dump_json()), "config_sha256": None,
                "spot_seed": None}
    row = rows[0]
    return {"config": json.loads(row["config_json"]), "config_sha256": row["config_sha256"],
            "spot_seed": row["spot_seed"]}


def _progress(con) -> list[dict]:
    """weekly_progress computed from the ledgers as of the week the variables name."""
    return _rows(con, derive_sql("weekly_progress"))


def _trend(con, start: dt.date) -> dict[str, list[dict]]:
    """Per week of the ISO year up to this week: hazards found, fixed, overdue at week end."""
    first = dt.date.fromisocalendar(start.isocalendar()[0], 1, 1)
    end = start + dt.timedelta(days=6)
    weeks = []
    day = first
    while day <= start:
        weeks.append(day)
        day += dt.timedelta(days=7)
    rows = _rows(con, """
        WITH weeks AS (
            SELECT w::DATE AS wstart, (w + INTERVAL 6 DAY)::DATE AS wend
            FROM generate_series(?::TIMESTAMP, ?::TIMESTAMP, INTERVAL 7 DAY) t(w)
        ), h AS (
            SELECT h.found_on, h.fixed_on, h.due_on, u.subdistrict
            FROM hazards h JOIN units u USING (unit_id)
            WHERE h.found_on <= ?
        )
        SELECT wstart, coalesce(subdistrict, '全区') AS scope,
            count(*) FILTER (found_on >= wstart) AS found,
            count(*) FILTER (fixed_on BETWEEN wstart AND wend) AS fixed,
            count(*) FILTER ((fixed_on IS NULL OR fixed_on > wend) AND due_on < wend) AS overdue,
            count(*) FILTER (fixed_on IS NULL OR fixed_on > wend) AS open
        FROM weeks JOIN h ON h.found_on <= weeks.wend
        GROUP BY GROUPING SETS ((wstart, subdistrict), (wstart))
        ORDER BY wstart, scope""", [first, start, end])
    found = {(r["wstart"], r["scope"]): r for r in rows}
    trend = {}
    for scope in ("全区", *SUBDISTRICTS):
        series = []
        for w in weeks:
            r = found.get((w.isoformat(), scope), {})
            series.append({"week": week_label(w), "week_no": w.isocalendar()[1],
                           "found": r.get("found", 0), "fixed": r.get("fixed", 0),
                           "overdue": r.get("overdue", 0), "open": r.get("open", 0)})
        trend[scope] = series
    return trend


def _people(con) -> dict[str, dict]:
    """Cadres and experts by id, with FULL phone numbers (task-list workbook only)."""
    people = {}
    for r in _rows(con, """SELECT cadre_id AS id, name, dept, title, phone, licence, on_team
                           FROM cadres ORDER BY cadre_id"""):
        people[r["id"]] = {**r, "kind": "cadre", "org": r["dept"],
                           "phone_masked": mask_phone(r["phone"])}
    for r in _rows(con, """SELECT expert_id AS id, name, employer, domains, phone, resident
                           FROM experts ORDER BY expert_id"""):
        people[r["id"]] = {**r, "kind": "expert", "org": r["employer"],
                           "domains": "、".join(r["domains"] or []),
                           "phone_masked": mask_phone(r["phone"])}
    return people


def _targets(con, week: str, start: dt.date, end: dt.date) -> list[dict]:
    return _rows(con, """
        WITH ex AS (
            SELECT a.unit_id, string_agg(e.name, '、' ORDER BY a.expert_id) AS experts,
                   list(a.expert_id ORDER BY a.expert_id) AS expert_ids
            FROM expert_assignments a LEFT JOIN experts e USING (expert_id)
            WHERE a.week = ? GROUP BY a.unit_id
        ), ca AS (
            SELECT a.unit_id, min(a.cadre_id) AS cadre_id FROM cadre_assignments a
            WHERE a.week = ? GROUP BY a.unit_id
        ), vis AS (
            SELECT unit_id, count(*) AS visits FROM visits
            WHERE visited_on BETWEEN ? AND ? GROUP BY unit_id
        )
        SELECT t.rank, t.unit_id, t.name, t.category, t.subdistrict, round(t.score, 1) AS score,
            t.selected_by, t.main_risk, t.reasons, ca.cadre_id, c.name AS cadre, c.dept AS cadre_dept,
            c.phone AS _phone, coalesce(ex.experts, '') AS experts,
            coalesce(ex.expert_ids, []) AS expert_ids, coalesce(vis.visits, 0) AS visits_week
        FROM priority_targets t
        LEFT JOIN ca USING (unit_id) LEFT JOIN cadres c ON c.cadre_id = ca.cadre_id
        LEFT JOIN ex USING (unit_id) LEFT JOIN vis USING (unit_id)
        WHERE t.week = ? ORDER BY t.rank, t.unit_id""", [week, week, start, end, week])


def _overdue(con, end: dt.date) -> list[dict]:
    """Open hazards past their deadline at week end: major first, then the most overdue."""
    return _rows(con, """
        SELECT h.hazard_id, h.unit_id, u.name AS unit, u.subdistrict, h.level, h.kind,
            h.description, h.found_on, h.due_on, (?::DATE - h.due_on) AS days_overdue,
            h.source_file, h.source_row
        FROM hazards h JOIN units u USING (unit_id)
        WHERE h.found_on <= ? AND (h.fixed_on IS NULL OR h.fixed_on > ?) AND h.due_on < ?
        ORDER BY h.level = '重大隐患' DESC, days_overdue DESC, h.hazard_id""",
        [end, end, end, end])


def _major_open(con, end: dt.date) -> list[dict]:
    return _rows(con, """
        SELECT h.hazard_id, h.unit_id, u.name AS unit, u.subdistrict, h.kind, h.description,
            h.found_on, h.due_on, (?::DATE - h.due_on) AS days_overdue
        FROM hazards h JOIN units u USING (unit_id)
        WHERE h.found_on <= ? AND (h.fixed_on IS NULL OR h.fixed_on > ?) AND h.level = '重大隐患'
        ORDER BY h.due_on, h.hazard_id""", [end, end, end])


def _quarantine(con) -> dict:
    order = {ledger.key: i for i, ledger in enumerate(LEDGERS)}
    summary = _rows(con, """
        SELECT ledger, code, any_value(reason) AS reason, count(DISTINCT (file, row)) AS rows,
               count(*) AS problems
        FROM quarantine GROUP BY ledger, code ORDER BY ledger, code""")
    for r in summary:
        r["ledger_title"] = BY_KEY[r["ledger"]].title if r["ledger"] in BY_KEY else r["ledger"]
        r["fix"] = PROBLEM_CODES.get(r["code"], r["reason"])
    summary.sort(key=lambda r: (order.get(r["ledger"], 99), r["code"]))
    problems = _rows(con, """
        SELECT ledger, file, row, list({'header': coalesce(header, column_name), 'value': value,
            'code': code, 'reason': reason} ORDER BY column_name, code) AS problems
        FROM quarantine GROUP BY ledger, file, row""")
    by_row = {(p["ledger"], p["file"], p["row"]): p["problems"] for p in problems}
    rows = []
    for r in _rows(con, "SELECT ledger, file, row, raw FROM quarantine_rows ORDER BY ledger, file, row"):
        raw = json.loads(r["raw"]) if isinstance(r["raw"], str) else (r["raw"] or {})
        rows.append({"ledger": r["ledger"], "file": r["file"], "row": r["row"], "raw": raw,
                     "problems": by_row.get((r["ledger"], r["file"], r["row"]), [])})
    # problems of rows whose raw copy is missing still need fixing
    seen = {(r["ledger"], r["file"], r["row"]) for r in rows}
    for key, probs in by_row.items():
        if key not in seen:
            rows.append({"ledger": key[0], "file": key[1], "row": key[2], "raw": {}, "problems": probs})
    rows.sort(key=lambda r: (order.get(r["ledger"], 99), r["file"], r["row"]))
    headers = {ledger.key: [c.header for c in ledger.columns] for ledger in LEDGERS}
    skipped = _rows(con, """SELECT ledger, code, count(*) AS rows FROM skipped_rows
                            GROUP BY ledger, code ORDER BY ledger, code""")
    for s in skipped:
        s["ledger_title"] = BY_KEY[s["ledger"]].title if s["ledger"] in BY_KEY else s["ledger"]
        s["meaning"] = SKIP_CODES.get(s["code"], s["code"])
    return {"summary": summary, "rows": rows, "total_rows": len(rows), "headers": headers,
            "titles": {ledger.key: ledger.title for ledger in LEDGERS}, "skipped": skipped}


def _units_info(con, unit_ids: list[str], end: dt.date) -> tuple[dict, dict]:
    """Unit details and open hazards (with deadlines) of the units in next week's tasks."""
    if not unit_ids:
        return {}, {}
    units = {r["unit_id"]: r for r in _rows(con, """
        SELECT unit_id, name, category, subdistrict, address, risk_flags, std_grade, employees
        FROM units WHERE unit_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY unit_id""", [unit_ids])}
    hazards: dict[str, list] = {}
    for r in _rows(con, """
            SELECT unit_id, hazard_id, level, kind, description, found_on, due_on,
                (?::DATE - due_on) AS days_overdue
            FROM hazards WHERE unit_id IN (SELECT unnest(?::VARCHAR[]))
              AND found_on <= ? AND (fixed_on IS NULL OR fixed_on > ?)
            ORDER BY unit_id, due_on, hazard_id""", [end, unit_ids, end, end]):
        hazards.setdefault(r.pop("unit_id"), []).append(r)
    return units, hazards


def query_report_data(con, start: dt.date) -> dict:
    """All the week's report data as plain Python; the connection can be closed after."""
    end = start + dt.timedelta(days=6)
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    prev_start = start - dt.timedelta(days=7)
    prev_week = week_label(prev_start)
    settings = _settings(con, week)
    config = settings["config"]
    bureau, district = config.get("bureau", DEFAULT_CONFIG.bureau), config.get("district",
                                                                              DEFAULT_CONFIG.district)
    # 编发与报送 as the run had them (runs from before the setting: the file's)
    report = config.get("report") or DEFAULT_CONFIG.report.model_dump()

    # Last week's figures first (as of its end), then this week's: variables end on this week.
    set_week_variables(con, prev_start, bureau)
    figures_prev = compute_figures(con)
    progress_prev = _progress(con)
    prev_planned = bool(_scalar(con, "SELECT count(*) FROM run_settings WHERE week = ?", [prev_week]))
    prev_target_subdistricts = _scalar(con, "SELECT count(DISTINCT subdistrict) FROM priority_targets "
                                            "WHERE week = ?", [prev_week])
    set_week_variables(con, start, bureau)
    figures = compute_figures(con)
    # the same SQL as the derived weekly_progress slice, on the same ledger state as last
    # week's column and the figures, so the two columns always compare like with like
    progress = [{k: v for k, v in r.items() if k != "week"} for r in _progress(con)]
    progress_prev = [{k: v for k, v in r.items() if k != "week"} for r in progress_prev]

    people = _people(con)
    targets = _targets(con, week, start, end)
    for t in targets:
        t["cadre_phone"] = mask_phone(t.pop("_phone"))

    links = _rows(con, """SELECT l.subdistrict, l.dept, round(l.fit, 2) AS fit, l.fixed, l.reason,
            (SELECT count(*) FROM cadres c WHERE c.dept = l.dept AND c.on_team) AS team_members
        FROM department_links l WHERE l.week = ? ORDER BY l.subdistrict""", [week])
    uncovered = _rows(con, """SELECT u.unit_id, t.name, t.subdistrict, t.rank, u.reason
        FROM uncovered_targets u LEFT JOIN priority_targets t ON t.unit_id = u.unit_id AND t.week = u.week
        WHERE u.week = ? ORDER BY t.rank, u.unit_id""", [week])

    def person(pid, field):
        p = people.get(pid) if pid else None
        return p[field] if p else ""

    pairs = _rows(con, """SELECT p.unit_id, t.name, t.subdistrict, t.rank, t.main_risk, p.cadre_id,
            p.expert_id, p.note
        FROM inspection_pairs p LEFT JOIN priority_targets t ON t.unit_id = p.unit_id AND t.week = p.week
        WHERE p.week = ? ORDER BY t.rank, p.unit_id""", [week])
    for p in pairs:
        p.update(cadre=person(p["cadre_id"], "name"), cadre_phone=person(p["cadre_id"], "phone_masked"),
                 expert=person(p["expert_id"], "name"),
                 expert_phone=person(p["expert_id"], "phone_masked"))
    spot = _rows(con, """SELECT s.pick, s.unit_id, s.name, s.subdistrict, u.category, s.inspector_1,
            s.inspector_2, s.seed
        FROM spot_checks s LEFT JOIN units u USING (unit_id)
        WHERE s.week = ? ORDER BY s.pick, s.unit_id""", [week])
    for s in spot:
        s.update(inspector_1_name=person(s["inspector_1"], "name"),
                 inspector_2_name=person(s["inspector_2"], "name"))

    cadre_tasks = _rows(con, """SELECT unit_id, cadre_id, duty FROM cadre_assignments
        WHERE week = ? ORDER BY cadre_id, unit_id""", [week])
    expert_tasks = _rows(con, """SELECT unit_id, expert_id, main_risk FROM expert_assignments
        WHERE week = ? ORDER BY expert_id, unit_id""", [week])
    task_units = sorted({r["unit_id"] for r in (*cadre_tasks, *expert_tasks, *pairs, *spot)})
    units_info, open_hazards = _units_info(con, task_units, end)

    inputs = _rows(con, """SELECT ledger, file, sha256, encoding, sheet, header_row, rows_read,
            rows_loaded, rows_quarantined, rows_skipped FROM ingest_files ORDER BY ledger, file""")
    for i in inputs:
        i["ledger_title"] = BY_KEY[i["ledger"]].title if i["ledger"] in BY_KEY else i["ledger"]
    unrecognised = [r["file"] for r in _rows(con, "SELECT file FROM unrecognised_files ORDER BY file")]

    return {
        "week": week, "week_no": start.isocalendar()[1], "year": start.isocalendar()[0],
        "start": start.isoformat(), "end": end.isoformat(),
        "plan_for": plan_for, "prev_week": prev_week, "prev_planned": prev_planned,
        "prev_target_subdistricts": prev_target_subdistricts,
        "district": district, "bureau": bureau, "compiler": f"{district}{report['compiler']}",
        "subdistricts": list(SUBDISTRICTS),
        "distribution": in_order(report["distribution"]),
        "subdistrict_distribution": in_order(report["subdistrict_distribution"]),
        "code_version": code_version(),
        "config_sha256": settings["config_sha256"], "spot_seed": settings["spot_seed"],
        "target_count_config": config.get("targets", {}).get("count"),
        "figures": figures, "figures_prev": figures_prev,
        "progress": progress, "progress_prev": progress_prev,
        "trend": _trend(con, start),
        "targets": targets,
        "key_enterprises": _rows(con, """SELECT rank, unit_id, name, subdistrict, round(score, 1) AS score,
            is_target FROM key_enterprises WHERE week = ? ORDER BY rank, unit_id""", [week]),
        "links": links,
        "uncovered": uncovered,
        "overdue": _overdue(con, end),
        "major_open": _major_open(con, end),
        "quarantine": _quarantine(con),
        "pairs": pairs,
        "spot_checks": spot,
        "cadre_tasks": cadre_tasks,
        "expert_tasks": expert_tasks,
        "task_units": units_info,
        "open_hazards": open_hazards,
        "people": people,
        "inputs": inputs,
        "unrecognised_files": unrecognised,
    }
