-- Candidates for the key enterprises decided at the phase's first week (包保重点企业): the
-- $k highest-scoring supervised 工贸 units, and every 工贸 priority target ($targets).
-- Reads the risk scores of that week (temp table risk_now, as target_candidates.sql).
SELECT unit_id, name, subdistrict, category, score FROM risk_now
WHERE supervised(status) AND category = '工贸企业'
QUALIFY row_number() OVER (ORDER BY score DESC, unit_id) <= $k
     OR unit_id IN (SELECT unnest($targets::VARCHAR[]))
