-- Open suspicions of a major hazard (logged 一般, matching an item of Order No.10), for review.
SELECT j.hazard_id, j.unit_id, u.name AS unit, u.subdistrict, h.description, j.article, j.matched,
    h.found_on, h.due_on
FROM hazard_judgement j JOIN hazards h USING (hazard_id) JOIN units u ON u.unit_id = j.unit_id
WHERE j.week = getvariable('week') AND j.suspected_open
ORDER BY u.subdistrict, j.hazard_id
