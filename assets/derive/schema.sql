-- Derived tables kept per week (派生表). `week` is the reported week (2023-W32); plans made
-- in that week for the next carry `plan_for` (2023-W33). A rerun of a week deletes that
-- week's slice and inserts it again, so reruns are idempotent.
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
CREATE TABLE IF NOT EXISTS weekly_progress (week VARCHAR, scope VARCHAR,
    supervised_units BIGINT, tier_jingpin BIGINT, tier_biaogan BIGINT, tier_dabiao BIGINT,
    demo_posts BIGINT, hazards_found_week BIGINT, hazards_found_ytd BIGINT,
    hazards_fixed_week BIGINT, hazards_fixed_ytd BIGINT, hazards_open BIGINT,
    hazards_overdue BIGINT, hazards_major_open BIGINT, visits_week BIGINT, visits_ytd BIGINT,
    inspections_week BIGINT, expert_visits_week BIGINT, trainings_week BIGINT,
    observations_week BIGINT, problems_found_week BIGINT, problems_solved_week BIGINT,
    problems_found_ytd BIGINT, problems_solved_ytd BIGINT, reviews_week BIGINT,
    reviews_ytd BIGINT, reviews_passed_ytd BIGINT, targets BIGINT, targets_visited_week BIGINT,
    targets_planned_week BIGINT);
