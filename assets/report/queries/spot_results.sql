-- 双随机抽查结果 published this week (一公开): each check of the draw in force, who was
-- drawn and who checked, the outcome and the problems found and put right. No phone or
-- licence number.
SELECT r.plan_for, r.draw_no, r.pick, r.unit_id, r.name, u.uscc, r.subdistrict, r.category, r.dept,
    r.draw_status, r.checked, r.visited_on, r.outcome, r.document_no, r.problems_found,
    r.problems_solved, r.hazards_found, r.hazards_fixed, r.open_due, r.note,
    concat_ws('、', o1.name, o2.name) AS drawn_officers,
    concat_ws('、', c1.name, c2.name) AS checked_by
FROM spot_check_results r LEFT JOIN units u USING (unit_id)
LEFT JOIN cadres o1 ON o1.cadre_id = r.officer_1 LEFT JOIN cadres o2 ON o2.cadre_id = r.officer_2
LEFT JOIN cadres c1 ON c1.cadre_id = r.checked_by_1 LEFT JOIN cadres c2 ON c2.cadre_id = r.checked_by_2
WHERE r.week = getvariable('week') ORDER BY r.pick
