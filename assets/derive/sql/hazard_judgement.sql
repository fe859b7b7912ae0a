-- 隐患研判 (hazard_judgement): the hazards found by week_end that match an item of Order
-- No.10 or fall under another regime's standard (temp table judged, from judge.py), with
-- the bureau's review (复核结论) and whether the hazard is an open suspicion at week_end:
-- logged 一般, matching an item, not fixed, not yet reviewed.
SELECT j.hazard_id, j.unit_id, j.logged_level, j.suggested_level, j.article, j.matched, j.scope_note,
    h.review, h.reviewed_on, h.reviewer,
    suspected_open_at(j.suspected, h.found_on, h.fixed_on, h.review, h.reviewed_on, getvariable('week_end'))
        AS suspected_open
FROM judged j JOIN hazards h USING (hazard_id)
WHERE h.found_on <= getvariable('week_end')
ORDER BY j.hazard_id
