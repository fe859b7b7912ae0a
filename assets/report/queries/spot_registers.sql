-- The registers a plan week's draws were made from ($plan_for): canonical JSON, as hashed.
SELECT draw_no, units_pool, officers_pool FROM draw_log WHERE plan_for = $plan_for ORDER BY draw_no
