SELECT l.subdistrict, l.dept, round(l.fit, 2) AS fit, l.fixed, l.reason,
    (SELECT count(*) FROM cadres c WHERE c.dept = l.dept AND c.on_team) AS team_members
FROM department_links l WHERE l.week = getvariable('week') ORDER BY l.subdistrict
