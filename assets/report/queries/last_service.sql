-- The last expert service (专家指导) at each unit by week end.
SELECT unit_id, max(visited_on) AS last_service FROM visits
WHERE kind = '专家指导' AND visited_on <= getvariable('week_end') GROUP BY unit_id
