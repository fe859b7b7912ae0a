-- 街道帮扶成效 (subdistrict_scorecard): from the campaign's second phase the 8 subdistricts
-- are assistance targets themselves. Per subdistrict, this week: targets and how many were
-- visited, visits, overdue and major hazards, reviews and passes this year, the change of
-- overdue and major hazards against last week (as of its end), and a rank: fewest open
-- major hazards, then fewest overdue, then the largest share of targets visited.
-- Empty before the phase (variable subdistricts_as_targets).
SELECT p.scope AS subdistrict, p.targets, p.targets_visited_week, p.visits_week,
    p.hazards_overdue, p.hazards_major_open, p.reviews_ytd, p.reviews_passed_ytd,
    p.hazards_overdue - coalesce(l.hazards_overdue, 0) AS overdue_change,
    p.hazards_major_open - coalesce(l.hazards_major_open, 0) AS major_change,
    rank() OVER (ORDER BY p.hazards_major_open, p.hazards_overdue,
                 p.targets_visited_week / greatest(p.targets, 1) DESC) AS rank
FROM weekly_progress p
LEFT JOIN last_week_progress l ON l.week = p.week AND l.scope = p.scope
WHERE p.week = getvariable('week') AND p.scope <> '全区' AND getvariable('subdistricts_as_targets')
ORDER BY rank, p.scope
