SELECT ledger, file, row, column_name, coalesce(header, '') AS header, value, code, reason, action
FROM cell_fixes ORDER BY ledger, file, row, column_name
