-- 街道画像 (subdistrict_profile): 地域特点、产业结构、薄弱环节 of each subdistrict, as of week_end.
-- subdistrict_features: for every category and risk feature, the number of supervised units
-- with it in the subdistrict, its share there and its location quotient (share there divided
-- by its share in the whole district): departments are matched to subdistricts on these.
CREATE OR REPLACE TABLE subdistrict_features AS
WITH supervised AS (
    SELECT unit_id, subdistrict, category, coalesce(risk_flags, []) AS risk_flags
    FROM units WHERE status <> '注销'
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
ORDER BY s.subdistrict, t.feature;

CREATE OR REPLACE TABLE subdistrict_profile AS
WITH supervised AS (
    SELECT * FROM units WHERE status <> '注销'
), industries AS (
    SELECT subdistrict, string_agg(industry || '（' || n || '）', '、' ORDER BY n DESC, industry)
        FILTER (rank <= 3) AS top_industries
    FROM (SELECT subdistrict, industry, count(*) AS n,
                 row_number() OVER (PARTITION BY subdistrict ORDER BY count(*) DESC, industry) AS rank
          FROM supervised WHERE industry IS NOT NULL GROUP BY subdistrict, industry)
    GROUP BY subdistrict
), risk AS (
    SELECT subdistrict,
        sum(open_general + open_major) AS hazards_open,
        sum(open_major) AS hazards_major_open,
        sum(overdue_general + overdue_major) AS hazards_overdue
    FROM unit_risk WHERE status <> '注销' GROUP BY subdistrict
), visited AS (
    SELECT u.subdistrict, count(*) AS visits_ytd FROM visits v JOIN units u USING (unit_id)
    WHERE v.visited_on BETWEEN getvariable('year_start') AND getvariable('week_end')
    GROUP BY u.subdistrict
), features AS (
    SELECT subdistrict,
        to_json(map_from_entries(list((feature, n) ORDER BY feature)
            FILTER (list_contains(getvariable('categories'), feature)))) AS units_by_category,
        to_json(map_from_entries(list((feature, n) ORDER BY feature)
            FILTER (NOT list_contains(getvariable('categories'), feature)))) AS units_by_feature
    FROM subdistrict_features GROUP BY subdistrict
)
SELECT s.subdistrict,
    count(*) AS units,
    count(*) FILTER (category = '工贸企业') AS gongmao,
    count(*) FILTER (category = '工贸企业' AND std_grade IN ('一级', '二级', '三级', '小微达标'))
        / greatest(count(*) FILTER (category = '工贸企业'), 1) AS std_coverage,
    any_value(f.units_by_category) AS units_by_category,
    any_value(f.units_by_feature) AS units_by_feature,
    any_value(i.top_industries) AS top_industries,
    coalesce(any_value(r.hazards_open), 0) AS hazards_open,
    coalesce(any_value(r.hazards_major_open), 0) AS hazards_major_open,
    coalesce(any_value(r.hazards_overdue), 0) AS hazards_overdue,
    coalesce(any_value(v.visits_ytd), 0) AS visits_ytd
FROM supervised s
LEFT JOIN features f USING (subdistrict)
LEFT JOIN industries i USING (subdistrict)
LEFT JOIN risk r USING (subdistrict)
LEFT JOIN visited v USING (subdistrict)
GROUP BY s.subdistrict
ORDER BY s.subdistrict;
