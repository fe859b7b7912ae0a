-- The week's figures (basis 'now'), what bangfu published for last week (its own run's
-- figures, 'published') and last week's recomputed as of its end ('recomputed', used only
-- when last week was never run).
SELECT 'now' AS basis, figures FROM weekly_figures
WHERE week = getvariable('week') AND as_of = getvariable('week')
UNION ALL
SELECT 'published', figures FROM weekly_figures
WHERE week = getvariable('prev_week') AND as_of = getvariable('prev_week')
UNION ALL
SELECT 'recomputed', figures FROM weekly_figures
WHERE week = getvariable('week') AND as_of = getvariable('prev_week')
