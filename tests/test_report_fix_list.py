"""The fix list (待修正清单) from real ingest output: quarantined rows in their own columns."""

import datetime as dt

from factory import base_rows, write_ledgers
from openpyxl import load_workbook

from assets.report.data import _quarantine
from assets.report.workbooks import fix_workbook


def test_quarantined_rows_keep_their_columns_with_every_reason(tmp_path, ingest):
    rows = base_rows()
    rows["units"][0] |= {"从业人数": "一百", "所属街道": "鲤城街道"}   # two problems in one row
    rows["hazards"][1] |= {"发现日期": "昨天"}
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    q = _quarantine(con)
    con.close()

    by_key = {(r["ledger"], r["row"]): r for r in q["rows"]}
    unit = by_key[("units", 2)]
    assert unit["file"] == "units.csv" and unit["raw"]["从业人数"] == "一百" and unit["raw"]["所属街道"] == "鲤城街道"
    assert {p["header"] for p in unit["problems"]} == {"从业人数", "所属街道"}
    codes = {(s["ledger"], s["code"]): s["rows"] for s in q["summary"]}
    assert codes[("units", "not_a_number")] == 1 and codes[("units", "unknown_value")] == 1
    assert ("hazards", "bad_date") in codes
    assert ("hazards", "unknown_reference") in codes     # its unit was quarantined

    data = {"week": "2023-W32", "quarantine": q}
    path = fix_workbook(data, tmp_path / "待修正清单_2023-W32.xlsx", dt.datetime(2023, 8, 13, 23, 59))
    wb = load_workbook(path)
    # in ledger order; visits and reviews of the quarantined unit are quarantined too
    assert wb.sheetnames == ["说明", "监管对象台账", "隐患排查治理台账", "帮扶服务记录", "标准化评审记录"]
    ws = wb["监管对象台账"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["文件", "行号", "单位编号"] and header[-1] == "问题（全部）"
    values = [c.value for c in ws[2]]
    assert values[:3] == ["units.csv", 2, "FZ000001"]
    assert values[header.index("从业人数")] == "一百" and values[header.index("所属街道")] == "鲤城街道"
    assert "不是有效的整数" in values[-1] and "取值不在允许范围" in values[-1]
    assert ws.cell(2, header.index("从业人数") + 1).fill.fgColor.rgb.endswith("FFE699")
    assert ws.cell(2, header.index("单位名称") + 1).fill.fgColor.rgb in (None, "00000000")
    # the same content gives the same bytes
    again = fix_workbook(data, tmp_path / "again.xlsx", dt.datetime(2023, 8, 13, 23, 59))
    assert again.read_bytes() == path.read_bytes()
