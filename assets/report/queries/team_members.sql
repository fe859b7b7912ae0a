-- The assistance team's members by department (帮扶工作队), named in the subdistrict editions.
SELECT dept, string_agg(name, '、' ORDER BY cadre_id) AS members, count(*) AS n
FROM cadres WHERE on_team GROUP BY dept ORDER BY dept
