-- Major hazards not yet 销号 at week end: their stage under 挂牌督办 and the next action.
SELECT m.hazard_id, m.unit_id, m.name AS unit, m.subdistrict, m.kind, m.description, m.found_on,
    m.due_on, -m.days_left AS days_overdue, m.status, m.supervisor, m.supervision_doc,
    m.stop_work, m.next_action
FROM major_hazards m
WHERE m.week = getvariable('week') AND m.status <> '已销号'
ORDER BY m.days_left, m.hazard_id
