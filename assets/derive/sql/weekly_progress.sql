-- 周进展 (weekly_progress): per subdistrict and for the district (全区), for the week and
-- the year to date, as of week_end: events dated after it do not count. Kept per week; run
-- again with the variables of last week, it gives last_week_progress.
-- Each source is summed with GROUPING SETS ((subdistrict), ()): the () row is 全区.
-- A review counts in the subdistrict of the reviewed unit (its host). The week's counts
-- take the whole week, also when it begins in December of the year before (2025-W01).
WITH u AS (
    SELECT unit_id, subdistrict FROM units
), hazards_by AS (
    SELECT coalesce(u.subdistrict, '全区') AS scope,
        count(*) FILTER (found_on >= getvariable('week_start')) AS hazards_found_week,
        count(*) FILTER (found_on >= getvariable('year_start')) AS hazards_found_ytd,
        count(*) FILTER (fixed_on BETWEEN getvariable('week_start') AND getvariable('week_end'))
            AS hazards_fixed_week,
        count(*) FILTER (fixed_on BETWEEN getvariable('year_start') AND getvariable('week_end'))
            AS hazards_fixed_ytd,
        count(*) FILTER (open_at(found_on, fixed_on, getvariable('week_end'))) AS hazards_open,
        count(*) FILTER (overdue_at(found_on, fixed_on, due_on, getvariable('week_end')))
            AS hazards_overdue,
        count(*) FILTER (major(level, review)
                         AND major_open_at(found_on, closed_on, getvariable('week_end'))) AS hazards_major_open
    FROM hazards h JOIN u USING (unit_id)
    WHERE found_on <= getvariable('week_end')
    GROUP BY GROUPING SETS ((u.subdistrict), ())
), visits_by AS (
    SELECT coalesce(u.subdistrict, '全区') AS scope,
        count(*) FILTER (visited_on >= getvariable('week_start')) AS visits_week,
        count(*) FILTER (visited_on >= getvariable('year_start')) AS visits_ytd,
        count(*) FILTER (visited_on >= getvariable('week_start') AND kind = '执法检查') AS inspections_week,
        count(*) FILTER (visited_on >= getvariable('week_start') AND kind = '专家指导') AS expert_visits_week,
        count(*) FILTER (visited_on >= getvariable('week_start') AND kind = '培训') AS trainings_week,
        count(*) FILTER (visited_on >= getvariable('week_start') AND kind = '评审观摩') AS observations_week,
        coalesce(sum(problems_found) FILTER (visited_on >= getvariable('week_start')), 0) AS problems_found_week,
        coalesce(sum(problems_solved) FILTER (visited_on >= getvariable('week_start')), 0) AS problems_solved_week,
        coalesce(sum(problems_found) FILTER (visited_on >= getvariable('year_start')), 0) AS problems_found_ytd,
        coalesce(sum(problems_solved) FILTER (visited_on >= getvariable('year_start')), 0) AS problems_solved_ytd
    FROM visits v JOIN u USING (unit_id)
    WHERE visited_on BETWEEN least(getvariable('year_start'), getvariable('week_start'))
                         AND getvariable('week_end')
    GROUP BY GROUPING SETS ((u.subdistrict), ())
), reviews_by AS (
    SELECT coalesce(u.subdistrict, '全区') AS scope,
        count(*) FILTER (reviewed_on >= getvariable('week_start')) AS reviews_week,
        -- 观摩: reviews of the week that peer firms watched (观摩企业数 > 0), and how many
        -- firms watched in all; observations_week above counts visit records of the kind
        -- 评审观摩 instead (a watching firm's own record, when one is kept)
        count(*) FILTER (reviewed_on >= getvariable('week_start') AND observers > 0)
            AS reviews_observed_week,
        coalesce(sum(observers) FILTER (reviewed_on >= getvariable('week_start')), 0) AS observers_week,
        count(*) FILTER (reviewed_on >= getvariable('year_start')) AS reviews_ytd,
        count(*) FILTER (reviewed_on >= getvariable('year_start') AND result = '通过') AS reviews_passed_ytd
    FROM reviews r JOIN u USING (unit_id)
    WHERE reviewed_on BETWEEN least(getvariable('year_start'), getvariable('week_start'))
                          AND getvariable('week_end')
    GROUP BY GROUPING SETS ((u.subdistrict), ())
), units_by AS (
    SELECT coalesce(subdistrict, '全区') AS scope,
        count(*) AS supervised_units,
        count(*) FILTER (tier = '精品') AS tier_jingpin,
        count(*) FILTER (tier = '标杆') AS tier_biaogan,
        count(*) FILTER (tier = '评审达标') AS tier_dabiao,
        coalesce(sum(demo_posts), 0) AS demo_posts
    FROM units WHERE supervised(status)
    GROUP BY GROUPING SETS ((subdistrict), ())
), targets_by AS (
    SELECT coalesce(t.subdistrict, '全区') AS scope,
        count(*) AS targets,
        count(*) FILTER (t.unit_id IN (SELECT unit_id FROM visits WHERE visited_on
                         BETWEEN getvariable('week_start') AND getvariable('week_end')))
            AS targets_visited_week
    FROM priority_targets t WHERE t.week = getvariable('week')
    GROUP BY GROUPING SETS ((t.subdistrict), ())
), planned_by AS (  -- what last week's plan set out for this week
    SELECT coalesce(u.subdistrict, '全区') AS scope, count(DISTINCT p.unit_id) AS targets_planned_week
    FROM inspection_pairs p JOIN u USING (unit_id)
    WHERE p.plan_for = getvariable('week')
    GROUP BY GROUPING SETS ((u.subdistrict), ())
)
SELECT scope, coalesce(COLUMNS(* EXCLUDE (scope)), 0)
FROM units_by
LEFT JOIN hazards_by USING (scope)
LEFT JOIN visits_by USING (scope)
LEFT JOIN reviews_by USING (scope)
LEFT JOIN targets_by USING (scope)
LEFT JOIN planned_by USING (scope)
ORDER BY scope = '全区' DESC, scope
