-- 街道特征 (subdistrict_features), as of week_end: for every category and risk feature, the number of supervised units
-- with it in the subdistrict, its share there and its location quotient (share there divided
-- by its share in the whole district): departments are matched to subdistricts on these.
WITH supervised AS (
    SELECT unit_id, subdistrict, category, coalesce(risk_flags, []) AS risk_flags
    FROM units WHERE supervised(status)
), features AS (
    SELECT subdistrict, category AS feature FROM supervised
    UNION ALL
    SELECT subdistrict, unnest(risk_flags) FROM supervised
), counts AS (
    SELECT subdistrict, feature, count(*) AS n FROM features GROUP BY ALL
), sizes AS (
    SELECT subdistrict, count(*) AS units FROM supervised GROUP BY ALL
), totals AS (
    SELECT feature, sum(n) AS n_all FROM counts GROUP BY ALL
)
SELECT s.subdistrict, t.feature, coalesce(c.n, 0) AS n, s.units,
    coalesce(c.n, 0) / s.units AS share,
    (coalesce(c.n, 0) / s.units) / (t.n_all / (SELECT count(*) FROM supervised)) AS lq
FROM sizes s CROSS JOIN totals t
LEFT JOIN counts c ON c.subdistrict = s.subdistrict AND c.feature = t.feature
ORDER BY s.subdistrict, t.feature
