-- The week's priority targets with their 包保 cadre, experts, address, visits this week and
-- their last visit of any kind by the week's end.
WITH ex AS (
    SELECT a.unit_id, string_agg(e.name, '、' ORDER BY a.expert_id) AS experts,
           list(a.expert_id ORDER BY a.expert_id) AS expert_ids
    FROM expert_assignments a LEFT JOIN experts e USING (expert_id)
    WHERE a.week = getvariable('week') GROUP BY a.unit_id
), vis AS (
    SELECT unit_id,
        count(*) FILTER (visited_on >= getvariable('week_start')) AS visits,
        max(visited_on) AS last_visit
    FROM visits WHERE visited_on <= getvariable('week_end') GROUP BY unit_id
)
SELECT t.rank, t.unit_id, t.name, t.category, t.subdistrict, round(t.score, 1) AS score,
    t.selected_by, t.main_risk, t.reasons, ca.cadre_id, c.name AS cadre, c.dept AS cadre_dept,
    c.phone AS _phone, coalesce(ex.experts, '') AS experts,
    coalesce(ex.expert_ids, []) AS expert_ids, coalesce(vis.visits, 0) AS visits_week, vis.last_visit, u.address,
    t.exemplar_name, t.exemplar_kind, t.joined_week, t.joined_for
FROM priority_targets t
LEFT JOIN duty_cadre ca USING (unit_id) LEFT JOIN cadres c ON c.cadre_id = ca.cadre_id
LEFT JOIN ex USING (unit_id) LEFT JOIN vis USING (unit_id) LEFT JOIN units u USING (unit_id)
WHERE t.week = getvariable('week') ORDER BY t.rank, t.unit_id
