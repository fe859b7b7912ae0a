-- 隐患周趋势 (hazard_trend): for each week of the ISO year up to the reported week, the
-- hazards found and fixed that week, and those open and overdue at its end, per
-- subdistrict and for the district (全区). Variables: trend_first (Monday of the year's
-- first ISO week), week_start, week_end.
WITH weeks AS (
    SELECT w::DATE AS wstart, (w + INTERVAL 6 DAY)::DATE AS wend
    FROM generate_series(getvariable('trend_first')::TIMESTAMP,
                         getvariable('week_start')::TIMESTAMP, INTERVAL 7 DAY) t(w)
), h AS (
    SELECT h.found_on, h.fixed_on, h.due_on, u.subdistrict
    FROM hazards h JOIN units u USING (unit_id)
    WHERE h.found_on <= getvariable('week_end')
), scopes AS (
    SELECT '全区' AS scope UNION ALL SELECT DISTINCT subdistrict FROM units
), counts AS (
    SELECT wstart, coalesce(subdistrict, '全区') AS scope,
        count(*) FILTER (found_on >= wstart) AS found,
        count(*) FILTER (fixed_on BETWEEN wstart AND wend) AS fixed,
        count(*) FILTER (overdue_at(found_on, fixed_on, due_on, wend)) AS overdue,
        count(*) FILTER (open_at(found_on, fixed_on, wend)) AS open
    FROM weeks JOIN h ON h.found_on <= weeks.wend
    GROUP BY GROUPING SETS ((wstart, subdistrict), (wstart))
)
SELECT s.scope, w.wstart AS week_start, coalesce(c.found, 0) AS found,
    coalesce(c.fixed, 0) AS fixed, coalesce(c.overdue, 0) AS overdue, coalesce(c.open, 0) AS open
FROM weeks w CROSS JOIN scopes s
LEFT JOIN counts c ON c.wstart = w.wstart AND c.scope = s.scope
WHERE s.scope IS NOT NULL
ORDER BY s.scope = '全区' DESC, s.scope, w.wstart
