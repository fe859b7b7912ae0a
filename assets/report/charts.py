"""Charts of the weekly reports (图表): inline SVG made by matplotlib, reproducible to the byte.

Text stays text (``svg.fonttype: none``) so WeasyPrint sets it in the CJK font through
fontconfig; ids are salted with a fixed string (``svg.hashsalt``) and no date is written
(``metadata={"Date": None}``), so the same numbers always give the same SVG.  Only fixed
labels and numbers go into a chart, never ledger text; the SVG is the one thing the
templates embed with ``|safe``.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

CJK_SANS = ["Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", "WenQuanYi Zen Hei", "sans-serif"]
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "bangfu-report",
    "font.family": ["sans-serif"],
    "font.sans-serif": CJK_SANS,
    "font.size": 8,
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.frameon": False,
    "path.simplify": False,
}
COLOURS = {"found": "#1f4e79", "fixed": "#4d9a5a", "overdue": "#c00000"}
LABELS = {"found": "本周发现隐患", "fixed": "本周完成整改", "overdue": "周末逾期未整改"}


STYLE_ATTR = re.compile(r'style="([^"]*)"')
SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _flatten_groups(svg: str) -> str:
    """Drop the <g id="…"> wrappers matplotlib puts around every artist (fewer elements
    for WeasyPrint to style); groups with a transform, clip path or paint stay."""
    root = ET.fromstring(svg)

    def flatten(parent):
        children = []
        for child in parent:
            flatten(child)
            if child.tag == f"{{{SVG_NS}}}g" and set(child.attrib) <= {"id"}:
                children.extend(child)
            else:
                children.append(child)
        parent[:] = children

    flatten(root)
    referenced = set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))
    for element in root.iter():
        if element.get("id") not in referenced:
            element.attrib.pop("id", None)
    return ET.tostring(root, encoding="unicode")


def _presentation(match: re.Match) -> str:
    """style="fill: #fff; stroke-width: 0.6" → fill="#fff" stroke-width="0.6"."""
    pairs = (part.split(":", 1) for part in match[1].split(";") if ":" in part)
    return " ".join(f'{k.strip()}="{v.strip()}"' for k, v in pairs)


def _svg(fig: Figure) -> str:
    """The figure as an <svg> element for inlining into HTML.

    The XML prolog, the RDF metadata and the <style> element go (a <style> inside inline
    SVG would become a stylesheet of the whole HTML document), and style attributes
    become presentation attributes, which WeasyPrint's HTML CSS does not try to parse.
    """
    buf = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buf, metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", text, flags=re.S)
    text = text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _flatten_groups(STYLE_ATTR.sub(_presentation, text))


def _bars(xs: list[float], heights: list[float], width: float) -> MplPath:
    """All bars of one series as ONE path (one SVG element instead of one per bar)."""
    verts, codes = [], []
    for x, h in zip(xs, heights, strict=True):
        if h <= 0:
            continue
        left, right = x - width / 2, x + width / 2
        verts += [(left, 0), (left, h), (right, h), (right, 0), (left, 0)]
        codes += [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
    if not verts:
        verts, codes = [(0, 0)], [MplPath.MOVETO]
    return MplPath(verts, codes)


def trend_svg(series: list[dict], width_cm: float = 16.5, height_cm: float = 5.6) -> str:
    """Hazards found and fixed in each week (bars) and overdue at each week's end (line)."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54))
        ax = fig.add_axes((0.06, 0.2, 0.92, 0.72))
        xs = [s["week_no"] for s in series]
        w = 0.38
        ax.add_patch(PathPatch(_bars([x - w / 2 for x in xs], [s["found"] for s in series], w),
                               facecolor=COLOURS["found"], linewidth=0))
        ax.add_patch(PathPatch(_bars([x + w / 2 for x in xs], [s["fixed"] for s in series], w),
                               facecolor=COLOURS["fixed"], linewidth=0))
        line, = ax.plot(xs, [s["overdue"] for s in series], color=COLOURS["overdue"], linewidth=1.4)
        top = max([1] + [max(s["found"], s["fixed"], s["overdue"]) for s in series])
        ax.set_ylim(0, top * 1.08)
        if series:
            last = series[-1]
            ax.annotate(f"{last['overdue']}", (xs[-1], last["overdue"]), textcoords="offset points",
                        xytext=(4, 4), color=COLOURS["overdue"], fontsize=7)
            step = 1 if len(xs) <= 13 else (2 if len(xs) <= 26 else 4)
            ticks = [x for x in xs if (x - xs[0]) % step == 0]
            if xs[-1] not in ticks:
                ticks.append(xs[-1])
            ax.set_xticks(ticks, [f"{x}" for x in ticks])
            ax.set_xlim(xs[0] - 0.8, xs[-1] + 0.8)
        ax.set_xlabel("周次（第N周）", labelpad=2)
        ax.set_ylabel("隐患数（条）", labelpad=2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        handles = [Patch(facecolor=COLOURS["found"], label=LABELS["found"]),
                   Patch(facecolor=COLOURS["fixed"], label=LABELS["fixed"]), line]
        line.set_label(LABELS["overdue"])
        ax.legend(handles=handles, loc="upper left", ncols=3, fontsize=7.5, bbox_to_anchor=(0, 1.12),
                  handlelength=1.6, columnspacing=1.2)
        return _svg(fig)
