"""Real exports are messy: encodings, Excel layouts, several files, bad files."""

import csv
import datetime as dt

import duckdb
import pytest
import xlwt
from factory import base_rows, headers, write_csv, write_ledgers, write_xlsx

from assets.ingest.load import ingest_folder
from assets.ingest.read import LedgerError


def files(con):
    return {r[1]: r for r in con.execute(
        "SELECT ledger, file, rows_read, rows_loaded, rows_quarantined, rows_skipped, encoding "
        "FROM ingest_files").fetchall()}


def test_gb18030_csv_with_title_blank_and_total_rows(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "units.csv").unlink()
    rows = base_rows()["units"]
    path = raw / "监管对象台账（2023年8月）.csv"
    with path.open("w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(["丰泽区生产经营单位监管台账"])
        w.writerow([])
        w.writerow(headers("units"))
        w.writerow([rows[0][h] for h in headers("units")])
        w.writerow([])                                   # blank row between data rows
        w.writerow([rows[1][h] for h in headers("units")])
        w.writerow([rows[2][h] for h in headers("units")])
        w.writerow(["合计", "", "", "", "", "", "", "400"])
        w.writerow([])
    con = ingest(raw)
    _, _, read, loaded, quarantined, skipped, enc = files(con)[path.name]
    assert (read, loaded, quarantined, skipped, enc) == (7, 3, 0, 4, "gb18030")
    assert con.execute("SELECT name FROM units ORDER BY unit_id").fetchall()[0][0] == rows[0]["单位名称"]
    assert con.execute("SELECT row, code FROM skipped_rows WHERE file = ? ORDER BY row",
                       [path.name]).fetchall() == [(1, "title_row"), (2, "title_row"),
                                                   (5, "blank_row"), (8, "total_row")]
    assert con.execute("SELECT source_row FROM units WHERE unit_id = 'FZ000002'").fetchone()[0] == 6


def test_rows_appended_in_another_encoding_are_refused_with_their_line(tmp_path, ingest):
    """A large CSV is judged UTF-8 on its head and DuckDB's reader checks the rest: rows
    appended in GB18030 behind 256 KB of UTF-8 stop the ingest with file and line, and
    nothing is written."""
    from assets.ingest.read import HEAD_BYTES
    raw = write_ledgers(tmp_path / "raw")
    path = raw / "units.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    filler = [lines[0].replace("FZ000001", f"FZ9{i:05d}", 1) for i in range(HEAD_BYTES // len(lines[0]) + 10)]
    body = "\n".join([header, *lines, *filler]) + "\n"
    bad_line = len(lines) + len(filler) + 2
    path.write_bytes(body.encode("utf-8") + lines[0].replace("FZ000001", "FZ999999", 1).encode("gb18030") + b"\n")
    assert path.stat().st_size > HEAD_BYTES
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(LedgerError) as err:
        ingest_folder(con, raw, dt.date(2023, 8, 20))
    assert f"units.csv 第{bad_line}行: 文件前部是UTF-8编码" in "\n".join(err.value.problems)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'units'").fetchone()[0] == 0


def test_a_small_file_in_mixed_encodings_is_refused_with_its_line(tmp_path):
    raw = write_ledgers(tmp_path / "raw")
    path = raw / "units.csv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    path.write_bytes(path.read_bytes() + lines[0].replace("FZ000001", "FZ999999", 1).encode("gb18030") + b"\n")
    with pytest.raises(LedgerError) as err:
        ingest_folder(duckdb.connect(), raw, dt.date(2023, 8, 20))
    assert f"units.csv 第{len(lines) + 2}行: 从这一行起不是UTF-8编码" in "\n".join(err.value.problems)


def test_utf8_bom_csv_fast_path_keeps_row_numbers(tmp_path, ingest):
    rows = base_rows()
    rows["units"][2]["从业人数"] = "-7"
    raw = write_ledgers(tmp_path / "raw", rows)
    path = raw / "units.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "标题\n".encode() + path.read_bytes() + "总计,,,\n".encode())
    con = ingest(raw)
    assert con.execute("SELECT row FROM quarantine").fetchall() == [(5,)]
    assert files(con)["units.csv"][2:6] == (5, 2, 1, 2)


def test_xlsx_with_title_and_total_rows_and_real_dates(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "visits.csv").unlink()
    row = dict(base_rows()["visits"][0], 服务日期=dt.datetime(2023, 8, 2), 发现问题数=3, 解决问题数=2)
    write_xlsx(raw / "帮扶服务记录.xlsx", "visits", [row],
               above=[["丰泽区帮扶服务记录"], ["制表：应急局"]], below=[[], ["合计", None, None, None,
                                                                       None, None, 3, 2]])
    con = ingest(raw)
    assert files(con)["帮扶服务记录.xlsx"][2:6] == (5, 1, 0, 4)
    assert con.execute("SELECT visited_on, problems_found FROM visits").fetchone() == (
        dt.date(2023, 8, 2), 3)


def test_formatting_down_to_a_million_rows_is_not_data(tmp_path, ingest):
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    raw = write_ledgers(tmp_path / "raw")
    (raw / "experts.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.append(headers("experts"))
    for r in base_rows()["experts"]:
        ws.append([r[h] for h in headers("experts")])
    for i in range(4, 1_048_577, 4096):
        ws.cell(row=i, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(raw / "experts.xlsx")
    con = ingest(raw)
    assert files(con)["experts.xlsx"][2:6] == (2, 2, 0, 0)


def test_old_xls_is_read(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "departments.csv").unlink()
    book = xlwt.Workbook()
    sheet = book.add_sheet("区直单位")
    for c, h in enumerate(headers("departments")):
        sheet.write(0, c, h)
    for r, row in enumerate(base_rows()["departments"], start=1):
        for c, h in enumerate(headers("departments")):
            sheet.write(r, c, row[h])
    book.save(str(raw / "区直单位.xls"))
    con = ingest(raw)
    assert files(con)["区直单位.xls"][2:6] == (2, 2, 0, 0)


def test_file_recognised_by_its_header_and_strangers_reported(tmp_path):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "experts.csv").rename(raw / "export_20230813.csv")
    (raw / "说明.txt").write_text("随便写点", encoding="utf-8")
    con = duckdb.connect()
    ingested = ingest_folder(con, raw, dt.date(2023, 8, 20))
    assert ingested.unrecognised == ["说明.txt"]
    assert con.execute("SELECT ledger FROM ingest_files WHERE file = 'export_20230813.csv'"
                       ).fetchone() == ("experts",)


def warehouse_state(path):
    con = duckdb.connect(str(path), read_only=True)
    state = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
             for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    return state


def load_into(path, raw):
    con = duckdb.connect(str(path))
    try:
        ingest_folder(con, raw, dt.date(2023, 8, 20))
    finally:
        con.close()


@pytest.mark.parametrize("breakage,expected", [
    ("missing_column", "cadres.csv: 第1行表头缺少必填列：帮扶工作队"),
    ("missing_ledger", "缺少专家库（experts）"),
    ("corrupt_xlsx", "hazards.xlsx: 文件不完整"),
])
def test_fatal_problems_leave_the_warehouse_unchanged(tmp_path, breakage, expected):
    warehouse = tmp_path / "w.duckdb"
    load_into(warehouse, write_ledgers(tmp_path / "good"))
    before = warehouse_state(warehouse)
    rows = base_rows()
    rows["units"].pop()
    bad = write_ledgers(tmp_path / "bad", rows)
    if breakage == "missing_column":
        for r in rows["cadres"]:
            del r["帮扶工作队"]
        with (bad / "cadres.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow([h for h in headers("cadres") if h != "帮扶工作队"])
            w.writerows([list(r.values()) for r in rows["cadres"]])
    elif breakage == "missing_ledger":
        (bad / "experts.csv").unlink()
    else:
        (bad / "hazards.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(LedgerError) as err:
        load_into(warehouse, bad)
    assert any(expected in line for line in err.value.problems), err.value.problems
    assert warehouse_state(warehouse) == before


def test_encrypted_or_unreadable_xlsx_names_the_file(tmp_path):
    raw = write_ledgers(tmp_path / "raw")
    (raw / "专家库.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    with pytest.raises(LedgerError) as err:
        ingest_folder(duckdb.connect(), raw, dt.date(2023, 8, 20))
    assert any(p.startswith("专家库.xlsx:") for p in err.value.problems)


def test_ragged_csv_falls_back_and_keeps_every_row(tmp_path, ingest):
    raw = write_ledgers(tmp_path / "raw")
    path = raw / "departments.csv"
    path.write_text(path.read_text(encoding="utf-8") + "区商务局,住宿餐饮,是,多出来的列,再多一列\n",
                    encoding="utf-8")
    con = ingest(raw)
    assert files(con)["departments.csv"][2:6] == (3, 3, 0, 0)


def test_write_csv_helper_roundtrip(tmp_path):
    path = write_csv(tmp_path / "x.csv", "reviews", base_rows()["reviews"])
    assert path.read_text(encoding="utf-8").splitlines()[0].startswith("评审编号")
