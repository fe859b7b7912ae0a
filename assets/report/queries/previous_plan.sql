-- Whether last week was run (its plans exist to compare with), and its targets' spread.
SELECT (SELECT count(*) FROM run_settings WHERE week = getvariable('prev_week')) > 0 AS planned,
    (SELECT count(DISTINCT subdistrict) FROM priority_targets
     WHERE week = getvariable('prev_week')) AS target_subdistricts
