-- 引领带动: for each target ($targets), a unit to learn from (观摩学习): for a 工贸 target, a
-- 精品 or 标杆 enterprise of its industry (精品 first, then one in the same subdistrict, then
-- the fewest open hazards); for other categories, a well-run unit of the same category by
-- its record (no open hazard, no accident in three years, inspected within 180 days).
-- Ties by unit number. A target gets none when its industry or category has no such unit.
WITH t AS (
    SELECT r.unit_id, r.category, r.subdistrict, u.industry FROM unit_risk r JOIN units u USING (unit_id)
    WHERE r.week = getvariable('week') AND r.unit_id IN (SELECT unnest($targets::VARCHAR[]))
), good AS (
    SELECT r.unit_id, r.name, r.category, r.subdistrict, u.industry, u.tier,
        r.open_general + r.open_major AS open_hazards, r.accidents_3y, r.days_since_seen
    FROM unit_risk r JOIN units u USING (unit_id)
    WHERE r.week = getvariable('week') AND supervised(r.status)
), pairs AS (
    SELECT t.unit_id, g.unit_id AS exemplar_id, g.name AS exemplar_name,
        CASE WHEN t.category = '工贸企业' THEN g.tier || '企业' ELSE '管理规范的同类单位' END AS exemplar_kind,
        row_number() OVER (PARTITION BY t.unit_id ORDER BY
            CASE WHEN g.tier = '精品' THEN 0 ELSE 1 END, g.subdistrict <> t.subdistrict,
            g.open_hazards, g.unit_id) AS choice
    FROM t JOIN good g ON g.unit_id <> t.unit_id AND g.category = t.category AND (
        (t.category = '工贸企业' AND g.industry = t.industry AND g.tier IN ('精品', '标杆'))
        OR (t.category <> '工贸企业' AND g.open_hazards = 0 AND coalesce(g.accidents_3y, 0) = 0
            AND g.days_since_seen <= 180))
)
SELECT t.unit_id, p.exemplar_id, p.exemplar_name, p.exemplar_kind
FROM t LEFT JOIN pairs p ON p.unit_id = t.unit_id AND p.choice = 1
