SELECT unit_id, cadre_id, duty FROM cadre_assignments
WHERE week = getvariable('week') ORDER BY cadre_id, unit_id
