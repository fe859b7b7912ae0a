-- Open hazards past their deadline at week end: major first, then the most overdue.
SELECT h.hazard_id, h.unit_id, u.name AS unit, u.subdistrict, h.level, h.kind,
    h.description, h.found_on, h.due_on, (getvariable('week_end') - h.due_on) AS days_overdue,
    h.source_file, h.source_row
FROM hazards h JOIN units u USING (unit_id)
WHERE overdue_at(h.found_on, h.fixed_on, h.due_on, getvariable('week_end'))
ORDER BY h.level = '重大隐患' DESC, days_overdue DESC, h.hazard_id
