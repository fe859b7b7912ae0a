-- 包保重点企业 with their cadre for next week and address.
SELECT k.rank, k.unit_id, k.name, k.subdistrict, round(k.score, 1) AS score, k.is_target,
    u.address, a.cadre_id, c.name AS cadre, c.dept AS cadre_dept
FROM key_enterprises k LEFT JOIN units u USING (unit_id)
LEFT JOIN duty_cadre a USING (unit_id)
LEFT JOIN cadres c ON c.cadre_id = a.cadre_id
WHERE k.week = getvariable('week') ORDER BY k.rank, k.unit_id
