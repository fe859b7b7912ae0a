-- The draws of a plan week ($plan_for), first to last, with what verifies them (the
-- registers themselves: spot_registers.sql).
SELECT plan_for, draw_no, week, kind, reason, drawn_at, operator, witnesses, algorithm, seed,
    params, params_sha256, units_pool_sha256, officers_pool_sha256, result_sha256, config_sha256,
    draw_no = max(draw_no) OVER () AS in_force,
    json_array_length(units_pool) AS units_in_pool, json_array_length(officers_pool) AS officers_in_pool
FROM draw_log WHERE plan_for = $plan_for ORDER BY draw_no
