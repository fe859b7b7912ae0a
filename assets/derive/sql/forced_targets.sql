-- Units that must be priority targets at week_end whatever their score (突出重点): an open
-- major hazard (not yet 销号) or an open suspicion of one (judged against Order No.10, not
-- dismissed on review by then). Reads the judged hazards of this run (temp table judged).
SELECT unit_id, CASE WHEN bool_or(major) THEN '重大隐患' ELSE '疑似重大隐患' END AS forced
FROM (
    SELECT unit_id, true AS major FROM hazards
    WHERE major(level, review) AND major_open_at(found_on, closed_on, getvariable('week_end'))
    UNION ALL
    SELECT h.unit_id, false FROM hazards h JOIN judged j USING (hazard_id)
    WHERE suspected_open_at(j.suspected, h.found_on, h.fixed_on, h.review, h.reviewed_on, getvariable('week_end'))
)
GROUP BY unit_id
