-- Open hazards past their deadline at week end: major first, then the most overdue; with the
-- unit's address and its 包保 cadre for next week.
SELECT h.hazard_id, h.unit_id, u.name AS unit, u.subdistrict, u.address, h.level, h.kind,
    h.description, h.found_on, h.due_on, (getvariable('week_end') - h.due_on) AS days_overdue,
    c.name AS cadre, h.source_file, h.source_row
FROM hazards h JOIN units u USING (unit_id)
LEFT JOIN duty_cadre a USING (unit_id)
LEFT JOIN cadres c ON c.cadre_id = a.cadre_id
WHERE overdue_at(h.found_on, h.fixed_on, h.due_on, getvariable('week_end'))
ORDER BY h.level = '重大隐患' DESC, days_overdue DESC, h.hazard_id
