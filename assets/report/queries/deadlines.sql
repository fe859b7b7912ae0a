-- Open hazards whose deadline falls in the 14 days after the week's end (到期提醒), with the
-- unit's address and its 包保 cadre for next week.
SELECT h.hazard_id, h.unit_id, u.name AS unit, u.subdistrict, u.address, h.level, h.kind,
    h.description, h.found_on, h.due_on, (h.due_on - getvariable('week_end')) AS days_left,
    c.name AS cadre
FROM hazards h JOIN units u USING (unit_id)
LEFT JOIN duty_cadre a USING (unit_id)
LEFT JOIN cadres c ON c.cadre_id = a.cadre_id
WHERE open_at(h.found_on, h.fixed_on, getvariable('week_end'))
  AND h.due_on > getvariable('week_end') AND h.due_on <= getvariable('week_end') + 14
ORDER BY h.level = '重大隐患' DESC, h.due_on, h.hazard_id
