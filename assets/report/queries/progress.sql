-- This week's progress ('now'), last week's as bangfu published it ('published': its own
-- run's weekly_progress) and as recomputed at its end ('recomputed': used only when last
-- week was never run).
SELECT 'now' AS basis, * EXCLUDE (week) FROM weekly_progress WHERE week = getvariable('week')
UNION ALL BY NAME
SELECT 'published' AS basis, * EXCLUDE (week) FROM weekly_progress WHERE week = getvariable('prev_week')
UNION ALL BY NAME
SELECT 'recomputed' AS basis, * EXCLUDE (week) FROM last_week_progress WHERE week = getvariable('week')
