"""Headline figures (汇总数字) of the manifest, each one sentence and one SQL query.

Queries read the clean ledgers with three variables set: ``week_end`` (Sunday of
the reported week), ``year_start`` (1 January of its year) and ``bureau``.
Events count only when dated on or before ``week_end``; unit attributes are taken
as the current ledgers state them.  ``docs/figures.md`` is written from this list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

OPEN_HAZARD = ("found_on <= getvariable('week_end') "
               "AND (fixed_on IS NULL OR fixed_on > getvariable('week_end'))")
SUPERVISED = "status <> '注销'"


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
    Figure("hazards_major_open", "截至周末未整改的重大隐患数。",
           f"SELECT count(*) FROM hazards WHERE {OPEN_HAZARD} AND level = '重大隐患'"),
    Figure("hazards_overdue", "截至周末已过整改期限仍未整改的隐患数（整改期限早于周末）。",
           f"SELECT count(*) FROM hazards WHERE {OPEN_HAZARD} AND due_on < getvariable('week_end')"),
    Figure("problems_solved_ytd", "本年1月1日至周末帮扶服务记录中解决问题数之和。",
           "SELECT coalesce(sum(problems_solved), 0) FROM visits WHERE visited_on BETWEEN "
           "getvariable('year_start') AND getvariable('week_end')"),
    Figure("reviews_ytd", "本年1月1日至周末开展的标准化评审次数。",
           "SELECT count(*) FROM reviews WHERE reviewed_on BETWEEN getvariable('year_start') "
           "AND getvariable('week_end')"),
    Figure("reviews_passed_ytd", "其中评审结果为“通过”的次数。",
           "SELECT count(*) FROM reviews WHERE reviewed_on BETWEEN getvariable('year_start') "
           "AND getvariable('week_end') AND result = '通过'"),
    Figure("tier_jingpin", "创建类别为“精品”的在监管单位数。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED} AND tier = '精品'"),
    Figure("tier_biaogan", "创建类别为“标杆”的在监管单位数。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED} AND tier = '标杆'"),
    Figure("tier_dabiao", "创建类别为“评审达标”的在监管单位数。",
           f"SELECT count(*) FROM units WHERE {SUPERVISED} AND tier = '评审达标'"),
    Figure("demo_posts", "在监管单位的示范岗位数之和。",
           f"SELECT coalesce(sum(demo_posts), 0) FROM units WHERE {SUPERVISED}"),
)


def compute_figures(con) -> dict:
    """Every figure; the caller has set the variables."""
    figures = {}
    for fig in FIGURES:
        value = con.execute(fig.sql).fetchone()[0]
        figures[fig.name] = json.loads(value) if isinstance(value, str) else int(value)
    return figures


def figures_markdown() -> str:
    lines = ["# 汇总数字（manifest figures）", "",
             "由 `assets/report/figures.py` 生成（`bangfu docs`），勿手改。"
             "变量：`week_end` 为所报周的周日，`year_start` 为该年1月1日，`bureau` 为配置中的本局名称。",
             "事件（隐患发现与整改、服务、评审）只计周末及以前的；单位属性（状态、等级、创建类别、示范岗位）按现有台账。", ""]
    for fig in FIGURES:
        lines += [f"## `{fig.name}`", "", fig.meaning, "", "```sql", fig.sql, "```", ""]
    return "\n".join(lines)
