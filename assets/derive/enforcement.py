"""怎么帮, the checks: next week's 执法人员+专家 visits and 双随机 draw, and the results of
the draw published this week (一公开).

Every check is made by at least two licensed officers of the department competent for the
unit's category (``officers.py``), or listed with the reason it cannot be staffed.  The
visits are planned first (they are assistance, announced to the unit); the officers'
remaining weekly capacity goes to the draw, which is made once per plan week and recorded
(``draw.py``).  The draw's checks stay confidential until they are made; the results of
the draw for this week (``publish_lag_weeks`` 0) or for last week (1) are published.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from assets.derive import draw as lottery
from assets.derive.officers import assistance_visits
from assets.derive.sqlfiles import sql
from pipeline.core.config import BangfuConfig, config_sha256
from pipeline.core.weeks import week_label


def plan_checks(con, start: dt.date, cfg: BangfuConfig, targets: pd.DataFrame, duty: pd.DataFrame,
                experts: pd.DataFrame, cadres: pd.DataFrame,
                run_id: str | None = None) -> dict[str, pd.DataFrame]:
    """The week's inspection_pairs, spot_checks and spot_check_results (without ``week``)."""
    week, plan_for = week_label(start), week_label(start + dt.timedelta(days=7))
    spot, competent = cfg.spot_checks, dict(cfg.jurisdiction.competent)
    valid_through = start + dt.timedelta(days=13)          # the plan week's Sunday
    pairs, load = assistance_visits(targets, duty, experts, cadres, competent,
                                    spot.officer_weekly_cap, valid_through)
    params = {"share": spot.share, "min_per_subdistrict": spot.min_per_subdistrict,
              "officers_per_check": spot.inspectors, "competent": competent}

    # the draws in force before this week's: the published week is never the plan week (the
    # publishing lag is 0 or 1 week), so this week's draw cannot change what is shown
    draws = lottery.current_draws(con)

    def registers():
        excluded = lottery.history_exclusions(draws, plan_for,
                                              spot.recent_days, spot.max_per_year)
        units = lottery.unit_register(con.execute(sql("spot_checks")).df(), excluded)
        officers = lottery.officer_register(cadres, set(competent.values()), duty, load,
                                            spot.officer_weekly_cap, valid_through)
        return units, officers

    record = lottery.week_draw(con, week, plan_for, registers, params, cfg.draw,
                               config_sha256(cfg), run_id)
    units = con.execute("SELECT unit_id, status FROM units").df()
    checks = lottery.checks_of(record, units, cadres, valid_through)

    published = start - dt.timedelta(days=7 * spot.publish_lag_weeks)
    shown = draws.get(week_label(published))
    results = results_of(con, lottery.checks_of(shown, units, cadres, published + dt.timedelta(days=6)),
                         published)
    return {"inspection_pairs": pairs.assign(plan_for=plan_for), "spot_checks": checks,
            "spot_check_results": results}


def results_of(con, checks: pd.DataFrame, check_start: dt.date) -> pd.DataFrame:
    """What the ledgers say became of ``checks`` (made from ``check_start`` on)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE published_checks (plan_for VARCHAR,
        draw_no INTEGER, pick INTEGER, unit_id VARCHAR, name VARCHAR, subdistrict VARCHAR,
        category VARCHAR, dept VARCHAR, officer_1 VARCHAR, officer_2 VARCHAR, status VARCHAR,
        reason VARCHAR)""")
    if len(checks):
        con.register("checks_frame", checks.drop(columns="officers"))
        con.execute("INSERT INTO published_checks BY NAME SELECT * FROM checks_frame")
        con.unregister("checks_frame")
    con.execute("SET VARIABLE check_start = ?", [check_start])
    results = con.execute(sql("spot_check_results")).df()
    con.execute("DROP TABLE published_checks")
    return results
