-- Every unit number a ledger row may name, with the unit's name and subdistrict: the clean
-- units, and those quarantined (as their row was written).
SELECT unit_id, name, subdistrict, false AS quarantined, NULL AS file, NULL AS row FROM units
UNION ALL
SELECT json_extract_string(raw, '$.单位编号'), json_extract_string(raw, '$.单位名称'),
    json_extract_string(raw, '$.所属街道'), true, file, row
FROM quarantine_rows WHERE ledger = 'units'
