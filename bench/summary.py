"""The summary: medians per size, the tables, the ratios against the targets, whether the
pipeline, the floor and pandas agree, and the growth between sizes.

``summarise`` turns one size's raw runs (what ``plan.measure_size`` returns, kept in
``--json``) into medians; the rest only formats.  It also reads the results of earlier
versions of the benchmark (``--from-json``).
"""

from __future__ import annotations

import math

from harness import med, stat

TARGETS = {"floor": 2.0, "pandas": 5.0, "rss_mib": 2048, "report": 1.2, "cjk": 1.5, "cold_start": 3.0}


def summarise(res: dict) -> dict:
    """Medians (with min and max) of every measurement of one size."""
    runs, s = res["runs"], {"units": res["units"], "repeat": res["repeat"]}

    def stage_stats(key):
        if key not in runs:
            return None
        payloads = [r["json"] for r in runs[key]]
        first = payloads[0]
        out = {"rows": first["rows"], "counts": first["counts"], "figures": first["figures"],
               "reports": first["reports"], "reports_in_job": first["reports_in_job"],
               # since the restructuring derive computes and stores the figures (earlier
               # versions: a step of their own); the stage "figures" times them alone
               "figures_in_derive": first.get("figures_in_derive", False),
               "figures_recomputed": first.get("figures_recomputed"),
               "imports": stat([p["imports"] for p in payloads]),
               "wall": stat([r["wall"] for r in runs[key]]), "cpu": stat([r["cpu"] for r in runs[key]]),
               "rss_mib": stat([r["rss_mib"] for r in runs[key]]), "stages": {}}
        for field in ("seconds", "cpu"):
            out[f"core_{field}"] = stat([sum(st[field] for st in p["stages"] if st["name"] in ("ingest", "derive"))
                                         for p in payloads])
        for name in [st["name"] for st in first["stages"]]:
            out["stages"][name] = {
                field: stat([next(st[field] for st in p["stages"] if st["name"] == name)
                             for p in payloads]) for field in ("seconds", "cpu", "rss_mib")}
        capture = next((r["capture"] for r in runs[key] if r.get("capture")), None)
        out["capture"] = dict(capture["json"], wall=capture["wall"]) if capture else None
        if first["reports"]["available"] and "pdf_seconds" in first["reports"]:
            # earlier versions timed these parts inside the timed stage
            for kind in ("html", "pdf"):
                out[f"{kind}_seconds"] = stat([p["reports"][f"{kind}_seconds"] for p in payloads])
        return out

    def tool_stats(key):
        if key not in runs:
            return None
        payloads = [r["json"] for r in runs[key]]
        phases = list(payloads[0]["phases"])
        totals = [p["phases"]["load_validate"] + p["phases"]["derive"] for p in payloads]
        out = {"rows": payloads[0]["rows"], "counts": payloads[0]["counts"],
               "figures": payloads[0]["figures"],
               "phases": {k: stat([p["phases"][k] for p in payloads]) for k in phases},
               "phase_rss": {k: stat([p["rss_mib"][k] for p in payloads]) for k in phases},
               "phase_cpu": ({k: stat([p["phase_cpu"][k] for p in payloads]) for k in phases}
                             if "phase_cpu" in payloads[0] else None),
               "work": stat(totals),
               "wall": stat([r["wall"] for r in runs[key]]), "cpu": stat([r["cpu"] for r in runs[key]]),
               "rss_mib": stat([r["rss_mib"] for r in runs[key]])}
        if out["phase_cpu"]:
            out["work_cpu"] = stat([p["phase_cpu"]["load_validate"] + p["phase_cpu"]["derive"]
                                    for p in payloads])
        return out

    def render_stats(key):
        if key not in runs:
            return None
        payloads = [r["json"] for r in runs[key]]
        return {"seconds": stat([p["seconds"] for p in payloads]), "cpu": stat([p["cpu"] for p in payloads]),
                "pages": payloads[0]["pages"], "documents": len(payloads[0]["documents"]),
                "name": payloads[0]["documents"][0]["name"],
                "wall": stat([r["wall"] for r in runs[key]]), "rss_mib": stat([r["rss_mib"] for r in runs[key]])}

    s["pipeline"] = stage_stats("stages_csv")
    s["pipeline_mixed"] = stage_stats("stages_mixed")
    for key in ("floor", "pandas"):
        s[key] = tool_stats(key)
    for key in ("render_all", "render_cjk", "render_ascii"):
        s[key] = render_stats(key)
    if "dagster" in runs:
        s["dagster"] = {kind: {"wall": stat([r[kind]["wall"] for r in runs["dagster"]]),
                               "cpu": stat([r[kind]["cpu"] for r in runs["dagster"]]),
                               "rss_mib": stat([r[kind]["rss_mib"] for r in runs["dagster"]])}
                        for kind in ("cold", "warm")}
        s["dagster"]["format"] = "mixed" if s["pipeline_mixed"] else "csv"
    if "bare_imports" in runs:
        s["bare_imports"] = {field: stat([r[field] for r in runs["bare_imports"]])
                             for field in ("wall", "cpu", "rss_mib")}
    s["cold_start"] = cold_start(s)
    s["generate"] = res["generate"]
    s["load_before"], s["load_after"] = res["load_before"], res["load_after"]
    return s


def cold_start(s: dict) -> dict | None:
    """The issue's target: the whole ``bangfu run`` of the week, started cold (a fresh
    DAGSTER_HOME) and warm, against the bare imports of its four big libraries; both
    without writing bytecode.  Medians, and the ratio of the medians."""
    bare, d = s.get("bare_imports"), s.get("dagster")
    if not bare or not d:
        return None
    out = {"bare_imports": med(bare["wall"]), "target": TARGETS["cold_start"]}
    for kind in ("cold", "warm"):
        out[f"bangfu_run_{kind}"] = med(d[kind]["wall"])
        out[f"ratio_{kind}"] = out[f"bangfu_run_{kind}"] / out["bare_imports"]
    out["met"] = out["ratio_cold"] <= out["target"]
    return out


def work_seconds(tool: dict | None) -> float | None:
    """Load + validate + derive: the part compared with the pipeline's ingest + derive."""
    return med(tool["work"]) if tool else None


def pipeline_core(p: dict | None, field: str = "seconds") -> float | None:
    """Ingest + derive (median of the per-run sums)."""
    return med(p[f"core_{field}"]) if p else None


def report_seconds(p: dict | None, field: str = "seconds") -> float | None:
    if not p or "reports: render" not in p["stages"]:
        return None
    return med(p["stages"]["reports: query"][field]) + med(p["stages"]["reports: render"][field])


def job_stages(p: dict) -> list[str]:
    """The stages the Dagster job runs: ingest, derive (with the figures, or the figures
    on their own in earlier versions), the reports when the job has them."""
    names = ["ingest", "derive"] + ([] if p.get("figures_in_derive") else ["figures"])
    if p["reports_in_job"]:
        names += [n for n in ("reports: query", "reports: render") if n in p["stages"]]
    return names


def job_stage_seconds(p: dict) -> float:
    return sum(med(p["stages"][n]["seconds"]) for n in job_stages(p))


def fmt_row(label: str, rows, seconds: dict | None, rss: dict | None = None, cpu: dict | None = None) -> str:
    """rows, median seconds, rows/s, median peak RSS, median CPU seconds, max/min of the repeats."""
    sec = med(seconds)
    rows_text = f"{rows:,}" if isinstance(rows, int) else ""
    sec_text = f"{sec:.3f}" if sec is not None else "n/a"
    rate = f"{rows / sec:,.0f}" if isinstance(rows, int) and sec else ""
    rss_text = f"{med(rss):,.0f}" if rss else ""
    cpu_text = f"{med(cpu):.2f}" if cpu else ""
    spread = f"{seconds['max'] / seconds['min']:.2f}" if seconds and seconds["min"] else ""
    return f"  {label:<58s} {rows_text:>11s} {sec_text:>10s} {rate:>12s} {rss_text:>9s} {cpu_text:>8s} {spread:>7s}"


def table(s: dict) -> list[str]:
    n = s["units"]
    p = s["pipeline"]
    rows = p["rows"]
    lines = [f"=== {n:,} units: {rows:,} ledger data rows (CSV), median of {s['repeat']} "
             f"(load before {s['load_before'][0]:.2f}, after {s['load_after'][0]:.2f}) ===",
             f"  {'stage':<58s} {'rows':>11s} {'seconds':>10s} {'rows/s':>12s} {'peak MiB':>9s} "
             f"{'CPU s':>8s} {'max/min':>7s}"]

    def pipeline_block(p: dict, tag: str):
        out = []
        for name, st in p["stages"].items():
            if name == "reports: render":
                docs = p["reports"]["documents"]
                pages = sum(d["pages"] for d in docs)
                label = f"pipeline{tag} reports: render ({len(docs)} PDFs, {pages} pages + xlsx)"
                out.append(fmt_row(label, pages, st["seconds"], st["rss_mib"], st["cpu"]))
                cap = p.get("capture")
                if cap:
                    one = lambda v: {"median": v, "min": None, "max": None}  # noqa: E731
                    out.append("      the same, rendered again in one process (breakdown, run once):")
                    out.append(fmt_row("        render_all, 1 process", pages, one(cap["render_all"]),
                                       None, one(cap["cpu"])))
                    out.append(fmt_row("        of which render_pdf (PDF/A-3u, all documents)", pages,
                                       one(cap["pdf_seconds"])))
                    out.append(fmt_row("        of which render_html (templates + charts)", None,
                                       one(cap["html_seconds"])))
                    out.append(fmt_row("        of which workbooks (xlsx)", None, one(cap["workbook_seconds"])))
                elif p.get("pdf_seconds"):
                    workers = p["reports"].get("workers", 1)
                    out.append(fmt_row(f"    render_pdf, summed over {workers} process(es)", None,
                                       p.get("pdf_seconds")))
                    out.append(fmt_row("    render_html (templates + charts), summed", None,
                                       p.get("html_seconds")))
                continue
            out.append(fmt_row(f"pipeline{tag} {name}", rows, st["seconds"], st["rss_mib"], st["cpu"]))
        out.append(fmt_row(f"pipeline{tag} ingest + derive", rows, p["core_seconds"],
                           p["stages"]["derive"]["rss_mib"], p["core_cpu"]))
        out.append(fmt_row(f"pipeline{tag} process wall (start, imports {med(p['imports']):.1f} s, all)",
                           rows, p["wall"], p["rss_mib"], p["cpu"]))
        return out

    lines += pipeline_block(p, "")
    for tag, key in (("floor", "floor"), ("pandas", "pandas")):
        tool = s.get(key)
        if not tool:
            continue
        ph, rss, cpu = tool["phases"], tool["phase_rss"], tool["phase_cpu"] or {}
        for phase, label in (("load_validate", "load + validate"), ("derive", "derive (risk scores)"),
                             ("figures", "figures")):
            lines.append(fmt_row(f"{tag}: {label}", tool["rows"], ph[phase], rss[phase], cpu.get(phase)))
        lines.append(fmt_row(f"{tag}: load + validate + derive", tool["rows"], tool["work"], rss["derive"],
                             tool.get("work_cpu")))
        lines.append(fmt_row(f"{tag}: process wall", tool["rows"], tool["wall"], tool["rss_mib"], tool["cpu"]))
    for key, label in (("render_all", "bare WeasyPrint: all {d} PDFs"),
                       ("render_cjk", "bare WeasyPrint: district report, CJK"),
                       ("render_ascii", "bare WeasyPrint: district report, ASCII twin")):
        r = s.get(key)
        if r:
            lines.append(fmt_row(label.format(d=r["documents"]), r["pages"], r["seconds"], r["rss_mib"], r["cpu"]))
    if s.get("pipeline_mixed"):
        lines += pipeline_block(s["pipeline_mixed"], " [xlsx mix]")
    if s.get("bare_imports"):
        b = s["bare_imports"]
        lines.append(fmt_row("cold start: bare imports (python -c, no .pyc written)", None, b["wall"],
                             b["rss_mib"], b["cpu"]))
    if s.get("dagster"):
        d = s["dagster"]
        for kind in ("cold", "warm"):
            lines.append(fmt_row(f"dagster: bangfu run, {kind} DAGSTER_HOME ({d['format']})", rows,
                                 d[kind]["wall"], d[kind]["rss_mib"], d[kind]["cpu"]))
    lines.append("  (rows/s for the renders: pages/s; CPU s includes DuckDB's threads and the PDF helper"
                 " processes; max/min: spread of the repeats)")
    return lines


def ratio_text(value, target, better: str) -> str:
    if value is None:
        return "n/a"
    ok = value <= target if better == "le" else value >= target
    sign = "≤" if better == "le" else "≥"
    return f"{value:.2f} (target {sign} {target:g}: {'met' if ok else 'MISSED'})"


def ratios(s: dict) -> list[str]:
    p = s["pipeline"]
    core, core_cpu = pipeline_core(p), pipeline_core(p, "cpu")
    lines = ["  ratios (medians; wall seconds, CPU seconds in brackets where both are measured):"]

    def cpu_of(tool):
        return med(tool.get("work_cpu")) if tool else None

    floor, pandas = work_seconds(s["floor"]), work_seconds(s["pandas"])
    extra = f" [CPU {core_cpu / cpu_of(s['floor']):.2f}]" if cpu_of(s["floor"]) else ""
    lines.append(f"    pipeline(ingest+derive) / floor        "
                 f"{ratio_text(core / floor if floor else None, TARGETS['floor'], 'le')}{extra}")
    extra = f" [CPU {cpu_of(s['pandas']) / core_cpu:.2f}]" if cpu_of(s["pandas"]) else ""
    lines.append(f"    pandas / pipeline(ingest+derive)       "
                 f"{ratio_text(pandas / core if pandas else None, TARGETS['pandas'], 'ge')}{extra}")
    rep, bare = report_seconds(p), med(s["render_all"]["seconds"]) if s.get("render_all") else None
    extra = ""
    cap = p.get("capture")
    if rep and bare:
        # CPU from the one-process rendering when there is one: it counts everything, while a
        # PDF helper's CPU can escape the timed stage (early runs did not wait for helpers)
        rep_cpu = (med(p["stages"]["reports: query"]["cpu"]) + cap["cpu"]) if cap else report_seconds(p, "cpu")
        extra = f" [CPU {rep_cpu / med(s['render_all']['cpu']):.2f}{', one-process rendering' if cap else ''}]"
    lines.append(f"    report step / bare render              "
                 f"{ratio_text(rep / bare if rep and bare else None, TARGETS['report'], 'le')}{extra}")
    if cap and bare:
        lines.append(f"    render_pdf in one process / bare render {cap['pdf_seconds'] / bare:.2f} "
                     f"(PDF/A-3u, fetcher; the rest of the report step is queries, templates, "
                     f"charts, workbooks)")
    cjk = med(s["render_cjk"]["seconds"]) if s.get("render_cjk") else None
    asc = med(s["render_ascii"]["seconds"]) if s.get("render_ascii") else None
    extra = f" [CPU {med(s['render_cjk']['cpu']) / med(s['render_ascii']['cpu']):.2f}]" if cjk and asc else ""
    lines.append(f"    CJK / ASCII render (district report)   "
                 f"{ratio_text(cjk / asc if cjk and asc else None, TARGETS['cjk'], 'le')}{extra}")
    rss = med(p["rss_mib"])
    lines.append(f"    peak RSS, pipeline process             {rss:,.0f} MiB "
                 f"(target < {TARGETS['rss_mib']:,} MiB: {'met' if rss < TARGETS['rss_mib'] else 'MISSED'})")
    if s.get("dagster"):
        d = s["dagster"]
        pm = s["pipeline_mixed"] if d["format"] == "mixed" else p
        stages_sum = job_stage_seconds(pm)
        ours = med(pm["stages"]["checks + metadata"]["seconds"])
        # the stages process without what the job does not do: pick the week (--week is
        # given) and, once derive computes them, the figures timed again on their own
        extra = ["pick week"] + (["figures"] if pm.get("figures_in_derive") else [])
        bare_process = med(pm["wall"]) - sum(med(pm["stages"][n]["seconds"]) for n in extra)
        words = {"derive": "derive with the figures" if pm.get("figures_in_derive") else "derive"}
        named = ", ".join(dict.fromkeys(words.get(n, n.split(":")[0]) for n in job_stages(pm)))
        lines.append(f"    Dagster: the job's stages ({named}) take {stages_sum:.2f} s in process; the same "
                     f"stages plus our checks and metadata ({ours:.2f} s), started as a bare process, "
                     f"{bare_process:.2f} s (imports {med(pm['imports']):.2f} s)")
        for kind in ("cold", "warm"):
            whole = med(d[kind]["wall"])
            lines.append(f"    Dagster overhead ({kind} DAGSTER_HOME): whole run {whole:.2f} s; "
                         f"- job stages = {whole - stages_sum:.2f} s; "
                         f"- bare process = {whole - bare_process:+.2f} s (Dagster's own machinery)")
    cs = s.get("cold_start")
    if cs:
        lines.append(f"    cold start: bangfu run / bare imports   "
                     f"{ratio_text(cs['ratio_cold'], cs['target'], 'le')} [medians: bangfu run "
                     f"{cs['bangfu_run_cold']:.2f} s with a fresh DAGSTER_HOME, bare imports "
                     f"{cs['bare_imports']:.2f} s; warm DAGSTER_HOME {cs['ratio_warm']:.2f}]")
    return lines


FIGURE_KEYS = ("supervised_units", "units_by_category", "subdistricts", "departments", "team_cadres",
               "bureau_cadres", "experts", "hazards_found_ytd", "hazards_open", "hazards_major_open",
               "hazards_overdue", "problems_solved_ytd", "reviews_ytd", "reviews_passed_ytd",
               "tier_jingpin", "tier_biaogan", "tier_dabiao", "demo_posts", "risk_score_sum", "risk_top10")


def agreement(s: dict) -> str:
    """One line: do the pipeline, the floor and pandas agree on figures and row counts?"""
    ref = s["pipeline"]
    diffs = []
    for name in ("floor", "floor_guarded", "pandas"):   # floor_guarded: runs before 422c97b
        other = s.get(name)
        if not other:
            continue
        for key in FIGURE_KEYS:
            a, b = ref["figures"].get(key), other["figures"].get(key)
            same = (abs(a - b) <= 0.05 + 1e-9 * abs(a)) if key == "risk_score_sum" and None not in (a, b) else a == b
            if not same:
                diffs.append(f"{name}.{key}: pipeline {a} vs {b}")
        for ledger, c in ref["counts"].items():
            o = other["counts"].get(ledger, {})
            for field in ("rows", "loaded", "quarantined"):
                if int(c[field]) != int(o.get(field, -1)):
                    diffs.append(f"{name}.{ledger}.{field}: pipeline {c[field]} vs {o.get(field)}")
    for key, value in (ref.get("figures_recomputed") or {}).items():   # stored by derive vs alone
        if key in FIGURE_KEYS and ref["figures"].get(key) != value:
            diffs.append(f"pipeline.{key}: stored by derive {ref['figures'].get(key)} vs computed alone {value}")
    quarantined = sum(int(c["quarantined"]) for c in ref["counts"].values())
    if diffs:
        return "  agreement: DIFFERENCES\n" + "\n".join(f"    {d}" for d in diffs)
    return (f"  agreement: pipeline, floor and pandas agree on all {len(FIGURE_KEYS)} headline figures "
            f"(incl. risk-score sum and top 10) and on rows loaded/quarantined per ledger "
            f"({quarantined:,} rows quarantined)")


SERIES = {   # what the growth check and the plot follow (median seconds)
    "pipeline ingest": lambda s: med(s["pipeline"]["stages"]["ingest"]["seconds"]),
    "pipeline derive": lambda s: med(s["pipeline"]["stages"]["derive"]["seconds"]),
    "pipeline ingest + derive": lambda s: pipeline_core(s["pipeline"]),
    "pipeline reports (query + render)": lambda s: report_seconds(s["pipeline"]),
    "pipeline figures": lambda s: med(s["pipeline"]["stages"]["figures"]["seconds"]),
    "pipeline pick week": lambda s: med(s["pipeline"]["stages"]["pick week"]["seconds"]),
    "floor: bare DuckDB (load+validate+derive)": lambda s: work_seconds(s["floor"]),
    "pandas (load+validate+derive)": lambda s: work_seconds(s["pandas"]),
}


def scaling(summaries: list[dict]) -> list[str]:
    """Growth between consecutive sizes against n log n (the target from 100k to 1M)."""
    lines = []
    big = [s for s in summaries if s["units"] >= 100_000]
    for s1, s2 in zip(big, big[1:], strict=False):
        n1, n2 = s1["units"], s2["units"]
        bound = (n2 * math.log(n2)) / (n1 * math.log(n1))
        lines.append(f"  growth {n1:,} -> {n2:,} units (x{n2 / n1:g}; n log n allows x{bound:.1f}):")
        for label, get in SERIES.items():
            a, b = get(s1), get(s2)
            if a and b:
                growth = b / a
                exponent = math.log(growth) / math.log(n2 / n1)
                verdict = "met" if growth <= bound else "MISSED"
                lines.append(f"    {label:<42s} x{growth:6.2f}  (exponent {exponent:.2f}; {verdict})")
    return lines


def size_text(s: dict) -> str:
    """One size: its table, its ratios and the agreement line."""
    return "\n".join(table(s) + ratios(s) + [agreement(s)])
