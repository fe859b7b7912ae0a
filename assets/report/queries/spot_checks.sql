-- Next week's 双随机 draw.
SELECT s.pick, s.unit_id, s.name, s.subdistrict, u.category, s.inspector_1, s.inspector_2, s.seed
FROM spot_checks s LEFT JOIN units u USING (unit_id)
WHERE s.week = getvariable('week') ORDER BY s.pick, s.unit_id
