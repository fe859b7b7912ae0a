-- Candidates for priority_targets: the units that must be targets ($forced: an open or
-- suspected major hazard), each subdistrict's highest-scoring unit, the highest-scoring
-- unit of each subdistrict's supervision priority ($cover_subs, $cover_items: a category or a
-- risk feature, pairwise), the first $n of 工贸
-- and of the other categories, and the first $n overall (top-n operators: no sort of the
-- whole table). The choice among them is made in targets.py. Reads the risk scores of the
-- week the list is decided in (temp table risk_now: the campaign phase's first week).
WITH active AS (
    SELECT * FROM risk_now WHERE supervised(status)
)
SELECT * FROM active WHERE unit_id IN (
    SELECT unnest($forced::VARCHAR[])
    UNION ALL SELECT min_by(unit_id, {'s': -score, 'u': unit_id}) FROM active GROUP BY subdistrict
    UNION ALL SELECT min_by(a.unit_id, {'s': -a.score, 'u': a.unit_id})
        FROM active a JOIN (SELECT unnest($cover_subs::VARCHAR[]) AS sub,
                                   unnest($cover_items::VARCHAR[]) AS item) p
          ON a.subdistrict = p.sub
         AND (a.category = p.item OR list_contains(coalesce(a.risk_flags, []), p.item))
        GROUP BY p.sub, p.item
    UNION ALL (SELECT unit_id FROM active WHERE category = '工贸企业'
               ORDER BY score DESC, unit_id LIMIT $n)
    UNION ALL (SELECT unit_id FROM active WHERE category <> '工贸企业'
               ORDER BY score DESC, unit_id LIMIT $n)
    UNION ALL (SELECT unit_id FROM active ORDER BY score DESC, unit_id LIMIT $n))
ORDER BY score DESC, unit_id
