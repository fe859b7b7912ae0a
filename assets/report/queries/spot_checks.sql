-- Next week's 双随机 checks (confidential until made: the notices to the drawing
-- departments only, never a distributed report).
SELECT s.plan_for, s.draw_no, s.pick, s.unit_id, s.name, s.subdistrict, s.category, s.dept,
    s.officer_1, s.officer_2, s.status, s.reason, u.uscc, u.address
FROM spot_checks s LEFT JOIN units u USING (unit_id)
WHERE s.week = getvariable('week') ORDER BY s.dept, s.pick
