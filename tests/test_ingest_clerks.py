"""Ledgers as clerks really leave them: every file made the way a clerk makes it (Excel's
own quirks reproduced with openpyxl, csv and the encodings Excel writes), and every run
either loads what the clerk wrote or refuses with a reason naming the file, sheet and row."""

import csv
import datetime as dt
import io
import shutil

import duckdb
import pytest
from factory import base_rows, headers, write_csv, write_ledgers, write_xlsx
from openpyxl import Workbook

from assets.ingest.files import LedgerError
from assets.ingest.load import ingest_folder

RUN = dt.date(2023, 8, 20)


def refused(raw) -> list[str]:
    with pytest.raises(LedgerError) as err:
        ingest_folder(duckdb.connect(), raw, RUN)
    return err.value.problems


def accounted(con):
    for ledger, file, read, loaded, quarantined, skipped in con.execute(
            "SELECT ledger, file, rows_read, rows_loaded, rows_quarantined, rows_skipped FROM ingest_files"
    ).fetchall():
        assert read == loaded + quarantined + skipped, (ledger, file)


def many_hazards(n: int) -> list[dict]:
    base = base_rows()["hazards"][1]
    return [dict(base, 隐患编号=f"YH{i:04d}", 隐患描述=f"第{i}条") for i in range(10, 10 + n)]


# --- rows as the clerk sees them ------------------------------------------------------------

def test_a_quote_that_never_closes_does_not_swallow_the_rows_after_it(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    rows = many_hazards(30)
    rows[3]["隐患描述"] = '"安全出口锁闭，见照片'           # opened, never closed
    path = raw / "hazards.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(headers("hazards")) + "\r\n")
        for r in rows:
            f.write(",".join(r.get(h, "") for h in headers("hazards")) + "\r\n")
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM hazards").fetchone()[0] == 30
    assert con.execute("SELECT rows_read FROM ingest_files WHERE file = 'hazards.csv'").fetchone()[0] == 30
    assert con.execute("SELECT row, code FROM cell_fixes WHERE ledger = 'hazards'").fetchall() == [
        (5, "unclosed_quote")]
    assert con.execute("SELECT description FROM hazards WHERE hazard_id = 'YH0013'").fetchone()[0] \
        == '"安全出口锁闭，见照片'
    accounted(con)


def test_alt_enter_cells_are_one_row_and_rows_keep_excel_numbers(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    rows = many_hazards(3)
    rows[0]["隐患描述"] = "第一行\n第二行，有逗号\n第三行"
    write_csv(raw / "hazards.csv", "hazards", rows)
    con = ingest(raw)
    assert con.execute("SELECT hazard_id, source_row FROM hazards ORDER BY source_row").fetchall() == [
        ("YH0010", 2), ("YH0011", 3), ("YH0012", 4)]
    assert "第三行" in con.execute("SELECT description FROM hazards WHERE hazard_id = 'YH0010'").fetchone()[0]


def test_a_quote_open_to_the_end_of_the_file_is_refused_with_its_line(tmp_path):
    raw = write_ledgers(tmp_path / "raw")
    path = raw / "hazards.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'YH0009,FZ000001,2023-08-01,一般隐患,消防,"没有闭合\n下一行\n再一行\n',
                    encoding="utf-8")
    problems = refused(raw)
    assert any("hazards.csv 第4行" in p and "引号未闭合" in p for p in problems), problems


# --- sheets ---------------------------------------------------------------------------------

def workbook(path, sheets: dict[str, list[list]]):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def unit_rows(units):
    return [[u.get(h, "") for h in headers("units")] for u in units]


def test_every_monthly_sheet_is_read_and_the_instructions_are_listed(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    workbook(raw / "监管对象台账.xlsx", {
        "填表说明": [["本表按月分页填写"], ["编号规则：FZ + 6 位数字"]],
        "7月": [headers("units"), *unit_rows(units[:2])],
        "8月": [["丰泽区监管台账（8月新增）"], headers("units"), *unit_rows(units[2:])],
    })
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 3
    assert con.execute("SELECT file, sheet, rows_loaded FROM ingest_files WHERE ledger = 'units' "
                       "ORDER BY sheet").fetchall() == [
        ("监管对象台账.xlsx［7月］", "7月", 2), ("监管对象台账.xlsx［8月］", "8月", 1)]
    (ignored,) = con.execute("SELECT file, reason FROM ignored_files").fetchall()
    assert ignored[0] == "监管对象台账.xlsx［填表说明］" and "未读取" in ignored[1]
    accounted(con)


def test_a_sheet_with_part_of_the_header_is_refused_naming_it(tmp_path):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    partial = [h for h in headers("units") if h != "经营状态"]
    workbook(raw / "监管对象台账.xlsx", {
        "7月": [headers("units"), *unit_rows(units)],
        "8月": [partial, [units[0][h] for h in partial]],
    })
    problems = refused(raw)
    assert any("工作表“8月”" in p and "经营状态" in p for p in problems), problems


def test_a_two_row_header_keeps_the_columns_under_its_group_row(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    names = headers("units")
    wb = Workbook()
    ws = wb.active
    ws.append(["丰泽区生产经营单位监管台账"])
    group = [""] * len(names)
    group[0], group[11] = "基本信息", "创建情况"     # merged group cells over the sub-headers
    ws.append(group)
    ws.append(names)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=11)
    ws.merge_cells(start_row=2, start_column=12, end_row=2, end_column=len(names))
    for r in unit_rows(units):
        ws.append(r)
    wb.save(raw / "监管对象台账.xlsx")
    con = ingest(raw)
    assert con.execute("SELECT header_row FROM ingest_files WHERE ledger = 'units'").fetchone()[0] == 3
    assert con.execute("SELECT sum(demo_posts) FROM units").fetchone()[0] == 5


def test_a_header_split_over_two_rows_by_a_vertical_merge_is_read_as_one(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    names = headers("units")
    upper = [n if i < 3 else "" for i, n in enumerate(names)]      # 单位编号 … merged down two rows
    upper[3] = "基本情况"
    lower = ["" if i < 3 else n for i, n in enumerate(names)]
    workbook(raw / "监管对象台账.xlsx", {"台账": [upper, lower, *unit_rows(units)]})
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 3
    assert con.execute("SELECT unit_id FROM units ORDER BY unit_id LIMIT 1").fetchone()[0] == "FZ000001"


# --- which files -----------------------------------------------------------------------------

def test_an_old_copy_in_a_backup_folder_is_not_read(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    backup = raw / "备份"
    backup.mkdir()
    old = base_rows()["units"][:1]
    write_csv(backup / "units.csv", "units", [dict(old[0], 单位名称="旧名称")])
    con = ingest(raw)
    assert con.execute("SELECT name FROM units WHERE unit_id = 'FZ000001'").fetchone()[0] != "旧名称"
    assert con.execute("SELECT file FROM ignored_files").fetchall() == [("备份/units.csv",)]
    assert con.execute("SELECT count(*) FROM ingest_files WHERE file LIKE '备份/%'").fetchone()[0] == 0


def test_a_byte_for_byte_copy_is_read_once(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    shutil.copyfile(raw / "units.csv", raw / "units - 副本.csv")
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 3
    (file, reason), = con.execute("SELECT file, reason FROM ignored_files").fetchall()
    assert file == "units - 副本.csv" and "副本" in reason


@pytest.mark.parametrize("names", [("units.csv", "units_更正.csv"), ("units_更正.csv", "units.csv"),
                                   ("b_units_更正.csv", "units_a.csv")])
def test_a_corrected_export_wins_whatever_the_names(tmp_path, ingest, names):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    corrected = [dict(u) for u in units[:2]]
    corrected[0]["单位名称"] = "更正后的名称"
    original_name, corrected_name = (names if "更正" in names[1] else names[::-1])
    write_csv(raw / original_name, "units", units)
    write_csv(raw / corrected_name, "units", corrected)
    con = ingest(raw)
    assert con.execute("SELECT name FROM units WHERE unit_id = 'FZ000001'").fetchone()[0] == "更正后的名称"
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 3      # FZ000003 only in the original
    assert con.execute("SELECT kept, other FROM ingest_conflicts").fetchall() == [(corrected_name, original_name)]
    assert con.execute("SELECT file, count(*) FROM skipped_rows WHERE code = 'superseded' GROUP BY file"
                       ).fetchall() == [(original_name, 2)]
    accounted(con)


def test_the_later_as_of_date_wins_and_undecidable_versions_are_refused(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    later = [dict(u) for u in units]
    later[1]["从业人数"] = "95"
    write_csv(raw / "监管对象台账（截至2023年7月31日）.csv", "units", units)
    write_csv(raw / "监管对象台账（截至2023年8月13日）.csv", "units", later)
    con = ingest(raw)
    assert con.execute("SELECT employees FROM units WHERE unit_id = 'FZ000002'").fetchone()[0] == 95
    (raw / "监管对象台账（截至2023年7月31日）.csv").rename(raw / "监管对象台账（另一份）.csv")
    (raw / "监管对象台账（截至2023年8月13日）.csv").rename(raw / "监管对象台账.csv")
    problems = refused(raw)
    assert any("监管对象台账（另一份）.csv" in p and "监管对象台账.csv" in p and "更正" in p for p in problems)


# --- headers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("second", ["单位名称", "企业名称"])
def test_a_column_named_twice_is_refused_with_both_letters(tmp_path, second):
    raw = write_ledgers(tmp_path / "raw")
    units = base_rows()["units"]
    names = headers("units") + [second]
    with (raw / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for u in units:
            w.writerow([u[h] for h in headers("units")] + ["另一个名称"])
    problems = refused(raw)
    letter = chr(ord("A") + len(names) - 1)
    assert any("C列“单位名称”" in p and f"{letter}列“{second}”" in p for p in problems), problems


# --- cells -----------------------------------------------------------------------------------

def test_excel_error_cells_are_named_and_never_loaded(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    units = base_rows()["units"]
    wb = Workbook()
    ws = wb.active
    ws.append(headers("units"))
    for u in unit_rows(units):
        ws.append(u)
    col = headers("units").index
    ws.cell(row=2, column=col("从业人数") + 1, value="#DIV/0!")      # an error cell (t="e")
    ws.cell(row=3, column=col("示范岗位数") + 1, value="#REF!")
    wb.save(raw / "监管对象台账.xlsx")
    assert ws.cell(row=2, column=col("从业人数") + 1).data_type == "e"
    con = ingest(raw)
    assert con.execute("SELECT row, code, value FROM quarantine WHERE ledger = 'units'").fetchall() == [
        (2, "excel_error", "#DIV/0!")]
    assert con.execute("SELECT row, code, value, action FROM cell_fixes WHERE ledger = 'units'").fetchall() == [
        (3, "excel_error", "#REF!", "已置空")]
    assert con.execute("SELECT demo_posts FROM units WHERE unit_id = 'FZ000002'").fetchone()[0] is None


def test_phone_numbers_excel_mangled_are_restored_only_where_exact(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    rows = base_rows()
    rows["cadres"][0]["手机号码"] = "1.39E+10"        # the CSV Excel writes for a long number
    rows["cadres"][1]["手机号码"] = "59522345678"     # a landline that lost its leading 0
    con = ingest(write_ledgers(raw, rows))
    assert con.execute("SELECT cadre_id, phone FROM cadres ORDER BY cadre_id").fetchall() == [
        ("BF001", "059522345678"), ("YJ001", None)]
    assert dict(con.execute("SELECT code, action FROM cell_fixes WHERE ledger = 'cadres'").fetchall()) == {
        "number_reformatted": "已置空", "leading_zero_restored": "已修正"}


def test_an_invisible_character_in_a_unit_number_makes_no_phantom_unit(tmp_path, ingest):
    rows = base_rows()
    rows["hazards"][0]["单位编号"] = "FZ000001\u200b"
    rows["units"][1]["所属街道"] = "东湖\u00a0街道"
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    assert con.execute("SELECT unit_id FROM hazards WHERE hazard_id = 'YH0001'").fetchone()[0] == "FZ000001"
    assert {c for (c,) in con.execute("SELECT code FROM cell_fixes").fetchall()} == {"invisible_chars"}


# --- files read or refused for the right reason -----------------------------------------------

def test_a_unicode_text_export_is_read(tmp_path, ingest):
    """Excel's 另存为 Unicode 文本: UTF-16 with a byte-order mark, tab-separated, .txt."""
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter="\t", lineterminator="\r\n")
    w.writerow(headers("units"))
    w.writerows(unit_rows(base_rows()["units"]))
    (raw / "监管对象台账.txt").write_bytes(buffer.getvalue().encode("utf-16"))
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM units").fetchone()[0] == 3
    assert con.execute("SELECT encoding FROM ingest_files WHERE ledger = 'units'").fetchone()[0] == "utf-16"


def encrypted_workbook(path):
    from msoffcrypto.format.ooxml import OOXMLFile
    plain = io.BytesIO()
    write_xlsx(tmp := path.with_suffix(".plain.xlsx"), "experts", base_rows()["experts"])
    plain.write(tmp.read_bytes())
    tmp.unlink()
    plain.seek(0)
    with path.open("wb") as out:
        OOXMLFile(plain).encrypt("1234", out)


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.write_bytes(b""), "空文件"),
    (lambda p: p.write_bytes((p.parent / "ok.xlsx").read_bytes()[:3000]), "文件不完整"),
    (lambda p: p.write_text("工号,姓名\nYJ001,黄三\n", encoding="utf-8"), "扩展名与内容不符"),
    (encrypted_workbook, "已加密"),
])
def test_bad_files_are_refused_for_the_right_reason(tmp_path, make, reason):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "experts.csv").unlink()
    write_xlsx(raw / "ok.xlsx", "experts", base_rows()["experts"])
    target = raw / "专家库.xlsx"
    make(target)
    (raw / "ok.xlsx").unlink()
    problems = refused(raw)
    assert any(p.startswith("专家库.xlsx:") and reason in p for p in problems), problems


# --- a subdistrict's own form ------------------------------------------------------------------

FORM_HEADER = ["序号", "企业名称", "统一社会信用代码", "所属街道", "发现日期", "隐患级别", "隐患类别",
               "隐患描述", "整改时限", "整改情况", "复查日期"]


def own_form(raw, rows, name="东海街道隐患排查整改台账（街道自制）.xlsx"):
    """What a subdistrict keeps: firm names, 序号, 整改情况 and 复查日期, no IDs, no 发现途径."""
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws.append(["东海街道安全隐患排查整改情况登记表"])
    ws.append(FORM_HEADER)
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    wb.save(raw / name)


def test_a_subdistricts_own_hazard_form_loads_whole(tmp_path, ingest):
    from factory import uscc
    raw = write_ledgers(tmp_path / "raw")
    own_form(raw, [
        ["泉州市丰泽区甲鞋服有限公司", "", "东海", "2023-08-03", "一般", "消防", "灭火器过期", "2023-08-10",
         "已整改", "2023-08-08"],
        ["泉州市丰泽区甲鞋服有限公司 ", "", "", "2023-08-04", "一般", "用电", "私拉乱接", "2023-08-20",
         "整改中", ""],
        ["丰泽区乙小学", uscc(2, "12"), "", "2023-08-05", "一般隐患", "消防", "疏散指示灯损坏", "2023-08-12",
         "已整改", "2023-08-09"],
    ])
    con = ingest(raw)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    got = con.execute("""SELECT unit_id, found_on::VARCHAR, fixed_on::VARCHAR, hazard_id LIKE 'YH-%'
        FROM hazards WHERE source_file LIKE '东海街道%' ORDER BY source_row""").fetchall()
    assert got == [("FZ000001", "2023-08-03", "2023-08-08", True), ("FZ000001", "2023-08-04", None, True),
                   ("FZ000002", "2023-08-05", "2023-08-09", True)]
    first_ids = [h for (h,) in con.execute("SELECT hazard_id FROM hazards WHERE source_file LIKE '东海街道%' "
                                           "ORDER BY source_row").fetchall()]
    accounted(con)
    # the same content gives the same IDs in the next run (a week later, rows reordered)
    con.close()
    again = ingest(raw)
    assert sorted(first_ids) == sorted(h for (h,) in again.execute(
        "SELECT hazard_id FROM hazards WHERE source_file LIKE '东海街道%'").fetchall())


def test_an_unknown_or_ambiguous_firm_name_is_quarantined_with_the_candidates(tmp_path, ingest):
    rows = base_rows()
    rows["units"].append(dict(rows["units"][1], 单位编号="FZ000004", 所属街道="北峰街道",
                              统一社会信用代码=""))            # a second 丰泽区乙小学, in 北峰
    rows["units"][-1]["监管类别"] = "在建施工项目"
    raw = write_ledgers(tmp_path / "raw", rows)
    own_form(raw, [
        ["泉州市丰泽区甲鞋服公司", "", "东海街道", "2023-08-03", "一般", "", "灭火器过期", "2023-08-10", "", ""],
        ["丰泽区乙小学", "", "", "2023-08-05", "一般", "", "疏散指示灯损坏", "2023-08-12", "", ""],
        ["丰泽区乙小学", "", "北峰", "2023-08-06", "一般", "", "配电箱未上锁", "2023-08-12", "", ""],
    ])
    con = ingest(raw)
    found = dict(con.execute("SELECT row, reason FROM quarantine WHERE ledger = 'hazards' "
                             "AND file LIKE '东海街道%'").fetchall())
    assert "找不到" in found[3] and "泉州市丰泽区甲鞋服有限公司（FZ000001）" in found[3]
    assert "多家单位" in found[4] and "FZ000002（东湖街道）" in found[4] and "FZ000004（北峰街道）" in found[4]
    assert 5 not in found          # the subdistrict tells the two schools apart
    assert con.execute("SELECT code FROM quarantine WHERE row = 3 AND file LIKE '东海街道%'").fetchone()[0] \
        == "unknown_unit"
    accounted(con)


def test_visits_may_name_their_cadre_and_experts(tmp_path, ingest):
    rows = base_rows()
    rows["visits"][0] |= {"干部工号": "", "专家编号": "", "干部姓名": "黄三", "专家姓名": "陈一、林二"}
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    assert con.execute("SELECT cadre_id, expert_ids FROM visits").fetchone() == ("YJ001", ["ZJ001", "ZJ002"])


def test_a_form_that_says_done_without_a_date_is_quarantined(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    own_form(raw, [["泉州市丰泽区甲鞋服有限公司", "", "", "2023-08-03", "一般", "", "灭火器过期", "2023-08-10",
                    "已整改", ""],
                   ["泉州市丰泽区甲鞋服有限公司", "", "", "2023-08-04", "一般", "", "灭火器过期", "2023-08-10",
                    "整改中", "2023-08-06"]])
    con = ingest(raw)
    assert con.execute("SELECT row, code FROM quarantine WHERE file LIKE '东海街道%' ORDER BY row").fetchall() == [
        (3, "fixed_without_date")]
