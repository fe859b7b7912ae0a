"""Validation rules of the ledger contract, as SQL over the staged text.

Each column's kind (see ``pipeline.core.ledgers``) gives a typed expression and the
problems it can have; a few rules span columns or ledgers.  The result of
``checked_rows_sql`` is one row per data row with its typed values and
``_problems``, a list of {column, value, code, reason}: empty for a clean row;
``duplicates_sql`` then marks repeated keys (the first clean row stays).
"""

from __future__ import annotations

from pipeline.core.ledgers import BY_KEY, USCC_PREFIXES, Column, Ledger

# Event dates may not lie after the day of the run; deadlines may.
NOT_EVENT_DATES = {"due_on"}


def sql_str(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def text_of(col: Column) -> str:
    return f"t_{col.name}"


def enum_case(expr: str, col: Column) -> str:
    """Canonical value of an enumerated field, NULL when the value is unknown."""
    whens = []
    for value, aliases in col.values.items():
        for alias in (value, *aliases):
            whens.append(f"WHEN {sql_str(alias.upper())} THEN {sql_str(value)}")
    return f"CASE upper({expr}) {' '.join(whens)} END"


def typed_expr(col: Column) -> str:
    t = text_of(col)
    if col.kind == "int":
        return f"parse_int(coalesce({t}, {sql_str(col.default or '')}))"
    if col.kind == "date":
        return f"parse_date({t})"
    if col.kind in ("enum", "yesno"):
        expr = enum_case(t, col)
        return f"({expr} = '是')" if col.kind == "yesno" else expr
    if col.kind == "multi":
        if col.values:
            return f"list_transform(split_multi({t}), lambda x: {enum_case('x', col)})"
        return f"split_multi({t})"
    if col.kind == "uscc":
        return f"upper(replace({t}, ' ', ''))"
    return t


def problem(col: Column, condition: str, code: str, reason: str) -> str:
    return (f"CASE WHEN {condition} THEN problem({sql_str(col.name)}, {text_of(col)}, "
            f"{sql_str(code)}, {sql_str('“' + col.header + '”' + reason)}) END")


def column_problems(ledger: Ledger, col: Column) -> list[str]:
    t, v = text_of(col), col.name
    found: list[str] = []
    if col.required and col.default is None and col.kind != "uscc":
        found.append(problem(col, f"{t} IS NULL", "missing_required", "为必填项，不能为空"))
    if col.kind == "int":
        found += [
            problem(col, f"{t} IS NOT NULL AND {v} IS NULL", "not_a_number", "不是有效的整数"),
            problem(col, f"{v} < 0", "negative_number", "不能为负数"),
        ]
        if col.max_value is not None:
            found.append(problem(col, f"{v} > {col.max_value}", "absurd_number",
                                 f"超出合理范围（不应超过{col.max_value}）"))
    elif col.kind == "date":
        found += [
            problem(col, f"{t} IS NOT NULL AND {v} IS NULL", "bad_date",
                    "无法识别为日期（可用格式：2023-08-15、2023/8/15、2023.8.15、2023年8月15日）"),
            problem(col, f"{v} < DATE '2000-01-01'", "date_too_early", "早于2000年，不可能"),
        ]
        if col.name not in NOT_EVENT_DATES:
            found.append(problem(col, f"{v} > getvariable('run_date')", "date_in_future",
                                 "晚于本次运行日期，不可能已经发生"))
    elif col.kind in ("enum", "yesno"):
        allowed = "、".join(col.values)
        found.append(problem(col, f"{t} IS NOT NULL AND {v} IS NULL", "unknown_value",
                             f"的取值不在允许范围内（允许：{allowed}）"))
    elif col.kind == "multi" and col.values:
        allowed = "、".join(col.values)
        found.append(problem(col, f"list_contains(list_transform({v}, lambda x: x IS NULL), true)",
                             "unknown_value", f"含有不认识的取值（允许：{allowed}）"))
    elif col.kind == "uscc":
        found += uscc_problems(col)
    if col.ref:
        found.append(reference_problem(col))
    return found


def uscc_problems(col: Column) -> list[str]:
    v = col.name
    fits = " OR ".join(
        f"(category = {sql_str(cat)} AND left({v}, 2) IN ({', '.join(map(sql_str, prefixes))}))"
        for cat, prefixes in USCC_PREFIXES.items())
    state = f"_state_{v}"   # uscc_state(), computed once per row in checked_rows_sql
    return [
        problem(col, f"{v} IS NULL AND category IS DISTINCT FROM '在建施工项目'", "missing_required",
                "为必填项（仅在建施工项目可为空）"),
        problem(col, f"{state} = 'format'", "uscc_format",
                "格式不对：应为18位，由数字和大写字母组成（不含I、O、S、V、Z）"),
        problem(col, f"{state} = 'check'", "uscc_check",
                "校验码不对（GB 32100-2015），请核对是否抄错"),
        problem(col, f"{state} = 'ok' AND category IS NOT NULL AND NOT ({fits})",
                "uscc_kind_mismatch", "的前两位（登记机关和机构类别）与监管类别不符"),
    ]


def reference_problem(col: Column) -> str:
    target = BY_KEY[col.ref]
    ref_key, title = target.id_column.name, target.title
    if col.kind == "multi":
        cond = (f"len({col.name}) > 0 AND NOT list_has_all("
                f"(SELECT coalesce(list({ref_key}), []) FROM {col.ref}), {col.name})")
    else:
        cond = f"{col.name} IS NOT NULL AND {col.name} NOT IN (SELECT {ref_key} FROM {col.ref})"
    return problem(col, cond, "unknown_reference", f"在{title}中找不到（或该记录本身有误被隔离）")


def row_problems(ledger: Ledger) -> list[str]:
    """Rules that span columns."""
    if ledger.key == "hazards":
        due, fixed = ledger.column("due_on"), ledger.column("fixed_on")
        return [problem(due, "due_on < found_on", "deadline_before_found", "早于发现日期"),
                problem(fixed, "fixed_on < found_on", "fixed_before_found", "早于发现日期")]
    if ledger.key == "visits":
        return [problem(ledger.column("problems_solved"), "problems_solved > problems_found",
                        "solved_exceeds_found", "大于发现问题数")]
    return []


def checked_rows_sql(ledger: Ledger) -> str:
    """One row per data row of ``stg_<key>``: typed values and the list of its problems."""
    cols = ledger.columns
    texts = ",\n        ".join(f"norm({c.name}) AS {text_of(c)}" for c in cols)
    typed = ",\n        ".join(f"{typed_expr(c)} AS {c.name}" for c in cols)
    # values several rules look at, worked out once per row
    states = "".join(f", uscc_state({c.name}) AS _state_{c.name}" for c in cols if c.kind == "uscc")
    problems = [p for c in cols for p in column_problems(ledger, c)] + row_problems(ledger)
    # the cleaned texts have done their work once the problems are listed
    spent = ", ".join([text_of(c) for c in cols] + [f"_state_{c.name}" for c in cols
                                                     if c.kind == "uscc"])
    return f"""
WITH texts AS (
    SELECT _file, _row,
        {texts}
    FROM stg_{ledger.key} WHERE _skip IS NULL
), typed AS (
    SELECT *,
        {typed}
    FROM texts
), worked AS (
    SELECT *{states} FROM typed
), checked AS (
    SELECT *, list_filter([
        {(','+chr(10)+'        ').join(problems)}
    ], lambda p: p IS NOT NULL) AS _problems
    FROM worked
)
SELECT * EXCLUDE ({spent}) FROM checked
"""


def duplicates_sql(ledger: Ledger) -> str:
    """Mark every clean row whose key a clean row before it (by file, row) already has.

    An UPDATE of the few rows concerned: ``chk_<key>`` keeps the order of the file rows,
    so the clean table is written without sorting it again."""
    table, col = f"chk_{ledger.key}", ledger.id_column
    key = col.name
    return f"""
UPDATE {table} SET _problems = [problem({sql_str(key)}, d.{key}, 'duplicate_key',
    {sql_str('“' + col.header + '”重复：同一编号已在前面出现，保留第一条')})]
FROM (SELECT _file, _row, {key} FROM {table}
      WHERE len(_problems) = 0 AND {key} IN (SELECT {key} FROM {table} WHERE len(_problems) = 0
                                             GROUP BY {key} HAVING count(*) > 1)
      QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _file, _row) > 1) d
WHERE {table}._file = d._file AND {table}._row = d._row
"""
