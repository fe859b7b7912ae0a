"""The report's sentences on hand-made records, where the right sentence is known."""

from assets.report.prose import (
    department_sentence,
    major_item,
    overdue_buckets,
    plan_done_sentence,
    review_text,
)
from assets.report.view import addressed
from pipeline.core.campaign import chinese_number

DEPT = {"dept": "区住建局", "stationed_in": "东海街道", "visits": 0, "inspections": 0, "expert_visits": 0,
        "trainings": 0, "observations": 0, "units_visited": 0, "problems_found": 0, "problems_solved": 0,
        "notable": None}


def test_a_department_without_records_is_named_as_such():
    assert department_sentence(DEPT) == "区住建局（驻点东海街道）：本周无工作记录。"


def test_a_departments_work_is_counted_by_kind_and_notable_units_named():
    busy = {**DEPT, "visits": 5, "inspections": 2, "expert_visits": 3, "units_visited": 4,
            "problems_found": 12, "problems_solved": 9, "notable": "泉州甲公司、泉州乙公司"}
    assert department_sentence(busy) == ("区住建局（驻点东海街道）：本周开展帮扶服务5次（执法检查2次、专家指导3次），"
                                         "服务单位4家，发现问题12个、解决问题9个，在泉州甲公司、泉州乙公司解决问题较多。")


def test_observed_reviews_come_from_the_observers():
    assert review_text({"reviews_week": 3, "reviews_observed_week": 2, "observers_week": 11}) == \
        "标准化评审3家次（2次有同行企业现场观摩，观摩企业11家次）"
    assert review_text({"reviews_week": 0}) == ""


def test_plan_against_done_names_the_misses_and_the_departments():
    rows = [{"unit_id": "1", "name": "甲", "done": True, "dept": "区住建局"},
            {"unit_id": "2", "name": "乙", "done": False, "dept": "区应急管理局"},
            {"unit_id": "3", "name": "丙", "done": True, "dept": "区应急管理局"}]
    assert plan_done_sentence(rows, "联合帮扶") == ("上周安排的联合帮扶3家，本周已完成2家，完成率67%"
                                                 "（按部门：区住建局1/1、区应急管理局1/2）；未完成：乙。")
    assert plan_done_sentence([], "联合帮扶") == ""


def test_overdue_hazards_are_grouped_by_urgency():
    rows = [{"level": "重大隐患", "days_overdue": 3}, {"level": "一般隐患", "days_overdue": 40},
            {"level": "一般隐患", "days_overdue": 10}, {"level": "一般隐患", "days_overdue": 2},
            {"level": "一般隐患", "days_overdue": 7}]
    assert overdue_buckets(rows) == "重大隐患1条、一般隐患逾期30天以上1条、逾期8至30天1条、逾期7天以内2条"


def test_a_major_hazard_reads_with_its_stage_and_next_step_once():
    h = {"unit": "泉州甲公司", "subdistrict": "北峰街道", "description": "有限空间作业未审批", "kind": "",
         "supervisor": "丰泽区安委办", "status": "整改中", "stop_work": True, "days_overdue": 38,
         "due_on": "2023-07-06", "next_action": "逾期38天：建议立案查处或责令停产整改"}
    assert major_item(h) == ("泉州甲公司（北峰街道）有限空间作业未审批，丰泽区安委办挂牌督办，现处整改中阶段，"
                             "已责令停产停业整改，已逾期38天；下一步：建议立案查处或责令停产整改")


def test_no_report_is_sent_to_its_own_compiler():
    lines = [["报", "区安委办，区应急管理局"], ["送", "市安委办、市应急管理局"], ["发", "区安委办"]]
    assert addressed(lines, "丰泽区安全生产委员会办公室") == [["报", "区应急管理局"],
                                                         ["送", "市安委办、市应急管理局"]]


def test_section_numbers_read_in_chinese():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]
