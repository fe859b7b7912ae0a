-- Derived tables kept per week (派生表) that are written from Python frames. `week` is the
-- reported week (2023-W32); plans made in that week for the next carry `plan_for`
-- (2023-W33). A rerun of a week deletes that week's slice and inserts it again, so reruns
-- are idempotent. Tables written from a query (unit_risk, subdistrict_features,
-- subdistrict_profile, weekly_progress, last_week_progress, hazard_trend) take the query's
-- columns, with `week` first (build.write_query).
CREATE TABLE IF NOT EXISTS priority_targets (week VARCHAR, rank INTEGER, unit_id VARCHAR,
    name VARCHAR, category VARCHAR, subdistrict VARCHAR, score DOUBLE, selected_by VARCHAR,
    main_risk VARCHAR, reasons VARCHAR, joined_week VARCHAR, joined_for VARCHAR,
    exemplar_id VARCHAR, exemplar_name VARCHAR, exemplar_kind VARCHAR);
-- the week's changes to the list of targets (新增 / 退出), each with its reason
CREATE TABLE IF NOT EXISTS target_changes (week VARCHAR, unit_id VARCHAR, name VARCHAR,
    subdistrict VARCHAR, change VARCHAR, reason VARCHAR);
-- basis: 阶段首周（2023-W26）确定 / 本阶段新增的工贸帮扶对象 / 补足名额（风险排序）
CREATE TABLE IF NOT EXISTS key_enterprises (week VARCHAR, rank INTEGER, unit_id VARCHAR,
    name VARCHAR, subdistrict VARCHAR, score DOUBLE, is_target BOOLEAN, basis VARCHAR);
-- links decided at the phase's first week (decided_week); this week's data only proposes:
-- proposed_dept and proposal (建议调整为X：理由) are NULL when the data agrees
CREATE TABLE IF NOT EXISTS department_links (week VARCHAR, subdistrict VARCHAR, dept VARCHAR,
    fit DOUBLE, fixed BOOLEAN, reason VARCHAR, decided_week VARCHAR, proposed_dept VARCHAR,
    proposal VARCHAR);
-- 全域覆盖: each configured supervision priority of a subdistrict (coverage.priorities), its
-- supervised units and those on this week's list; note names them, or says why none
CREATE TABLE IF NOT EXISTS coverage_priorities (week VARCHAR, subdistrict VARCHAR,
    priority VARCHAR, supervised_units BIGINT, target_units BIGINT, covered BOOLEAN, note VARCHAR);
CREATE TABLE IF NOT EXISTS team_roster (week VARCHAR, role VARCHAR, member_id VARCHAR,
    name VARCHAR, unit VARCHAR, responsibility VARCHAR, phone VARCHAR);
CREATE TABLE IF NOT EXISTS cadre_assignments (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    cadre_id VARCHAR, duty VARCHAR);
CREATE TABLE IF NOT EXISTS expert_assignments (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    expert_id VARCHAR, main_risk VARCHAR);
CREATE TABLE IF NOT EXISTS uncovered_targets (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    reason VARCHAR);
-- 执法人员+专家 and 双随机: `dept` the competent department, officer_1/officer_2 two licensed
-- officers of it (cadre numbers), or both empty and `reason` why no lawful pair exists.
CREATE TABLE IF NOT EXISTS inspection_pairs (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    dept VARCHAR, officer_1 VARCHAR, officer_2 VARCHAR, expert_id VARCHAR, reason VARCHAR,
    note VARCHAR);
-- next week's drawn checks, from the draw in force (draw_log) as the ledgers stand now;
-- status 待检查 / 未派员 / 不予检查 (closed since the draw). Confidential until the check.
CREATE TABLE IF NOT EXISTS spot_checks (week VARCHAR, plan_for VARCHAR, draw_no INTEGER,
    pick INTEGER, unit_id VARCHAR, name VARCHAR, subdistrict VARCHAR, category VARCHAR,
    dept VARCHAR, officer_1 VARCHAR, officer_2 VARCHAR, officers VARCHAR[], status VARCHAR,
    reason VARCHAR);
CREATE TABLE IF NOT EXISTS run_settings (week VARCHAR, config_json VARCHAR, config_sha256 VARCHAR);
-- 汇总数字: this week's (as_of = week) and last week's as of its end (as_of = last week).
CREATE TABLE IF NOT EXISTS weekly_figures (week VARCHAR, as_of VARCHAR, figures VARCHAR);
-- 双随机抽查结果 (一公开): the checks of the draw published this week (the draw for this week,
-- or last week's with spot_checks.publish_lag_weeks = 1) and what the visit records say.
CREATE TABLE IF NOT EXISTS spot_check_results (week VARCHAR, plan_for VARCHAR, draw_no INTEGER,
    pick INTEGER, unit_id VARCHAR, name VARCHAR, subdistrict VARCHAR, category VARCHAR,
    dept VARCHAR, officer_1 VARCHAR, officer_2 VARCHAR, draw_status VARCHAR, checked BOOLEAN,
    visit_id VARCHAR, visited_on DATE, checked_by_1 VARCHAR, checked_by_2 VARCHAR, outcome VARCHAR,
    document_no VARCHAR, problems_found BIGINT, problems_solved BIGINT, hazards_found BIGINT,
    hazards_fixed BIGINT, open_due DATE, note VARCHAR);
-- The 双随机 draws (a recorded table: kept across upgrades, never recomputed; draw.py). One
-- row per draw of a plan week, draw_no 1 first, a redraw 2, 3, …; JSON texts are canonical
-- and each is hashed (SHA-256) as stored.
CREATE TABLE IF NOT EXISTS draw_log (plan_for VARCHAR, draw_no INTEGER, week VARCHAR,
    kind VARCHAR, reason VARCHAR, drawn_at VARCHAR, operator VARCHAR, witnesses VARCHAR,
    run_id VARCHAR, algorithm VARCHAR, seed VARCHAR, params VARCHAR, params_sha256 VARCHAR,
    units_pool VARCHAR, units_pool_sha256 VARCHAR, officers_pool VARCHAR,
    officers_pool_sha256 VARCHAR, result VARCHAR, result_sha256 VARCHAR, config_sha256 VARCHAR);
