"""Checks of the derive step (派生检查), evaluated on the week just built.

Declared next to the asset they guard (``assets.py``) and evaluated inside the step on
its connection: coverage of the targets, the experts' caps and recusals, one department
per subdistrict, and totals that agree between the progress table and the figures.
"""

import json

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue


def check(name: str, asset: str, description: str, blocking: bool = True) -> AssetCheckSpec:
    return AssetCheckSpec(name, asset=asset, description=description, blocking=blocking)


CHECK_SPECS = [
    check("targets_covered", "priority_targets", "每个帮扶对象都有包保干部和专家（未覆盖的列出原因）",
          blocking=False),
    check("experts_within_cap", "expert_assignments", "专家本周安排不超过其每周服务上限"),
    check("no_conflict_of_interest", "expert_assignments", "专家不指导本人工作单位（回避）"),
    check("subdistricts_linked_once", "department_links", "每个街道恰好有一个驻点部门，每个部门至多一个街道"),
    check("totals_agree", "weekly_progress", "全区数字与各街道之和、与台账汇总数字一致"),
]


def targets_covered(con, week: str) -> AssetCheckResult:
    missing = con.execute("""
        SELECT t.unit_id, t.name,
            coalesce(u.reason, CASE WHEN c.cadre_id IS NULL THEN '无包保干部' END) AS reason
        FROM priority_targets t
        LEFT JOIN cadre_assignments c ON c.week = t.week AND c.unit_id = t.unit_id
        LEFT JOIN expert_assignments e ON e.week = t.week AND e.unit_id = t.unit_id
        LEFT JOIN uncovered_targets u ON u.week = t.week AND u.unit_id = t.unit_id
        WHERE t.week = ? AND (c.cadre_id IS NULL OR e.expert_id IS NULL)""", [week]).df()
    return AssetCheckResult(check_name="targets_covered", asset_key="priority_targets",
                            passed=missing.empty, severity=AssetCheckSeverity.WARN,
                            metadata={"uncovered": len(missing), "list": MetadataValue.md(
                                missing.to_markdown(index=False) if len(missing) else "全部覆盖")})


def experts_within_cap(con, week: str) -> AssetCheckResult:
    over = con.execute("""SELECT e.expert_id, count(*) AS units, any_value(x.weekly_cap) AS cap
        FROM expert_assignments e JOIN experts x USING (expert_id) WHERE e.week = ?
        GROUP BY e.expert_id HAVING count(*) > any_value(x.weekly_cap)""", [week]).df()
    return AssetCheckResult(check_name="experts_within_cap", asset_key="expert_assignments",
                            passed=over.empty, metadata={"over_cap": len(over)})


def no_conflict_of_interest(con, week: str) -> AssetCheckResult:
    clashes = con.execute("""SELECT count(*) FROM expert_assignments e
        JOIN experts x USING (expert_id) JOIN units u USING (unit_id)
        WHERE e.week = ? AND (x.employer = u.name OR contains(u.name, x.employer)
                              OR contains(x.employer, u.name))""", [week]).fetchone()[0]
    return AssetCheckResult(check_name="no_conflict_of_interest", asset_key="expert_assignments",
                            passed=clashes == 0, metadata={"conflicts": clashes})


def subdistricts_linked_once(con, week: str) -> AssetCheckResult:
    bad = con.execute("""
        WITH s AS (SELECT DISTINCT subdistrict FROM units WHERE supervised(status)),
             l AS (SELECT * FROM department_links WHERE week = ?)
        SELECT (SELECT count(*) FROM s WHERE (SELECT count(*) FROM l
                    WHERE l.subdistrict = s.subdistrict) <> 1),
               (SELECT count(*) FROM (SELECT dept FROM l GROUP BY dept HAVING count(*) > 1))
        """, [week]).fetchone()
    return AssetCheckResult(check_name="subdistricts_linked_once", asset_key="department_links",
                            passed=bad == (0, 0), metadata={"subdistricts_not_linked_once": bad[0],
                                                            "departments_linked_twice": bad[1]})


COMPARED = ["supervised_units", "hazards_found_ytd", "hazards_open", "hazards_major_open",
            "hazards_overdue", "problems_solved_ytd", "reviews_ytd", "reviews_passed_ytd",
            "tier_jingpin", "tier_biaogan", "tier_dabiao", "demo_posts"]


def totals_agree(con, week: str) -> AssetCheckResult:
    figures = json.loads(con.execute("SELECT figures FROM weekly_figures WHERE week = ? AND as_of = ?",
                                     [week, week]).fetchone()[0])
    row = con.execute("SELECT * FROM weekly_progress WHERE week = ? AND scope = '全区'",
                      [week]).df().iloc[0]
    sums = con.execute("""SELECT sum(COLUMNS(* EXCLUDE (week, scope))) FROM weekly_progress
        WHERE week = ? AND scope <> '全区'""", [week]).df().iloc[0]
    wrong = {k: [int(row[k]), int(figures[k])] for k in COMPARED if int(row[k]) != figures[k]}
    wrong |= {f"sum:{k}": [int(row[k]), int(sums[k])] for k in sums.index if int(row[k]) != int(sums[k])}
    return AssetCheckResult(check_name="totals_agree", asset_key="weekly_progress",
                            passed=not wrong, metadata={"mismatches": MetadataValue.json(wrong)})


CHECKS = [targets_covered, experts_within_cap, no_conflict_of_interest,
          subdistricts_linked_once, totals_agree]


def check_results(con, week: str) -> list[AssetCheckResult]:
    return [c(con, week) for c in CHECKS]
