"""The editable Word version (.docx) of a weekly report, in the look of a 公文 (GB/T 9704-2012).

Made from the same rendered HTML as the PDF, so its text and tables are the PDF's by
construction; only the look differs: A4 with the standard margins (版心 156 × 225 mm),
title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号 at a fixed 28.95 pt line pitch
(22 lines to a page), 一级标题 in 黑体, 二级标题 in 楷体_GB2312, page numbers "— N —"
in 宋体 四号, odd pages right and even pages left, each one character in from the edge of
the text block. Tables are 仿宋 with 0.5 pt borders, bold header rows repeated on every
page, rows kept whole, column widths the HTML's colgroup percentages of 156 mm; their text
is 小四, or 五号 from six columns on (the report's wide tables do not fit otherwise). The red masthead of the 简报 stays; numbered 附件 (``div.annex``) start
on a new page with their 附件N label at the top left. The chart (an inline SVG) is left
out and its caption says where to see it.

Fonts are named as the offices have them (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体) and the
font table gives each the name Windows ships as its alternative (仿宋, 楷体, 宋体), so that a
machine without the GB2312 faces still sets the right style.

``write_docx`` gives the same bytes for the same HTML and moment: the zip is packed again
with fixed entry times, attributes and order, and the metadata is pinned to ``moment``.
Only the standard library, lxml and python-docx are used here (no Dagster).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import docx
import lxml.html
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

# --- the page (GB/T 9704-2012 §5.2) ----------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_MM = 156
FOOTER_DISTANCE = Mm(21)            # the page number's dash line ~7 mm below the text block
LINE_PITCH = Pt(28.95)              # 225 mm / 22 lines
CELL_MARGIN_TWIPS = 57              # 1 mm
WIDE_TABLE = 6                      # columns from which table text is 五号 instead of 小四

# --- fonts and sizes (字号) ------------------------------------------------------------
XIAOBIAOSONG = "方正小标宋简体"
SONG = "宋体"
FANGSONG = "仿宋_GB2312"
KAI = "楷体_GB2312"
HEI = "黑体"
# the font table's alternative for each face (what Windows ships under the plain name)
ALT_NAMES = {XIAOBIAOSONG: SONG, FANGSONG: "仿宋", KAI: "楷体", HEI: "SimHei", SONG: "SimSun"}

SIZE_XIAOCHU, SIZE_1, SIZE_2, SIZE_3, SIZE_4 = 36, 26, 22, 16, 14
SIZE_XIAO4, SIZE_5, SIZE_XIAO5 = 12, 10.5, 9
SIZE_MONO = 7.5                     # hashes in the provenance table

RED = RGBColor(0xD4, 0x00, 0x00)    # the masthead's red, as in the PDF
RED_TEXT = RGBColor(0xC0, 0x00, 0x00)
GREEN_TEXT = RGBColor(0x1D, 0x6B, 0x2F)

CORE_LAST_MODIFIED_BY = "bangfu"
STYLE_NAMES: dict[str, str] = {}     # style id → its (Chinese) name, filled by _style
CHART_NOTE = "（图见同期PDF版。）"

# HTML tags whose content is never text of the report
SKIPPED = {"script", "style", "head", "title", "meta", "link", "svg", "template", "noscript",
           "object", "embed", "iframe", "img", "canvas", "video", "audio", "button", "input",
           "select", "textarea"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "li", "section",
          "article", "header", "footer", "main", "nav", "aside", "blockquote", "figure",
          "figcaption", "pre", "hr", "dl", "dt", "dd", "address", "form", "fieldset", "center",
          "details", "summary", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "body"}

# XML 1.0 forbids these (C0 controls other than tab, LF, CR; surrogates; U+FFFE/U+FFFF);
# the C1 controls are allowed but never meant: dropped as well
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_HTML_SPACE = re.compile("[ \t\n\r\f]+")      # not U+3000 or U+00A0: those are text
_BREAK = "\x00"                                # a line break inside a paragraph (after cleaning)
_WIDTH = re.compile(r"width\s*:\s*([0-9.]+)\s*%")
_PAGE_BREAK = re.compile(r"(?:page-)?break-before\s*:\s*(?:page|always)")
_ANNEX_HEAD = re.compile(r"^\s*(附件\s*[0-9０-９一二三四五六七八九十]+)[\s\u3000]+(.+)$", re.S)


def clean(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return _ILLEGAL.sub("", text)


# --- run formats -----------------------------------------------------------------------

@dataclass(frozen=True)
class Fmt:
    bold: bool | None = None
    color: RGBColor | None = None
    size: float | None = None
    font: str | None = None


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _set_fonts(rpr_holder, font: str) -> None:
    """East Asian and Latin font names on a style's or run's rPr (python-docx's font.name
    sets only ascii/hAnsi; w:eastAsia is what a CJK face needs)."""
    rpr = rpr_holder.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def _first_line_chars(paragraph_format_holder, chars: int, size_pt: float) -> None:
    """A first-line indent of ``chars`` characters (w:firstLineChars, and the length)."""
    ppr = paragraph_format_holder.get_or_add_pPr()
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(round(chars * size_pt * 20))))


def _border(ppr, side: str, size_eighths: int, color: str, space: int = 1) -> None:
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    bdr.append(el)
    # schema order of pPr children: pBdr must come before shd/tabs/.../jc; move it early
    ppr.remove(bdr)
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                              "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                              "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                              "w:rPr", "w:sectPr", "w:pPrChange")


# --- styles ----------------------------------------------------------------------------

def _by_id(doc, style_id: str):
    """A style by its id (python-docx looks styles up by name)."""
    if style_id == "Normal":
        return doc.styles["Normal"]
    return doc.styles[STYLE_NAMES[style_id]]


def _style(doc, style_id: str, name: str, font: str, size: float, *, bold: bool = False,
           align=None, indent_chars: int = 0, exact: Pt | None = LINE_PITCH, before: float = 0,
           after: float = 0, keep_next: bool = False, outline: int | None = None, base="Normal"):
    STYLE_NAMES[style_id] = name
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.style_id = style_id
    st.base_style = doc.styles[base]
    st.quick_style = True
    _set_fonts(st.element, font)
    st.font.size = Pt(size)
    st.font.bold = bold
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    if indent_chars:
        _first_line_chars(st.element, indent_chars, size)
    else:
        pf.first_line_indent = Pt(0)
    if exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = exact
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.keep_with_next = keep_next
    if outline is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        st.element.get_or_add_pPr().append(lvl)
    return st


def _setup(doc) -> None:
    # defaults: 仿宋 三号, Chinese
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr_default.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr_default.insert(0, rfonts)
    rfonts.attrib.clear()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FANGSONG)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.attrib.clear()
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")

    normal = doc.styles["Normal"]
    _set_fonts(normal.element, FANGSONG)
    normal.font.size = Pt(SIZE_3)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _first_line_chars(normal.element, 2, SIZE_3)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True

    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    _style(doc, "GBTitle", "公文标题", XIAOBIAOSONG, SIZE_2, bold=True, align=center, exact=None,
           before=SIZE_3 * 2, after=SIZE_3 / 2, keep_next=True)
    _style(doc, "GBSubtitle", "标题下日期", KAI, SIZE_3, align=center, after=SIZE_3 / 2, keep_next=True)
    _style(doc, "GBHeading1", "一级标题", HEI, SIZE_3, indent_chars=2, keep_next=True, outline=0)
    _style(doc, "GBHeading2", "二级标题", KAI, SIZE_3, indent_chars=2, keep_next=True, outline=1)
    _style(doc, "GBHeading3", "三级标题", FANGSONG, SIZE_3, bold=True, indent_chars=2, keep_next=True,
           outline=2)
    _style(doc, "GBAnnexLabel", "附件标识", HEI, SIZE_3, align=left, keep_next=True)
    _style(doc, "GBAnnexTitle", "附件标题", XIAOBIAOSONG, SIZE_2, bold=True, align=center, exact=None,
           before=SIZE_3, after=SIZE_3, keep_next=True, outline=0)
    _style(doc, "GBCaption", "表题", HEI, SIZE_4, align=center, exact=None, before=6, after=3,
           keep_next=True)
    _style(doc, "GBNote", "表注", FANGSONG, SIZE_XIAO4, align=left, exact=None, before=2, after=6)
    _style(doc, "GBTable", "表格文字", FANGSONG, SIZE_XIAO4, align=left, exact=None)
    _style(doc, "GBSmallHeading", "附注标题", HEI, SIZE_XIAO4, align=left, exact=None, before=12,
           after=3, keep_next=True)
    _style(doc, "GBSmall", "附注", FANGSONG, SIZE_5, align=left, exact=None, after=2)
    _style(doc, "GBImprint", "版记", FANGSONG, SIZE_4, align=left, exact=None, before=2, after=2)
    _style(doc, "GBMasthead", "版头", XIAOBIAOSONG, SIZE_1, bold=True, align=center, exact=None)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = FOOTER_DISTANCE
    section.gutter = Mm(0)
    doc.settings.odd_and_even_pages_header_footer = True
    # odd pages: right, one character in; even pages: left, one character in
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0]
        par.style = doc.styles["Footer"]
        par.alignment = align
        fmt = par.paragraph_format
        fmt.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(SIZE_4)
        else:
            fmt.left_indent = Pt(SIZE_4)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _page_number(par)


def _page_number(par) -> None:
    def run(text: str | None = None):
        r = par.add_run(text or "")
        _set_fonts(r._r, SONG)
        r.font.size = Pt(SIZE_4)
        return r

    run("— ")
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif instr == " PAGE ":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            r._r.append(it)
        else:
            r.text = instr
    run(" —")


# --- inline content --------------------------------------------------------------------

def _inline_fmt(el, fmt: Fmt, small_size: float) -> Fmt:
    cls = _classes(el)
    if el.tag in ("b", "strong"):
        fmt = replace(fmt, bold=True)
    if "red" in cls or "major" in cls or "up" in cls:
        fmt = replace(fmt, color=RED_TEXT)
    if "down" in cls:
        fmt = replace(fmt, color=GREEN_TEXT)
    if "small" in cls or el.tag == "small":
        fmt = replace(fmt, size=small_size)
    if "mono" in cls:
        fmt = replace(fmt, size=min(SIZE_MONO if fmt.size is None else fmt.size, small_size))
    return fmt


def _collect(el, fmt: Fmt, out: list[tuple[str, Fmt]], small_size: float, *, own: bool = True) -> None:
    """The text of ``el`` (its own text and its descendants', not its tail) as (text, format)
    pieces; <br> and nested blocks become line breaks."""
    if own and el.text:
        out.append((clean(el.text), fmt))
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            out.append((_BREAK, fmt))
        elif tag in SKIPPED or not tag:
            pass
        elif tag in BLOCKS:
            if out:
                out.append((_BREAK, fmt))
            _collect(child, _inline_fmt(child, fmt, small_size), out, small_size)
            out.append((_BREAK, fmt))
        else:
            _collect(child, _inline_fmt(child, fmt, small_size), out, small_size)
        if child.tail:
            out.append((clean(child.tail), fmt))


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _normalize(pieces: list[tuple[str, Fmt]]) -> list[tuple[str, Fmt]]:
    """White space as a browser shows it: runs of HTML white space become one space, none
    at either end or beside a line break, and a line break in the source between two wide
    (CJK) characters becomes nothing (CSS Text 3's segment-break rule)."""
    chars = "".join(t for t, _ in pieces)
    owner = [i for i, (t, _) in enumerate(pieces) for _ in t]
    out_chars: list[str] = []
    out_owner: list[int] = []
    pos = 0
    for m in _HTML_SPACE.finditer(chars):
        out_chars.extend(chars[pos:m.start()])
        out_owner.extend(owner[pos:m.start()])
        pos = m.end()
        before = out_chars[-1] if out_chars else None
        after = chars[m.end()] if m.end() < len(chars) else None
        if before in (None, _BREAK, " ") or after in (None, _BREAK):
            continue
        if "\n" in m.group() and _wide(before) and _wide(after):
            continue
        out_chars.append(" ")
        out_owner.append(owner[m.start()])
    out_chars.extend(chars[pos:])
    out_owner.extend(owner[pos:])
    # no break at either end, none doubled
    while out_chars and out_chars[-1] in (_BREAK, " "):
        out_chars.pop()
        out_owner.pop()
    start = 0
    while start < len(out_chars) and out_chars[start] == _BREAK:
        start += 1
    result: list[tuple[str, Fmt]] = []
    last_owner, prev = None, None
    for ch, who in zip(out_chars[start:], out_owner[start:], strict=True):
        if ch == _BREAK and prev == _BREAK:
            continue
        if ch == " " and prev == _BREAK:
            continue
        if who == last_owner and result:
            result[-1] = (result[-1][0] + ch, result[-1][1])
        else:
            result.append((ch, pieces[who][1]))
            last_owner = who
        prev = ch
    return result


def _write_runs(par, pieces: list[tuple[str, Fmt]]) -> None:
    for text, fmt in _normalize(pieces):
        for i, part in enumerate(text.split(_BREAK)):
            if i:
                par.add_run().add_break()
            if not part:
                continue
            run = par.add_run(part)
            if fmt.bold is not None:
                run.font.bold = fmt.bold
            if fmt.color is not None:
                run.font.color.rgb = fmt.color
            if fmt.size is not None:
                run.font.size = Pt(fmt.size)
            if fmt.font is not None:
                _set_fonts(run._r, fmt.font)


def _blank(pieces: list[tuple[str, Fmt]]) -> bool:
    """Nothing but spaces and line breaks: no paragraph is written for it."""
    return not "".join(t for t, _ in _normalize(pieces)).strip(_BREAK + " ")


def _text(el) -> str:
    pieces: list[tuple[str, Fmt]] = []
    _collect(el, Fmt(), pieces, SIZE_XIAO4)
    return "".join(t for t, _ in _normalize(pieces)).replace(_BREAK, " ")


# --- the writer ------------------------------------------------------------------------

@dataclass(frozen=True)
class Ctx:
    small: bool = False          # provenance: small print
    annex: bool = False


class _Writer:
    def __init__(self, doc):
        self.doc = doc
        self.page_break = False

    # paragraphs
    def paragraph(self, style: str, pieces: list[tuple[str, Fmt]] | None = None, *, align=None):
        par = self.doc.add_paragraph(style=_by_id(self.doc, style))
        if align is not None:
            par.alignment = align
        if self.page_break:
            par.paragraph_format.page_break_before = True
            self.page_break = False
        if pieces:
            _write_runs(par, pieces)
        return par

    def inline_par(self, el, style: str, ctx: Ctx):
        pieces: list[tuple[str, Fmt]] = []
        small = SIZE_XIAO5 if ctx.small else SIZE_XIAO4
        _collect(el, _inline_fmt(el, Fmt(), small) if el.tag != "p" else Fmt(), pieces, small)
        if _blank(pieces):
            return None
        return self.paragraph(style, pieces)

    # blocks
    def flow(self, el, ctx: Ctx) -> None:
        """The children of a container: blocks in order, loose text as body paragraphs."""
        loose: list[tuple[str, Fmt]] = []
        small = SIZE_XIAO5 if ctx.small else SIZE_XIAO4

        def flush():
            if not _blank(loose):
                self.paragraph("GBSmall" if ctx.small else "Normal", list(loose))
            loose.clear()

        if el.text:
            loose.append((clean(el.text), Fmt()))
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in BLOCKS:
                flush()
                self.block(child, ctx)
            elif tag == "br":
                loose.append((_BREAK, Fmt()))
            elif tag and tag not in SKIPPED:
                _collect(child, _inline_fmt(child, Fmt(), small), loose, small)
            if child.tail:
                loose.append((clean(child.tail), Fmt()))
        flush()

    def block(self, el, ctx: Ctx) -> None:
        tag, cls = el.tag, _classes(el)
        if _PAGE_BREAK.search(el.get("style") or ""):
            self.page_break = True
        if tag in SKIPPED:
            return
        if "masthead" in cls:
            return self.masthead(el)
        if "annex" in cls:
            self.page_break = True
            return self.flow(el, replace(ctx, annex=True))
        if "figure" in cls or tag == "figure":
            return self.figure(el, ctx)
        if "provenance" in cls:
            return self.flow(el, replace(ctx, small=True))
        if "distribution" in cls:
            return self.distribution(el)
        if tag == "h1":
            self.inline_par(el, "GBTitle", ctx)
        elif tag == "h2":
            self.heading2(el, ctx)
        elif tag == "h3":
            self.inline_par(el, "GBSmallHeading" if ctx.small else "GBHeading2", ctx)
        elif tag in ("h4", "h5", "h6"):
            self.inline_par(el, "GBSmallHeading" if ctx.small else "GBHeading3", ctx)
        elif tag == "p":
            self.p(el, ctx)
        elif tag == "table":
            self.table(el, ctx)
        elif tag in ("li", "dt", "dd", "figcaption", "caption", "pre", "address", "summary"):
            self.inline_par(el, "GBSmall" if ctx.small else "Normal", ctx)
        elif tag == "hr":
            return
        else:   # div, section, ul, ... and tags not known: their text, in order
            self.flow(el, ctx)

    def heading2(self, el, ctx: Ctx) -> None:
        if ctx.small:
            self.inline_par(el, "GBSmallHeading", ctx)
            return
        text = _text(el)
        m = _ANNEX_HEAD.match(text) if ctx.annex else None
        if m:       # GB/T 9704: 附件N at the top left in 黑体, the annex's title centred
            self.paragraph("GBAnnexLabel", [(m.group(1), Fmt())])
            self.paragraph("GBAnnexTitle", [(m.group(2), Fmt())])
        else:
            self.inline_par(el, "GBHeading1", ctx)

    def p(self, el, ctx: Ctx) -> None:
        cls = _classes(el)
        if "caption" in cls:
            self.inline_par(el, "GBCaption", ctx)
        elif "cap-note" in cls or "note" in cls:
            self.inline_par(el, "GBNote", ctx)
        elif "subtitle" in cls:
            self.inline_par(el, "GBSubtitle", ctx)
        elif ctx.small:
            self.inline_par(el, "GBSmall", ctx)
        else:
            self.inline_par(el, "Normal", ctx)

    def figure(self, el, ctx: Ctx) -> None:
        """The chart is SVG, which Word cannot show: its caption stays, with a pointer."""
        had_caption = False
        for child in el:
            if not isinstance(child.tag, str) or child.tag in SKIPPED:
                continue
            if child.tag == "p" or child.tag == "figcaption":
                par = self.inline_par(child, "GBCaption", ctx)
                if par is not None:
                    par.paragraph_format.keep_with_next = True
                    had_caption = True
            else:
                self.block(child, ctx)
        if had_caption:
            self.paragraph("GBNote", [(CHART_NOTE, Fmt())], align=WD_ALIGN_PARAGRAPH.CENTER)

    def masthead(self, el) -> None:
        """报头: the title in red Song bold, 第N期, compiler and date over a red rule."""
        last = None
        for child in el:
            if not isinstance(child.tag, str) or child.tag in SKIPPED:
                continue
            cls = _classes(child)
            if "red-rule" in cls:
                if last is not None:
                    _border(last._p.get_or_add_pPr(), "bottom", 18, "D40000", 4)
                continue
            if "mast-title" in cls:
                text = _text(child)
                size = max(SIZE_2, min(SIZE_XIAOCHU, int(TEXT_WIDTH_MM * 72 / 25.4 * 0.95 / max(len(text), 1))))
                last = self.paragraph("GBMasthead", [(text, Fmt(color=RED, size=size))])
                last.paragraph_format.space_before = Pt(SIZE_3)
            elif "mast-scope" in cls:
                last = self.paragraph("GBMasthead", [(_text(child), Fmt(color=RED, size=SIZE_3))])
            elif "mast-meta" in cls:
                spans = [c for c in child if isinstance(c.tag, str) and c.tag not in SKIPPED]
                texts = [_text(s) for s in spans] if len(spans) >= 2 else [_text(child)]
                last = self.paragraph("GBMasthead", [], align=WD_ALIGN_PARAGRAPH.LEFT)
                self._tabbed(last, texts, SIZE_3, FANGSONG)
                last.paragraph_format.space_before = Pt(SIZE_3 / 2)
            else:   # 第N期 and anything new: centred
                last = self.paragraph("GBMasthead", [(_text(child), Fmt(bold=False, size=SIZE_3, font=FANGSONG))])
                last.paragraph_format.space_before = Pt(SIZE_3 / 2)

    def _tabbed(self, par, texts: list[str], size: float, font: str) -> None:
        """The first texts at the left, one character in; the last one at the right, one
        character in, after a tab."""
        par.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(size), WD_TAB_ALIGNMENT.RIGHT)
        par.paragraph_format.left_indent = Pt(size)
        parts = ["".join(texts[:-1]), "\t", texts[-1]] if len(texts) > 1 else texts
        for text in parts:
            run = par.add_run(text)        # "\t" becomes a w:tab
            run.font.size = Pt(size)
            run.font.bold = False
            _set_fonts(run._r, font)

    def distribution(self, el) -> None:
        """版记: the distribution lines between rules, then 印发 (compiler left, date right)."""
        first = True
        for child in el:
            if not isinstance(child.tag, str) or child.tag in SKIPPED:
                continue
            if "printed" in _classes(child):
                spans = [c for c in child if isinstance(c.tag, str) and c.tag not in SKIPPED]
                texts = [_text(s) for s in spans] or [_text(child)]
                par = self.paragraph("GBImprint", [])
                self._tabbed(par, texts, SIZE_4, FANGSONG)
                ppr = par._p.get_or_add_pPr()
                _border(ppr, "top", 8 if first else 6, "000000", 1)
                _border(ppr, "bottom", 8, "000000", 1)
            else:
                par = self.inline_par(child, "GBImprint", Ctx())
                if par is None:
                    continue
                fmt = par.paragraph_format
                fmt.left_indent, fmt.right_indent = Pt(SIZE_4), Pt(SIZE_4)
                fmt.keep_with_next = True
                if first:
                    _border(par._p.get_or_add_pPr(), "top", 8, "000000", 1)
            first = False

    # tables
    def table(self, el, ctx: Ctx) -> None:
        rows: list[tuple[object, bool]] = []      # (tr, is_header)
        for part in el:
            if not isinstance(part.tag, str):
                continue
            if part.tag == "thead":
                rows += [(tr, True) for tr in part if tr.tag == "tr"]
            elif part.tag in ("tbody", "tfoot"):
                rows += [(tr, False) for tr in part if tr.tag == "tr"]
            elif part.tag == "tr":
                rows.append((part, False))
        if not rows:
            return
        widths: list[float | None] = []
        for col in el.iter("col"):
            m = _WIDTH.search(col.get("style") or "")
            span = _int(col.get("span"), 1)
            widths += [float(m.group(1)) if m else None] * span

        # place cells on a grid (colspan, rowspan)
        taken: set[tuple[int, int]] = set()
        placed = []                                 # (row, col, rowspan, colspan, cell element)
        for r, (tr, _) in enumerate(rows):
            c = 0
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                rs = min(_int(cell.get("rowspan"), 1), len(rows) - r)
                cs = _int(cell.get("colspan"), 1)
                for i in range(rs):
                    for j in range(cs):
                        taken.add((r + i, c + j))
                placed.append((r, c, rs, cs, cell))
                c += cs
        ncols = max([c + 1 for _, c in taken] + [len(widths), 1])
        grid = [[None] * ncols for _ in rows]

        known = sum(w for w in widths[:ncols] if w)
        missing = [i for i in range(ncols) if i >= len(widths) or not widths[i]]
        share = max(100.0 - known, 0.0) / len(missing) if missing else 0.0
        pct = [(widths[i] if i < len(widths) and widths[i] else share) for i in range(ncols)]
        total = sum(pct) or 1.0
        col_mm = [TEXT_WIDTH_MM * p / total for p in pct]

        if self.page_break:        # a page break falls on a paragraph: an empty one
            self.paragraph("GBTable")
        size = SIZE_XIAO5 if ctx.small else (SIZE_5 if ncols >= WIDE_TABLE else SIZE_XIAO4)
        small = SIZE_MONO if ctx.small else SIZE_XIAO5

        table = self.doc.add_table(rows=len(rows), cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_props(table, sum(col_mm))
        for i, col in enumerate(table.columns):
            col.width = Mm(col_mm[i])
        for r, row in enumerate(table.rows):
            trpr = row._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if rows[r][1]:
                trpr.append(OxmlElement("w:tblHeader"))
            for c, cell in enumerate(row.cells):
                cell.width = Mm(col_mm[c])
                grid[r][c] = cell
        for r, c, rs, cs, cell_el in placed:
            cell = grid[r][c]
            if rs > 1 or cs > 1:
                cell = cell.merge(grid[r + rs - 1][c + cs - 1])
            cls = _classes(cell_el) | _classes(rows[r][0])
            header = cell_el.tag == "th" or rows[r][1]
            fmt = Fmt(bold=True if header or "total" in cls else None)
            fmt = _inline_fmt(cell_el, fmt, small)
            if "small" in cls:
                fmt = replace(fmt, size=small)
            if "mono" in cls:
                fmt = replace(fmt, size=SIZE_MONO)
            pieces: list[tuple[str, Fmt]] = []
            _collect(cell_el, fmt, pieces, small)
            par = cell.paragraphs[0]
            par.style = _by_id(self.doc, "GBTable")
            if header or "c" in cls:
                par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif "num" in cls:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if size != SIZE_XIAO4:
                pieces = [(t, f if f.size is not None else replace(f, size=size)) for t, f in pieces]
            _write_runs(par, pieces)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _int(value, default: int) -> int:
    try:
        return max(1, min(int(value), 1000))
    except (TypeError, ValueError):
        return default


def _table_props(table, width_mm: float) -> None:
    tblpr = table._tbl.tblPr
    width = tblpr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tblpr.append(width)
    width.set(qn("w:w"), str(int(round(width_mm * 1440 / 25.4))))
    width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "4")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    margins = OxmlElement("w:tblCellMar")       # 1 mm either side: narrow number columns fit
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    # schema order: tblStyle, ..., jc, ..., tblBorders, shd, tblLayout, tblCellMar, tblLook
    for el, successors in ((borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")),
                           (margins, ("w:tblLook",))):
        after = next((c for c in tblpr if c.tag in {qn(t) for t in successors}), None)
        if after is not None:
            after.addprevious(el)
        else:
            tblpr.append(el)


# --- metadata and packing --------------------------------------------------------------

def _meta(root) -> tuple[str, str, str, str]:
    title = " ".join(clean(t.text_content()).split()) if (t := root.find(".//title")) is not None else ""
    found = {}
    for m in root.iter("meta"):
        name = (m.get("name") or "").lower()
        if name in ("author", "keywords", "description"):
            found[name] = " ".join(clean(m.get("content") or "").split())
    return title, found.get("author", ""), found.get("keywords", ""), found.get("description", "")


def _font_table() -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.Element(f"{{{w}}}fonts", nsmap={"w": w})
    faces = [(FANGSONG, "modern", "fixed", "86"), (KAI, "modern", "fixed", "86"),
             (XIAOBIAOSONG, "script", "fixed", "86"), (HEI, "modern", "fixed", "86"),
             (SONG, "auto", "variable", "86"), ("Times New Roman", "roman", "variable", "00")]
    for name, family, pitch, charset in faces:
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        if name in ALT_NAMES:
            etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": ALT_NAMES[name]})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": charset})
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": family})
        etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": pitch})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           b'<Application>bangfu</Application><DocSecurity>0</DocSecurity></Properties>')


def _zip_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    t = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return t if moment.year >= 1980 else (1980, 1, 1, 0, 0, 0)


def _repack(blob: bytes, moment: dt.datetime) -> bytes:
    """The package again, with every entry's time ``moment``, fixed attributes, the entry
    order python-docx wrote, the font table with alternative names, and app.xml of bangfu."""
    when = _zip_time(moment)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/fontTable.xml":
                data = _font_table()
            elif info.filename == "docProps/app.xml":
                data = APP_XML
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def build_docx(html: str, moment: dt.datetime, title: str = "") -> bytes:
    """The .docx of the report ``html`` as bytes (see ``write_docx``)."""
    html = clean(html)
    root = lxml.html.document_fromstring(html if html.strip() else "<html></html>")
    doc = docx.Document()
    # python-docx's template carries a thumbnail of another document: not ours
    pkg_rels = doc.part.package.rels
    for rid in [rid for rid, rel in pkg_rels.items() if rel.reltype == RT.THUMBNAIL]:
        pkg_rels.pop(rid)
    _setup(doc)
    _page(doc)
    body = doc.element.body
    for p in body.findall(qn("w:p")):       # the template's empty paragraph
        body.remove(p)
    sect = body.find(qn("w:sectPr"))
    for attr in [a for a in sect.attrib if a.startswith(qn("w:rsid"))]:   # the template's edit ids
        del sect.attrib[attr]

    writer = _Writer(doc)
    html_body = root.find("body")
    writer.flow(html_body if html_body is not None else root, Ctx())
    if not body.findall(qn("w:p")) and not body.findall(qn("w:tbl")):
        doc.add_paragraph()
    if body.findall(qn("w:tbl")) and body[-2].tag == qn("w:tbl"):
        doc.add_paragraph(style=_by_id(doc, "GBTable"))   # Word wants a paragraph after a table

    html_title, author, keywords, description = _meta(root)
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
    core = doc.core_properties
    core.title = clean(title) or html_title
    core.author = author
    core.keywords = keywords
    core.comments = description
    core.subject = ""
    core.category = ""
    core.language = "zh-CN"
    core.last_modified_by = CORE_LAST_MODIFIED_BY
    core.revision = 1
    core.created = utc
    core.modified = utc
    buffer = io.BytesIO()
    doc.save(buffer)
    return _repack(buffer.getvalue(), moment)


def write_docx(html: str, path: Path, moment: dt.datetime, title: str = "") -> None:
    """Write the Word version of the report ``html`` to ``path``: GB/T 9704 look, the same
    text and tables as the HTML (less the chart), metadata from its <title> and
    <meta name="author"> (``title``, when given, is the document title instead), every
    time in it ``moment``. The same html and moment give the same bytes."""
    data = build_docx(html, moment, title)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
