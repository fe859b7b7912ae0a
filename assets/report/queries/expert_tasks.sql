SELECT unit_id, expert_id, main_risk FROM expert_assignments
WHERE week = getvariable('week') ORDER BY expert_id, unit_id
