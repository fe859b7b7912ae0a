SELECT unit_id, name, subdistrict, change, reason FROM target_changes
WHERE week = getvariable('week') ORDER BY change, unit_id
