"""Unit tests of the mechanism's rules: score, selection, links, assignment (the draw:
test_draw.py)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from factory import base_rows, write_ledgers

from assets.derive.assign import assign_experts, in_conflict, solve_expert_milp, spread
from assets.derive.build import set_variables
from assets.derive.links import link_departments
from assets.derive.sqlfiles import sql
from assets.derive.targets import select_key_enterprises, select_targets
from pipeline.core.config import BangfuConfig, ConfigError, load_config, validate_config

CONFIG = load_config()

WEEK = dt.date(2023, 8, 7)


# ----------------------------------------------------------------------------- score

@pytest.fixture
def scored(tmp_path, ingest):
    """Score a single unit under changes; returns its row from unit_risk."""
    def _score(change: dict | None = None, hazards: list[dict] | None = None, cfg=CONFIG):
        rows = base_rows()
        rows["units"][0].update(change or {})
        rows["visits"] = []  # the last inspection is the ledger's date alone
        if hazards is not None:
            rows["hazards"] = hazards
        con = ingest(write_ledgers(tmp_path / f"raw{len(list(tmp_path.iterdir()))}", rows))
        con.execute(sql("scoring"))
        set_variables(con, WEEK, cfg)
        return con.execute(f"SELECT * FROM ({sql('unit_risk')}) WHERE unit_id = 'FZ000001'").df().iloc[0]
    return _score


def hazard(level="一般隐患", due="2023-09-30", fixed=""):
    return {"隐患编号": f"YH{level}{due}{fixed}", "单位编号": "FZ000001", "发现日期": "2023-08-01",
            "隐患级别": level, "整改期限": due, "整改完成日期": fixed, "发现途径": "执法检查"}


@pytest.mark.parametrize("change,component", [
    ({"风险特征": "粉尘涉爆、涉氨制冷"}, "c_major_accident"),
    ({"风险特征": "粉尘涉爆、危险化学品使用"}, "c_hazchem"),
    ({"近三年事故起数": "2"}, "c_accidents"),
    ({"标准化等级": "未达标"}, "c_grade"),
    ({"最近检查日期": "2022-08-01"}, "c_inspection"),
    ({"从业人数": "2000"}, "c_size"),
])
def test_each_component_raises_the_score(scored, change, component):
    base = scored({"风险特征": "粉尘涉爆", "近三年事故起数": "0", "标准化等级": "一级",
                   "最近检查日期": "2023-08-01", "从业人数": "120"}, hazards=[])
    worse = scored({"风险特征": "粉尘涉爆", "近三年事故起数": "0", "标准化等级": "一级",
                    "最近检查日期": "2023-08-01", "从业人数": "120", **change}, hazards=[])
    assert worse[component] > base[component]
    assert worse.score > base.score


def test_hazards_weigh_major_most_and_overdue_more(scored):
    none = scored(hazards=[]).c_hazards
    general = scored(hazards=[hazard()]).c_hazards
    major = scored(hazards=[hazard("重大隐患")]).c_hazards
    overdue = scored(hazards=[hazard("重大隐患", due="2023-08-05")]).c_hazards
    fixed = scored(hazards=[hazard("重大隐患", fixed="2023-08-03")]).c_hazards
    assert none == fixed == 0 < general < major < overdue


def test_weights_come_from_the_configuration(scored):
    cfg = CONFIG.model_copy(update={"scoring": CONFIG.scoring.model_copy(
        update={"accident": 100.0})})
    assert scored({"近三年事故起数": "1"}, cfg=cfg).c_accidents == 100
    assert scored({"近三年事故起数": "1"}).c_accidents == CONFIG.scoring.accident


def test_events_after_the_week_do_not_count(scored):
    later = dict(hazard("重大隐患"), 发现日期="2023-08-15", 整改期限="2023-09-01")
    assert scored(hazards=[later]).c_hazards == 0


# ----------------------------------------------------------------------------- config

def test_configuration_rejects_unknown_keys_and_impossible_values(tmp_path):
    data = CONFIG.model_dump(mode="json")
    with pytest.raises(ConfigError, match="zzz"):
        validate_config({**data, "zzz": 1})
    with pytest.raises(ConfigError, match="scoring.hazard_major"):
        validate_config({**data, "scoring": {**data["scoring"], "hazard_major": -1}})
    with pytest.raises(ConfigError, match="火山"):
        validate_config({**data, "scoring": {**data["scoring"], "flags": {"火山": 3}}})
    with pytest.raises(ConfigError, match="targets.gongmao_share"):
        validate_config({**data, "targets": {**data["targets"], "gongmao_share": 1.5}})
    report = data["report"]
    with pytest.raises(ConfigError, match="report.distribution.*抄"):
        validate_config({**data, "report": {**report, "distribution": {"抄": "区政府办"}}})
    with pytest.raises(ConfigError, match="report.subdistrict_distribution.*town"):
        validate_config({**data, "report": {**report, "subdistrict_distribution": {"发": "{town}办事处"}}})
    with pytest.raises(ConfigError, match="report.distribution.*送"):
        validate_config({**data, "report": {**report, "distribution": {"送": "  "}}})
    assert load_config() == CONFIG


def test_the_launchpad_offers_every_section_of_the_configuration():
    """The derive step's run config is the configuration class itself: every section can be
    overridden for one run, an empty run config is the file, and a section given replaces
    only that section."""
    from assets.derive.assets import derive
    assert set(derive.op.config_schema.config_type.fields) == set(BangfuConfig.model_fields)
    assert BangfuConfig().over(CONFIG) == CONFIG
    targets = CONFIG.targets.model_copy(update={"count": 35})
    changed = BangfuConfig(targets=targets).over(CONFIG)
    assert changed.targets.count == 35 and changed.model_copy(update={"targets": CONFIG.targets}) == CONFIG


def test_a_configuration_file_without_a_section_is_refused(tmp_path):
    data = CONFIG.model_dump(mode="json")
    del data["links"]
    with pytest.raises(ConfigError, match="links"):
        validate_config(data)


# ----------------------------------------------------------------------------- targets

def candidates(rows):
    return pd.DataFrame(rows, columns=["unit_id", "subdistrict", "category", "score"])


def test_every_subdistrict_covered_and_gongmao_share_met():
    frame = candidates([
        ("A1", "甲", "工贸企业", 90), ("A2", "甲", "学校", 89), ("A3", "甲", "医院", 88),
        ("A4", "甲", "工贸企业", 10), ("B1", "乙", "学校", 5), ("C1", "丙", "工贸企业", 1),
    ])
    chosen = select_targets(frame, 4, gongmao_share=0.75, cover_every_subdistrict=True)
    assert set(chosen.subdistrict) == {"甲", "乙", "丙"}
    assert (chosen.category == "工贸企业").sum() >= 3
    assert list(chosen.unit_id) == ["A1", "A4", "B1", "C1"]
    assert list(chosen["rank"]) == [1, 2, 3, 4]


def test_without_coverage_and_share_it_is_pure_score_order():
    frame = candidates([("A1", "甲", "学校", 9), ("A2", "甲", "医院", 8), ("B1", "乙", "工贸企业", 1)])
    chosen = select_targets(frame, 2, gongmao_share=0, cover_every_subdistrict=False)
    assert list(chosen.unit_id) == ["A1", "A2"]


def test_ties_break_deterministically_by_unit_id():
    frame = candidates([("Z9", "甲", "工贸企业", 5), ("A1", "甲", "工贸企业", 5), ("M5", "甲", "工贸企业", 5)])
    for _ in range(3):
        shuffled = frame.sample(frac=1, random_state=np.random.randint(1000))
        assert list(select_targets(shuffled, 2, 0, False).unit_id) == ["A1", "M5"]


def test_every_gongmao_target_is_a_key_enterprise():
    gongmao = candidates([(f"G{i}", "甲", "工贸企业", 100 - i) for i in range(10)])
    targets = candidates([("G9", "甲", "工贸企业", 91)])
    keys = select_key_enterprises(gongmao, targets, 3)
    assert list(keys.unit_id) == ["G0", "G1", "G9"]


# ----------------------------------------------------------------------------- links

def test_links_are_optimal_not_greedy():
    # greedy would give 甲 to D1 (fit 10) and leave D2 with 乙 (fit 1): total 11;
    # the optimum is 甲-D2 (9) and 乙-D1 (8): total 17.
    features = pd.DataFrame([("甲", "x", 1, 10.0), ("甲", "y", 1, 9.0), ("乙", "x", 1, 8.0),
                             ("乙", "y", 1, 1.0)], columns=["subdistrict", "feature", "n", "lq"])
    depts = pd.DataFrame({"dept": ["D1", "D2"], "domains": [["x"], ["y"]]})
    links = link_departments(features, depts, {})
    assert dict(zip(links.subdistrict, links.dept, strict=True)) == {"甲": "D2", "乙": "D1"}
    fixed = link_departments(features, depts, {"甲": "D1"})
    assert dict(zip(fixed.subdistrict, fixed.dept, strict=True)) == {"甲": "D1", "乙": "D2"}
    assert fixed.set_index("subdistrict").at["甲", "fixed"]


# ----------------------------------------------------------------------------- experts

def experts_frame(rows):
    return pd.DataFrame(rows, columns=["expert_id", "domains", "employer", "weekly_cap"])


DOMAINS = {"粉尘涉爆": ["工贸"], "学校": ["消防安全"]}


def test_expert_assignment_optimal_even_and_within_caps():
    targets = pd.DataFrame({"unit_id": ["U1", "U2", "U3", "U4"], "name": ["a", "b", "c", "d"],
                            "main_risk": ["粉尘涉爆"] * 4})
    experts = experts_frame([("E1", ["工贸"], "x", 4), ("E2", ["工贸"], "y", 1), ("E3", ["工贸"], "z", 4)])
    plan = assign_experts(targets, experts, DOMAINS)
    load = plan.assignments.expert_id.value_counts().to_dict()
    assert plan.uncovered.empty and len(plan.assignments) == 4
    assert max(load.values()) == 2 and load.get("E2", 0) <= 1


def test_conflict_of_interest_is_respected():
    targets = pd.DataFrame({"unit_id": ["U1"], "name": ["泉州市甲鞋服有限公司"], "main_risk": ["粉尘涉爆"]})
    experts = experts_frame([("E1", ["工贸"], "泉州市甲鞋服有限公司", 5), ("E2", ["工贸"], "某咨询公司", 5)])
    plan = assign_experts(targets, experts, DOMAINS)
    assert list(plan.assignments.expert_id) == ["E2"]
    assert in_conflict("甲鞋服", "泉州市甲鞋服有限公司") and not in_conflict("", "x")


def test_infeasible_targets_are_reported_with_reasons():
    targets = pd.DataFrame({"unit_id": ["U1", "U2", "U3", "U4"], "name": ["a", "b", "乙公司", "d"],
                            "main_risk": ["粉尘涉爆", "粉尘涉爆", "学校", "火星"]})
    experts = experts_frame([("E1", ["工贸"], "x", 1), ("E2", ["消防安全"], "乙公司", 3)])
    plan = assign_experts(targets, experts, DOMAINS | {"火星": ["天文"]})
    reasons = dict(zip(plan.uncovered.unit_id, plan.uncovered.reason, strict=True))
    assert len(plan.assignments) == 1
    assert "满额" in reasons[{"U1", "U2"}.difference(plan.assignments.unit_id).pop()]
    assert "回避" in reasons["U3"] and "天文" in reasons["U4"]


def test_milp_minimises_the_largest_load():
    chosen = solve_expert_milp(3, np.array([3, 3, 3]), [(t, e) for t in range(3) for e in range(3)])
    assert sorted(e for _, e in chosen) == [0, 1, 2]


def test_spread_keeps_last_week_and_prefers_the_linked_department():
    out = spread(["u1", "u2", "u3"], ["a", "b", "c"], keep={"u2": "c"}, preferred={"u1": ["b"]})
    assert out == {"u2": "c", "u1": "b", "u3": "a"}
