SELECT rank, unit_id, name, subdistrict, round(score, 1) AS score, is_target
FROM key_enterprises WHERE week = getvariable('week') ORDER BY rank, unit_id
