"""The fixed-point list as the bureau fixes it (issue 13, items 3 and 4): department links,
key enterprises and responsible people decided once per campaign phase, recomputation only
proposing (建议调整), and 全域覆盖 by each subdistrict's supervision priorities."""

import datetime as dt

import pandas as pd
import pytest
from conftest import connect
from factory import base_rows, uscc, write_ledgers

from assets.derive.build import build_week
from assets.derive.links import link_departments, propose
from assets.derive.targets import hold_keys, select_targets
from pipeline.core.config import ConfigError, load_config, validate_config

CONFIG = load_config()
W26, W31, W32 = dt.date(2023, 6, 26), dt.date(2023, 7, 31), dt.date(2023, 8, 7)
ARTICLE_LINKS = {"东海街道": "区住建局", "北峰街道": "区工信科技局", "泉秀街道": "区文体旅游局", "清源街道": "区城管局"}


def with_sections(cfg, **sections):
    """The configuration with some sections' fields replaced."""
    return cfg.model_copy(update={name: getattr(cfg, name).model_copy(update=fields)
                                  for name, fields in sections.items()})


# --- pure rules -------------------------------------------------------------------------------

FEATURES = pd.DataFrame([("甲", "x", 5, 3.0), ("甲", "y", 1, 0.5), ("乙", "x", 1, 0.4), ("乙", "y", 4, 2.5)],
                        columns=["subdistrict", "feature", "n", "lq"])
DEPTS = pd.DataFrame({"dept": ["D1", "D2"], "domains": [["x"], ["y"]]})


def test_the_data_only_proposes_and_a_fixed_link_it_disagrees_with_is_said_so():
    proposed = link_departments(FEATURES, DEPTS, {})
    agreed = propose(link_departments(FEATURES, DEPTS, {"甲": "D1"}), proposed, FEATURES, DEPTS,
                     {"甲": "D1"}, "2023-W26")
    assert agreed.proposal.isna().all() and agreed.proposed_dept.isna().all()
    assert set(agreed.decided_week) == {"2023-W26"}
    fixed = propose(link_departments(FEATURES, DEPTS, {"甲": "D2"}), proposed, FEATURES, DEPTS,
                    {"甲": "D2"}, "2023-W26").set_index("subdistrict")
    assert fixed.at["甲", "dept"] == "D2" and fixed.at["甲", "fixed"]          # kept as fixed
    assert fixed.at["甲", "proposed_dept"] == "D1"
    assert fixed.at["甲", "proposal"].startswith("建议调整为D1：按配置固定驻点D2，但按本周数据重新计算")
    assert fixed.at["乙", "proposal"].startswith("建议调整为D2：")            # never re-linked silently
    ghost = propose(link_departments(FEATURES, DEPTS, {"甲": "D9"}), proposed, FEATURES, DEPTS,
                    {"甲": "D9"}, "2023-W26").set_index("subdistrict")
    assert "“D9”不是参与帮扶的区直单位" in ghost.at["甲", "proposal"]


def test_key_enterprises_hold_still_and_make_room_only_for_targets():
    decided = ["G1", "G2", "G3"]
    # G4 became a 工贸 target: it joins, and the lowest decided key that is no target makes room
    assert hold_keys(decided, ["G4", "G1", "G2", "G3", "G5"], {"G1", "G4"}, 3) == {
        "G1": "decided", "G2": "decided", "G4": "joined"}
    # a lower score never removes a key; a closed one (G2 gone) frees a place for the best now
    assert hold_keys(decided, ["G5", "G3", "G1"], set(), 3) == {"G1": "decided", "G3": "decided", "G5": "filled"}


def frame(rows):
    return pd.DataFrame(rows, columns=["unit_id", "subdistrict", "category", "risk_flags", "score"])


def test_a_subdistrict_priority_gets_its_best_unit_in_place_of_the_lowest_score_pick():
    units = frame([("A", "甲", "工贸企业", [], 90), ("B", "甲", "学校", [], 80), ("C", "甲", "学校", [], 70),
                   ("H1", "甲", "住宿餐饮", [], 5), ("H2", "甲", "住宿餐饮", ["临山临水"], 4)])
    plain = select_targets(units, 3, 0, True)
    assert list(plain.unit_id) == ["A", "B", "C"]
    priorities = [("甲", "住宿餐饮"), ("甲", "临山临水"), ("乙", "学校")]
    chosen = select_targets(units, 3, 0, True, priorities=priorities)
    by = dict(zip(chosen.unit_id, chosen.selected_by, strict=True))
    # each priority's best unit takes the place of the lowest pick by score; 乙 has no unit
    assert by == {"A": "全域覆盖", "H1": "全域覆盖（甲住宿餐饮）", "H2": "全域覆盖（甲临山临水）"}
    # within the count: with two places, 临山临水 finds the list full
    assert set(select_targets(units, 2, 0, True, priorities=priorities).unit_id) == {"A", "H1"}
    # a priority already covered by a unit that must be on the list adds nobody
    forced = select_targets(units, 3, 0, True, forced={"H2": "重大隐患"}, priorities=[("甲", "住宿餐饮")])
    assert set(forced.unit_id) == {"A", "B", "H2"}


@pytest.mark.parametrize("section, value, words", [
    ("coverage", {"priorities": {"火星街道": ["学校"]}}, "不认识的街道"),
    ("coverage", {"priorities": {"丰泽街道": ["夜市"]}}, "监管重点（丰泽街道"),
    ("links", {"fixed": {"东海街道": "区住建局", "北峰街道": "区住建局"}}, "只能驻点一个街道"),
])
def test_the_configuration_names_what_is_wrong(section, value, words):
    data = CONFIG.model_dump(mode="json") | {section: value}
    with pytest.raises(ConfigError) as err:
        validate_config(data)
    assert words in str(err.value)


def test_the_file_fixes_the_articles_four_links_and_its_priorities():
    assert CONFIG.links.fixed == ARTICLE_LINKS
    assert CONFIG.coverage.priorities["丰泽街道"] == ["住宿餐饮"]


# --- on hand-made ledgers ---------------------------------------------------------------------

def unit(n, name, category, sub, flags="", employees="10", accidents="0", grade="", seen="2023-06-20"):
    return {"单位编号": f"FZ{n:06d}", "统一社会信用代码": uscc(n), "单位名称": name, "监管类别": category,
            "行业": "鞋服" if category == "工贸企业" else "", "所属街道": sub, "地址": "", "从业人数": employees,
            "风险特征": flags, "标准化等级": grade, "创建类别": "", "示范岗位数": "", "近三年事故起数": accidents,
            "最近检查日期": seen, "经营状态": "在营"}


@pytest.fixture
def phase_warehouse(tmp_path, ingest):
    """Phase 部门精准执法 starts 2023-07-01 (its first week 2023-W26).  G1–G3 are the best
    工贸 units; S1 the best of 东湖; H1 the best 住宿餐饮 unit of 东湖 (a configured
    priority); a major hazard appears at G4 on 2023-07-31 (W31), and G2's hazards of
    2023-08-02 put it above G1."""
    rows = base_rows()
    rows["units"] = [
        unit(1, "泉州甲鞋服有限公司", "工贸企业", "东海街道", "粉尘涉爆、涉氨制冷、自建厂房", "500", "3"),
        unit(2, "泉州乙工艺品有限公司", "工贸企业", "北峰街道", "粉尘涉爆、涉氨制冷", "400", "2"),
        unit(3, "泉州丙木业有限公司", "工贸企业", "北峰街道", "粉尘涉爆", "300", "1"),
        unit(4, "泉州丁五金有限公司", "工贸企业", "东海街道", "", "20", grade="一级"),
        unit(5, "丰泽区戊中学", "学校", "东湖街道", "人员密集", "2000", "3"),
        unit(6, "泉州己酒店有限公司", "住宿餐饮", "东湖街道", "", "1", grade="一级"),
        unit(7, "泉州庚餐饮有限公司", "住宿餐饮", "东湖街道", "", "1", grade="一级", seen="2023-06-25"),
    ]
    rows["departments"] = [
        {"单位名称": "区应急管理局", "职责领域": "工贸企业", "是否参与帮扶": "否"},
        {"单位名称": "区住建局", "职责领域": "在建施工项目、自建厂房", "是否参与帮扶": "是"},
        {"单位名称": "区工信科技局", "职责领域": "工贸企业、粉尘涉爆", "是否参与帮扶": "是"},
        {"单位名称": "区商务局", "职责领域": "住宿餐饮", "是否参与帮扶": "是"},
    ]
    rows["cadres"] = [dict(rows["cadres"][0], 工号=f"YJ00{i}", 姓名=f"黄{i}", 执法证号=f"3505032023000{i}")
                      for i in (1, 2, 3)] + rows["cadres"][1:]
    rows["hazards"] = [{"隐患编号": "YH0001", "单位编号": "FZ000004", "发现日期": "2023-07-31",
                        "隐患级别": "重大隐患", "隐患类别": "粉尘", "隐患描述": "除尘系统未接地",
                        "整改期限": "2023-08-30", "整改完成日期": "", "发现途径": "执法检查"}]
    # by W32 G2 outscores G1: this week's order is not the first week's
    rows["hazards"] += [dict(rows["hazards"][0], 隐患编号=f"YH000{i}", 单位编号="FZ000002", 发现日期="2023-08-02",
                             隐患级别="重大隐患" if i == 2 else "一般", 整改期限="2023-09-01") for i in (2, 3, 4, 5)]
    return ingest(write_ledgers(tmp_path / "raw", rows))


PHASE_CONFIG = with_sections(CONFIG, targets={"count": 5, "gongmao_share": 0.4},
                             key_enterprises={"count": 3},
                             coverage={"priorities": {"东湖街道": ["住宿餐饮"], "北峰街道": ["临山临水"],
                                                       "清源街道": ["临山临水"]}})


def build(con, week, cfg=PHASE_CONFIG):
    con.execute("BEGIN")
    build_week(con, week, cfg)
    con.execute("COMMIT")


def week_rows(con, table, week="2023-W32"):
    return con.execute(f"SELECT * EXCLUDE (week) FROM {table} WHERE week = ? ORDER BY ALL", [week]).fetchall()


def test_the_list_and_the_people_are_decided_at_the_phases_first_week(phase_warehouse):
    con = phase_warehouse
    build(con, W26)
    by = dict(con.execute("SELECT unit_id, selected_by FROM priority_targets WHERE week = '2023-W26'").fetchall())
    assert by == {"FZ000001": "全域覆盖", "FZ000002": "全域覆盖", "FZ000005": "全域覆盖",
                  "FZ000006": "全域覆盖（东湖街道住宿餐饮）", "FZ000003": "风险排序"}
    build(con, W32)
    by = dict(con.execute("SELECT unit_id, selected_by FROM priority_targets WHERE week = '2023-W32'").fetchall())
    assert "FZ000003" not in by and by["FZ000004"] == "突出重点（重大隐患）"
    assert by["FZ000006"] == "全域覆盖（东湖街道住宿餐饮）"          # a coverage pick is never displaced
    keys = {u: basis for u, basis in con.execute(
        "SELECT unit_id, basis FROM key_enterprises WHERE week = '2023-W32'").fetchall()}
    assert keys == {"FZ000001": "阶段首周（2023-W26）确定", "FZ000002": "阶段首周（2023-W26）确定",
                    "FZ000004": "本阶段新增的工贸帮扶对象"}
    # the cadres of the phase's first week keep their enterprises, though G2 now ranks first;
    # the joiner gets the free one
    assert con.execute("""SELECT unit_id FROM key_enterprises WHERE week = '2023-W32'
        ORDER BY rank LIMIT 1""").fetchone()[0] == "FZ000002"
    duty = dict(con.execute("""SELECT unit_id, cadre_id FROM cadre_assignments WHERE week = '2023-W32'
        AND duty = '包保重点企业'""").fetchall())
    assert duty == {"FZ000001": "YJ001", "FZ000002": "YJ002", "FZ000004": "YJ003"}


def test_a_week_alone_gives_the_same_people_as_the_weeks_before_it(phase_warehouse):
    con = phase_warehouse
    build(con, W32)
    alone = {t: week_rows(con, t) for t in ("priority_targets", "key_enterprises", "cadre_assignments",
                                           "department_links", "coverage_priorities")}
    build(con, W31)
    build(con, W32)
    assert {t: week_rows(con, t) for t in alone} == alone


def test_outside_the_campaign_each_week_decides_for_itself(phase_warehouse):
    con = phase_warehouse
    build(con, dt.date(2024, 1, 8))
    assert {w for (w,) in con.execute("SELECT decided_week FROM department_links WHERE week = '2024-W02'")
            .fetchall()} == {"2024-W02"}
    assert {b for (b,) in con.execute("SELECT basis FROM key_enterprises WHERE week = '2024-W02'")
            .fetchall()} == {"本周（2024-W02）确定"}


def test_links_are_decided_for_the_phase_and_the_data_proposes(phase_warehouse):
    con = phase_warehouse
    build(con, W32)
    links = con.execute("""SELECT subdistrict, dept, fixed, decided_week, proposal FROM department_links
        WHERE week = '2023-W32' ORDER BY subdistrict""").fetchall()
    assert [(s, d, f, w, p) for s, d, f, w, p in links] == [
        ("东海街道", "区住建局", True, "2023-W26", None), ("东湖街道", "区商务局", False, "2023-W26", None),
        ("北峰街道", "区工信科技局", True, "2023-W26", None)]
    build(con, W32, with_sections(PHASE_CONFIG, links={"fixed": {"东海街道": "区商务局"}}))
    row = dict(con.execute("""SELECT subdistrict, dept || '|' || proposed_dept || '|' || proposal
        FROM department_links WHERE week = '2023-W32'""").fetchall())["东海街道"]
    dept, proposed, proposal = row.split("|")
    assert (dept, proposed) == ("区商务局", "区住建局")
    assert proposal.startswith("建议调整为区住建局：按配置固定驻点区商务局，但按本周数据重新计算") and "自建厂房" in proposal


def test_coverage_priorities_say_who_covers_each_or_why_none(phase_warehouse):
    con = phase_warehouse
    build(con, W32)
    rows = {(s, p): (n, t, c, note) for s, p, n, t, c, note in con.execute(
        "SELECT * EXCLUDE (week) FROM coverage_priorities WHERE week = '2023-W32'").fetchall()}
    assert rows[("东湖街道", "住宿餐饮")] == (2, 1, True, "由帮扶对象泉州己酒店有限公司覆盖")
    assert rows[("北峰街道", "临山临水")] == (0, 0, False, "辖区无在监管的临山临水单位")
    assert rows[("清源街道", "临山临水")] == (0, 0, False, "辖区无在监管的临山临水单位")   # no unit there at all
    figures = con.execute("SELECT figures FROM weekly_figures WHERE week = '2023-W32' AND as_of = week").fetchone()[0]
    assert '"coverage_priorities_uncovered":2' in figures.replace(" ", "")
    # three places, all taken by the subdistricts' best units when the list was decided
    build(con, W32, with_sections(PHASE_CONFIG, targets={"count": 3}))
    (covered, note), = con.execute("""SELECT covered, note FROM coverage_priorities WHERE week = '2023-W32'
        AND priority = '住宿餐饮'""").fetchall()
    assert not covered and note.startswith("未覆盖：阶段首周（2023-W26）确定名单时，3个名额已由必须列入的单位")
    assert "泉州己酒店有限公司" in note and note.endswith("请驻点部门区商务局在日常帮扶中重点关注")


# --- the demo district ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_derived(demo_warehouse):
    """The demo ledgers derived for 2023-W32: the session's demo run, read only."""
    con = connect(demo_warehouse, read_only=True)
    yield con
    con.close()


def test_the_demo_week_keeps_the_articles_four_links(demo_derived):
    links = {s: (d, f, w, p) for s, d, f, w, p in demo_derived.execute("""SELECT subdistrict, dept, fixed,
        decided_week, proposal FROM department_links WHERE week = '2023-W32'""").fetchall()}
    assert {s: d for s, (d, *_) in links.items() if s in ARTICLE_LINKS} == ARTICLE_LINKS
    assert all(links[s][1] for s in ARTICLE_LINKS) and len({d for d, *_ in links.values()}) == 8
    assert {w for _, _, w, _ in links.values()} == {"2023-W26"}
    assert all(p is None for *_, p in links.values())       # the data agrees with the fixed four


def test_the_demo_week_has_a_coverage_row_for_every_priority_and_the_articles_29(demo_derived):
    rows = demo_derived.execute("""SELECT subdistrict, priority, supervised_units, target_units, covered, note
        FROM coverage_priorities WHERE week = '2023-W32'""").fetchall()
    configured = {(s, p) for s, items in CONFIG.coverage.priorities.items() for p in items}
    assert {(s, p) for s, p, *_ in rows} == configured and len(rows) == len(configured)
    assert all(n > 0 and c == (t > 0) and note for _, _, n, t, c, note in rows)
    counts = demo_derived.execute("""SELECT (SELECT count(*) FROM priority_targets WHERE week = '2023-W32'),
        (SELECT count(*) FROM key_enterprises WHERE week = '2023-W32')""").fetchone()
    assert counts == (29, 43)


def test_a_proposal_warns_and_never_relinks():
    """links_as_decided: WARN while the data proposes another department (建议调整)."""
    import duckdb as db
    from dagster import AssetCheckSeverity

    from assets.derive.checks import links_as_decided
    con = db.connect()
    con.execute("CREATE TABLE department_links (week VARCHAR, subdistrict VARCHAR, dept VARCHAR, "
                "proposal VARCHAR)")
    con.execute("INSERT INTO department_links VALUES ('2023-W32', '东海街道', '区住建局', NULL), "
                "('2023-W32', '北峰街道', '区工信科技局', '建议调整为区应急管理局：工贸企业占比高')")
    result = links_as_decided(con, "2023-W32")
    assert not result.passed and result.severity == AssetCheckSeverity.WARN
    assert result.metadata["proposals"].value == 1
    assert "建议调整为区应急管理局" in result.metadata["list"].value
    con.execute("UPDATE department_links SET proposal = NULL")
    assert links_as_decided(con, "2023-W32").passed
