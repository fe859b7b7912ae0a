-- 典型做法 marked on this week's visit records: the unit, the department of the visiting
-- cadre and the practice as written.
SELECT v.visited_on, v.unit_id, u.name AS unit, u.subdistrict, c.dept, v.good_practice
FROM visits v LEFT JOIN units u USING (unit_id) LEFT JOIN cadres c USING (cadre_id)
WHERE v.visited_on BETWEEN getvariable('week_start') AND getvariable('week_end')
  AND nullif(trim(v.good_practice), '') IS NOT NULL
ORDER BY v.visited_on, v.visit_id
