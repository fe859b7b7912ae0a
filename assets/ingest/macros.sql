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
CREATE OR REPLACE TEMP MACRO parse_date(s) AS CASE
    WHEN regexp_full_match(s, '\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?')
        THEN try(make_date(
            CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 1) AS INTEGER),
            CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 2) AS INTEGER),
            CAST(regexp_extract(s, '^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})', 3) AS INTEGER)))
    WHEN regexp_full_match(s, '\d{8}')
        THEN try(strptime(s, '%Y%m%d')::DATE)
    WHEN regexp_full_match(s, '\d{4,5}(\.\d+)?') AND CAST(s AS DOUBLE) BETWEEN 1 AND 2958465
        THEN DATE '1899-12-30' + CAST(floor(CAST(s AS DOUBLE)) AS INTEGER)
END;

-- Whole numbers, allowing thousands separators and a trailing '.0'.
CREATE OR REPLACE TEMP MACRO parse_int(s) AS CASE
    WHEN regexp_full_match(replace(s, ',', ''), '[+-]?\d+(\.0*)?')
        THEN TRY_CAST(CAST(replace(s, ',', '') AS DOUBLE) AS BIGINT)
END;

-- Several values in one cell, separated by 、，,；; or white space.
CREATE OR REPLACE TEMP MACRO split_multi(s) AS
    list_filter(string_split_regex(coalesce(s, ''), '[、，,；;\s]+'), lambda x: x <> '');

-- 统一社会信用代码 (GB 32100-2015): alphabet without I, O, S, V, Z.
CREATE OR REPLACE TEMP MACRO uscc_char_value(c) AS strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', c) - 1;

CREATE OR REPLACE TEMP MACRO uscc_format_ok(code) AS
    regexp_full_match(code, '[0-9A-HJ-NPQRTUWXY]{18}');

-- GB 11714 organisation code (characters 9-17): letters count 10-35.
CREATE OR REPLACE TEMP MACRO org_char_value(c) AS
    CASE WHEN c BETWEEN '0' AND '9' THEN ascii(c) - 48 ELSE ascii(c) - 55 END;

CREATE OR REPLACE TEMP MACRO org_check_char(code) AS CASE 11 - list_sum(list_transform(range(8),
        lambda i: org_char_value(code[i + 9]) * [3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11
    WHEN 10 THEN 'X' WHEN 11 THEN '0'
    ELSE CAST(11 - list_sum(list_transform(range(8),
        lambda i: org_char_value(code[i + 9]) * [3, 7, 9, 10, 5, 8, 4, 2][i + 1])) % 11 AS VARCHAR)
END;

CREATE OR REPLACE TEMP MACRO uscc_check_char(code) AS substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
    CAST((31 - list_sum(list_transform(range(17), lambda i: uscc_char_value(code[i + 1])
        * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i + 1])) % 31) % 31 + 1 AS INTEGER), 1);

-- Both check characters: the organisation code's (position 17) and the whole code's (18).
CREATE OR REPLACE TEMP MACRO uscc_check_ok(code) AS
    org_check_char(code) = code[17] AND uscc_check_char(code) = code[18];

-- A problem found in a cell: column, offending value, stable code, Chinese reason.
CREATE OR REPLACE TEMP MACRO problem(col, val, code, reason) AS
    {'column': col, 'value': val, 'code': code, 'reason': reason};
