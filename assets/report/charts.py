"""Charts of the weekly reports (图表): inline SVG made by matplotlib, reproducible to the byte.

Text stays text (``svg.fonttype: none``) so WeasyPrint sets it in the CJK font through
fontconfig; ids are salted with a fixed string (``svg.hashsalt``) and no date is written
(``metadata={"Date": None}``), so the same numbers always give the same SVG.  Only fixed
labels and numbers go into a chart, never ledger text; the SVG is the one thing the
templates embed with ``|safe``.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

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


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    FigureCanvasSVG(fig).print_svg(buf, metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]          # drop the XML declaration and DOCTYPE


def trend_svg(series: list[dict], width_cm: float = 16.5, height_cm: float = 6.2) -> str:
    """Hazards found and fixed in each week (bars) and overdue at each week's end (line)."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54))
        ax = fig.add_axes((0.06, 0.2, 0.92, 0.72))
        xs = [s["week_no"] for s in series]
        w = 0.38
        ax.bar([x - w / 2 for x in xs], [s["found"] for s in series], width=w,
               color=COLOURS["found"], label=LABELS["found"], linewidth=0)
        ax.bar([x + w / 2 for x in xs], [s["fixed"] for s in series], width=w,
               color=COLOURS["fixed"], label=LABELS["fixed"], linewidth=0)
        ax.plot(xs, [s["overdue"] for s in series], color=COLOURS["overdue"], linewidth=1.4,
                marker="o", markersize=2.2, label=LABELS["overdue"])
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
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", ncols=3, fontsize=7.5, bbox_to_anchor=(0, 1.12),
                  handlelength=1.6, columnspacing=1.2)
        return _svg(fig)
