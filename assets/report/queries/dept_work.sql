-- 部门工作: what each participating department's people recorded this week (visits by the
-- department's cadres), the subdistrict it is stationed in, and the units where the most
-- problems were solved (named in the report's prose); the bureau ($bureau) with them.
WITH v AS (
    SELECT v.*, c.dept, u.name AS unit, u.subdistrict
    FROM visits v JOIN cadres c USING (cadre_id) LEFT JOIN units u USING (unit_id)
    WHERE v.visited_on BETWEEN getvariable('week_start') AND getvariable('week_end')
), notable AS (
    SELECT dept, string_agg(unit, '、' ORDER BY solved DESC, unit) AS units
    FROM (SELECT dept, unit, sum(problems_solved) AS solved FROM v WHERE unit IS NOT NULL
          GROUP BY dept, unit QUALIFY row_number() OVER (PARTITION BY dept ORDER BY solved DESC, unit) <= 2)
    WHERE solved > 0 GROUP BY dept
)
SELECT d.dept,
    (SELECT string_agg(l.subdistrict, '、' ORDER BY l.subdistrict) FROM department_links l
     WHERE l.week = getvariable('week') AND l.dept = d.dept) AS stationed_in,
    count(v.visit_id) AS visits,
    count(v.visit_id) FILTER (v.kind = '执法检查') AS inspections,
    count(v.visit_id) FILTER (v.kind = '专家指导') AS expert_visits,
    count(v.visit_id) FILTER (v.kind = '培训') AS trainings,
    count(v.visit_id) FILTER (v.kind = '评审观摩') AS observations,
    count(DISTINCT v.unit_id) AS units_visited,
    coalesce(sum(v.problems_found), 0) AS problems_found,
    coalesce(sum(v.problems_solved), 0) AS problems_solved,
    any_value(n.units) AS notable
FROM departments d LEFT JOIN v ON v.dept = d.dept LEFT JOIN notable n ON n.dept = d.dept
WHERE d.participates OR d.dept = $bureau
GROUP BY d.dept ORDER BY d.dept = $bureau DESC, stationed_in, d.dept
