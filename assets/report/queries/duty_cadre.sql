-- 包保: each unit's responsible cadre for next week as the week's plan has it (one per unit),
-- a temporary view the other queries join (created once per report, after set_week).
CREATE OR REPLACE TEMP VIEW duty_cadre AS
SELECT unit_id, min(cadre_id) AS cadre_id FROM cadre_assignments
WHERE week = getvariable('week') GROUP BY unit_id
