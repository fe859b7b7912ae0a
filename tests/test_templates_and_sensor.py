"""Blank templates for the clerks, and the ledger sensor (off by default)."""

from dagster import DefaultSensorStatus, RunRequest, SkipReason, build_sensor_context
from openpyxl import load_workbook

from pipeline.core.ledgers import LEDGERS
from pipeline.templates import write_templates


def test_templates_have_the_headers_and_drop_down_lists(tmp_path, ingest):
    paths = write_templates(tmp_path / "templates")
    assert len(paths) == len(LEDGERS)
    for ledger, path in zip(LEDGERS, paths, strict=True):
        book = load_workbook(path)
        assert book.sheetnames == [ledger.title, "填写说明"]
        assert "更正" in " ".join(str(c.value) for c in book["填写说明"]["A"])   # the rules are stated
        sheet = book.active
        assert [c.value for c in sheet[1]] == [c.header for c in ledger.columns]
        lists = {dv.formula1.strip('"') for dv in sheet.data_validations.dataValidation}
        enums = {",".join(c.values) for c in ledger.columns if c.kind in ("enum", "yesno")}
        assert lists == enums
    # a blank template is recognised by its name and read as an empty ledger
    raw = tmp_path / "templates"
    con = ingest(raw)
    assert {r[0] for r in con.execute("SELECT ledger FROM ingest_files").fetchall()} == {
        ledger.key for ledger in LEDGERS}
    assert con.execute("SELECT sum(rows_read) FROM ingest_files").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM ignored_files WHERE file LIKE '%［填写说明］'").fetchone()[0] == len(LEDGERS)


def test_ledger_sensor_is_off_by_default_and_fires_once_per_change(tmp_path):
    import shutil

    from conftest import PROJECT

    from pipeline.core.resources import BangfuPaths
    from pipeline.sensors import ledger_change_sensor
    assert ledger_change_sensor.default_status == DefaultSensorStatus.STOPPED
    raw = tmp_path / "raw"
    shutil.copytree(PROJECT / "raw", raw)
    paths = BangfuPaths(raw_dir=str(raw), out_dir=str(tmp_path / "out"), run_date="2023-08-20")
    context = build_sensor_context(resources={"paths": paths})
    first = ledger_change_sensor(context)
    assert isinstance(first, RunRequest) and first.partition_key == "2023-08-07"
    assert isinstance(ledger_change_sensor(context), SkipReason)
    (raw / "区直单位.csv").write_bytes((raw / "区直单位.csv").read_bytes() + b"\n")
    assert isinstance(ledger_change_sensor(context), RunRequest)
