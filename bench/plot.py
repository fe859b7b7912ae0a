"""The plot: median seconds against units, log-log, of the series the growth check follows
(``summary.SERIES``), with a line proportional to n through the floor's largest size.
Written as SVG (reproducible: fixed hash salt, no date, text kept as text) or PNG."""

from __future__ import annotations

from pathlib import Path

from summary import SERIES, work_seconds


def plot(summaries: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    series = {k: v for k, v in SERIES.items() if k != "pipeline ingest + derive"}
    styles = {"pipeline": "-", "floor": "--", "pandas": ":"}
    with matplotlib.rc_context({"svg.hashsalt": "bangfu-bench", "svg.fonttype": "none",
                                "font.size": 8}):
        fig = Figure(figsize=(7.6, 3.8))
        ax = fig.add_subplot(1, 1, 1)
        for label, get in series.items():
            pts = [(s["units"], get(s)) for s in summaries if get(s)]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.plot(xs, ys, styles[label.split()[0].rstrip(":,")], marker="o", markersize=3,
                        label=label)
        xs = [s["units"] for s in summaries]
        if len(xs) > 1:
            ref = work_seconds(summaries[-1]["floor"])
            if ref:
                ax.plot(xs, [ref * x / xs[-1] for x in xs], color="#bbbbbb", linewidth=0.8,
                        label="proportional to n")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("supervised units (ledger rows ≈ 1.6 × units)")
        ax.set_ylabel("seconds (median)")
        ax.set_title("bangfu stages vs bare DuckDB and pandas", fontsize=9)
        ax.grid(True, which="both", color="#eeeeee", linewidth=0.5)
        ax.legend(fontsize=6.5, loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
