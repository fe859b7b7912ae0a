"""The 2023 campaign's major hazards: judged against Order No.10, followed to 销号, and
helped first on a list of targets that holds still through the campaign's phase."""

import csv
import datetime as dt
import shutil

import pandas as pd
import pytest
from conftest import PROJECT, connect
from factory import base_rows, uscc, write_ledgers

from assets.derive.build import build_week
from assets.derive.targets import hold_still, select_targets
from pipeline.core.config import load_config

CONFIG = load_config()
W32 = dt.date(2023, 8, 7)


# --- the list that holds still -------------------------------------------------------------

def test_forced_units_are_targets_whatever_the_count_and_score():
    frame = pd.DataFrame([("A", "甲", "工贸企业", 90), ("B", "乙", "学校", 80), ("C", "甲", "工贸企业", 1)],
                         columns=["unit_id", "subdistrict", "category", "score"])
    chosen = select_targets(frame, 2, 0.5, True, forced={"C": "重大隐患"})
    # C's score is the lowest, yet it is a target; the other place covers a subdistrict
    assert dict(zip(chosen.unit_id, chosen.selected_by, strict=True)) == {
        "A": "全域覆盖", "C": "突出重点（重大隐患）"}


def test_a_joiner_takes_the_place_of_the_lowest_unit_chosen_by_score_only():
    members = {"A": ("全域覆盖", "W26", "phase"), "B": ("风险排序", "W26", "phase"),
               "C": ("风险排序", "W26", "phase")}
    by_rank = ["A", "B", "C", "D", "E"]
    changes = hold_still(members, {"X": "重大隐患"}, by_rank, 3, "W27")
    assert set(members) == {"A", "B", "X"}
    assert ("C", "退出", "名额让给新发现重大隐患的单位") in changes and ("X", "新增", "发现重大隐患") in changes
    # no unit chosen only by score left: the list grows rather than drop coverage
    hold_still(members, {"X": "重大隐患", "Y": "疑似重大隐患"}, by_rank, 3, "W28")
    hold_still(members, {"X": "重大隐患", "Y": "疑似重大隐患", "Z": "重大隐患"}, by_rank, 3, "W29")
    assert {"A", "X", "Y", "Z"} <= set(members)
    # X's major hazards are 销号: it leaves, and nobody comes in while the list is over count
    changes = hold_still(members, {"Y": "疑似重大隐患", "Z": "重大隐患"}, by_rank, 3, "W30")
    assert "X" not in members and changes == [("X", "退出", "重大隐患已全部销号，且无未复核的疑似重大隐患")]


def test_a_free_place_is_taken_by_the_best_ranked_unit_not_on_the_list():
    members = {"A": ("全域覆盖", "W26", "phase"), "X": ("突出重点（重大隐患）", "W27", "major")}
    changes = hold_still(members, {}, ["A", "B", "C"], 2, "W30")
    assert set(members) == {"A", "B"}
    assert changes[-1] == ("B", "新增", "补足名额（风险排序）")


# --- on the demo ledgers ----------------------------------------------------------------------

def misjudged_descriptions() -> set[str]:
    with (PROJECT / "demo" / "tables" / "misjudged_hazards.csv").open(encoding="utf-8") as f:
        return {row["description"] for row in csv.DictReader(f)}


def test_the_demo_week_holds_every_unit_with_an_open_or_suspected_major_hazard(demo_warehouse):
    con = connect(demo_warehouse, read_only=True)
    targets = {u for (u,) in con.execute("SELECT unit_id FROM priority_targets WHERE week = '2023-W32'").fetchall()}
    assert len(targets) == 29
    majors = {u for (u,) in con.execute("""SELECT unit_id FROM major_hazards
        WHERE week = '2023-W32' AND status <> '已销号'""").fetchall()}
    suspected = {u for (u,) in con.execute("""SELECT unit_id FROM hazard_judgement
        WHERE week = '2023-W32' AND suspected_open""").fetchall()}
    assert majors and suspected and majors | suspected <= targets
    reasons = dict(con.execute("SELECT unit_id, selected_by FROM priority_targets WHERE week = '2023-W32'").fetchall())
    assert all("重大隐患" in reasons[u] or reasons[u] in ("全域覆盖", "突出重点（工贸）", "风险排序")
               for u in majors | suspected)
    con.close()


def test_the_judgement_flags_the_misjudged_hazards_and_no_ordinary_ones(demo_warehouse):
    con = connect(demo_warehouse, read_only=True)
    flagged = con.execute("""SELECT h.description, j.article, j.matched FROM hazard_judgement j
        JOIN hazards h USING (hazard_id)
        WHERE j.week = '2023-W32' AND j.logged_level = '一般隐患' AND j.article IS NOT NULL""").fetchall()
    con.close()
    planted = misjudged_descriptions()
    assert flagged and {d for d, _, _ in flagged} <= planted        # no ordinary hazard flagged
    assert len({d for d, _, _ in flagged}) >= len(planted) - 2      # (第十一条第（十）项 is not encoded)
    assert all(a.startswith("第") and "条" in a and m for _, a, m in flagged)


def test_major_hazards_carry_their_stage_and_next_action(demo_warehouse):
    con = connect(demo_warehouse, read_only=True)
    rows = con.execute("""SELECT status, days_left, next_action, plan_missing FROM major_hazards
        WHERE week = '2023-W32'""").fetchall()
    con.close()
    stages = {s for s, *_ in rows}
    assert {"已销号", "整改中", "待验收", "挂牌督办"} <= stages
    for status, days_left, action, missing in rows:
        if status == "挂牌督办":
            assert action.startswith("督促落实“五落实”") and all(m in action for m in missing)
        if status == "整改中" and days_left < -CONFIG.majors.escalate_days:
            assert "立案查处或责令停产整改" in action
        elif status == "整改中" and days_left < 0:
            assert "约谈" in action


def test_a_week_alone_gives_the_same_list_as_the_weeks_before_it(demo_warehouse, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(demo_warehouse, copy)
    con = connect(copy)
    alone = con.execute("SELECT unit_id, selected_by FROM priority_targets WHERE week = '2023-W32' "
                        "ORDER BY unit_id").fetchall()
    for week in (W32 - dt.timedelta(days=7), W32):
        con.execute("BEGIN")
        build_week(con, week, CONFIG)
        con.execute("COMMIT")
    again = con.execute("SELECT unit_id, selected_by FROM priority_targets WHERE week = '2023-W32' "
                        "ORDER BY unit_id").fetchall()
    con.close()
    assert alone == again           # the list is replayed, not carried over from stored weeks


# --- on hand-made ledgers ---------------------------------------------------------------------

@pytest.fixture
def majors_warehouse(tmp_path, ingest):
    rows = base_rows()
    major = rows["hazards"][0]        # FZ000001, found 2023-08-01, due 2023-08-10, 重大隐患
    major |= {"挂牌督办单位": "丰泽区安委办", "挂牌日期": "2023-08-02", "整改责任人": "法人",
              "整改措施": "加装泄爆片"}          # no funds, no contingency plan
    rows["hazards"].append(dict(major, 隐患编号="YH0009", 发现日期="2023-06-01", 整改期限="2023-06-30",
                                整改资金="5万元", 应急预案="已制定", 整改完成日期="2023-07-01",
                                申请验收日期="2023-07-02", 验收日期="2023-07-05", 销号日期="2023-07-06"))
    rows["units"].append(dict(rows["units"][0], 单位编号="FZ000004", 统一社会信用代码=uscc(4),
                              单位名称="泉州市丰泽区丁工艺品有限公司", 近三年事故起数="0", 从业人数="20"))
    rows["hazards"].append(dict(rows["hazards"][1], 隐患编号="YH0010", 单位编号="FZ000004", 隐患级别="一般",
                                隐患描述="除尘器未设置泄爆装置", 发现日期="2023-08-03", 整改期限="2023-08-31",
                                整改完成日期=""))
    con = ingest(write_ledgers(tmp_path / "raw", rows))
    con.execute("BEGIN")
    build_week(con, W32, CONFIG)
    con.execute("COMMIT")
    return con


def test_stages_follow_the_ledgers_follow_up(majors_warehouse):
    con = majors_warehouse
    got = dict(con.execute("SELECT hazard_id, status || '|' || next_action FROM major_hazards").fetchall())
    assert got["YH0009"] == "已销号|已销号"
    assert got["YH0001"] == "挂牌督办|逾期3天：约谈企业主要负责人"   # overdue comes before the plan
    figures = con.execute("SELECT hazards_major_open FROM weekly_progress WHERE week = '2023-W32' "
                          "AND scope = '全区'").fetchone()[0]
    assert figures == 1


def test_a_suspected_major_hazard_makes_its_unit_a_target(majors_warehouse):
    con = majors_warehouse
    (article, suspected), = con.execute("""SELECT article, suspected_open FROM hazard_judgement
        WHERE hazard_id = 'YH0010'""").fetchall()
    assert article == "第十一条第（三）项" and suspected
    reasons = dict(con.execute("SELECT unit_id, selected_by FROM priority_targets").fetchall())
    assert reasons["FZ000001"] == "突出重点（重大隐患）"
    assert reasons["FZ000004"] == "突出重点（疑似重大隐患）"
