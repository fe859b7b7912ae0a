-- 重大隐患跟踪 (major_hazards): every major hazard found by week_end (logged 重大, or a
-- suspicion confirmed on review), its stage on the way to 销号 (status: not the ledger's
-- 整改情况, which it replaces here) and the next action.
-- Variables: week_end, remind_days, escalate_days (the configuration's majors section).
WITH m AS (
    SELECT h.*, u.name, u.subdistrict,
        list_filter([CASE WHEN h.plan_responsible IS NULL THEN '责任' END,
                     CASE WHEN h.plan_measures IS NULL THEN '措施' END,
                     CASE WHEN h.plan_funds IS NULL THEN '资金' END,
                     CASE WHEN h.due_on IS NULL THEN '时限' END,
                     CASE WHEN h.plan_contingency IS NULL THEN '预案' END], lambda x: x IS NOT NULL) AS plan_missing,
        h.due_on - getvariable('week_end') AS days_left
    FROM hazards h JOIN units u USING (unit_id)
    WHERE major(h.level, h.review) AND h.found_on <= getvariable('week_end')
), staged AS (
    SELECT * EXCLUDE (status), CASE
        WHEN closed_on <= getvariable('week_end') THEN '已销号'
        WHEN fixed_on <= getvariable('week_end') OR applied_on <= getvariable('week_end') THEN '待验收'
        WHEN supervised_on IS NULL OR supervised_on > getvariable('week_end') THEN '待挂牌'
        WHEN len(plan_missing) = 0 OR coalesce(stop_work, false) THEN '整改中'
        ELSE '挂牌督办' END AS status
    FROM m
)
SELECT hazard_id, unit_id, name, subdistrict, kind, description, found_on, due_on, fixed_on,
    closed_on, supervisor, supervision_doc, supervised_on, coalesce(stop_work, false) AS stop_work,
    plan_missing, status, days_left,
    CASE
        WHEN status = '已销号' THEN '已销号'
        WHEN status = '待验收' AND applied_on <= getvariable('week_end') THEN '组织验收，合格后销号'
        WHEN status = '待验收' THEN '督促企业申请验收'
        WHEN status = '待挂牌' THEN '报请挂牌督办'
        WHEN days_left < -getvariable('escalate_days')
            THEN '逾期' || -days_left || '天：建议立案查处或责令停产整改'
        WHEN days_left < 0 THEN '逾期' || -days_left || '天：约谈企业主要负责人'
        WHEN status = '挂牌督办' THEN '督促落实“五落实”，尚缺' || array_to_string(plan_missing, '、')
        WHEN days_left <= getvariable('remind_days') THEN days_left || '天后到期：提醒企业按期完成'
        ELSE '跟踪整改进度'
    END AS next_action
FROM staged
ORDER BY status = '已销号', days_left, hazard_id
