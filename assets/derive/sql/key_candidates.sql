-- Candidates for key_enterprises (包保重点企业): the $k highest-scoring supervised 工贸
-- units, and every 工贸 priority target ($targets).
SELECT unit_id, name, subdistrict, category, score FROM unit_risk
WHERE week = getvariable('week') AND supervised(status) AND category = '工贸企业'
QUALIFY row_number() OVER (ORDER BY score DESC, unit_id) <= $k
     OR unit_id IN (SELECT unnest($targets::VARCHAR[]))
