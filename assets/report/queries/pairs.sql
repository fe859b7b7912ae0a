-- Next week's 执法人员+专家 visits to the priority targets: two licensed officers of the
-- competent department (officer_1 leads) and the expert; reason when no lawful pair exists.
SELECT p.unit_id, t.name, t.subdistrict, t.rank, t.main_risk, p.dept, p.officer_1, p.officer_2,
    p.expert_id, p.reason, p.note, t.exemplar_name, t.exemplar_kind
FROM inspection_pairs p LEFT JOIN priority_targets t ON t.unit_id = p.unit_id AND t.week = p.week
WHERE p.week = getvariable('week') ORDER BY t.rank, p.unit_id
