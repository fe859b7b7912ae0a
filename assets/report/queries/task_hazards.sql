-- The open hazards, with their deadlines, of the units of next week's tasks ($units).
SELECT unit_id, hazard_id, level, kind, description, found_on, due_on,
    (getvariable('week_end') - due_on) AS days_overdue
FROM hazards WHERE unit_id IN (SELECT unnest($units::VARCHAR[]))
  AND open_at(found_on, fixed_on, getvariable('week_end'))
ORDER BY unit_id, due_on, hazard_id
