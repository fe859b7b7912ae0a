"""The fix list as a work list (待修正清单): what exactly is wrong, where, and what to do.

From the quarantine and the rows loaded with a fix, plain Python (no database):

* each reason says exactly what is wrong (``2023/2/30``: 2月没有30日; a credit code's
  failing check named) and suggests the fix where it is clear: the nearest allowed value
  for a near-miss, the existing unit number for a near-miss, never a credit code that
  merely passes the check;
* invisible characters in a quoted value are shown (``FZ000123⟨U+200B⟩``);
* hazard, visit and review rows carry their unit's name and subdistrict;
* a row quarantined only because its unit's own row is quarantined (a knock-on) is put
  under that row: the clerk fixes one cell, not seven;
* each row shows when it was first seen in quarantine, and rows that weigh on the figures
  (a unit with accidents, an open major hazard, a priority target) are marked 影响统计.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata

from pipeline.core.ledgers import BY_KEY, INVISIBLE, normalise_header
from pipeline.core.uscc import ALPHABET, org_code_check_char, uscc_check_char

DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
UNIT_COLUMN = "单位编号"


def visible(value) -> str:
    """The value with every invisible or unusual space shown as ⟨U+XXXX⟩."""
    if value is None:
        return ""
    out = []
    for ch in str(value):
        if INVISIBLE.fullmatch(ch) and ch != " " or unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp"):
            out.append(f"⟨U+{ord(ch):04X}⟩")
        else:
            out.append(ch)
    return "".join(out)


def plain(value) -> str:
    """A key or listed value as the checks compare it (no white space, no invisible characters)."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value or "")))


def date_detail(value: str) -> str:
    m = DATE.match(str(value or ""))
    if not m:
        return ""
    year, month, day = map(int, m.groups())
    if not 1 <= month <= 12:
        return f"{value}：没有{month}月"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{value}：{month}月没有{day}日（{year}年{month}月只有{last}天）"
    return ""


def uscc_detail(value: str, code: str) -> str:
    """Which rule a credit code breaks, without proposing a code."""
    text = plain(value).upper()
    if code == "uscc_format":
        wrong = sorted({ch for ch in text if ch not in ALPHABET})
        parts = [f"现为{len(text)}位，应为18位"] if len(text) != 18 else []
        if wrong:
            parts.append(f"含有{'、'.join(wrong)}（代码不用字母I、O、S、V、Z，也不用小写和标点）")
        return "；".join(parts)
    if code == "uscc_check" and len(text) == 18:
        failing = []
        if org_code_check_char(text[8:16]) != text[16]:
            failing.append("第17位（组织机构代码的校验码）与前面各位对不上")
        if uscc_check_char(text[:17]) != text[17]:
            failing.append("第18位（整个代码的校验码）与前17位对不上")
        return "；".join(failing) + "：多半有一位抄错，请对照营业执照逐位核对" if failing else ""
    return ""


def nearest_value(ledger: str, column: str, value: str) -> str:
    """The allowed value a near-miss probably meant, if one is close enough."""
    col = next((c for c in BY_KEY[ledger].columns if c.name == column), None) if ledger in BY_KEY else None
    if col is None or not col.values:
        return ""
    spellings = {normalise_header(a): v for v, aliases in col.values.items() for a in (v, *aliases)}
    parts = [p for p in re.split(r"[、，,；;\s]+", str(value or "")) if p]
    guesses = []
    for part in parts:
        if normalise_header(part) in spellings:
            continue
        near = difflib.get_close_matches(normalise_header(part), list(spellings), n=1, cutoff=0.5)
        if near:
            guesses.append(f"“{part}”是否应为“{spellings[near[0]]}”？")
    return "".join(guesses)


def nearest_unit(value: str, units: dict[str, dict]) -> str:
    key = plain(value)
    near = difflib.get_close_matches(key, [u for u, info in units.items() if not info["quarantined"]],
                                     n=1, cutoff=0.8)
    return f"是否应为 {near[0]}（{units[near[0]]['name'] or '名称未填'}）？" if near else ""


def explain(ledger: str, problem: dict, units: dict[str, dict]) -> dict:
    """A problem with its exact detail and, where clear, a suggested fix."""
    code, value = problem.get("code"), problem.get("value")
    detail, suggestion = "", ""
    if code == "bad_date":
        detail = date_detail(value)
    elif code in ("uscc_format", "uscc_check"):
        detail = uscc_detail(value, code)
    elif code == "unknown_value":
        suggestion = nearest_value(ledger, problem.get("column"), value)
    elif code == "unknown_reference" and problem.get("header") == UNIT_COLUMN:
        suggestion = nearest_unit(value, units)
    return {**problem, "value": visible(value), "detail": detail, "suggestion": suggestion}


def week_of(day) -> str:
    """2023-08-09 → 2023年第32周（8月7日—8月13日）."""
    if not day:
        return ""
    day = dt.date.fromisoformat(str(day)[:10])
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    year, week, _ = day.isocalendar()
    return f"{year}年第{week}周（{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日）"


def weighs(ledger: str, raw: dict, unit_key: str, targets: set[str]) -> str:
    """Why the row weighs on the figures, if it does (影响统计)."""
    reasons = []
    if unit_key in targets:
        reasons.append("帮扶对象")
    if ledger == "units" and str(raw.get("近三年事故起数") or "0").strip() not in ("", "0"):
        reasons.append("近三年有事故")
    if ledger == "hazards" and "重大" in str(raw.get("隐患级别") or "") and not raw.get("整改完成日期"):
        reasons.append("未整改重大隐患")
    return "、".join(reasons)


def work_list(rows: list[dict], units: dict[str, dict], targets: set[str]) -> list[dict]:
    """The quarantined rows ready for the clerk: explained, located, knock-ons grouped."""
    quarantined_units = {plain(u): info for u, info in units.items() if info["quarantined"]}
    by_unit_row: dict[tuple, dict] = {}
    out = []
    for row in rows:
        raw = row["raw"] or {}
        unit_key = plain(raw.get(UNIT_COLUMN))
        info = units.get(unit_key) or {}
        entry = {**row, "unit_name": info.get("name") or raw.get("单位名称") or raw.get("企业名称") or "",
                 "subdistrict": info.get("subdistrict") or raw.get("所属街道") or "",
                 "first_seen": week_of(row.get("first_seen")),
                 "weighs": weighs(row["ledger"], raw, unit_key, targets),
                 "problems": [explain(row["ledger"], p, units) for p in row["problems"]],
                 "knock_on_of": None, "knock_ons": []}
        if row["ledger"] == "units":
            by_unit_row[(row["file"], row["row"])] = entry
        else:
            cause = quarantined_units.get(unit_key)
            only_unit = all(p["code"] == "unknown_reference" and p.get("header") == UNIT_COLUMN
                            for p in row["problems"])
            if cause and only_unit:
                entry["knock_on_of"] = cause
        out.append(entry)
    for entry in out:
        cause = entry["knock_on_of"]
        if cause and (cause["file"], cause["row"]) in by_unit_row:
            by_unit_row[(cause["file"], cause["row"])]["knock_ons"].append(entry)
    return out
