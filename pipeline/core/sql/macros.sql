-- Shared predicates (共用判定), installed on every warehouse connection (TEMP macros).
-- One home for each rule: ingest checks, derive and the reports all use these.

-- 在监管: a unit the bureau supervises (any state but 注销).
CREATE OR REPLACE TEMP MACRO supervised(status) AS status <> '注销';

-- 未整改 at `day`: found on or before it and not fixed by then.
CREATE OR REPLACE TEMP MACRO open_at(found_on, fixed_on, day) AS
    found_on <= day AND (fixed_on IS NULL OR fixed_on > day);

-- 逾期 at `day`: open then, with its deadline before that day.
CREATE OR REPLACE TEMP MACRO overdue_at(found_on, fixed_on, due_on, day) AS
    open_at(found_on, fixed_on, day) AND due_on < day;

-- The risk features of the major-accident categories (the ledger contract's list).
CREATE OR REPLACE TEMP MACRO major_accident_flags() AS getvariable('major_accident_flags');

-- 重大隐患: logged so, or a suspicion (Order No.10) the bureau confirmed on review.
CREATE OR REPLACE TEMP MACRO major(level, review) AS level = '重大隐患' OR review IS NOT DISTINCT FROM '确认重大';

-- 疑似重大隐患 still open at `day`: a suspicion (Order No.10) not fixed by then and not yet
-- reviewed (a review by then, 确认重大 or 维持一般, settles it).
CREATE OR REPLACE TEMP MACRO suspected_open_at(suspected, found_on, fixed_on, review, reviewed_on, day) AS
    suspected AND open_at(found_on, fixed_on, day)
    AND NOT (review IS NOT NULL AND coalesce(reviewed_on, found_on) <= day);

-- A major hazard stays open until 销号 (after acceptance), whenever the work was done.
CREATE OR REPLACE TEMP MACRO major_open_at(found_on, closed_on, day) AS
    found_on <= day AND (closed_on IS NULL OR closed_on > day);
