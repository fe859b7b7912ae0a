"""Facts the weekly report's prose needs (issue 15): 观摩 from the reviews' observers, the
visits' 典型做法, the report section's 期号 / 签发 / distribution rules, and last week's plan
against this week's records (assets/report/queries/plan_done.sql).

They run on the demo ledgers ingested into a fresh warehouse, with the derived tables the
queries read made by hand where a full run is not needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from assets.derive.figures import FIGURES
from pipeline.core.config import CONFIG_FILE, ConfigError, issue_number, load_config, validate_config
from pipeline.core.warehouse import set_week

PROJECT = Path(__file__).resolve().parents[1]
W32 = dt.date(2023, 8, 7)
SQL = {name: (PROJECT / path).read_text(encoding="utf-8") for name, path in {
    "schema": "assets/derive/sql/schema.sql",
    "progress": "assets/derive/sql/weekly_progress.sql",
    "plan_done": "assets/report/queries/plan_done.sql",
}.items()}


@pytest.fixture
def demo(ingest):
    con = ingest(PROJECT / "raw")
    con.execute(SQL["schema"])
    set_week(con, W32)
    yield con
    con.close()


# ---------------------------------------------------------------- 观摩 from the reviews

def test_observers_come_from_the_reviews_ledger(demo):
    reviews = pd.read_csv(PROJECT / "raw" / "标准化评审记录.csv", dtype=str, keep_default_na=False)
    day = pd.to_datetime(reviews["评审日期"]).dt.date
    week = reviews[(day >= W32) & (day <= W32 + dt.timedelta(days=6))]
    observers = week["观摩企业数"].replace("", "0").astype(int)
    expected = {"reviews_week": len(week), "reviews_observed_week": int((observers > 0).sum()),
                "observers_week": int(observers.sum())}
    assert expected["reviews_observed_week"] >= 2       # the week the leader read about

    progress = demo.execute(SQL["progress"]).df().set_index("scope")
    figures = {f.name: demo.execute(f.sql).fetchone()[0] for f in FIGURES if f.name in (
        *expected, "observations_week")}
    for name, value in expected.items():
        assert progress.loc["全区", name] == value == figures[name], name
        assert progress.drop("全区")[name].sum() == value, name
    # 评审观摩 visit records are another thing: the watching firm's own service record
    visits = demo.execute("""SELECT count(*) FROM visits WHERE kind = '评审观摩'
        AND visited_on BETWEEN getvariable('week_start') AND getvariable('week_end')""").fetchone()[0]
    assert progress.loc["全区", "observations_week"] == visits == figures["observations_week"]


def test_a_week_across_new_year_counts_all_its_days(demo):
    """2025-W01 begins on 2024-12-30: the week's reviews count all seven days, the year's
    only those of 2025."""
    demo.execute("""INSERT INTO reviews (review_id, unit_id, reviewed_on, review_kind, result, observers)
        SELECT 'X1', unit_id, DATE '2024-12-30', '小微企业不定级评审', '通过', 5 FROM units LIMIT 1""")
    set_week(demo, dt.date(2024, 12, 30))
    row = demo.execute(SQL["progress"]).df().set_index("scope").loc["全区"]
    assert (row["reviews_week"], row["reviews_observed_week"], row["observers_week"]) == (1, 1, 5)
    assert row["reviews_ytd"] == 0


# ---------------------------------------------------------------- 典型做法

def test_good_practice_flows_into_the_visits_table(demo):
    rows = demo.execute("""SELECT visited_on, kind, good_practice FROM visits
        WHERE good_practice IS NOT NULL ORDER BY visited_on""").fetchall()
    in_week = [r for r in rows if W32 <= r[0] <= W32 + dt.timedelta(days=6)]
    assert 2 <= len(in_week) <= 4 and len(rows) > len(in_week)
    assert all(len(text) <= 60 and kind in ("执法检查", "专家指导") for _, kind, text in rows)


# ---------------------------------------------------------------- the report section

def _with_report(**changes) -> dict:
    data = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    data["report"] = {**data["report"], **changes}
    return data


def test_issue_numbers_count_from_the_first_week():
    report = load_config().report
    assert dt.date.fromisoformat(report.first_week).weekday() == 0
    assert issue_number(report.first_week, W32) == 19           # 2023-W32 is 第19期
    assert issue_number(report.first_week, dt.date.fromisoformat(report.first_week)) == 1
    assert issue_number(report.first_week, dt.date(2023, 3, 27)) is None
    assert report.signer == ""                                   # no 签发 line in the demo


def test_first_week_must_be_a_monday():
    with pytest.raises(ConfigError, match="report.first_week.*星期一"):
        validate_config(_with_report(first_week="2023-04-05"))
    with pytest.raises(ConfigError, match="report.first_week"):
        validate_config(_with_report(first_week="四月"))
    assert validate_config(_with_report(first_week=dt.date(2023, 6, 5))).report.first_week == "2023-06-05"


def test_signer_is_a_name():
    assert validate_config(_with_report(signer=" 签发：张三 ")).report.signer == "张三"


@pytest.mark.parametrize("field, lines", [
    ("subdistrict_distribution", {"报": "区安委办，区应急管理局", "发": "{subdistrict}办事处"}),
    ("subdistrict_distribution", {"送": "丰泽区安全生产委员会办公室"}),
    ("distribution", {"报": "区政府", "抄送": "区安委办（区应急管理局）"}),
])
def test_no_report_is_addressed_to_its_compiler(field, lines):
    with pytest.raises(ConfigError, match="不能再报送给它自己"):
        validate_config(_with_report(**{field: lines}))


def test_the_configured_lines_do_not_address_the_compiler():
    report = load_config().report
    assert "报" not in report.subdistrict_distribution
    assert "市安委办" in report.distribution["报"]                 # another office: allowed


# ---------------------------------------------------------------- plan against done

def test_plan_done_matches_last_weeks_plan_with_this_weeks_records(demo):
    visit = demo.execute("""SELECT unit_id, cadre_id, visited_on, visit_id, kind FROM visits
        WHERE kind = '执法检查' AND cadre_id IS NOT NULL
          AND visited_on BETWEEN getvariable('week_start') AND getvariable('week_end')
        ORDER BY visit_id LIMIT 1""").fetchone()
    unit, cadre, day, visit_id, _ = visit
    idle = demo.execute("""SELECT unit_id FROM units WHERE status <> '注销' AND unit_id NOT IN
        (SELECT unit_id FROM visits WHERE visited_on BETWEEN getvariable('week_start')
         AND getvariable('week_end')) ORDER BY unit_id LIMIT 2""").fetchall()
    other = demo.execute("SELECT cadre_id FROM cadres WHERE cadre_id <> ? ORDER BY cadre_id LIMIT 1",
                         [cadre]).fetchone()[0]
    demo.execute("""INSERT INTO inspection_pairs VALUES
        ('2023-W31', '2023-W32', ?, '区应急管理局', ?, ?, NULL, NULL, NULL),
        ('2023-W31', '2023-W32', ?, '区应急管理局', NULL, NULL, NULL, '无两名持证执法人员', NULL),
        ('2023-W32', '2023-W33', ?, '区应急管理局', ?, ?, NULL, NULL, NULL)""",
                 [unit, other, cadre, idle[0][0], idle[1][0], other, cadre])
    demo.execute("INSERT INTO cadre_assignments VALUES ('2023-W31', '2023-W32', ?, ?, '包保重点企业')",
                 [unit, other])
    demo.execute("""INSERT INTO spot_checks (week, plan_for, draw_no, pick, unit_id, dept, officer_1,
        officer_2, status) VALUES ('2023-W31', '2023-W32', 1, 1, ?, '区应急管理局', ?, ?, '待检查')""",
                 [idle[1][0], other, cadre])
    rows = demo.execute(SQL["plan_done"]).df()
    assert list(rows["kind"]) == ["联合帮扶", "联合帮扶", "包保", "双随机抽查"]
    assert set(rows.columns) >= {"unit_id", "name", "subdistrict", "dept", "plan_status", "done",
                                 "visit_id", "visited_on", "by_planned"}
    pair = rows[(rows["kind"] == "联合帮扶") & (rows["unit_id"] == unit)].iloc[0]
    assert pair["done"] and pair["visit_id"] == visit_id and pair["visited_on"].date() == day
    assert pair["by_planned"] and pair["plan_status"] == "已安排"
    unstaffed = rows[(rows["kind"] == "联合帮扶") & (rows["unit_id"] == idle[0][0])].iloc[0]
    assert not unstaffed["done"] and unstaffed["plan_status"] == "未派员"
    cadre_row = rows[rows["kind"] == "包保"].iloc[0]
    assert cadre_row["done"] and cadre_row["dept"] == demo.execute(
        "SELECT dept FROM cadres WHERE cadre_id = ?", [other]).fetchone()[0]
    assert not rows[rows["kind"] == "双随机抽查"].iloc[0]["done"]
    # the week after: W32's plan is for W33, not shown in W32; W31 was never planned for
    set_week(demo, W32 - dt.timedelta(days=7))
    assert demo.execute(SQL["plan_done"]).fetchall() == []
