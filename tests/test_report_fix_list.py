"""The fix list (待修正清单) from real ingest output: a work list the clerk can go through —
rows in their own columns, exact reasons with suggestions, knock-ons under their cause,
the unit named, first seen, and what weighs on the figures."""

import datetime as dt

from factory import base_rows, uscc, write_ledgers
from openpyxl import load_workbook

from assets.report.data import _quarantine
from assets.report.fixes import date_detail, uscc_detail, visible
from assets.report.workbooks import fix_workbook

WHEN = dt.datetime(2023, 8, 13, 23, 59)


def fix_list(tmp_path, ingest, rows, run_date=dt.date(2023, 8, 20)):
    con = ingest(write_ledgers(tmp_path / "raw", rows), run_date)
    q = _quarantine(con)
    con.close()
    return q


def sheet_rows(ws):
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_quarantined_rows_keep_their_columns_with_every_reason(tmp_path, ingest):
    rows = base_rows()
    rows["units"][0] |= {"从业人数": "一百", "所属街道": "鲤城街道"}   # two problems in one row
    rows["hazards"][1] |= {"发现日期": "昨天"}
    q = fix_list(tmp_path, ingest, rows)
    by_key = {(r["ledger"], r["row"]): r for r in q["rows"]}
    unit = by_key[("units", 2)]
    assert unit["file"] == "units.csv" and unit["raw"]["从业人数"] == "一百" and unit["raw"]["所属街道"] == "鲤城街道"
    assert {p["header"] for p in unit["problems"]} == {"从业人数", "所属街道"}
    codes = {(s["ledger"], s["code"]): s["rows"] for s in q["summary"]}
    assert codes[("units", "not_a_number")] == 1 and codes[("units", "unknown_value")] == 1
    assert ("hazards", "bad_date") in codes
    assert ("hazards", "unknown_reference") in codes     # its unit was quarantined

    data = {"week": "2023-W32", "quarantine": q}
    path = fix_workbook(data, tmp_path / "待修正清单_2023-W32.xlsx", WHEN)
    wb = load_workbook(path)
    # in ledger order; visits and reviews of the quarantined unit are quarantined too
    assert wb.sheetnames == ["说明", "监管对象台账", "隐患排查治理台账", "帮扶服务记录", "标准化评审记录"]
    ws = wb["监管对象台账"]
    header, listed = sheet_rows(ws)
    assert header[:6] == ["文件", "行号", "单位名称", "所属街道", "首次发现", "影响统计"]
    assert header[-2:] == ["问题（全部）", "建议"]
    first = listed[0]
    assert (first["文件"], first["行号"], first["单位编号"]) == ("units.csv", 2, "FZ000001")
    assert first["从业人数"] == "一百" and first["所属街道"] == "鲤城街道"
    assert "不是有效的整数" in first["问题（全部）"] and "取值不在允许范围" in first["问题（全部）"]
    assert ws.cell(2, header.index("从业人数") + 1).fill.fgColor.rgb.endswith("FFE699")
    assert ws.cell(2, header.index("单位名称", 6) + 1).fill.fgColor.rgb in (None, "00000000")
    # the same content gives the same bytes
    again = fix_workbook(data, tmp_path / "again.xlsx", WHEN)
    assert again.read_bytes() == path.read_bytes()


def test_knock_on_rows_are_grouped_under_the_row_that_caused_them(tmp_path, ingest):
    rows = base_rows()
    rows["units"][0]["所属街道"] = "鲤城街道"            # quarantines FZ000001 …
    q = fix_list(tmp_path, ingest, rows)                  # … and its hazard, visit and review
    unit = next(r for r in q["rows"] if r["ledger"] == "units")
    knock_ons = [r for r in q["rows"] if r["knock_on_of"]]
    assert {r["ledger"] for r in knock_ons} == {"hazards", "visits", "reviews"}
    assert len(unit["knock_ons"]) == 3
    wb = load_workbook(fix_workbook({"week": "2023-W32", "quarantine": q}, tmp_path / "f.xlsx", WHEN))
    _, units = sheet_rows(wb["监管对象台账"])
    assert "另有3行因本行连带隔离" in units[0]["问题（全部）"]
    _, hazards = sheet_rows(wb["隐患排查治理台账"])
    assert hazards[0]["问题（全部）"].startswith("连带隔离：") and "units.csv 第2行" in hazards[0]["问题（全部）"]
    assert hazards[0]["单位名称"] == "泉州市丰泽区甲鞋服有限公司"      # the clerk knows whom to ask


def test_reasons_say_exactly_what_is_wrong_and_suggest_only_clear_fixes(tmp_path, ingest):
    rows = base_rows()
    rows["units"][0]["监管类别"] = "工贸企"                     # near-miss of 工贸企业
    rows["units"][1]["最近检查日期"] = "2023/2/30"               # optional: blanked, listed
    rows["units"][2]["统一社会信用代码"] = "91350503MA31DKY80B"   # wrong check character
    rows["hazards"][1]["单位编号"] = "FZ00002"                   # a digit short of FZ000002
    rows["hazards"][0]["隐患级别"] = "重大"
    q = fix_list(tmp_path, ingest, rows)
    problems = {(r["ledger"], p["code"]): p for r in q["rows"] for p in r["problems"]}
    assert "是否应为“工贸企业”" in problems[("units", "unknown_value")]["suggestion"]
    assert "第18位" in problems[("units", "uscc_check")]["detail"]
    assert "91350" not in problems[("units", "uscc_check")]["suggestion"]    # never a code
    assert "是否应为 FZ000002（丰泽区乙小学）" in problems[("hazards", "unknown_reference")]["suggestion"]
    fix = next(f for f in q["fixes"] if f["code"] == "bad_date")
    assert fix["row"] == 3 and fix["action"] == "已置空"
    assert date_detail("2023/2/30") == "2023/2/30：2月没有30日（2023年2月只有28天）"
    assert date_detail("2023-13-01") == "2023-13-01：没有13月"
    assert "现为17位" in uscc_detail("91350503MA31DKY8O", "uscc_format")
    assert "O" in uscc_detail("91350503MA31DKY8O", "uscc_format")
    assert uscc_detail(uscc(5), "uscc_check") == ""


def test_first_seen_and_what_weighs_on_the_figures(tmp_path, ingest):
    rows = base_rows()
    rows["units"][0]["从业人数"] = "很多"      # FZ000001 has an accident in three years
    con = ingest(write_ledgers(tmp_path / "raw", rows), dt.date(2023, 8, 9))
    con.close()
    q = fix_list(tmp_path / "later", ingest, rows, dt.date(2023, 8, 16))   # a week later, same row
    unit = next(r for r in q["rows"] if r["ledger"] == "units")
    assert unit["first_seen"] == "2023年第32周（8月7日—8月13日）"
    assert unit["weighs"] == "近三年有事故"


def test_invisible_characters_are_shown_in_the_fix_list():
    assert visible("FZ000123\u200b") == "FZ000123⟨U+200B⟩"
    assert visible("东海\u00a0街道") == "东海⟨U+00A0⟩街道"
    assert visible("泉州 某公司") == "泉州 某公司"
