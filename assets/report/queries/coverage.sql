-- 全域覆盖: each subdistrict's supervision priorities and whether a target covers them.
SELECT subdistrict, priority, supervised_units, target_units, covered, note
FROM coverage_priorities WHERE week = getvariable('week') ORDER BY subdistrict, priority
