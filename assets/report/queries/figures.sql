-- The week's figures (as_of = week) and last week's as of its end (as_of = prev_week).
SELECT as_of = getvariable('week') AS now, figures FROM weekly_figures
WHERE week = getvariable('week')
