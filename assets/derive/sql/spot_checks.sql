-- 双随机抽查 (spot_checks): the draw made at the end of week W for week W+1 (plan_for).
-- Pool: active units that are not priority targets, not inspected within recent_days, and
-- drawn fewer than max_per_year times in plan_for's year. Order: md5(seed | unit_id), a
-- pseudo-random order fixed by the seed (district and week), so a rerun draws the same.
-- First the min_per_subdistrict best-drawn units of each subdistrict, then the rest, up to
-- share × pool (and never fewer than the per-subdistrict minimum).
WITH drawn_before AS (
    SELECT unit_id, count(*) AS times FROM spot_checks
    WHERE plan_for <> getvariable('plan_for') AND left(plan_for, 4) = left(getvariable('plan_for'), 4)
    GROUP BY unit_id
), pool AS (
    SELECT r.unit_id, r.subdistrict, r.name, md5(getvariable('seed') || '|' || r.unit_id) AS draw
    FROM unit_risk r
    LEFT JOIN drawn_before d USING (unit_id)
    WHERE r.week = getvariable('week') AND supervised(r.status)
      AND r.unit_id NOT IN (SELECT unit_id FROM priority_targets WHERE week = getvariable('week'))
      AND (r.days_since_seen IS NULL OR r.days_since_seen > getvariable('recent_days'))
      AND coalesce(d.times, 0) < getvariable('max_per_year')
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY subdistrict ORDER BY draw) <= getvariable('min_per_subdistrict')
        AS covers_subdistrict
    FROM pool
), ordered AS (
    SELECT *, row_number() OVER (ORDER BY covers_subdistrict DESC, draw) AS pick FROM ranked
)
SELECT unit_id, name, subdistrict, pick, covers_subdistrict FROM ordered
WHERE pick <= greatest(ceil(getvariable('spot_share') * (SELECT count(*) FROM pool)),
                       (SELECT count(*) FROM ranked WHERE covers_subdistrict))
ORDER BY pick
