"""The clerks' own forms (街道自制台账): rows that name their firm, number themselves 序号,
and give the state of the work as text.

Run on the staged rows, in SQL:

* ``derive_ids`` (before anything else): a row without an ID gets one made from the
  columns that identify it (the firm, the date, the description …), ``YH-`` or ``FW-``
  and ten hex digits: the same content gives the same ID every week;
* ``match_units`` (once the clean units are written): a row without a unit number is
  matched to its unit by credit code, then by its name (brackets and spaces normalised)
  within its subdistrict; an unknown or ambiguous name is quarantined with the candidates;
* ``match_people``: cadres and experts named instead of numbered are matched by name;
* ``settle_status``: 整改情况 已整改 with a 复查 (or 验收) date and no completion date takes
  that date as the completion date.
"""

from __future__ import annotations

from assets.ingest.validate import enum_case
from pipeline.core.ledgers import Ledger

# the firm's name as compared: no spaces or invisible characters, brackets of one width
NAME_KEY = "translate(clean({x}), '（）【】', '()[]')"


def name_key(expr: str) -> str:
    return NAME_KEY.format(x=expr)


def wanting(con, ledger: Ledger, column: str) -> bool:
    """Whether any staged row lacks ``column`` (most exports lack none: nothing to do)."""
    return con.execute(f"SELECT count(*) FROM stg_{ledger.key} WHERE _skip IS NULL AND clean({column}) IS NULL "
                       "LIMIT 1").fetchone()[0] > 0


def derive_ids(con, ledger: Ledger) -> None:
    key = ledger.id_column.name
    if not ledger.derived_id or not wanting(con, ledger, key):
        return
    content = " || '|' || ".join(f"coalesce(clean({c}), '')" for c in ledger.derived_id)
    con.execute(f"""UPDATE stg_{ledger.key} SET {key} = $prefix || upper(left(md5({content}), 10))
        WHERE clean({key}) IS NULL AND _skip IS NULL""", {"prefix": ledger.id_prefix})


def has(ledger: Ledger, column: str) -> bool:
    return any(c.name == column for c in ledger.columns)


def match_units(con, ledger: Ledger) -> None:
    """Fill unit_id from the credit code or the firm's name; say why when neither works."""
    if not has(ledger, "unit_name") or not wanting(con, ledger, "unit_id"):
        return
    table = f"stg_{ledger.key}"
    subdistrict = enum_case("clean(s.unit_subdistrict)", ledger.column("unit_subdistrict"))
    con.execute(f"""UPDATE {table} s SET unit_id = u.unit_id FROM units u
        WHERE clean(s.unit_id) IS NULL AND s._skip IS NULL AND upper(clean(s.unit_uscc)) = u.uscc""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE unit_matches AS
        SELECT s._file, s._row, {name_key('s.unit_name')} AS wanted, {subdistrict} AS sub,
            list(u.unit_id ORDER BY u.unit_id) FILTER (u.unit_id IS NOT NULL) AS found,
            list(u.unit_id || '（' || u.subdistrict || '）' ORDER BY u.unit_id)
                FILTER (u.unit_id IS NOT NULL) AS shown
        FROM {table} s LEFT JOIN units u ON {name_key('u.name')} = {name_key('s.unit_name')}
            AND ({subdistrict} IS NULL OR u.subdistrict = {subdistrict})
        WHERE clean(s.unit_id) IS NULL AND s._skip IS NULL AND clean(s.unit_name) IS NOT NULL
        GROUP BY ALL""")
    con.execute(f"""UPDATE {table} s SET unit_id = m.found[1] FROM unit_matches m
        WHERE s._file = m._file AND s._row = m._row AND len(m.found) = 1""")
    con.execute(f"""UPDATE {table} s SET _unmatched = 'ambiguous_unit',
        _unmatched_reason = '“企业名称”“' || s.unit_name || '”在监管对象台账中对应多家单位：'
            || array_to_string(m.shown, '、') || '；请补上统一社会信用代码或所属街道'
        FROM unit_matches m WHERE s._file = m._file AND s._row = m._row AND len(m.found) > 1""")
    similarity = f"jaro_winkler_similarity({name_key('u.name')}, m.wanted)"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE unit_near AS
        SELECT _file, _row, string_agg(name || '（' || unit_id || '）', '、' ORDER BY sim DESC, unit_id) AS near
        FROM (SELECT m._file, m._row, u.name, u.unit_id, {similarity} AS sim,
                     row_number() OVER (PARTITION BY m._file, m._row ORDER BY {similarity} DESC, u.unit_id) AS rank
              FROM unit_matches m JOIN units u ON m.sub IS NULL OR u.subdistrict = m.sub
              WHERE coalesce(len(m.found), 0) = 0 AND {similarity} >= 0.8)
        WHERE rank <= 3 GROUP BY _file, _row""")
    con.execute(f"""UPDATE {table} s SET _unmatched = 'unknown_unit',
        _unmatched_reason = '“企业名称”“' || s.unit_name || '”在监管对象台账中找不到'
            || coalesce('（相近的：' || n.near || '）', '') || '：请核对名称，或填上单位编号'
        FROM unit_matches m LEFT JOIN unit_near n USING (_file, _row)
        WHERE s._file = m._file AND s._row = m._row AND coalesce(len(m.found), 0) = 0""")
    con.execute("DROP TABLE unit_near")
    con.execute("DROP TABLE unit_matches")


def match_people(con, ledger: Ledger) -> None:
    """Cadres and experts named instead of numbered: matched when the name is unique."""
    table = f"stg_{ledger.key}"
    if has(ledger, "cadre_name"):
        con.execute(f"""UPDATE {table} s SET cadre_id = c.cadre_id
            FROM (SELECT name, min(cadre_id) AS cadre_id FROM cadres GROUP BY name HAVING count(*) = 1) c
            WHERE clean(s.cadre_id) IS NULL AND clean(s.cadre_name) = clean(c.name) AND s._skip IS NULL""")
    if has(ledger, "expert_names"):
        con.execute("""SET VARIABLE expert_by_name = (SELECT map(coalesce(list(k), []), coalesce(list(id), []))
            FROM (SELECT clean(name) AS k, min(expert_id) AS id FROM experts GROUP BY k HAVING count(*) = 1))""")
        con.execute(f"""UPDATE {table} s SET expert_ids = array_to_string(list_transform(
                split_multi(norm(s.expert_names)),
                lambda n: coalesce(getvariable('expert_by_name')[clean(n)], n)), '、')
            WHERE clean(s.expert_ids) IS NULL AND clean(s.expert_names) IS NOT NULL AND s._skip IS NULL""")


def settle_status(con, ledger: Ledger) -> None:
    """已整改 with a 复查/验收 date and no completion date: completed on that date."""
    if not has(ledger, "checked_on"):
        return
    done = enum_case("clean(status)", ledger.column("status"))
    con.execute(f"""UPDATE stg_{ledger.key} SET fixed_on = coalesce(clean(checked_on), clean(accepted_on))
        WHERE clean(fixed_on) IS NULL AND coalesce(clean(checked_on), clean(accepted_on)) IS NOT NULL
          AND {done} = '已整改' AND _skip IS NULL""")
