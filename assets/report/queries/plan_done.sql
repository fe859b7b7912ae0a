-- 计划与完成 (plan against done): what last week's run planned for this week, one row per
-- planned visit or check, and whether the visit records show it done this week (Monday to
-- Sunday). Only plans recorded by last week's run count (week = prev_week, plan_for =
-- week): when last week was never run there are no rows.
--   kind 联合帮扶: a 执法人员+专家 visit to a priority target (inspection_pairs); done when
--     the unit has a 执法检查 or 专家指导 record this week.
--   kind 包保: a cadre responsible for a unit (cadre_assignments; duty 包保重点企业 for the
--     bureau's key enterprises, 帮扶对象 for the other targets' team members); done when
--     the unit has any visit record this week.
--   kind 双随机抽查: a drawn check (spot_checks, the draw in force as last week's run
--     recorded it); done when the unit has a 执法检查 record this week.
-- The matching record shown (visit_id, visited_on, visit_kind) is the first by date that
-- names one of the planned people, else the first by date; by_planned: it names one
-- (cadre_id or cadre_id_2 is a planned officer or the 包保 cadre, or the planned expert is
-- among its experts). plan_status: 已安排, 未派员 (no
-- two licensed officers), 不予检查 (the drawn unit closed since): a 完成率 should leave the
-- 不予检查 rows out. dept: the competent department (联合帮扶, 双随机抽查) or the cadre's own
-- department (包保).
WITH plans AS (
    SELECT '联合帮扶' AS kind, 1 AS kind_order, p.unit_id, p.dept, NULL::VARCHAR AS duty,
        p.officer_1 AS person_1, p.officer_2 AS person_2, p.expert_id,
        CASE WHEN p.officer_1 IS NULL THEN '未派员' ELSE '已安排' END AS plan_status,
        ['执法检查', '专家指导'] AS counts_as
    FROM inspection_pairs p
    WHERE p.week = getvariable('prev_week') AND p.plan_for = getvariable('week')
    UNION ALL
    SELECT '包保', 2, a.unit_id, c.dept, a.duty, a.cadre_id, NULL, NULL, '已安排',
        ['执法检查', '专家指导', '培训', '评审观摩']
    FROM cadre_assignments a LEFT JOIN cadres c USING (cadre_id)
    WHERE a.week = getvariable('prev_week') AND a.plan_for = getvariable('week')
    UNION ALL
    SELECT '双随机抽查', 3, s.unit_id, s.dept, NULL, s.officer_1, s.officer_2, NULL,
        CASE s.status WHEN '待检查' THEN '已安排' ELSE s.status END, ['执法检查']
    FROM spot_checks s
    WHERE s.week = getvariable('prev_week') AND s.plan_for = getvariable('week')
), matched AS (
    SELECT pl.kind, pl.unit_id, v.visit_id, v.visited_on, v.kind AS visit_kind,
        coalesce(v.cadre_id IN (pl.person_1, pl.person_2) OR v.cadre_id_2 IN (pl.person_1, pl.person_2)
                 OR list_contains(v.expert_ids, pl.expert_id), false) AS by_planned,
        row_number() OVER (PARTITION BY pl.kind, pl.unit_id
                           ORDER BY by_planned DESC, v.visited_on, v.visit_id) AS n
    FROM plans pl JOIN visits v ON v.unit_id = pl.unit_id AND list_contains(pl.counts_as, v.kind)
    WHERE v.visited_on BETWEEN getvariable('week_start') AND getvariable('week_end')
)
SELECT pl.kind, pl.unit_id, u.name, u.subdistrict, pl.dept, pl.duty,
    pl.person_1, c1.name AS person_1_name, pl.person_2, c2.name AS person_2_name,
    pl.expert_id, e.name AS expert_name, pl.plan_status,
    m.visit_id IS NOT NULL AS done, m.visit_id, m.visited_on, m.visit_kind,
    coalesce(m.by_planned, false) AS by_planned
FROM plans pl
LEFT JOIN units u USING (unit_id)
LEFT JOIN cadres c1 ON c1.cadre_id = pl.person_1
LEFT JOIN cadres c2 ON c2.cadre_id = pl.person_2
LEFT JOIN experts e ON e.expert_id = pl.expert_id
LEFT JOIN matched m ON m.kind = pl.kind AND m.unit_id = pl.unit_id AND m.n = 1
ORDER BY pl.kind_order, u.subdistrict, pl.dept, pl.unit_id
