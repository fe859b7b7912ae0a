-- Cleaning macros for the ledgers (台账清洗), created in every ingest connection.

-- Full-width digits, letters, punctuation and spaces to ASCII; trim; '' -> NULL.
-- translate() and the trimming regexp are slow on long columns, so each runs only on the
-- cells that need it (docs/performance.md); the result is the same.
CREATE OR REPLACE TEMP MACRO trim_space(s) AS
    CASE WHEN regexp_matches(s, '^\s|\s$') THEN regexp_replace(s, '^\s+|\s+$', '', 'g') ELSE s END;

CREATE OR REPLACE TEMP MACRO norm(s) AS nullif(trim_space(
    CASE WHEN regexp_matches(s, '[０-９Ａ-Ｚａ-ｚ　．－／：' || chr(160) || ']') THEN translate(s,
        '０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ　．－／：' || chr(160),
        '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .-/: ')
    ELSE s END), '');

-- 2023-08-15, 2023/8/15, 2023.8.15, 2023年8月15日, 20230815, optional time; Excel serials.
-- ISO dates, nearly all of them, take the strptime fast path; the regexps see the rest.
CREATE OR REPLACE TEMP MACRO parse_date(s) AS coalesce(try_strptime(s, '%Y-%m-%d')::DATE, CASE
    WHEN regexp_full_match(s, '\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?')
        THEN try(make_date(
            CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 1) AS INTEGER),
            CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 2) AS INTEGER),
            CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 3) AS INTEGER)))
    WHEN regexp_full_match(s, '\d{8}')
        THEN try(strptime(s, '%Y%m%d')::DATE)
    WHEN regexp_full_match(s, '\d{4,5}(\.\d+)?') AND CAST(s AS DOUBLE) BETWEEN 1 AND 2958465
        THEN DATE '1899-12-30' + CAST(floor(CAST(s AS DOUBLE)) AS INTEGER)
END);

-- Whole numbers, allowing thousands separators in their places (1,234 and 12,345,678, not
-- 12,34) and a trailing '.0'.
CREATE OR REPLACE TEMP MACRO parse_int(s) AS CASE
    WHEN regexp_full_match(s, '[+-]?(\d+|\d{1,3}(,\d{3})+)(\.0*)?')
        THEN TRY_CAST(CAST(replace(s, ',', '') AS DOUBLE) AS BIGINT)
END;

-- Several values in one cell, separated by 、，,；; or white space.
CREATE OR REPLACE TEMP MACRO split_multi(s) AS
    list_filter(string_split_regex(coalesce(s, ''), '[、，,；;\s]+'), lambda x: x <> '');

-- 统一社会信用代码 (GB 32100-2015): alphabet without I, O, S, V, Z.
CREATE OR REPLACE TEMP MACRO uscc_char_value(c) AS strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', c) - 1;

CREATE OR REPLACE TEMP MACRO uscc_format_ok(code) AS
    regexp_full_match(code, '[0-9A-HJ-NPQRTUWXY]{18}');

-- GB 11714 organisation code (characters 9-17): digits count 0-9, letters 10-35; the
-- check character (position 17) is 11 - Σ value × weight mod 11, written 1-9, X, 0.
CREATE OR REPLACE TEMP MACRO org_char_value(c) AS
    strpos('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', c) - 1;

CREATE OR REPLACE TEMP MACRO org_check_char(code) AS substr('123456789X0', 11 - (
      org_char_value(code[9]) * 3 + org_char_value(code[10]) * 7 + org_char_value(code[11]) * 9
    + org_char_value(code[12]) * 10 + org_char_value(code[13]) * 5 + org_char_value(code[14]) * 8
    + org_char_value(code[15]) * 4 + org_char_value(code[16]) * 2) % 11, 1);

-- The whole code's check character (position 18): 31 - Σ value × 3^(i-1) mod 31, mod 31.
-- The 17 terms are written out: DuckDB evaluates them several times faster than a lambda.
CREATE OR REPLACE TEMP MACRO uscc_check_char(code) AS substr('0123456789ABCDEFGHJKLMNPQRTUWXY', (31 - (
      uscc_char_value(code[1]) + uscc_char_value(code[2]) * 3 + uscc_char_value(code[3]) * 9
    + uscc_char_value(code[4]) * 27 + uscc_char_value(code[5]) * 19 + uscc_char_value(code[6]) * 26
    + uscc_char_value(code[7]) * 16 + uscc_char_value(code[8]) * 17 + uscc_char_value(code[9]) * 20
    + uscc_char_value(code[10]) * 29 + uscc_char_value(code[11]) * 25 + uscc_char_value(code[12]) * 13
    + uscc_char_value(code[13]) * 8 + uscc_char_value(code[14]) * 24 + uscc_char_value(code[15]) * 10
    + uscc_char_value(code[16]) * 30 + uscc_char_value(code[17]) * 28) % 31) % 31 + 1, 1);

-- Both check characters: the organisation code's (position 17) and the whole code's (18).
CREATE OR REPLACE TEMP MACRO uscc_check_ok(code) AS
    org_check_char(code) = code[17] AND uscc_check_char(code) = code[18];

-- What is wrong with a code, if anything: NULL, 'format', 'check' or 'ok' (evaluated once).
CREATE OR REPLACE TEMP MACRO uscc_state(code) AS CASE
    WHEN code IS NULL THEN NULL
    WHEN NOT uscc_format_ok(code) THEN 'format'
    WHEN NOT uscc_check_ok(code) THEN 'check'
    ELSE 'ok' END;

-- A problem found in a cell: column, offending value, stable code, Chinese reason.
CREATE OR REPLACE TEMP MACRO problem(col, val, code, reason) AS
    {'column': col, 'value': val, 'code': code, 'reason': reason};

-- Keys and enumerated values compare without white space or invisible characters (zero-
-- width spaces and joiners, byte-order marks, soft hyphens, word joiners …): the same
-- set as pipeline.core.ledgers.INVISIBLE.
CREATE OR REPLACE TEMP MACRO clean(s) AS nullif(regexp_replace(norm(s),
    '[\s\x{00A0}\x{00AD}\x{180E}\x{200B}-\x{200F}\x{2028}-\x{202F}\x{205F}-\x{2064}\x{2066}-\x{206F}\x{3000}\x{FEFF}]+',
    '', 'g'), '');

-- An Excel error value (公式错误): never a value.
CREATE OR REPLACE TEMP MACRO excel_error(s) AS
    regexp_full_match(s, '#(NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|UNKNOWN!|BUSY!)');

-- A number Excel turned into scientific notation (1.34148E+10): its digits are lost.
CREATE OR REPLACE TEMP MACRO scientific(s) AS regexp_full_match(s, '[+-]?\d+(\.\d+)?[Ee][+-]?\d+');

-- Telephone numbers: a mobile (11 digits from 13x–19x), or a landline with its area code
-- (0595-22345678) or without (22345678), optionally with an extension (转123 / -123).
CREATE OR REPLACE TEMP MACRO phone_text(s) AS regexp_replace(s, '[\s()（）-]', '', 'g');
CREATE OR REPLACE TEMP MACRO phone_ok(s) AS
    regexp_full_match(phone_text(s), '(1[3-9]\d{9}|0\d{2,3}\d{7,8}|\d{7,8})((转|ext|EXT|x)\d{1,5})?');
-- A Quanzhou landline whose leading 0 Excel dropped (595 + 7–8 digits): exactly restorable.
CREATE OR REPLACE TEMP MACRO phone_lost_zero(s) AS regexp_full_match(phone_text(s), '595\d{7,8}');

-- A value loaded corrected or blanked (the row is kept): listed in the fix list.
CREATE OR REPLACE TEMP MACRO fix(col, val, code, reason, action) AS
    {'column': col, 'value': val, 'code': code, 'reason': reason, 'action': action};
