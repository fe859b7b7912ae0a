"""Each bad-input rule, with a small fixture of its own: the bad row lands in quarantine
with the right code and column, the good rows load, and every row is accounted for."""

import pytest
from factory import base_rows, uscc, write_ledgers

from pipeline.core.ledgers import BY_KEY

ROW_RULES = {"fixed_before_found", "deadline_before_found", "solved_exceeds_found"}

# (ledger, row index, header, bad value, expected code, expected column)
CASES = [
    ("units", 0, "单位编号", "", "missing_required", "unit_id"),
    ("units", 0, "单位名称", "  ", "missing_required", "name"),
    ("units", 0, "统一社会信用代码", "", "missing_required", "uscc"),
    ("units", 0, "统一社会信用代码", "91350503MA31DKY8", "uscc_format", "uscc"),
    ("units", 0, "统一社会信用代码", "91350503MA31DKY80O", "uscc_format", "uscc"),
    ("units", 0, "统一社会信用代码", "91350503MA31DKY80B", "uscc_check", "uscc"),
    ("units", 0, "统一社会信用代码", uscc(9, "52"), "uscc_kind_mismatch", "uscc"),
    ("units", 0, "监管类别", "矿山", "unknown_value", "category"),
    ("units", 0, "所属街道", "鲤城街道", "unknown_value", "subdistrict"),
    ("units", 0, "经营状态", "迁出", "unknown_value", "status"),
    ("units", 0, "标准化等级", "四级", "unknown_value", "std_grade"),
    ("units", 0, "创建类别", "优秀", "unknown_value", "tier"),
    ("units", 0, "风险特征", "粉尘涉爆、高空作业", "unknown_value", "risk_flags"),
    ("units", 0, "从业人数", "-5", "negative_number", "employees"),
    ("units", 0, "从业人数", "9999999", "absurd_number", "employees"),
    ("units", 0, "从业人数", "一百", "not_a_number", "employees"),
    ("units", 0, "近三年事故起数", "1.5", "not_a_number", "accidents_3y"),
    ("units", 0, "最近检查日期", "2023-13-01", "bad_date", "last_inspected"),
    ("units", 0, "最近检查日期", "1999-12-31", "date_too_early", "last_inspected"),
    ("units", 0, "最近检查日期", "2023-08-21", "date_in_future", "last_inspected"),
    ("hazards", 0, "单位编号", "FZ999999", "unknown_reference", "unit_id"),
    ("hazards", 0, "隐患级别", "特大隐患", "unknown_value", "level"),
    ("hazards", 0, "发现途径", "群众举报", "unknown_value", "source"),
    ("hazards", 0, "发现日期", "昨天", "bad_date", "found_on"),
    ("hazards", 0, "发现日期", "2024-01-01", "date_in_future", "found_on"),
    ("hazards", 0, "整改期限", "2023-07-01", "deadline_before_found", "due_on"),
    ("hazards", 1, "整改完成日期", "2023-06-01", "fixed_before_found", "fixed_on"),
    ("departments", 1, "是否参与帮扶", "也许", "unknown_value", "participates"),
    ("departments", 1, "职责领域", "航天", "unknown_value", "domains"),
    ("experts", 0, "每周服务上限", "500", "absurd_number", "weekly_cap"),
    ("experts", 0, "专业领域", "核电", "unknown_value", "domains"),
    ("cadres", 1, "所属单位", "区外事办", "unknown_reference", "dept"),
    ("cadres", 1, "帮扶工作队", "不清楚", "unknown_value", "on_team"),
    ("visits", 0, "干部工号", "XX999", "unknown_reference", "cadre_id"),
    ("visits", 0, "专家编号", "ZJ001、ZJ404", "unknown_reference", "expert_ids"),
    ("visits", 0, "服务方式", "座谈", "unknown_value", "kind"),
    ("visits", 0, "解决问题数", "9", "solved_exceeds_found", "problems_solved"),
    ("visits", 0, "服务日期", "2030-01-01", "date_in_future", "visited_on"),
    ("reviews", 0, "评审结果", "待定", "unknown_value", "result"),
    ("reviews", 0, "评审专家", "ZJ777", "unknown_reference", "expert_ids"),
    ("reviews", 0, "评审日期", "", "missing_required", "reviewed_on"),
    ("units", 0, "从业人数", "#DIV/0!", "excel_error", "employees"),
    ("units", 0, "示范岗位数", "#VALUE!", "excel_error", "demo_posts"),
    ("units", 0, "统一社会信用代码", "9.13505E+17", "number_reformatted", "uscc"),
    ("units", 0, "从业人数", "12,34", "not_a_number", "employees"),
    ("cadres", 0, "手机号码", "1.39E+10", "number_reformatted", "phone"),
    ("experts", 0, "手机号码", "138000000012", "bad_phone", "phone"),
]


def accounting(con):
    return con.execute("""SELECT ledger, sum(rows_read), sum(rows_loaded), sum(rows_quarantined),
        sum(rows_skipped) FROM ingest_files GROUP BY ledger""").fetchall()


def assert_balanced(con):
    for ledger, read, loaded, quarantined, skipped in accounting(con):
        assert read == loaded + quarantined + skipped, ledger


@pytest.mark.parametrize("ledger,index,header,value,code,column", CASES,
                         ids=[f"{c[0]}-{c[4]}-{c[5]}" for c in CASES])
def test_bad_value_is_quarantined_or_blanked(tmp_path, ingest, ledger, index, header, value, code, column):
    """A bad value in a required column (or a rule across columns) quarantines the row; in
    an optional column it is blanked and listed as a fix, and the row is loaded."""
    rows = base_rows()
    rows[ledger][index][header] = value
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    optional = not BY_KEY[ledger].column(column).required and code not in ROW_RULES
    table = "cell_fixes" if optional else "quarantine"
    found = con.execute(f"SELECT file, row, column_name, value, code, reason FROM {table} "
                        "WHERE ledger = ?", [ledger]).fetchall()
    assert (f"{ledger}.csv", index + 2, column) in [(f, r, c) for f, r, c, _, k, _ in found
                                                     if k == code], found
    reason = next(r for *_, k, r in found if k == code)
    assert header in reason  # the Chinese reason names the column
    assert_balanced(con)
    loaded = con.execute(f"SELECT count(*) FROM {ledger}").fetchone()[0]
    assert loaded == len(rows[ledger]) - (0 if optional else 1)
    if optional:
        kept = con.execute(f"SELECT {column} FROM {ledger} WHERE source_row = ?", [index + 2]).fetchone()
        assert kept[0] in (None, []), kept          # blanked, never loaded as it was


def test_clean_fixture_loads_everything(tmp_path, ingest):
    con = ingest(write_ledgers(tmp_path / "raw"))
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    assert con.execute("SELECT subdistrict, last_inspected FROM units WHERE unit_id = 'FZ000003'"
                       ).fetchone() == ("北峰街道", __import__("datetime").date(2023, 8, 1))
    assert con.execute("SELECT level FROM hazards WHERE hazard_id = 'YH0002'").fetchone()[0] == "一般隐患"
    assert con.execute("SELECT expert_ids FROM visits").fetchone()[0] == ["ZJ001", "ZJ002"]


def test_a_row_with_several_problems_counts_once(tmp_path, ingest):
    rows = base_rows()
    rows["units"][0].update({"监管类别": "矿山", "从业人数": "-1", "经营状态": "?"})
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    codes = con.execute("SELECT column_name FROM quarantine WHERE ledger = 'units'").fetchall()
    assert sorted(c for (c,) in codes) == ["category", "employees", "status"]
    assert con.execute("SELECT rows_quarantined FROM ingest_files WHERE ledger = 'units'"
                       ).fetchone()[0] == 1
    assert_balanced(con)


def test_duplicate_keys_keep_the_first_valid_row(tmp_path, ingest):
    rows = base_rows()
    first = dict(rows["units"][0])
    rows["units"][0]["从业人数"] = "-1"            # invalid first occurrence
    rows["units"].append(dict(first))              # first valid one: stays
    rows["units"].append(dict(first, 单位名称="后来的重复行"))  # later duplicate
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    assert con.execute("SELECT name, source_row FROM units WHERE unit_id = 'FZ000001'"
                       ).fetchall() == [(first["单位名称"], 5)]
    assert con.execute("SELECT row FROM quarantine WHERE code = 'duplicate_key'").fetchall() == [(6,)]
    assert_balanced(con)


def test_duplicates_across_monthly_files(tmp_path, ingest):
    from factory import write_csv
    raw = write_ledgers(tmp_path / "raw")
    rows = base_rows()["hazards"]
    write_csv(raw / "hazards_2023-08.csv", "hazards",
              [dict(rows[0], 隐患描述="第二个文件里的重复"), dict(rows[0], 隐患编号="YH0003")])
    con = ingest(raw)
    # the same number with different content in two files: neither is preferred, whatever
    # their names, and each names the other
    quarantined = con.execute("SELECT file, row, reason FROM quarantine WHERE code = 'duplicate_conflict' "
                              "ORDER BY file").fetchall()
    assert [(f, r) for f, r, _ in quarantined] == [("hazards.csv", 2), ("hazards_2023-08.csv", 2)]
    assert all("hazards.csv 第2行" in reason and "hazards_2023-08.csv 第2行" in reason
               for *_, reason in quarantined)
    assert con.execute("SELECT count(*) FROM hazards").fetchone()[0] == 2
    assert con.execute("SELECT rule FROM ingest_conflicts").fetchone()[0].startswith("两个文件有相同编号")
    assert_balanced(con)


def test_aliases_and_messy_cells(tmp_path, ingest):
    from factory import headers, write_csv
    raw = write_ledgers(tmp_path / "raw")
    rows = base_rows()["units"]
    rows[0].update({"从业人数": "１２０", "所属街道": " 东海 ", "监管类别": "工贸",
                    "经营状态": "存续", "最近检查日期": "2023年5月1日", "风险特征": "粉尘涉爆；自建厂房"})
    rows[1]["最近检查日期"] = "45000"
    path = write_csv(raw / "units.csv", "units", rows)
    text = path.read_text(encoding="utf-8").replace("单位名称", "企业名称").replace("所属街道", "所在街道")
    path.write_text(text, encoding="utf-8")
    assert "企业名称" in text and headers("units")
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    row = con.execute("SELECT employees, subdistrict, category, status, last_inspected, risk_flags "
                      "FROM units WHERE unit_id = 'FZ000001'").fetchone()
    assert row[:4] == (120, "东海街道", "工贸企业", "在营")
    assert str(row[4]) == "2023-05-01" and row[5] == ["粉尘涉爆", "自建厂房"]
    assert str(con.execute("SELECT last_inspected FROM units WHERE unit_id = 'FZ000002'"
                           ).fetchone()[0]) == "2023-03-15"


def test_every_documented_problem_code_has_a_fixture():
    from pipeline.core.ledgers import PROBLEM_CODES
    # the codes of the subdistricts' own forms are exercised in test_ingest_clerks.py
    exercised = {case[4] for case in CASES} | {"duplicate_key", "duplicate_conflict", "unknown_unit",
                                               "ambiguous_unit", "fixed_without_date", "status_conflict"}
    assert exercised == set(PROBLEM_CODES)
