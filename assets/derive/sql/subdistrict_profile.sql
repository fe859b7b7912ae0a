-- 街道画像 (subdistrict_profile): 地域特点、产业结构、薄弱环节 of each subdistrict, as of
-- week_end, from the supervised units, the week's unit_risk and subdistrict_features.
WITH supervised AS (
    SELECT * FROM units WHERE supervised(status)
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
    FROM unit_risk WHERE week = getvariable('week') AND supervised(status)
    GROUP BY subdistrict
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
    FROM subdistrict_features WHERE week = getvariable('week') GROUP BY subdistrict
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
ORDER BY s.subdistrict
