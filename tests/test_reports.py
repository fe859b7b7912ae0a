"""The weekly reports (周报): content, glyphs, privacy, reproducibility, hostile text, caps.

Uses the session's demo warehouse (2023-W32, built once by ``bangfu run``'s code path),
reads it with ``query_report_data`` and renders with ``render_all`` into temporary
folders.  Tests that change data work on a copy of the warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import connect
from openpyxl import load_workbook
from pypdf import PdfReader
from readback import pdf_text, squash, workbook_text

from assets.report.data import mask_phone, query_report_data
from assets.report.render import render_all
from assets.report.spot import notice_files
from assets.report.view import CAPS

PROJECT = Path(__file__).resolve().parents[1]
START = dt.date(2023, 8, 7)
WEEK = "2023-W32"
DISTRICT_PDF = f"丰泽区安全生产帮扶工作周报_{WEEK}.pdf"
SUBDISTRICTS = ("丰泽街道", "东湖街道", "泉秀街道", "清源街道", "华大街道", "城东街道", "东海街道", "北峰街道")
# besides these, one restricted 抽查通知单/<部门>_<week>.xlsx per department drawing next week
EXPECTED_FILES = {DISTRICT_PDF, DISTRICT_PDF.replace(".pdf", ".docx"), f"任务清单_{WEEK}.xlsx", f"待修正清单_{WEEK}.xlsx", f"汇总表_{WEEK}.xlsx",
                  f"双随机抽查结果公示_{WEEK}.xlsx",
                  *(f"街道/{s}_{WEEK}.pdf" for s in SUBDISTRICTS),
                  *(f"街道/{s}_任务清单_{WEEK}.xlsx" for s in SUBDISTRICTS)}

RENDER_IN_SUBPROCESS = """
import json, sys
from pathlib import Path
from assets.report.render import render_all
data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
render_all(data, Path(sys.argv[2]))
"""


# --- helpers ---------------------------------------------------------------------------

def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def render(warehouse: Path, stage: Path) -> tuple[dict, dict[str, int]]:
    con = connect(warehouse, read_only=True)
    try:
        data = query_report_data(con, START)
    finally:
        con.close()
    return data, render_all(data, stage)


def copy_warehouse(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    if Path(f"{src}.wal").exists():
        shutil.copyfile(f"{src}.wal", f"{dst}.wal")
    return dst


def all_objects(reader: PdfReader):
    """Every indirect object of the PDF, resolved (also those inside object streams)."""
    size = int(reader.trailer["/Size"])
    for num in range(1, size):
        try:
            obj = reader.get_object(num)
        except Exception:  # free or missing entries
            continue
        if obj is not None:
            yield obj


def foreign_content(path: Path) -> list[str]:
    """Attachments, launch actions, file: links and images: none may be in a report."""
    reader = PdfReader(path)
    found = []
    if reader.attachments:
        found.append(f"attachments {list(reader.attachments)}")
    root = reader.trailer["/Root"]
    if "/AF" in root or ("/Names" in root and "/EmbeddedFiles" in root["/Names"]):
        found.append("embedded files in the catalogue")
    for obj in all_objects(reader):
        if not hasattr(obj, "get"):
            continue
        kind, subtype = obj.get("/Type"), obj.get("/Subtype")
        if kind in ("/EmbeddedFile", "/Filespec") or subtype == "/Image":
            found.append(f"{kind or subtype}")
        action = obj.get("/A") or (obj if "/S" in obj else None)
        if action is not None and hasattr(action, "get"):
            action = action.get_object()
            if action.get("/S") in ("/Launch", "/GoToR", "/ImportData", "/JavaScript"):
                found.append(f"action {action.get('/S')}")
            if str(action.get("/URI", "")).lower().startswith("file:"):
                found.append(f"file URI {action.get('/URI')}")
    return found


# --- fixtures --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(demo_run, demo_warehouse):
    """The demo week as the pipeline's reports step published it: (data, {file: pages},
    folder), the data queried again from the warehouse.  Rendering that data anew gives
    these very bytes: in a fresh process with one PDF worker
    (test_same_data_gives_the_same_bytes_across_processes), with two
    (test_a_caller_script_without_a_main_guard_runs_once) and in this process
    (test_a_failing_worker_falls_back_to_this_process)."""
    base, manifest = demo_run
    con = connect(demo_warehouse, read_only=True)
    try:
        data = query_report_data(con, START)
    finally:
        con.close()
    # the code version is printed in the provenance: that of the run, should a commit or an
    # edit have come in between
    data["code_version"] = json.loads(manifest.read_text(encoding="utf-8"))["code_version"]
    stage = base / "out" / WEEK
    pages = {p.relative_to(stage).as_posix(): len(PdfReader(p).pages) if p.suffix == ".pdf" else 0
             for p in sorted(stage.rglob("*")) if p.is_file() and p.name != "manifest.json"}
    return data, pages, stage


@pytest.fixture(scope="module")
def district_text(rendered):
    return pdf_text(rendered[2] / DISTRICT_PDF)


@pytest.fixture(scope="module")
def phones(demo_warehouse):
    con = connect(demo_warehouse, read_only=True)
    rows = con.execute("SELECT phone FROM cadres WHERE phone IS NOT NULL UNION "
                       "SELECT phone FROM experts WHERE phone IS NOT NULL").fetchall()
    con.close()
    return sorted(p for (p,) in rows)


# --- what is written -------------------------------------------------------------------

def test_every_output_is_written_and_each_pdf_is_at_most_20_pages(rendered):
    data, pages, stage = rendered
    assert set(pages) == EXPECTED_FILES | set(notice_files(data).values())
    assert all(1 <= n <= 20 for name, n in pages.items() if name.endswith(".pdf"))
    assert not [p for p in stage.rglob("*") if p.is_file() and p.name.startswith(".")]


def body_pages(pdf: Path) -> int:
    """Pages before the first 附件 (the body leaders read)."""
    for i, page in enumerate(PdfReader(pdf).pages):
        if "附件1" in squash(page.extract_text()).split("附件：")[0]:
            return i
    return len(PdfReader(pdf).pages)


def test_district_report_states_the_headline_figures(district_text):
    text = squash(district_text)
    for figure in ("4,098", "29", "68", "77", "44", "10", "69", "221", "1,400", "30", "43"):
        assert figure in text, figure
    for sentence in ("在监管生产经营单位4,098家", "确定帮扶对象29家", "今年以来累计解决问题68个",
                     "标准化评审77家次，通过44家次", "精品企业10家、标杆企业69家、评审达标企业221家",
                     "示范岗位1,400个", "帮扶工作队1支（干部30名）", "统筹专家43名"):
        assert sentence in text, sentence
    # 期号 from the mechanism's first week (2023-04-03: 第1期), 印发 on the Monday after
    for heading in ("丰泽区安全生产帮扶工作周报", "第19期", "丰泽区安全生产委员会办公室", "2023年8月14日",
                    "（2023年8月7日—8月13日）", "一、总体情况", "二、本周工作进展", "三、存在问题",
                    "四、下步工作", "附件1", "数据来源：", "报：", "送：", "发：", "第1页共"):
        assert squash(heading) in text, heading


def test_every_priority_target_is_in_the_target_table(rendered, district_text):
    data, _, stage = rendered
    text = squash(district_text)
    assert len(data["targets"]) == 29
    for t in data["targets"]:
        assert squash(t["name"]) in text, t["name"]
    for sub in SUBDISTRICTS:
        sub_text = squash(pdf_text(stage / f"街道/{sub}_{WEEK}.pdf"))
        assert sub in sub_text
        for t in data["targets"]:
            if t["subdistrict"] == sub:
                assert squash(t["name"]) in sub_text, (sub, t["name"])


def test_change_against_last_week_is_computed_as_of_its_end(rendered):
    data = rendered[0]
    now, prev = data["figures"], data["figures_prev"]
    assert now["supervised_units"] == prev["supervised_units"] == 4098   # attributes as now
    assert prev["hazards_found_ytd"] < now["hazards_found_ytd"]           # events up to then
    assert prev["problems_solved_ytd"] <= now["problems_solved_ytd"]
    assert {p["scope"] for p in data["progress_prev"]} == {"全区", *SUBDISTRICTS}


def test_no_missing_glyphs(rendered):
    """Every page's text extracts without U+FFFD; only embedded Noto CJK fonts are used."""
    data, pages, stage = rendered
    for name in (n for n in pages if n.endswith(".pdf")):
        reader = PdfReader(stage / name)
        for page in reader.pages:
            text = page.extract_text()
            assert text.strip() and "\ufffd" not in text, name
        if shutil.which("pdffonts"):
            listing = subprocess.run(["pdffonts", str(stage / name)], capture_output=True, text=True,
                                     check=True).stdout.splitlines()[2:]
            assert listing
            for line in listing:
                assert "Noto" in line and " yes yes yes " in line, line
    # the text set is the text extracted: names, dates, figures of the district report
    text = squash(pdf_text(stage / DISTRICT_PDF))
    for row in (*data["links"], *data["pairs"]):
        for value in (row.get("dept"), row.get("name"), row.get("subdistrict")):
            if value:
                assert squash(value) in text, value


# --- privacy -----------------------------------------------------------------------------

def test_phone_numbers_are_masked_in_every_pdf(rendered, phones):
    data, pages, stage = rendered
    assert phones and all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
    masked_seen = set()
    for name in (n for n in pages if n.endswith(".pdf")):
        text = squash(pdf_text(stage / name))
        leaked = [p for p in phones if p in text]
        assert not leaked, (name, leaked[:3])
        masked_seen |= {mask_phone(p) for p in phones if mask_phone(p) in text}
    pair_phones = ({p["officer_1_phone"] for p in data["pairs"]} | {p["officer_2_phone"] for p in data["pairs"]}
                   | {p["expert_phone"] for p in data["pairs"]})
    assert pair_phones - {""} and pair_phones - {""} <= masked_seen
    assert all(re.fullmatch(r"1[3-9]\d\*{4}\d{4}", m) for m in masked_seen)


def test_workbooks_sent_beyond_the_assignees_carry_no_full_number(rendered, phones):
    _, _, stage = rendered
    for name in (f"汇总表_{WEEK}.xlsx", f"双随机抽查结果公示_{WEEK}.xlsx"):
        text = workbook_text(stage / name)
        assert not [p for p in phones if p in text], name


def test_the_task_list_keeps_full_numbers_for_the_assignees(rendered, phones):
    data, _, stage = rendered
    wb = load_workbook(stage / f"任务清单_{WEEK}.xlsx", read_only=True)
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    text = "\n".join(cells)
    assigned = ({p["officer_1"] for p in data["pairs"]} | {p["officer_2"] for p in data["pairs"]}
                | {p["expert_id"] for p in data["pairs"]}) - {None}
    assert all(data["people"][pid]["phone"] in text for pid in assigned if data["people"][pid]["phone"])
    assert set(wb.sheetnames[:2]) == {"总览", "联合帮扶"}
    for sheet in wb.sheetnames:
        assert len(sheet) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet)
    assert len({s.lower() for s in wb.sheetnames}) == len(wb.sheetnames)
    people_with_tasks = ({r["cadre_id"] for r in data["cadre_tasks"]} | {r["expert_id"] for r in data["expert_tasks"]}
                         | assigned)   # next week's drawn checks are in the departments' notices only
    assert len(wb.sheetnames) == 2 + len(people_with_tasks - {None})


# --- reproducibility -----------------------------------------------------------------------

def test_same_data_gives_the_same_bytes_across_processes(rendered, tmp_path):
    """The week's data rendered in a fresh process (one PDF worker) gives, file for file, the
    bytes the pipeline's own ``reports`` step published."""
    data, _, published = rendered
    dumped = json.dumps(data, ensure_ascii=False)
    assert json.loads(dumped) == data                 # plain Python data, nothing else
    (tmp_path / "data.json").write_text(dumped, encoding="utf-8")
    out = tmp_path / "run" / WEEK
    subprocess.run([sys.executable, "-c", RENDER_IN_SUBPROCESS, str(tmp_path / "data.json"), str(out)],
                   cwd=PROJECT, env={**os.environ, "BANGFU_REPORT_WORKERS": "1", "PYTHONPATH": str(PROJECT)},
                   check=True, capture_output=True)
    here = digests(out)
    assert set(here) == EXPECTED_FILES | set(notice_files(data).values())
    assert here == digests(published)


def test_pdf_metadata_is_pinned_to_the_week(rendered):
    from assets.report.pdf import pdf_identifier
    _, _, stage = rendered
    reader = PdfReader(stage / DISTRICT_PDF)
    meta = reader.metadata
    expected = dt.datetime(2023, 8, 13, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert meta.creation_date == expected and meta.modification_date == expected
    assert meta.title.startswith("丰泽区安全生产帮扶工作周报")
    assert bytes(reader.trailer["/ID"][0].original_bytes) == pdf_identifier(WEEK, DISTRICT_PDF)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3</pdfaid:part>" in xmp


def fonts_of(resources, seen=None) -> dict:
    """Every font of a resource dictionary and of the forms (e.g. the SVG chart) inside it."""
    seen = {} if seen is None else seen
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        seen[str(font["/BaseFont"])] = font
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            fonts_of(xobject["/Resources"].get_object(), seen)
    return seen


def test_what_pdf_a_3u_asks_that_can_be_checked_here(rendered):
    """No PDF/A validator runs offline; these are the parts of PDF/A-3u a reader can
    check: the declaration, an sRGB output intent with its ICC profile, every font
    embedded with a Unicode map (the "u"), no encryption."""
    _, pages, stage = rendered
    for name in (n for n in pages if n.endswith(".pdf")):
        reader = PdfReader(stage / name)
        root = reader.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data()
        assert b'pdfaid:conformance="U"' in xmp or b"<pdfaid:conformance>U</pdfaid:conformance>" in xmp
        intent = root["/OutputIntents"][0].get_object()
        assert intent["/S"] == "/GTS_PDFA1" and len(intent["/DestOutputProfile"].get_object().get_data()) > 0
        assert not reader.is_encrypted
        fonts = {}
        for page in reader.pages:
            fonts_of(page["/Resources"].get_object(), fonts)
        assert fonts, name
        for base, font in fonts.items():
            assert "/ToUnicode" in font, (name, base)
            desc = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)
            desc = desc["/FontDescriptor"].get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), (name, base)


def test_the_chart_is_deterministic_svg_with_text_as_text(rendered):
    from assets.report.charts import trend_svg
    series = rendered[0]["trend"]["全区"]
    assert [s["week_no"] for s in series] == list(range(1, 33))
    assert sum(s["found"] for s in series) == 2100
    svg = trend_svg(series)
    assert svg == trend_svg(series)
    assert svg.startswith("<svg") and "<metadata" not in svg and "<style" not in svg
    assert "本周发现隐患" in svg and "<text" in svg and "style=" not in svg


# --- safety ------------------------------------------------------------------------------

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel=attachment href="file:///etc/passwd">',
    "</td></table><h1>标题注入</h1>",
    "{{ 7*7 }}{% raw %}",
    '=HYPERLINK("http://example.invalid","点我")',
]
LONG = "超长单位名称" + "很长的名称" * 1000   # 5,006 characters


def test_hostile_ledger_text_renders_as_text(rendered, demo_warehouse, tmp_path):
    data, pages, _ = rendered
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "hostile.duckdb")
    con = connect(warehouse)
    targets = con.execute("SELECT rank, unit_id FROM priority_targets WHERE week = ? ORDER BY rank",
                          [WEEK]).fetchall()
    for (rank, unit_id), name in zip(targets, [*HOSTILE, LONG], strict=False):
        con.execute("UPDATE priority_targets SET name = ? WHERE week = ? AND rank = ?", [name, WEEK, rank])
        con.execute("UPDATE units SET name = ? WHERE unit_id = ?", [name, unit_id])
    overdue = [h["hazard_id"] for h in data["overdue"][:2]]
    con.execute("UPDATE hazards SET description = ? WHERE hazard_id = ?", [HOSTILE[2], overdue[0]])
    con.execute("UPDATE hazards SET description = ? WHERE hazard_id = ?", [LONG, overdue[1]])
    con.execute("UPDATE cadres SET name = ? WHERE cadre_id = (SELECT officer_1 FROM inspection_pairs "
                "WHERE week = ? ORDER BY unit_id LIMIT 1)", ["王[五]:*?/\\'", WEEK])
    con.close()

    stage = tmp_path / "out" / WEEK
    _, hostile_pages = render(warehouse, stage)
    text = squash(pdf_text(stage / DISTRICT_PDF))
    for name in HOSTILE:
        assert squash(name) in text, name
    assert squash(LONG[:60]) in text and "已截断" in text and squash(LONG[:200]) not in text
    assert "root:x:0:0" not in text
    for name, n in hostile_pages.items():
        if name.endswith(".pdf"):
            assert foreign_content(stage / name) == [], name
            assert n <= pages[name] + 2, (name, n, pages[name])     # the layout holds
            raw = (stage / name).read_bytes()
            assert b"/EmbeddedFile" not in raw and b"/Launch" not in raw and b"file:///" not in raw
    # workbooks keep the text as text: no formula, legal and unique sheet names
    wb = load_workbook(stage / f"汇总表_{WEEK}.xlsx")
    cells = [c for row in wb["帮扶对象"].iter_rows() for c in row if isinstance(c.value, str)]
    formula = [c for c in cells if c.value.startswith("=HYPERLINK")]
    assert formula and all(c.data_type == "s" for c in formula)
    tasks = load_workbook(stage / f"任务清单_{WEEK}.xlsx", read_only=True)
    assert any("王五" in s for s in tasks.sheetnames)
    for sheet in tasks.sheetnames:
        assert len(sheet) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet)


def test_resources_outside_the_templates_are_refused(tmp_path):
    from assets.report.pdf import TEMPLATES, ForbiddenResource, TemplateFetcher
    fetcher = TemplateFetcher()
    css = fetcher.fetch((TEMPLATES / "style.css").as_uri())
    assert b"@page" in css.read()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for url in ("file:///etc/passwd", secret.as_uri(), (TEMPLATES / ".." / "pyproject.toml").as_uri(),
                "https://example.invalid/x.css", "http://127.0.0.1/", "data:text/plain,abc",
                "ftp://example.invalid/x", (TEMPLATES / "missing.css").as_uri()):
        with pytest.raises(ForbiddenResource):
            fetcher.fetch(url)


def test_templates_autoescape():
    from assets.report.view import environment
    env = environment()
    assert env.autoescape is True
    html = env.from_string("{{ x }}").render(x="<b>&</b>")
    assert html == "&lt;b&gt;&amp;&lt;/b&gt;"
    templates = list((PROJECT / "report_templates").glob("*.html"))
    assert templates and len(list((PROJECT / "report_templates").glob("*.css"))) == 1
    safe_uses = [t.name for t in templates for line in t.read_text(encoding="utf-8").splitlines()
                 if "|safe" in line.replace(" ", "")]
    assert safe_uses == ["report.html"]   # only the chart's SVG


# --- fonts -----------------------------------------------------------------------------

def test_font_check_fails_clearly_without_a_cjk_font(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                    f"<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n")
    code = "from assets.report.pdf import check_cjk_font; check_cjk_font()"
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "PYTHONPATH": str(PROJECT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "MissingCJKFont" in result.stderr
    assert "fonts-noto-cjk" in result.stderr and "未找到中文字体" in result.stderr and "No CJK font" in result.stderr
    ok = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True,
                        env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert ok.returncode == 0, ok.stderr


def test_render_all_checks_the_font_before_writing(monkeypatch, rendered, tmp_path):
    from assets.report import render as render_module
    from assets.report.pdf import MissingCJKFont

    def no_font():
        raise MissingCJKFont("fonts-noto-cjk")
    monkeypatch.setattr(render_module, "check_cjk_font", no_font)
    with pytest.raises(MissingCJKFont):
        render_all(rendered[0], tmp_path / "stage")
    assert not (tmp_path / "stage").exists()


def test_missing_harfbuzz_subset_is_a_loud_warning(monkeypatch, caplog):
    import ctypes.util

    from assets.report import pdf
    real = ctypes.util.find_library
    monkeypatch.setattr(pdf.ctypes.util, "find_library",
                        lambda name: None if name == "harfbuzz-subset" else real(name))
    with caplog.at_level("WARNING"):
        assert pdf.check_harfbuzz_subset() is False
    assert any("libharfbuzz-subset.so.0" in r.getMessage() and r.levelname == "WARNING"
               for r in caplog.records)


# --- caps --------------------------------------------------------------------------------

def test_long_lists_are_capped_with_total_and_pointer(rendered, demo_warehouse, tmp_path):
    from pipeline.core.ledgers import PROBLEM_CODES, UNITS
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "caps.duckdb")
    con = connect(warehouse)
    # 200 more overdue hazards: open, with a deadline long past
    con.execute("""UPDATE hazards SET fixed_on = NULL, due_on = found_on + INTERVAL 1 DAY
        WHERE hazard_id IN (SELECT hazard_id FROM hazards WHERE found_on < DATE '2023-07-01'
                            ORDER BY hazard_id LIMIT 200)""")
    # 80 quarantined rows of the unit ledger
    file = "监管对象台账（2023年8月）.xlsx"
    headers = [c.header for c in UNITS.columns]
    for i in range(80):
        raw = dict.fromkeys(headers, "x") | {"单位编号": f"BAD{i:03d}", "从业人数": "很多"}
        con.execute("INSERT INTO quarantine VALUES ('units', ?, ?, 'employees', '从业人数', '很多', "
                    "'not_a_number', ?)", [file, 5000 + i, PROBLEM_CODES["not_a_number"]])
        con.execute("INSERT INTO quarantine_rows VALUES ('units', ?, ?, ?, ?)",
                    [file, 5000 + i, json.dumps(raw, ensure_ascii=False), f"BAD{i:03d}"])
    con.execute("UPDATE ingest_files SET rows_quarantined = 80 WHERE ledger = 'units'")
    # 60 published spot-check results (a draw recorded for this week, its checks three times over)
    con.execute("""INSERT INTO draw_log (plan_for, draw_no, week, kind, drawn_at, witnesses, algorithm, seed,
        params_sha256, units_pool, units_pool_sha256, officers_pool, officers_pool_sha256, result_sha256)
        VALUES (?, 1, '2023-W31', '首次抽取', '2023-07-31T07:00:00+08:00', '[]', 'bangfu-draw-1', 'ab', 'cd',
                '[]', 'ef', '[]', '01', '23')""", [WEEK])
    con.execute("""INSERT INTO spot_check_results BY NAME SELECT ? AS week, ? AS plan_for, 1 AS draw_no,
        100 * k + s.pick AS pick, s.unit_id, s.name, s.subdistrict, s.category, s.dept, s.officer_1,
        s.officer_2, '待检查' AS draw_status, false AS checked, 0 AS hazards_found, 0 AS hazards_fixed,
        '截至本周末未见该单位的执法检查记录' AS note
        FROM spot_checks s, range(1, 4) r(k) WHERE s.week = ?""", [WEEK, WEEK, WEEK])
    con.close()

    stage = tmp_path / "out" / WEEK
    data, pages = render(warehouse, stage)
    total_overdue = len(data["overdue"])
    assert total_overdue > CAPS["overdue"] and data["quarantine"]["total_rows"] == 80
    text = squash(pdf_text(stage / DISTRICT_PDF))
    assert (f"共{total_overdue}条逾期未整改隐患，本表只列出前{CAPS['overdue']}条，"
            f"全部{total_overdue}条见《汇总表_{WEEK}.xlsx》“逾期隐患”工作表") in text
    spot_total = len(data["spot_results"])
    assert spot_total > CAPS["spot"]
    assert f"共{spot_total}家抽查单位，本表只列出前{CAPS['spot']}条" in text
    # leaders read one paragraph; the rows, codes and reasons are in the fix list only
    assert "80行未通过校验，已隔离" in text and "监管对象台账80行" in text and "《待修正清单》" in text
    assert "not_a_number" not in text and "BAD000" not in text
    assert body_pages(stage / DISTRICT_PDF) <= 4      # long lists go to the annexes only

    # the workbooks hold them all
    summary = load_workbook(stage / f"汇总表_{WEEK}.xlsx", read_only=True)
    ids = [r[1] for r in summary["逾期隐患"].iter_rows(min_row=4, values_only=True) if r[1]]
    assert len(ids) == total_overdue
    fix = load_workbook(stage / f"待修正清单_{WEEK}.xlsx")
    assert fix.sheetnames == ["说明", "监管对象台账"]
    ws = fix["监管对象台账"]
    header = [c.value for c in ws[1]]
    lead = ["文件", "行号", "单位名称", "所属街道", "首次发现", "影响统计"]
    assert header[:6] == lead and header[6:-2] == headers and header[-2:] == ["问题（全部）", "建议"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 80 and rows[0][0] == file and rows[0][1] == 5000
    assert rows[0][6] == "BAD000" and "不是有效的整数" in rows[0][-2] and "很多" in rows[0][-2]
    col = headers.index("从业人数") + 7
    assert ws.cell(2, col).fill.fgColor.rgb.endswith("FFE699")


def test_distribution_lines_come_from_the_run_configuration(demo_warehouse, tmp_path):
    from assets.report.view import environment, file_names, render_html
    warehouse = copy_warehouse(demo_warehouse, tmp_path / "distribution.duckdb")
    con = connect(warehouse)
    (config_json,) = con.execute("SELECT config_json FROM run_settings WHERE week = ?", [WEEK]).fetchone()
    config = json.loads(config_json)
    config["report"] = {"compiler": "应急管理局办公室",
                        "distribution": {"发": "各街道办事处", "抄送": "市应急管理局", "报": "区政府"},
                        "subdistrict_distribution": {"报": "区安委办", "送": "{dept}；{subdistrict}党工委"}}
    con.execute("UPDATE run_settings SET config_json = ? WHERE week = ?", [json.dumps(config), WEEK])
    data = query_report_data(con, START)
    con.close()
    env, files = environment(), file_names(data)
    district = squash(re.sub(r"<[^>]+>", " ", render_html(env, data, None, files)))
    assert "丰泽区应急管理局办公室" in district
    # in a 简报's order whatever the stored order: 报, 发, 抄送
    assert re.search("报：区政府.*发：各街道办事处.*抄送：市应急管理局", district), district[-400:]
    dept = next(x["dept"] for x in data["links"] if x["subdistrict"] == "东海街道")
    sub = squash(re.sub(r"<[^>]+>", " ", render_html(env, data, "东海街道", files)))
    assert f"送：{dept}；东海街道党工委" in sub and "发：" not in sub


def test_an_empty_fix_list_says_so(rendered):
    _, _, stage = rendered
    wb = load_workbook(stage / f"待修正清单_{WEEK}.xlsx", read_only=True)
    assert wb.sheetnames == ["说明"]
    text = [v for row in wb["说明"].iter_rows(values_only=True) for v in row if v]
    assert any("没有需要修正的行" in v for v in text)


def test_the_summary_table_has_every_subdistrict_and_the_district(rendered):
    _, _, stage = rendered
    wb = load_workbook(stage / f"汇总表_{WEEK}.xlsx", read_only=True)
    rows = list(wb["汇总"].iter_rows(min_row=4, max_row=13, values_only=True))
    assert rows[0][0] == "范围" and rows[1][0] == "全区" and rows[1][1] == 4098
    assert {r[0] for r in rows[2:10]} == set(SUBDISTRICTS)
    assert sum(r[1] for r in rows[2:10]) == 4098


# --- helper processes ------------------------------------------------------------------------

UNGUARDED_SCRIPT = """
import json, sys
from pathlib import Path
with open(sys.argv[3], "a") as marker:        # counts how often this script body runs
    marker.write("ran\\n")
from assets.report.render import render_all
data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
render_all(data, Path(sys.argv[2]))
"""


def test_a_caller_script_without_a_main_guard_runs_once(rendered, tmp_path):
    """The PDF helper must not run the caller's script again (multiprocessing would)."""
    data, _, stage = rendered
    (tmp_path / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    script = tmp_path / "render_week.py"
    script.write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    out, marker = tmp_path / "out" / WEEK, tmp_path / "marker.txt"
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "data.json"), str(out), str(marker)],
                            cwd=PROJECT, capture_output=True, text=True,
                            env={**os.environ, "BANGFU_REPORT_WORKERS": "2", "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert marker.read_text().splitlines() == ["ran"]
    assert "渲染进程失败" not in result.stderr       # no worker failure, no fallback
    assert digests(out) == digests(stage)


def test_a_failing_worker_falls_back_to_this_process(rendered, monkeypatch, tmp_path, caplog):
    """Workers that cannot start (their initializer fails) leave every PDF to this process,
    with a warning, and the bytes are the same."""
    from assets.report import render as render_module
    data, _, stage = rendered
    monkeypatch.setenv("BANGFU_REPORT_WORKERS", "2")
    monkeypatch.setattr(render_module, "_init_worker", sys.exit)   # exits with the data as status
    with caplog.at_level("WARNING"):
        pages = render_all(data, tmp_path / WEEK)
    assert pages == rendered[1]                        # every file, with its page count
    assert digests(tmp_path / WEEK) == digests(stage)
    assert any("PDF 渲染进程失败" in r.getMessage() for r in caplog.records)


def test_the_number_of_pdf_processes(monkeypatch):
    from assets.report import processes as render_module
    monkeypatch.setattr(render_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.delenv("BANGFU_REPORT_WORKERS", raising=False)
    assert render_module.pdf_processes(9) == 2          # one per CPU
    assert render_module.pdf_processes(1) == 1          # never more than the reports
    monkeypatch.setenv("BANGFU_REPORT_WORKERS", "3")
    assert render_module.pdf_processes(9) == 3 and render_module.pdf_processes(2) == 2
    monkeypatch.setenv("BANGFU_REPORT_WORKERS", "1")
    assert render_module.pdf_processes(9) == 1
