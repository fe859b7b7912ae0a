"""Checks of the derive step (派生检查), evaluated on the week just built.

Declared next to the asset they guard (``assets.py``) and evaluated inside the step on
its connection: coverage of the targets, the experts' caps and recusals, one department
per subdistrict, totals that agree between the progress table and the figures, every check
lawfully staffed and next week's draw verified from its record.
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
    check("links_as_decided", "department_links",
          "驻点关系按阶段确定；本周数据提出的建议调整列出，待区安委办研究（不自动调整）", blocking=False),
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
            "tier_jingpin", "tier_biaogan", "tier_dabiao", "demo_posts", "reviews_week",
            "reviews_observed_week", "observers_week", "observations_week"]


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


def links_as_decided(con, week: str) -> AssetCheckResult:
    """WARN while the week's data proposes another department for a subdistrict (建议调整):
    the link stays as decided for the phase until the office changes the configuration."""
    proposals = con.execute("""SELECT subdistrict AS 街道, dept AS 驻点单位, proposal AS 建议调整
        FROM department_links WHERE week = ? AND proposal IS NOT NULL ORDER BY subdistrict""",
                            [week]).df()
    return AssetCheckResult(check_name="links_as_decided", asset_key="department_links",
                            passed=proposals.empty, severity=AssetCheckSeverity.WARN,
                            metadata={"proposals": len(proposals), "list": MetadataValue.md(
                                proposals.to_markdown(index=False) if len(proposals) else "无建议调整")})


CHECKS = [targets_covered, experts_within_cap, no_conflict_of_interest,
          subdistricts_linked_once, totals_agree, links_as_decided]


def check_results(con, week: str) -> list[AssetCheckResult]:
    return [c(con, week) for c in CHECKS]


# ----------------------------------------------------------------------------- lawful checks

def checks_lawfully_staffed(con, week: str) -> AssetCheckResult:
    """Every drawn check and every 执法人员+专家 visit of next week: two distinct officers of
    the department competent for the unit's category, with a valid licence, not 包保 of a
    drawn unit, and no expert the unit employs; or no officer at all and the reason."""
    import datetime as dt

    from assets.derive.officers import licensed
    from pipeline.core.weeks import parse_week

    found = con.execute("SELECT config_json FROM run_settings WHERE week = ?", [week]).fetchone()
    competent = json.loads(found[0])["jurisdiction"]["competent"] if found else {}
    valid_through = parse_week(week) + dt.timedelta(days=13)
    cadres = con.execute("SELECT * FROM cadres").df()
    officers = licensed(cadres, valid_through)
    officer_dept = dict(zip(officers.cadre_id, officers.dept, strict=True))
    duty = set(con.execute("SELECT cadre_id, unit_id FROM cadre_assignments WHERE week = ?",
                           [week]).fetchall())
    rows = con.execute("""
        SELECT '双随机' AS kind, s.unit_id, u.category, s.dept, s.officer_1, s.officer_2, s.reason, NULL AS clash
        FROM spot_checks s LEFT JOIN units u USING (unit_id) WHERE s.week = $week
        UNION ALL
        SELECT '执法人员+专家', p.unit_id, u.category, p.dept, p.officer_1, p.officer_2, p.reason,
            x.employer IS NOT NULL AND (x.employer = u.name OR contains(u.name, x.employer)
                                        OR contains(x.employer, u.name))
        FROM inspection_pairs p LEFT JOIN units u USING (unit_id) LEFT JOIN experts x USING (expert_id)
        WHERE p.week = $week""", {"week": week}).fetchall()
    wrong = []
    for kind, unit, category, dept, o1, o2, reason, clash in rows:
        if clash:
            wrong.append((kind, unit, "专家与该单位有利害关系"))
        if o1 is None and o2 is None:
            if not reason:
                wrong.append((kind, unit, "未派员且未说明原因"))
            continue
        problems = []
        if dept != competent.get(category):
            problems.append(f"检查部门{dept}不是{category}的主管部门")
        if o1 is None or o2 is None or o1 == o2:
            problems.append("执法人员不足两名")
        for o in (o1, o2):
            if o is not None and officer_dept.get(o) != dept:
                problems.append(f"{o}不是{dept}持有有效执法证的执法人员")
            if kind == "双随机" and (o, unit) in duty:
                problems.append(f"{o}包保该单位，应回避")
        wrong += [(kind, unit, p) for p in problems]
    listing = "\n".join(f"| {k} | {u} | {p} |" for k, u, p in wrong[:50])
    return AssetCheckResult(check_name="checks_lawfully_staffed", asset_key="spot_checks",
                            passed=not wrong, metadata={"violations": len(wrong), "list": MetadataValue.md(
                                "| 类别 | 单位编号 | 问题 |\n|---|---|---|\n" + listing if wrong else "全部合规")})


def draw_verifies(con, week: str) -> AssetCheckResult:
    """The draw in force for next week redone from its recorded seed and registers gives
    the recorded result, and the recorded hashes match (counts only: it is confidential)."""
    import datetime as dt

    from assets.derive.draw import draws_of, verify
    from pipeline.core.weeks import parse_week, week_label

    plan_for = week_label(parse_week(week) + dt.timedelta(days=7))
    draws = draws_of(con, plan_for)
    problems = [f"第{d['draw_no']}次：{p}" for d in draws for p in verify(d)]
    return AssetCheckResult(check_name="draw_verifies", asset_key="spot_checks",
                            passed=bool(draws) and not problems,
                            metadata={"draws": len(draws), "problems": MetadataValue.json(problems)})


CHECK_SPECS += [
    check("checks_lawfully_staffed", "spot_checks",
          "每项双随机抽查和“执法人员+专家”帮扶：主管部门两名持有效执法证的执法人员（抽查回避包保关系、专家回避工作单位），"
          "或未派员并说明原因"),
    check("draw_verifies", "spot_checks", "下周的抽取按记录的随机种子和名录重做，结果与记录一致，哈希相符"),
]
CHECKS += [checks_lawfully_staffed, draw_verifies]
