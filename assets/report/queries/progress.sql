-- This week's progress and last week's as of its end (what derive stored for the week).
SELECT 'now' AS basis, * EXCLUDE (week) FROM weekly_progress WHERE week = getvariable('week')
UNION ALL BY NAME
SELECT 'prev' AS basis, * EXCLUDE (week) FROM last_week_progress WHERE week = getvariable('week')
