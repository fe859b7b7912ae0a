"""Build one week's derived tables, in order, on an open connection (no Dagster here).

Every derived table is kept per week (``week`` = the reported week, 2023-W32; plans made
in it for the next week carry ``plan_for``).  A rerun deletes the week's slice and
inserts it again, so reruns are idempotent.  Read top to bottom, ``build_week`` is the
mechanism: 帮扶谁 (unit_risk → priority_targets, key_enterprises), 谁来帮 (department_links,
coverage_priorities, cadres, experts, team_roster), 怎么帮 (inspection_pairs, spot_checks, spot_check_results), 怎么管
(weekly_progress, weekly_figures, hazard_trend, and last week's figures as of its end
for the reports' comparisons).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from assets.derive.assign import assign_experts, cadre_duty, team_roster
from assets.derive.enforcement import plan_checks
from assets.derive.figures import compute_figures
from assets.derive.links import build_links
from assets.derive.majors import judge_hazards
from assets.derive.sqlfiles import sql
from assets.derive.targets import coverage_priorities, key_enterprises, priority_targets
from assets.derive.variables import set_variables
from pipeline.core.config import BangfuConfig, config_json, config_sha256
from pipeline.core.warehouse import set_week
from pipeline.core.weeks import week_label


def write_week(con, table: str, frame: pd.DataFrame, week: str) -> int:
    """Replace the week's slice of ``table`` with ``frame`` (idempotent)."""
    con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
    if len(frame):
        con.register("week_slice", frame.assign(week=week))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM week_slice")
        con.unregister("week_slice")
    return len(frame)


def write_query(con, table: str, query: str, week: str) -> int:
    """Replace the week's slice of ``table`` with the rows of ``query`` (its columns make
    the table the first time)."""
    con.execute(f"CREATE TEMP TABLE week_rows AS {query}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS "
                "SELECT ''::VARCHAR AS week, * FROM week_rows LIMIT 0")
    con.execute(f"DELETE FROM {table} WHERE week = ?", [week])
    con.execute(f"INSERT INTO {table} BY NAME SELECT ? AS week, * FROM week_rows", [week])
    rows = con.execute("SELECT count(*) FROM week_rows").fetchone()[0]
    con.execute("DROP TABLE week_rows")
    return rows


def build_week(con, start: dt.date, cfg: BangfuConfig, run_id: str | None = None) -> dict[str, int]:
    """Every derived table for the week; returns row counts by table.  ``run_id`` (the
    run's root) lets a re-executed run reuse the draw it made (draw.week_draw)."""
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    con.execute(sql("schema"))
    con.execute(sql("scoring"))
    set_variables(con, start, cfg)
    counts = {name: write_query(con, name, sql(name), week)
              for name in ("unit_risk", "subdistrict_features", "subdistrict_profile")}

    # 帮扶谁: hazards judged against Order No.10, major hazards followed to 销号, and the
    # list of targets that holds still through the campaign's phase
    judge_hazards(con)
    for name in ("hazard_judgement", "major_hazards"):
        counts[name] = write_query(con, name, sql(name), week)
    targets, changes, decided = priority_targets(con, cfg, start)
    counts["priority_targets"] = write_week(con, "priority_targets", targets, week)
    counts["target_changes"] = write_week(con, "target_changes", changes, week)
    keys = key_enterprises(con, cfg, targets, decided)
    counts["key_enterprises"] = write_week(con, "key_enterprises", keys, week)

    # 谁来帮: links and responsible people decided at the phase's first week; this week's
    # data only proposes changes (department_links.proposal), and the pairs of that week
    # are kept for the units still on the lists
    links = build_links(con, dict(cfg.links.fixed), decided.first, start)
    counts["department_links"] = write_week(con, "department_links", links, week)
    coverage = coverage_priorities(con, cfg, targets, decided, links)
    counts["coverage_priorities"] = write_week(con, "coverage_priorities", coverage, week)
    cadres = con.execute("SELECT * FROM cadres ORDER BY cadre_id").df()
    first_duty = cadre_duty(decided.targets, decided.keys, links, cadres, cfg.bureau, {})
    duty = cadre_duty(targets, keys, links, cadres, cfg.bureau,
                      dict(zip(first_duty.unit_id, first_duty.cadre_id, strict=True)))
    counts["cadre_assignments"] = write_week(con, "cadre_assignments",
                                             duty.assign(plan_for=plan_for), week)
    experts = con.execute("SELECT * FROM experts ORDER BY expert_id").df()
    plan = assign_experts(targets, experts, cfg.assignment.expert_domains)
    expert_rows = plan.assignments.merge(targets[["unit_id", "main_risk"]], on="unit_id")
    counts["expert_assignments"] = write_week(con, "expert_assignments",
                                              expert_rows.assign(plan_for=plan_for), week)
    counts["uncovered_targets"] = write_week(con, "uncovered_targets",
                                             plan.uncovered.assign(plan_for=plan_for), week)
    roster = team_roster(links, cadres, experts, duty, plan.assignments, targets)
    counts["team_roster"] = write_week(con, "team_roster", roster, week)

    # 怎么帮: 执法人员+专家 visits and the 双随机 draw, every check by two licensed officers of
    # the competent department; the draw made once and recorded (draw_log), its results
    # published (enforcement.py)
    checks = plan_checks(con, start, cfg, targets, duty, plan.assignments, cadres, run_id)
    for name, frame in checks.items():
        counts[name] = write_week(con, name, frame, week)
    write_week(con, "run_settings", pd.DataFrame([{
        "config_json": config_json(cfg), "config_sha256": config_sha256(cfg)}]), week)

    # 怎么管: this week's progress and figures, and last week's as of its end
    counts["weekly_progress"] = write_query(con, "weekly_progress", sql("weekly_progress"), week)
    counts["hazard_trend"] = write_query(con, "hazard_trend", sql("hazard_trend"), week)
    figures = {week: compute_figures(con)}
    set_week(con, start - dt.timedelta(days=7))
    counts["last_week_progress"] = write_query(con, "last_week_progress", sql("weekly_progress"),
                                               week)
    figures[week_label(start - dt.timedelta(days=7))] = compute_figures(con)
    set_variables(con, start, cfg)
    counts["subdistrict_scorecard"] = write_query(con, "subdistrict_scorecard", sql("subdistrict_scorecard"),
                                                  week)
    counts["weekly_figures"] = write_week(con, "weekly_figures", pd.DataFrame(
        [{"as_of": as_of, "figures": json.dumps(values, ensure_ascii=False)}
         for as_of, values in figures.items()]), week)
    return counts
