SELECT scope, week_start, found, fixed, overdue, open FROM hazard_trend
WHERE week = getvariable('week') ORDER BY scope, week_start
