"""Validation rules of the ledger contract, as SQL over the staged text (台账校验).

Each column's kind (see ``pipeline.core.ledgers``) gives a typed expression and the
problems it can have; a few rules span columns or ledgers.  ``checked_rows_sql`` gives
one row per data row with its typed values and two lists of {column, value, code,
reason}:

* ``_problems``: what quarantines the row: a problem in a required column, a rule across
  columns, a duplicate key;
* ``_fixes``: what the row is loaded with but the clerk should look at: a bad value in an
  optional column (blanked: ``action`` 已置空), invisible characters taken out of a key or
  a listed value, a landline's leading 0 put back (已修正).

Keys and listed values are compared without white space or invisible characters
(``clean``); Excel error values and numbers Excel turned into scientific notation are
never loaded as values.  ``duplicates_sql`` then marks repeated keys (the first clean row
of a file stays).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.ledgers import BY_KEY, USCC_PREFIXES, Column, Ledger

# Event dates may not lie after the day of the run; deadlines may.
NOT_EVENT_DATES = {"due_on", "licence_expires"}   # dates ahead are expected
CLEANED_KINDS = {"id", "enum", "yesno", "uscc"}      # compared without any white space
DIGIT_KINDS = {"id", "uscc", "phone", "int"}         # where scientific notation loses digits


def sql_str(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


@dataclass(frozen=True)
class Rule:
    """A condition on a row and what it means for one column."""

    column: Column
    condition: str
    code: str
    reason: str

    def struct(self) -> str:
        return (f"CASE WHEN {self.condition} THEN problem({sql_str(self.column.name)}, "
                f"{text_of(self.column)}, {sql_str(self.code)}, "
                f"{sql_str('“' + self.column.header + '”' + self.reason)}) END")


def text_of(col: Column) -> str:
    return f"t_{col.name}"


def text_expr(col: Column) -> str:
    """The cell as text: trimmed and normalised; keys and listed values without any white
    space or invisible character."""
    return f"clean({col.name})" if col.kind in CLEANED_KINDS else f"norm({col.name})"


def enum_case(expr: str, col: Column) -> str:
    """Canonical value of an enumerated field, NULL when the value is unknown."""
    whens = []
    for value, aliases in col.values.items():
        for alias in (value, *aliases):
            whens.append(f"WHEN {sql_str(alias.upper().replace(' ', ''))} THEN {sql_str(value)}")
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
        items = "list_transform(split_multi(t), lambda x: clean(x))".replace("(t)", f"({t})")
        if col.values:
            return f"list_transform({items}, lambda x: {enum_case('x', col)})"
        return items
    if col.kind == "uscc":
        return f"upper({t})"
    if col.kind == "phone":
        return f"CASE WHEN phone_lost_zero({t}) THEN '0' || phone_text({t}) ELSE {t} END"
    return t


def column_rules(col: Column) -> list[Rule]:
    """What can be wrong with one cell of this column."""
    t, v = text_of(col), col.name
    rules = [Rule(col, f"excel_error({t})", "excel_error",
                  "是 Excel 错误值（公式出错），不是实际数据：请改正公式或填入实际值")]
    if col.kind in DIGIT_KINDS:
        rules.append(Rule(col, f"scientific({t})", "number_reformatted",
                          "被 Excel 改成了科学计数法，原来的数字已经丢失：请在原表中把该列设为文本，重新填写"))
    if col.required and col.default is None and col.kind != "uscc":
        if col.given_by:          # a firm's name or credit code may stand in (matched before)
            rules.append(Rule(col, f"{v} IS NULL AND _unmatched IS NULL", "missing_required",
                              "为必填项（或填写企业名称、统一社会信用代码），不能为空"))
        else:
            rules.append(Rule(col, f"{t} IS NULL", "missing_required", "为必填项，不能为空"))
    if col.kind == "int":
        rules += [
            Rule(col, f"{t} IS NOT NULL AND NOT scientific({t}) AND NOT excel_error({t}) AND {v} IS NULL",
                 "not_a_number", "不是有效的整数（千位分隔符只能在每三位处）"),
            Rule(col, f"{v} < 0", "negative_number", "不能为负数"),
        ]
        if col.max_value is not None:
            rules.append(Rule(col, f"{v} > {col.max_value}", "absurd_number",
                              f"超出合理范围（不应超过{col.max_value}）"))
    elif col.kind == "date":
        rules += [
            Rule(col, f"{t} IS NOT NULL AND NOT excel_error({t}) AND {v} IS NULL", "bad_date",
                 "无法识别为日期（可用格式：2023-08-15、2023/8/15、2023.8.15、2023年8月15日）"),
            Rule(col, f"{v} < DATE '2000-01-01'", "date_too_early", "早于2000年，不可能"),
        ]
        if col.name not in NOT_EVENT_DATES:
            rules.append(Rule(col, f"{v} > getvariable('run_date')", "date_in_future",
                              "晚于本次运行日期，不可能已经发生"))
    elif col.kind in ("enum", "yesno"):
        rules.append(Rule(col, f"{t} IS NOT NULL AND NOT excel_error({t}) AND {v} IS NULL",
                          "unknown_value", f"的取值不在允许范围内（允许：{'、'.join(col.values)}）"))
    elif col.kind == "multi" and col.values:
        rules.append(Rule(col, f"list_contains(list_transform({v}, lambda x: x IS NULL), true)",
                          "unknown_value", f"含有不认识的取值（允许：{'、'.join(col.values)}）"))
    elif col.kind == "phone":
        rules.append(Rule(col, f"{t} IS NOT NULL AND NOT scientific({t}) AND NOT excel_error({t}) "
                               f"AND NOT phone_ok({t}) AND NOT phone_lost_zero({t})",
                          "bad_phone", "不是有效的电话号码（手机11位，座机如0595-22345678）"))
    elif col.kind == "uscc":
        rules += uscc_rules(col)
    if col.ref:
        rules.append(reference_rule(col))
    return rules


def uscc_rules(col: Column) -> list[Rule]:
    v = col.name
    fits = " OR ".join(
        f"(category = {sql_str(cat)} AND left({v}, 2) IN ({', '.join(map(sql_str, prefixes))}))"
        for cat, prefixes in USCC_PREFIXES.items())
    state = f"_state_{v}"   # uscc_state(), computed once per row in checked_rows_sql
    return [
        Rule(col, f"{v} IS NULL AND category IS DISTINCT FROM '在建施工项目'", "missing_required",
             "为必填项（仅在建施工项目可为空）"),
        Rule(col, f"{state} = 'format' AND NOT scientific({text_of(col)})", "uscc_format",
             "格式不对：应为18位，由数字和大写字母组成（不含I、O、S、V、Z）"),
        Rule(col, f"{state} = 'check'", "uscc_check", "校验码不对（GB 32100-2015），请核对是否抄错"),
        Rule(col, f"{state} = 'ok' AND category IS NOT NULL AND NOT ({fits})",
             "uscc_kind_mismatch", "的前两位（登记机关和机构类别）与监管类别不符"),
    ]


def reference_rule(col: Column) -> Rule:
    target = BY_KEY[col.ref]
    ref_key, title = target.id_column.name, target.title
    if col.kind == "multi":
        cond = (f"len({col.name}) > 0 AND NOT list_has_all("
                f"(SELECT coalesce(list({ref_key}), []) FROM {col.ref}), {col.name})")
    else:
        cond = f"{col.name} IS NOT NULL AND {col.name} NOT IN (SELECT {ref_key} FROM {col.ref})"
    return Rule(col, cond, "unknown_reference", f"在{title}中找不到（或该记录本身有误被隔离）")


def row_rules(ledger: Ledger) -> list[Rule]:
    """Rules that span columns: they quarantine the row whatever the columns."""
    if ledger.key == "hazards":
        due, fixed, status = ledger.column("due_on"), ledger.column("fixed_on"), ledger.column("status")
        return [Rule(due, "due_on < found_on", "deadline_before_found", "早于发现日期"),
                Rule(fixed, "fixed_on < found_on", "fixed_before_found", "早于发现日期"),
                Rule(status, "status = '已整改' AND fixed_on IS NULL", "fixed_without_date",
                     "为已整改，但没有整改完成日期或复查/验收日期"),
                Rule(status, "status IN ('整改中', '未整改') AND fixed_on IS NOT NULL", "status_conflict",
                     "为未完成，却填了整改完成日期")]
    if ledger.key == "visits":
        return [Rule(ledger.column("problems_solved"), "problems_solved > problems_found",
                     "solved_exceeds_found", "大于发现问题数")]
    return []


def corrections(col: Column) -> list[str]:
    """Fixes of a value that is loaded corrected: struct expressions, NULL when none."""
    t = text_of(col)
    found = []
    if col.kind in CLEANED_KINDS:
        found.append(f"CASE WHEN {t} IS DISTINCT FROM norm(raw_{col.name}) "
                     f"AND {t} IS NOT NULL THEN fix({sql_str(col.name)}, raw_{col.name}, 'invisible_chars', "
                     f"{sql_str('“' + col.header + '”中有空格或不可见字符，已去除')}, '已修正') END")
    if col.kind == "phone":
        found.append(f"CASE WHEN phone_lost_zero({t}) THEN fix({sql_str(col.name)}, {t}, "
                     f"'leading_zero_restored', {sql_str('“' + col.header + '”前面的0被 Excel 去掉了，已补回')}, "
                     "'已修正') END")
    return found


def checked_rows_sql(ledger: Ledger) -> str:
    """One row per data row of ``stg_<key>``: typed values, problems and fixes."""
    cols = ledger.columns
    texts = ",\n        ".join(f"{text_expr(c)} AS {text_of(c)}" for c in cols)
    typed = ",\n        ".join(f"{typed_expr(c)} AS {c.name}" for c in cols)
    states = "".join(f", uscc_state({c.name}) AS _state_{c.name}" for c in cols if c.kind == "uscc")
    required = [r for c in cols if c.required for r in column_rules(c)] + row_rules(ledger)
    optional = [r for c in cols if not c.required for r in column_rules(c)]
    problems = [r.struct() for r in required]
    problems.append(f"CASE WHEN _conflict IS NOT NULL THEN problem({sql_str(ledger.id_column.name)}, "
                    f"{text_of(ledger.id_column)}, 'duplicate_conflict', _conflict) END")
    if any(c.name == "unit_name" for c in cols):
        problems.append("CASE WHEN _unmatched IS NOT NULL THEN problem('unit_id', t_unit_name, "
                        "_unmatched, _unmatched_reason) END")
    fixes = [f"CASE WHEN {r.condition} THEN fix({sql_str(r.column.name)}, {text_of(r.column)}, "
             f"{sql_str(r.code)}, {sql_str('“' + r.column.header + '”' + r.reason)}, '已置空') END"
             for r in optional]
    fixes += [f for c in cols for f in corrections(c)]
    fixes.append("CASE WHEN false THEN fix('', '', '', '', '') END")      # the list's type
    blanked = {c.name: " OR ".join(f"({r.condition})" for r in optional if r.column is c)
               for c in cols if not c.required}
    # the texts have done their work once the problems are listed: only the values go on
    values = ", ".join(f"CASE WHEN {blanked[c.name]} THEN NULL ELSE {c.name} END AS {c.name}"
                       if blanked.get(c.name) else c.name for c in cols)
    sep = ",\n        "
    return f"""
WITH texts AS (
    SELECT _file, _row, _conflict, _unmatched, _unmatched_reason, {', '.join(c.name for c in cols)},
        {texts}
    FROM stg_{ledger.key} WHERE _skip IS NULL
), typed AS (
    SELECT _file, _row, _conflict, _unmatched, _unmatched_reason,
        {', '.join(f'{c.name} AS raw_{c.name}' for c in cols)},
        {', '.join(text_of(c) for c in cols)},
        {typed}
    FROM texts
), worked AS (
    SELECT *{states} FROM typed
), checked AS (
    SELECT *, list_filter([
        {sep.join(problems)}
    ], lambda p: p IS NOT NULL) AS _problems, list_filter([
        {sep.join(fixes)}
    ], lambda p: p IS NOT NULL) AS _fixes
    FROM worked
)
SELECT _file, _row, {values}, _problems, _fixes FROM checked
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
