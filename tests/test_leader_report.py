"""The report a leader signs (issue 15): a short body in the office's voice, true comparisons,
numbered annexes, subdistrict editions an officer can act on, and the editable Word file."""

import datetime as dt
import json
import os
import re

import duckdb
import pytest
from conftest import PROJECT
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from readback import squash

from pipeline.core.ledgers import SUBDISTRICTS
from pipeline.core.warehouse import install_macros

WEEK = "2023-W32"
DISTRICT = f"丰泽区安全生产帮扶工作周报_{WEEK}"
ISO_WEEK = re.compile(r"\d{4}-W\d{2}")
HASH = re.compile(r"[0-9a-f]{16,}")


def pages_text(pdf) -> list[str]:
    """Each page's text without the running header (pages 2+) and the page number."""
    pages = [re.sub(r"第\d+页共\d+页", "", squash(p.extract_text())) for p in PdfReader(pdf).pages]
    return pages[:1] + [re.sub(r"^丰泽区安全生产帮扶工作周报(（[^）]*）)?第\d+期", "", p) for p in pages[1:]]


def body_of(pages: list[str]) -> str:
    """The text before the first 附件 page: what leaders read."""
    body = []
    for text in pages:
        if "附件1" in text.split("附件：")[0]:
            break
        body.append(text)
    return "".join(body)


@pytest.fixture(scope="module")
def week_dir(demo_run):
    return demo_run[0] / "out" / WEEK


@pytest.fixture(scope="module")
def district_pages(week_dir):
    """The demo week's district report, page by page (read once: pypdf takes a second)."""
    return pages_text(week_dir / f"{DISTRICT}.pdf")


def test_district_body_is_short_and_in_the_offices_voice(district_pages):
    pages = district_pages
    body = body_of(pages)
    assert len(body) < len("".join(pages))
    assert sum(1 for p in pages if p in body) <= 4
    assert not ISO_WEEK.search(body), ISO_WEEK.search(body)
    assert not HASH.search(body) and ".xlsx" not in body and ".pdf" not in body and "PDF/A" not in body
    for part in ("一、总体情况", "二、本周工作进展", "三、存在问题", "四、下步工作", "附件：1."):
        assert part in body, part
    # 期号 from the mechanism's first week (2023-04-03 = 第1期), 印发 on the Monday after
    assert "第19期" in body and "2023年8月14日" in body and "下周（8月14日—8月20日）" in body
    # W31 was never run here: the comparison is recomputed, and the report says so
    assert "上周未生成周报" in body
    # provenance is one block at the end, with short hashes only
    last = pages[-1]
    assert "数据来源：" in last and not re.search(r"[0-9a-f]{40,}", last)


def test_every_participating_department_is_accounted_for(demo_warehouse, district_pages):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    depts = [r[0] for r in con.execute("SELECT dept FROM departments WHERE participates").fetchall()]
    con.close()
    body = body_of(district_pages)
    section = body.split("二、本周工作进展")[1].split("三、存在问题")[0]
    for dept in depts:
        assert re.search(re.escape(dept) + r"（驻点[^）]*）：本周(开展帮扶服务\d+次|无工作记录)", section), dept


def test_major_hazards_are_listed_with_stage_and_next_step(district_pages):
    body = body_of(district_pages)
    problems = body.split("三、存在问题")[1].split("四、下步工作")[0]
    assert "（一）重大隐患。" in problems and "挂牌督办" in problems
    assert problems.count("下一步：") >= 1 and "阶段" in problems


def test_the_scorecard_dates_the_subdistricts_as_targets_from_the_second_phase(district_pages):
    """W32 lies in the third phase (部门精准执法); the 8 subdistricts became assistance
    targets in the second, which the scorecard's caption names, not the week's phase."""
    assert "名单在专项行动第三阶段（部门精准执法）内保持稳定" in body_of(district_pages)
    assert "各街道排名（专项行动第二阶段起，8个街道也作为帮扶对象；" in "".join(district_pages)


def test_no_report_is_addressed_to_its_own_compiler(week_dir):
    for pdf in [week_dir / f"{DISTRICT}.pdf", *(week_dir / "街道" / f"{s}_{WEEK}.pdf" for s in SUBDISTRICTS)]:
        last = pages_text(pdf)[-1]
        lines = last.split("印发")[0].rsplit("丰泽区安全生产委员会办公室", 1)[0]   # the printed line
        for key in ("报：", "送：", "发："):
            if key in lines:
                addressed = lines.split(key, 1)[1].split("：")[0]
                assert "区安委办" not in addressed and "区安全生产委员会办公室" not in addressed, (pdf.name, key)


def test_subdistrict_edition_and_its_task_workbook_let_the_officer_act(demo_warehouse, week_dir):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    install_macros(con)
    sub = "东海街道"
    targets = con.execute("""SELECT t.name, u.address FROM priority_targets t JOIN units u USING (unit_id)
        WHERE t.week = ? AND t.subdistrict = ?""", [WEEK, sub]).fetchall()
    phones = {r[0] for r in con.execute("""SELECT c.phone FROM cadre_assignments a JOIN cadres c USING (cadre_id)
        JOIN units u USING (unit_id) WHERE a.week = ? AND u.subdistrict = ? AND c.phone IS NOT NULL""",
                                        [WEEK, sub]).fetchall()}
    con.close()
    assert targets and phones
    text = "".join(pages_text(week_dir / "街道" / f"{sub}_{WEEK}.pdf"))
    for name, address in targets:
        assert squash(name) in text and squash(address)[:12] in text, name
    assert "包保干部" in text and "到期" in text
    book = load_workbook(week_dir / "街道" / f"{sub}_任务清单_{WEEK}.xlsx", read_only=True)
    cells = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert any("内部资料" in c for c in cells)
    assert phones <= cells                       # full numbers, for this subdistrict only
    assert {"帮扶对象和包保企业", "即将到期隐患", "逾期隐患", "联合帮扶"} <= set(book.sheetnames)


def test_word_version_reads_back_with_the_pdfs_sentences_and_tables(week_dir, district_pages):
    document = Document(str(week_dir / f"{DISTRICT}.docx"))
    paragraphs = [squash(p.text) for p in document.paragraphs if p.text.strip()]
    pdf = "".join(district_pages)
    headline = next(p for p in paragraphs if p.startswith("（一）监管底数。"))
    assert headline in pdf
    for start in ("（三）工作成效。", "（四）隐患治理。"):
        sentence = next(p for p in paragraphs if p.startswith(start))
        assert sentence in pdf, start
    assert len(document.tables) >= 5
    first_row = [squash(c.text) for c in document.tables[0].rows[0].cells]
    assert "指标" in first_row and "本周" in first_row
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


@pytest.mark.slow
def test_last_weeks_values_are_what_was_published_last_week(tmp_path, dagster_home):
    """After W31 then W32 on one warehouse, every 上周 value of W32 is W31's published figure."""
    from assets.report.data import query_report_data
    from pipeline.runner import run_week
    warehouse = str(tmp_path / "warehouse.duckdb")
    own = os.environ["DAGSTER_HOME"]
    os.environ["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    try:
        for week in ("2023-W31", WEEK):
            run_week(PROJECT / "raw", tmp_path / "out", week, warehouse)
    finally:
        os.environ["DAGSTER_HOME"] = own
    published = json.loads((tmp_path / "out" / "2023-W31" / "manifest.json").read_text("utf-8"))["figures"]
    con = duckdb.connect(warehouse, read_only=True)
    install_macros(con)
    data = query_report_data(con, dt.date(2023, 8, 7))
    con.close()
    assert data["prev_basis"] == "published"
    for name, value in data["figures_prev"].items():
        if name in published:
            assert published[name] == value, name
    body = body_of(pages_text(tmp_path / "out" / WEEK / f"{DISTRICT}.pdf"))
    assert "上周未生成周报" not in body
