"""The Word version of the district report (assets/report/docx.py), read back with python-docx:
the same paragraphs and tables as the HTML the PDF is made from, the GB/T 9704 page and
faces, byte-reproducibility, and hostile text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import lxml.html
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from readback import squash

from assets.report.docx import CHART_NOTE, build_docx, write_docx

TZ = dt.timezone(dt.timedelta(hours=8))
MOMENT = dt.datetime(2023, 8, 13, 23, 59, 59, tzinfo=TZ)

HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>丰泽区安全生产帮扶工作周报（2023年第32期）</title>
<meta name="author" content="丰泽区安全生产委员会办公室"><meta name="keywords" content="安全生产, 帮扶">
<style>p { color: red }</style></head>
<body>
<div class="masthead">
  <div class="mast-title">丰泽区安全生产帮扶工作周报</div>
  <div class="mast-issue">第32期</div>
  <div class="mast-meta"><span>丰泽区安全生产委员会办公室&#x3000;编</span><span>2023年8月13日</span></div>
  <div class="red-rule"></div>
</div>
<h1>丰泽区安全生产帮扶工作情况</h1>
<p class="subtitle">2023年第32周，8月7日—8月13日</p>
<h2>一、总体情况</h2>
<p><b>（一）监管底数。</b>全区在监管生产经营单位4,098家（与上周持平），
其中工贸企业<span class="red">1,203</span>家。</p>
<p class="caption">表1　主要指标（本周截至8月13日）</p>
<table class="figures">
  <colgroup><col style="width:40%"><col style="width:20%"><col style="width:20%"><col style="width:20%"></colgroup>
  <thead><tr><th>指标</th><th>本周</th><th>上周</th><th>增减</th></tr></thead>
  <tbody>
  <tr><td class="label">帮扶服务（次）</td><td class="num">268</td><td class="num">251</td><td class="num up">+17</td></tr>
  <tr class="total"><td>合计</td><td class="num">1,963</td><td class="num">—</td><td class="num">—</td></tr>
  </tbody>
</table>
<div class="figure"><svg xmlns="http://www.w3.org/2000/svg"><text>隐患</text></svg>
<p class="caption">图1　2023年以来各周隐患发现、整改情况</p></div>
<h2>二、本周工作进展</h2>
<h3>（一）部门驻点</h3>
<p>区住建局驻点东海街道<br><span class="small">联系电话 138****0000</span></p>
<p class="cap-note">注：共120家帮扶对象，本表只列出前50条。</p>
<p class="none">本周没有部门驻点安排。</p>
<div class="annex">
<h2>附件1　帮扶对象名单</h2>
<table>
  <colgroup><col style="width:10%"><col style="width:60%"><col style="width:30%"></colgroup>
  <thead><tr><th>序号</th><th>单位名称</th><th>街道</th></tr></thead>
  <tbody><tr><td class="c">1</td><td>泉州市某某鞋业有限公司</td><td>东海街道</td></tr></tbody>
</table>
</div>
<div class="annex">
<h2>附件2　逾期未整改隐患</h2>
<p>截至8月13日，全区没有逾期未整改的隐患。</p>
</div>
<div class="provenance">
<h2>数据来源与版本</h2>
<p>配置哈希：<span class="mono">3f2a9c</span>；代码版本：<span class="mono">6c4c9c2</span>。</p>
</div>
<div class="distribution">
  <p><b>报：</b>区委、区政府</p>
  <p><b>送：</b>区安委会各成员单位</p>
  <div class="printed"><span>丰泽区安全生产委员会办公室</span><span>2023年8月14日印发</span></div>
</div>
</body></html>
"""


# --- helpers ---------------------------------------------------------------------------

def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def html_blocks(html: str) -> list[str]:
    """The HTML's paragraphs and headings in order, as text (not the masthead, tables,
    chart or distribution lines)."""
    root = lxml.html.document_fromstring(html)
    out = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "li"):
        if any(a.tag == "table" or {"masthead", "distribution"} & set((a.get("class") or "").split())
               for a in el.iterancestors()):
            continue
        text = squash(el.text_content())
        if text:
            out.append(text)
    return out


def docx_blocks(document) -> list[str]:
    """The body paragraphs in order, as text: the chart's pointer left out, an annex's
    label and title (two paragraphs in GB/T 9704) read as its one HTML heading."""
    out: list[str] = []
    label = None
    for par in document.paragraphs:
        style, text = par.style.name, squash(par.text)
        if not text or style in ("版头", "版记") or par.text == CHART_NOTE:
            continue
        if style == "附件标识":
            label = text
            continue
        if label is not None:
            text, label = label + text, None
        out.append(text)
    return out


def html_tables(html: str) -> list[list[list[str]]]:
    root = lxml.html.document_fromstring(html)
    return [[[squash(c.text_content()) for c in tr if c.tag in ("td", "th")] for tr in t.iter("tr")]
            for t in root.iter("table")]


def docx_tables(document) -> list[list[list[str]]]:
    return [[[squash(c.text) for c in row.cells] for row in t.rows] for t in document.tables]


def east_asian(style_or_run) -> str | None:
    rpr = style_or_run.element.rPr if hasattr(style_or_run, "element") else style_or_run._r.rPr
    return rpr.rFonts.get(qn("w:eastAsia")) if rpr is not None and rpr.rFonts is not None else None


@pytest.fixture(scope="module")
def made():
    data = build_docx(HTML, MOMENT)
    return data, read(data)


# --- same text and tables as the HTML --------------------------------------------------

def test_paragraphs_are_the_html_paragraphs_in_order(made):
    assert docx_blocks(made[1]) == html_blocks(HTML)


def test_tables_have_the_same_cells(made):
    assert docx_tables(made[1]) == html_tables(HTML)


def test_masthead_and_distribution_lines(made):
    document = made[1]
    mast = [p for p in document.paragraphs if p.style.name == "版头"]
    assert [p.text for p in mast] == ["丰泽区安全生产帮扶工作周报", "第32期",
                                      "丰泽区安全生产委员会办公室\u3000编\t2023年8月13日"]
    title_run = mast[0].runs[0]
    assert title_run.font.color.rgb is not None and str(title_run.font.color.rgb) == "D40000"
    assert mast[0].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = mast[-1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "D40000" and int(rule.get(qn("w:sz"))) >= 12
    imprint = [p.text for p in document.paragraphs if p.style.name == "版记"]
    assert imprint == ["报：区委、区政府", "送：区安委会各成员单位",
                       "丰泽区安全生产委员会办公室\t2023年8月14日印发"]


def test_chart_is_left_out_and_its_caption_says_so(made):
    texts = [p.text for p in made[1].paragraphs]
    assert "隐患" not in texts
    i = texts.index("图1\u30002023年以来各周隐患发现、整改情况")
    assert texts[i + 1] == CHART_NOTE


def test_inline_marks_survive(made):
    par = next(p for p in made[1].paragraphs if p.text.startswith("（一）监管底数"))
    assert par.runs[0].text == "（一）监管底数。" and par.runs[0].bold
    red = next(r for r in par.runs if r.text == "1,203")
    assert str(red.font.color.rgb) == "C00000"
    # a source line break between two Chinese characters is no space, as in the browser
    assert "（与上周持平），其中工贸企业" in par.text
    broken = next(p for p in made[1].paragraphs if p.text.startswith("区住建局"))
    assert broken.text == "区住建局驻点东海街道\n联系电话 138****0000"


# --- the GB/T 9704 look ----------------------------------------------------------------

def test_page_is_a4_with_the_standard_margins(made):
    section = made[1].sections[0]
    for got, want in ((section.page_width, Mm(210)), (section.page_height, Mm(297)),
                      (section.top_margin, Mm(37)), (section.bottom_margin, Mm(35)),
                      (section.left_margin, Mm(28)), (section.right_margin, Mm(26))):
        assert abs(got.mm - want.mm) < 0.1
    # 版心 156 × 225 mm
    assert abs(Mm(156).mm - (section.page_width - section.left_margin - section.right_margin) / 36000) < 0.1
    assert abs(Mm(225).mm - (section.page_height - section.top_margin - section.bottom_margin) / 36000) < 0.1


def test_faces_and_sizes(made):
    document = made[1]
    styles = document.styles
    title = styles["公文标题"]
    assert east_asian(title) == "方正小标宋简体" and title.font.size == Pt(22) and title.font.bold
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    normal = styles["Normal"]
    assert east_asian(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)
    assert normal.paragraph_format.first_line_indent == Pt(32)          # two characters
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= normal.paragraph_format.line_spacing.pt <= 29
    assert east_asian(styles["一级标题"]) == "黑体" and styles["一级标题"].font.size == Pt(16)
    assert east_asian(styles["二级标题"]) == "楷体_GB2312" and styles["二级标题"].font.size == Pt(16)
    assert east_asian(styles["表格文字"]) == "仿宋_GB2312" and styles["表格文字"].font.size == Pt(12)
    # the paragraphs use them
    by_text = {p.text: p.style.name for p in document.paragraphs}
    assert by_text["丰泽区安全生产帮扶工作情况"] == "公文标题"
    assert by_text["一、总体情况"] == "一级标题"
    assert by_text["（一）部门驻点"] == "二级标题"
    assert by_text["表1\u3000主要指标（本周截至8月13日）"] == "表题"
    # the font table names what Windows has when the GB2312 faces are missing
    fonts = zipfile.ZipFile(io.BytesIO(made[0])).read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:val="仿宋"' in fonts


def test_tables_have_borders_repeated_bold_headers_and_the_html_widths(made):
    table = made[1].tables[0]
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None
    head = table.rows[0]
    assert head._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert all(r.bold for c in head.cells for p in c.paragraphs for r in p.runs)
    widths = [c.width.mm for c in table.rows[1].cells]
    assert [round(w, 1) for w in widths] == [62.4, 31.2, 31.2, 31.2]      # 40/20/20/20 % of 156 mm
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_annexes_start_on_a_new_page_with_their_label(made):
    pars = made[1].paragraphs
    labels = [i for i, p in enumerate(pars) if p.style.name == "附件标识"]
    assert [pars[i].text for i in labels] == ["附件1", "附件2"]
    assert all(pars[i].paragraph_format.page_break_before for i in labels)
    assert [pars[i + 1].text for i in labels] == ["帮扶对象名单", "逾期未整改隐患"]
    assert all(pars[i + 1].style.name == "附件标题" for i in labels)


def test_page_numbers_odd_right_even_left(made):
    document = made[1]
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        par = footer.paragraphs[0]
        assert par.alignment == align
        assert par.text.startswith("— ") and par.text.endswith(" —")
        assert " PAGE " in [t.text for t in par._p.iter(qn("w:instrText"))]
        assert {east_asian(r) for r in par.runs} == {"宋体"} and par.runs[0].font.size == Pt(14)


def test_core_properties(made):
    core = made[1].core_properties
    assert core.title == "丰泽区安全生产帮扶工作周报（2023年第32期）"
    assert core.author == "丰泽区安全生产委员会办公室"
    assert core.created == core.modified == dt.datetime(2023, 8, 13, 15, 59, 59, tzinfo=dt.UTC)
    assert core.last_modified_by == "bangfu" and core.revision == 1
    assert "python-docx" not in (core.comments + core.author + core.last_modified_by)
    assert build_docx(HTML, MOMENT, "另一个标题") != made[0]
    assert read(build_docx(HTML, MOMENT, "另一个标题")).core_properties.title == "另一个标题"


# --- reproducible ----------------------------------------------------------------------

def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_same_html_and_moment_give_the_same_bytes(tmp_path, made):
    write_docx(HTML, tmp_path / "a.docx", MOMENT, "")
    write_docx(HTML, tmp_path / "b.docx", MOMENT, "")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes() == made[0]
    assert not list(tmp_path.glob("*.part"))
    with zipfile.ZipFile(tmp_path / "a.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 8, 13, 23, 59, 58)}   # DOS: 2 s steps
        assert "docProps/thumbnail.jpeg" not in z.namelist()
        assert "rsid" not in z.read("word/document.xml").decode()


def test_another_moment_changes_only_the_metadata(made):
    other = build_docx(HTML, MOMENT + dt.timedelta(days=7))
    assert other != made[0]
    a, b = entries(made[0]), entries(other)
    assert list(a) == list(b)
    assert [name for name in a if a[name] != b[name]] == ["docProps/core.xml"]


# --- hostile text ----------------------------------------------------------------------

def test_hostile_text_is_text_and_illegal_characters_are_dropped():
    html = ("<html><head><title>t\x00itle</title></head><body>"
            "<p>甲\x00乙\x0b丙\x1f丁\ufffe戊&lt;script&gt;alert(1)&lt;/script&gt;</p>"
            "<script>document.write('不应出现')</script>"
            "<table><tr><td>单元\x08格</td><td>&lt;b&gt;粗&lt;/b&gt;</td></tr></table>"
            "<blink>未知标签的文字</blink><p><svg><text>图</text></svg>之后</p>"
            "<!-- 注释 --><p>&#1;实体</p></body></html>")
    document = read(build_docx(html, MOMENT))
    texts = [p.text for p in document.paragraphs]
    assert "甲乙丙丁戊<script>alert(1)</script>" in texts
    assert "未知标签的文字" in texts and "之后" in texts
    assert not any("不应出现" in t or "注释" in t or t == "图" for t in texts)
    assert docx_tables(document) == [[["单元格", "<b>粗</b>"]]]
    assert document.core_properties.title == "title"


@pytest.mark.parametrize("html", ["", "   ", "<p>只有一段</p>", "<html><body></body></html>",
                                  "<table></table>", "<div class='annex'></div>"])
def test_degenerate_html_still_gives_a_document(html):
    document = read(build_docx(html, dt.datetime(1970, 1, 1)))
    assert abs(document.sections[0].page_width.mm - 210) < 0.1


# --- the real district report ----------------------------------------------------------

def test_the_real_district_report(demo_run, demo_warehouse):
    """The demo week's district report as the pipeline published it: every paragraph and
    every table cell of its HTML is in the .docx, in order, and building it again from that
    HTML gives the same bytes."""
    import json

    from conftest import connect

    from assets.report.data import query_report_data
    from assets.report.view import environment, file_names, render_html, week_end_moment

    base, manifest = demo_run
    con = connect(demo_warehouse, read_only=True)
    try:
        data = query_report_data(con, dt.date(2023, 8, 7))
    finally:
        con.close()
    data["code_version"] = json.loads(manifest.read_text(encoding="utf-8"))["code_version"]
    html = render_html(environment(), data, None, file_names(data), chart=False)   # as the pipeline
    published = base / "out" / data["week"] / file_names(data)["docx"]
    document = docx.Document(published)
    assert docx_blocks(document) == html_blocks(html)
    assert docx_tables(document) == html_tables(html)
    assert document.core_properties.title == " ".join(
        lxml.html.document_fromstring(html).find(".//title").text_content().split())
    assert build_docx(html, week_end_moment(data)) == published.read_bytes()
