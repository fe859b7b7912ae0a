SELECT cadre_id AS id, name, dept, title, phone, licence, on_team FROM cadres ORDER BY cadre_id
