"""Headline figures (汇总数字), each one sentence and one SQL query.

Queries read the clean ledgers and the derived tables with the week's variables set
(``week``, ``week_start``, ``week_end``, ``year_start``; see ``pipeline.core.warehouse.set_week``) and
``bureau``.  Events count only when dated on or before ``week_end``; unit attributes are
taken as the current ledgers state them.  Derive stores them per week in
``weekly_figures`` (this week's, and last week's as of its end); the manifest and the
reports read them from there.  ``docs/figures.md`` is written from this list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

OPEN_HAZARD = "open_at(found_on, fixed_on, getvariable('week_end'))"
SUPERVISED = "supervised(status)"
THIS_WEEK = "{day} BETWEEN getvariable('week_start') AND getvariable('week_end')"


@dataclass(frozen=True)
class Figure:
    name: str
    meaning: str
    sql: str


FIGURES: tuple[Figure, ...] = (
    Figure("supervised_units", "在监管的单位数：监管对象台账中经营状态不是“注销”的单位。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED}"),
    Figure("units_by_category", "按监管类别统计的在监管单位数（键为中文类别名）。",
           f"SELECT json_group_object(category, n) FROM (SELECT category, count(*) AS n "
           f"FROM units WHERE {SUPERVISED} GROUP BY category ORDER BY category)"),
    Figure("subdistricts", "有在监管单位的街道数。",
           f"SELECT count(DISTINCT subdistrict) FROM units WHERE {SUPERVISED}"),
    Figure("departments", "参与帮扶的区直单位数（是否参与帮扶为“是”）。",
           "SELECT count(*) FROM departments WHERE participates"),
    Figure("team_cadres", "帮扶工作队的干部人数（帮扶工作队为“是”）。",
           "SELECT count(*) FROM cadres WHERE on_team"),
    Figure("bureau_cadres", "区应急管理局的干部人数（所属单位为配置中的本局名称）。",
           "SELECT count(*) FROM cadres WHERE dept = getvariable('bureau')"),
    Figure("experts", "专家库中的专家人数。", "SELECT count(*) FROM experts"),
    Figure("hazards_found_ytd", "本年1月1日至周末发现的隐患数。",
           "SELECT count(*) FROM hazards WHERE found_on BETWEEN getvariable('year_start') "
           "AND getvariable('week_end')"),
    Figure("hazards_open", "截至周末未整改的隐患数（已发现，整改完成日期为空或晚于周末）。",
           f"SELECT count(*) FROM hazards WHERE {OPEN_HAZARD}"),
    Figure("hazards_major_open", "截至周末未销号的重大隐患数（含经复核确认的重大隐患；整改完成后验收销号前仍计入）。",
           "SELECT count(*) FROM hazards WHERE major(level, review) "
           "AND major_open_at(found_on, closed_on, getvariable('week_end'))"),
    Figure("hazards_suspected_major", "疑似重大隐患数：登记为一般隐患、但按《工贸企业重大事故隐患判定标准》"
           "（应急管理部令第10号）判定为重大，截至周末未整改、尚未复核的隐患。",
           "SELECT count(*) FROM hazard_judgement WHERE week = getvariable('week') AND suspected_open"),
    Figure("major_hazards_open", "未销号的重大隐患按跟踪阶段（待挂牌、挂牌督办、整改中、待验收）分的数目。",
           "SELECT coalesce(json_group_object(status, n), '{}') FROM (SELECT status, count(*) AS n "
           "FROM major_hazards WHERE week = getvariable('week') AND status <> '已销号' "
           "GROUP BY status ORDER BY status)"),
    Figure("hazards_overdue", "截至周末已过整改期限仍未整改的隐患数（整改期限早于周末）。",
           "SELECT count(*) FROM hazards WHERE overdue_at(found_on, fixed_on, due_on, getvariable('week_end'))"),
    Figure("problems_solved_ytd", "本年1月1日至周末帮扶服务记录中解决问题数之和。",
           "SELECT coalesce(sum(problems_solved), 0) FROM visits WHERE visited_on BETWEEN "
           "getvariable('year_start') AND getvariable('week_end')"),
    Figure("reviews_ytd", "本年1月1日至周末开展的标准化评审次数。",
           "SELECT count(*) FROM reviews WHERE reviewed_on BETWEEN getvariable('year_start') "
           "AND getvariable('week_end')"),
    Figure("reviews_passed_ytd", "其中评审结果为“通过”的次数。",
           "SELECT count(*) FROM reviews WHERE reviewed_on BETWEEN getvariable('year_start') "
           "AND getvariable('week_end') AND result = '通过'"),
    Figure("reviews_week", "本周（周一至周日）开展的标准化评审次数，按评审日期。",
           f"SELECT count(*) FROM reviews WHERE {THIS_WEEK.format(day='reviewed_on')}"),
    Figure("reviews_observed_week", "其中有企业现场观摩的评审次数（标准化评审记录中观摩企业数大于0）。",
           f"SELECT count(*) FROM reviews WHERE {THIS_WEEK.format(day='reviewed_on')} AND observers > 0"),
    Figure("observers_week", "本周评审的观摩企业数之和（观摩企业数为空计0；同一企业观摩两场计两家次）。"
           "“评审观摩”的次数与家次以这两个数为准。",
           f"SELECT coalesce(sum(observers), 0) FROM reviews WHERE {THIS_WEEK.format(day='reviewed_on')}"),
    Figure("observations_week", "本周服务方式为“评审观摩”的帮扶服务记录数：这是观摩企业一方被记作一次帮扶服务的次数，"
           "只在有人为观摩企业另行登记服务记录时才有，不是评审观摩的场次（场次见 reviews_observed_week）。",
           f"SELECT count(*) FROM visits WHERE {THIS_WEEK.format(day='visited_on')} AND kind = '评审观摩'"),
    Figure("tier_jingpin", "创建类别为“精品”的在监管单位数。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED} AND tier = '精品'"),
    Figure("tier_biaogan", "创建类别为“标杆”的在监管单位数。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED} AND tier = '标杆'"),
    Figure("tier_dabiao", "创建类别为“评审达标”的在监管单位数。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED} AND tier = '评审达标'"),
    Figure("demo_posts", "在监管单位的示范岗位数之和。",
           f"SELECT coalesce(sum(demo_posts), 0) FROM units WHERE {SUPERVISED}"),
    Figure("priority_targets", "本周确定的帮扶对象数。",
           "SELECT count(*) FROM priority_targets WHERE week = getvariable('week')"),
    Figure("targets_joined_week", "本周新增的帮扶对象数（名单在专项行动各阶段内保持稳定，只因重大隐患增减）。",
           "SELECT count(*) FROM target_changes WHERE week = getvariable('week') AND change = '新增'"),
    Figure("targets_left_week", "本周退出的帮扶对象数。",
           "SELECT count(*) FROM target_changes WHERE week = getvariable('week') AND change = '退出'"),
    Figure("key_enterprises", "本周由局干部包保的重点工贸企业数。",
           "SELECT count(*) FROM key_enterprises WHERE week = getvariable('week')"),
    Figure("uncovered_targets", "下周安排中缺少包保干部或专家的帮扶对象数。",
           "SELECT count(*) FROM priority_targets t WHERE week = getvariable('week') AND ("
           "t.unit_id NOT IN (SELECT unit_id FROM cadre_assignments WHERE week = getvariable('week')) "
           "OR t.unit_id NOT IN (SELECT unit_id FROM expert_assignments WHERE week = getvariable('week')))"),
    Figure("spot_checks", "本周为下周抽取的双随机抽查单位数（抽取记录 draw_log 中该周有效的一次；名单检查前保密）。",
           "SELECT count(*) FROM spot_checks WHERE week = getvariable('week')"),
    Figure("department_links", "部门驻点：街道全称到区直单位名称（按区直单位台账的写法）。",
           "SELECT coalesce(to_json(map_from_entries(list((subdistrict, dept) ORDER BY subdistrict))), '{}') "
           "FROM department_links WHERE week = getvariable('week')"),
    Figure("department_links_proposed", "按本周数据建议调整的部门驻点数（驻点按专项行动阶段确定，本周数据只提出建议，不自动调整）。",
           "SELECT count(*) FROM department_links WHERE week = getvariable('week') AND proposal IS NOT NULL"),
    Figure("coverage_priorities_uncovered", "本周帮扶对象中没有单位覆盖的街道行业监管重点数（配置 coverage.priorities；"
           "覆盖情况及原因见 coverage_priorities）。",
           "SELECT count(*) FROM coverage_priorities WHERE week = getvariable('week') AND NOT covered"),
    Figure("config_sha256", "生成本周结果的有效配置（含运行时覆盖，不含抽取的运行选项 draw）的 SHA-256（规范 JSON）。",
           "SELECT config_sha256 FROM run_settings WHERE week = getvariable('week')"),
    Figure("spot_checks_unstaffed", "其中未派员的抽查数：主管部门没有两名可派的持证执法人员（回避、任务已满或无人持证），"
           "或抽取的执法人员此后已无有效执法证；从不以他人代替。",
           "SELECT count(*) FROM spot_checks WHERE week = getvariable('week') AND status = '未派员'"),
    Figure("spot_checks_published", "本周公开结果的双随机抽查数（一公开）：检查周为本周（或按 publish_lag_weeks 为上周）的有效抽取中的全部单位。",
           "SELECT count(*) FROM spot_check_results WHERE week = getvariable('week')"),
    Figure("inspection_pairs_unstaffed", "下周“执法人员+专家”联合帮扶中未派员的帮扶对象数（主管部门可派持证执法人员不足两名）。",
           "SELECT count(*) FROM inspection_pairs WHERE week = getvariable('week') AND officer_1 IS NULL"),
)


def compute_figures(con) -> dict:
    """Every figure; the caller has set the variables."""
    figures = {}
    for fig in FIGURES:
        rows = con.execute(fig.sql).fetchall()
        value = rows[0][0] if rows else None
        if isinstance(value, str) and value[:1] in "{[":
            value = json.loads(value)
        figures[fig.name] = int(value) if isinstance(value, int | float) else value
    return figures


def figures_markdown() -> str:
    lines = ["# 汇总数字（manifest figures）", "",
             "由 `assets/derive/figures.py` 生成（`bangfu docs`），勿手改。"
             "变量：`week` 为所报周（如 2023-W32），`week_start`、`week_end` 为所报周的周一、周日，`year_start` 为该年1月1日，`bureau` 为配置中的本局名称。"
             "`supervised(status)`、`open_at(…)`、`overdue_at(…)` 是共用判定（`pipeline/core/sql/macros.sql`）："
             "在监管即状态不是“注销”；未整改即发现日期不晚于该日且整改完成日期为空或晚于该日；逾期即未整改且整改期限早于该日。",
             "事件（隐患发现与整改、服务、评审）只计周末及以前的；单位属性（状态、等级、创建类别、示范岗位）按现有台账。", ""]
    for fig in FIGURES:
        lines += [f"## `{fig.name}`", "", fig.meaning, "", "```sql", fig.sql, "```", ""]
    return "\n".join(lines)
