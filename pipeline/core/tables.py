"""The warehouse's tables (数据仓库的表), by the stage that writes them.

The stages meet only in the warehouse: ingest writes the ledgers and the quarantine,
derive writes the derived tables, report reads both.  Their names live here so that a
later stage can name what it depends on without importing an earlier one.
"""

from pipeline.core.ledgers import LEDGERS

LEDGER_TABLES = tuple(ledger.key for ledger in LEDGERS)
QUARANTINE = "quarantine"

# Derived tables shown as assets, with what each holds (all kept per week).
DERIVED = {
    "unit_risk": "风险评分：每个单位的得分及各分项（按周保存）",
    "subdistrict_profile": "街道画像：各街道的单位构成、风险特征、隐患与标准化情况（按周保存）",
    "hazard_judgement": "隐患研判：按应急管理部令第10号研判的隐患（疑似重大隐患、另有判定标准的）",
    "major_hazards": "重大隐患跟踪：每条重大隐患的挂牌督办、整改、验收、销号阶段及下一步",
    "priority_targets": "帮扶对象：突出重点（重大隐患）、全域覆盖、引领带动，专项行动各阶段内保持稳定",
    "target_changes": "帮扶对象增减：本周新增、退出的单位及原因",
    "key_enterprises": "包保重点企业：由局干部一对一包保的工贸企业，专项行动各阶段内保持稳定",
    "department_links": "部门驻点：区直单位与街道的一一对应及理由，按阶段确定，本周数据只提出建议调整",
    "coverage_priorities": "全域覆盖：各街道行业监管重点的在监管单位、帮扶对象及覆盖情况",
    "team_roster": "“8+1+1”队伍名册：区直单位、帮扶工作队、专家",
    "cadre_assignments": "干部包保安排（下周）",
    "expert_assignments": "专家指导安排（下周）",
    "inspection_pairs": "“执法人员+专家”检查组（下周）",
    "spot_checks": "双随机抽查（下周）：检查前保密，元数据只记数量",
    "spot_check_results": "双随机抽查结果公示（一公开）：本周公开的抽查及其结果",
    "weekly_progress": "周进展：各街道与全区的本周与全年累计数字",
    "subdistrict_scorecard": "街道帮扶成效：专项行动第二阶段起各街道作为帮扶对象的本周成效与排名",
    "last_week_progress": "上周进展：按上周末口径计算的上周数字（周报对比用）",
    "hazard_trend": "隐患周趋势：今年每周发现、整改、逾期与未整改隐患数（全区与各街道）",
    "weekly_figures": "汇总数字：本周的，及按上周末口径的上周的（清单与周报用）",
}
