-- 检查对象名录 (the register the week's 双随机 draw is made from), before the draws already
-- recorded rule units out (draw.history_exclusions): active units (not 注销) that are not
-- priority targets (those get the planned 执法人员+专家 visits) and were not inspected
-- within recent_days of the week's end (the later of 最近检查日期 and the last 执法检查 or
-- 专家指导 visit, as unit_risk computes it).
SELECT r.unit_id, r.name, r.subdistrict, r.category
FROM unit_risk r
WHERE r.week = getvariable('week') AND supervised(r.status)
  AND r.unit_id NOT IN (SELECT unit_id FROM priority_targets WHERE week = getvariable('week'))
  AND (r.days_since_seen IS NULL OR r.days_since_seen > getvariable('recent_days'))
ORDER BY r.unit_id
