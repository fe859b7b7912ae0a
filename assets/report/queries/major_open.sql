-- Major hazards (重大隐患) open at week end, by deadline.
SELECT h.hazard_id, h.unit_id, u.name AS unit, u.subdistrict, h.kind, h.description,
    h.found_on, h.due_on, (getvariable('week_end') - h.due_on) AS days_overdue
FROM hazards h JOIN units u USING (unit_id)
WHERE open_at(h.found_on, h.fixed_on, getvariable('week_end')) AND h.level = '重大隐患'
ORDER BY h.due_on, h.hazard_id
