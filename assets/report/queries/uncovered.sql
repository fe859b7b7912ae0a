SELECT u.unit_id, t.name, t.subdistrict, t.rank, u.reason
FROM uncovered_targets u LEFT JOIN priority_targets t ON t.unit_id = u.unit_id AND t.week = u.week
WHERE u.week = getvariable('week') ORDER BY t.rank, u.unit_id
