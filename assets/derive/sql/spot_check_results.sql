-- 双随机抽查结果 (spot_check_results): what became of each check of the draw published this
-- week (TEMP table published_checks: draw.checks_of), from the ledgers: the unit's first
-- 执法检查 record from the Monday of its check week (check_start) to this week's end, its
-- officers, outcome (检查结果), document (执法文书编号) and problems, and the hazards logged
-- at the unit that day with how many are fixed by the week's end.
WITH visit AS (
    SELECT v.unit_id, v.visit_id, v.visited_on, v.cadre_id, v.cadre_id_2, v.outcome, v.document_no,
        v.problems_found, v.problems_solved,
        row_number() OVER (PARTITION BY v.unit_id ORDER BY v.visited_on, v.visit_id) AS n
    FROM visits v
    WHERE v.kind = '执法检查'
      AND v.visited_on BETWEEN getvariable('check_start') AND getvariable('week_end')
      AND v.unit_id IN (SELECT unit_id FROM published_checks)
), first_visit AS (
    SELECT * FROM visit WHERE n = 1
), found AS (
    SELECT h.unit_id, count(*) AS hazards,
        count(*) FILTER (NOT open_at(h.found_on, h.fixed_on, getvariable('week_end'))) AS fixed,
        max(h.due_on) FILTER (open_at(h.found_on, h.fixed_on, getvariable('week_end'))) AS open_due
    FROM hazards h JOIN first_visit v ON v.unit_id = h.unit_id AND h.found_on = v.visited_on
    GROUP BY h.unit_id
)
SELECT c.plan_for, c.draw_no, c.pick, c.unit_id, c.name, c.subdistrict, c.category, c.dept,
    c.officer_1, c.officer_2, c.status AS draw_status, v.visit_id IS NOT NULL AS checked,
    v.visit_id, v.visited_on, v.cadre_id AS checked_by_1, v.cadre_id_2 AS checked_by_2,
    v.outcome, v.document_no, v.problems_found, v.problems_solved,
    coalesce(f.hazards, 0) AS hazards_found, coalesce(f.fixed, 0) AS hazards_fixed, f.open_due,
    CASE WHEN v.visit_id IS NULL THEN coalesce(c.reason, '截至本周末未见该单位的执法检查记录')
         WHEN v.cadre_id_2 IS NULL OR v.cadre_id_2 = v.cadre_id
            THEN '检查记录只有一名执法人员，请补录第二执法人员'
         WHEN c.officer_1 IS NULL THEN '抽取时未能派员，检查人员由部门另行指派'
         WHEN list_sort([v.cadre_id, v.cadre_id_2]) <> list_sort([c.officer_1, c.officer_2])
            THEN '实际检查人员与抽取结果不一致，请说明理由'
    END AS note
FROM published_checks c
LEFT JOIN first_visit v USING (unit_id)
LEFT JOIN found f USING (unit_id)
ORDER BY c.pick
