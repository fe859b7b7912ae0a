-- 部门驻点 as decided at the phase's first week, with the data's proposal (建议调整) if any.
SELECT l.subdistrict, l.dept, round(l.fit, 2) AS fit, l.fixed, l.reason, l.decided_week,
    l.proposed_dept, l.proposal,
    (SELECT count(*) FROM cadres c WHERE c.dept = l.dept AND c.on_team) AS team_members
FROM department_links l WHERE l.week = getvariable('week') ORDER BY l.subdistrict
