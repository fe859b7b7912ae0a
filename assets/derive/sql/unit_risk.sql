-- 风险评分 (unit_risk): one row per unit, its score and each component, as of week_end.
-- Variables: week_end; flag_weights (MAP flag -> points), grade_weights (MAP grade -> points)
-- and the scalar weights of the scoring configuration; flag_points() from scoring.sql.
WITH open_hazards AS (
    SELECT unit_id,
        count(*) FILTER (level = '一般隐患') AS open_general,
        count(*) FILTER (level = '重大隐患') AS open_major,
        count(*) FILTER (level = '一般隐患' AND due_on < getvariable('week_end')) AS overdue_general,
        count(*) FILTER (level = '重大隐患' AND due_on < getvariable('week_end')) AS overdue_major,
        max(getvariable('week_end') - due_on) FILTER (due_on < getvariable('week_end')) AS max_days_overdue
    FROM hazards
    WHERE open_at(found_on, fixed_on, getvariable('week_end'))
    GROUP BY unit_id
), last_visit AS (
    SELECT unit_id, max(visited_on) AS visited_on FROM visits
    WHERE visited_on <= getvariable('week_end') AND kind IN ('执法检查', '专家指导')
    GROUP BY unit_id
), facts AS (
    SELECT u.unit_id, u.name, u.category, u.subdistrict, u.status, u.employees, u.std_grade,
        u.accidents_3y, coalesce(u.risk_flags, []) AS risk_flags,
        coalesce(h.open_general, 0) AS open_general, coalesce(h.open_major, 0) AS open_major,
        coalesce(h.overdue_general, 0) AS overdue_general,
        coalesce(h.overdue_major, 0) AS overdue_major, h.max_days_overdue,
        greatest(CASE WHEN u.last_inspected <= getvariable('week_end') THEN u.last_inspected END,
                 v.visited_on) AS last_seen
    FROM units u
    LEFT JOIN open_hazards h USING (unit_id)
    LEFT JOIN last_visit v USING (unit_id)
), scored AS (
    SELECT *,
        getvariable('week_end') - last_seen AS days_since_seen,
        flag_points(risk_flags, major_accident_flags()) AS c_major_accident,
        flag_points(risk_flags, ['危险化学品使用']) AS c_hazchem,
        flag_points(risk_flags, ['人员密集']) AS c_crowd,
        flag_points(risk_flags, ['自建厂房']) AS c_self_built,
        flag_points(risk_flags, ['临山临水']) AS c_hills_water,
        getvariable('hazard_general') * (open_general + (getvariable('overdue_factor') - 1) * overdue_general)
          + getvariable('hazard_major') * (open_major + (getvariable('overdue_factor') - 1) * overdue_major)
            AS c_hazards,
        getvariable('accident') * least(accidents_3y, getvariable('accidents_cap')) AS c_accidents,
        getvariable('grade_weights')[coalesce(std_grade, '无')]::DOUBLE AS c_grade,
        CASE WHEN last_seen IS NULL THEN getvariable('inspection_cap')
             ELSE least(getvariable('inspection_cap'), getvariable('inspection_per_30_days')
                        * (getvariable('week_end') - last_seen) / 30)
        END AS c_inspection,
        getvariable('size_per_log10') * log10(1 + greatest(employees, 0)) AS c_size
    FROM facts
)
SELECT *, round(c_major_accident + c_hazchem + c_crowd + c_self_built + c_hills_water + c_hazards
                + c_accidents + c_grade + c_inspection + c_size, 2) AS score
FROM scored
