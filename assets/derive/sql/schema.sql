-- Derived tables kept per week (派生表) that are written from Python frames. `week` is the
-- reported week (2023-W32); plans made in that week for the next carry `plan_for`
-- (2023-W33). A rerun of a week deletes that week's slice and inserts it again, so reruns
-- are idempotent. Tables written from a query (unit_risk, subdistrict_features,
-- subdistrict_profile, weekly_progress, last_week_progress, hazard_trend) take the query's
-- columns, with `week` first (build.write_query).
CREATE TABLE IF NOT EXISTS priority_targets (week VARCHAR, rank INTEGER, unit_id VARCHAR,
    name VARCHAR, category VARCHAR, subdistrict VARCHAR, score DOUBLE, selected_by VARCHAR,
    main_risk VARCHAR, reasons VARCHAR);
CREATE TABLE IF NOT EXISTS key_enterprises (week VARCHAR, rank INTEGER, unit_id VARCHAR,
    name VARCHAR, subdistrict VARCHAR, score DOUBLE, is_target BOOLEAN);
CREATE TABLE IF NOT EXISTS department_links (week VARCHAR, subdistrict VARCHAR, dept VARCHAR,
    fit DOUBLE, fixed BOOLEAN, reason VARCHAR);
CREATE TABLE IF NOT EXISTS team_roster (week VARCHAR, role VARCHAR, member_id VARCHAR,
    name VARCHAR, unit VARCHAR, responsibility VARCHAR, phone VARCHAR);
CREATE TABLE IF NOT EXISTS cadre_assignments (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    cadre_id VARCHAR, duty VARCHAR);
CREATE TABLE IF NOT EXISTS expert_assignments (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    expert_id VARCHAR, main_risk VARCHAR);
CREATE TABLE IF NOT EXISTS uncovered_targets (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    reason VARCHAR);
CREATE TABLE IF NOT EXISTS inspection_pairs (week VARCHAR, plan_for VARCHAR, unit_id VARCHAR,
    cadre_id VARCHAR, expert_id VARCHAR, note VARCHAR);
CREATE TABLE IF NOT EXISTS spot_checks (week VARCHAR, plan_for VARCHAR, pick INTEGER,
    unit_id VARCHAR, name VARCHAR, subdistrict VARCHAR, inspector_1 VARCHAR, inspector_2 VARCHAR,
    seed VARCHAR);
CREATE TABLE IF NOT EXISTS run_settings (week VARCHAR, config_json VARCHAR, config_sha256 VARCHAR,
    spot_seed VARCHAR);
-- 汇总数字: this week's (as_of = week) and last week's as of its end (as_of = last week).
CREATE TABLE IF NOT EXISTS weekly_figures (week VARCHAR, as_of VARCHAR, figures VARCHAR);
