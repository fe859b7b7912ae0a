-- Scoring macro of unit_risk: the points of the flags of `wanted` a unit has
-- (weights from the configuration's scoring.flags, bound to the variable flag_weights).
CREATE OR REPLACE TEMP MACRO flag_points(flags, wanted) AS coalesce(list_sum(list_transform(
    list_filter(flags, lambda f: list_contains(wanted, f)),
    lambda f: getvariable('flag_weights')[f]))::DOUBLE, 0);
