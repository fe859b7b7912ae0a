SELECT ledger, file, row, list({'column': column_name, 'header': coalesce(header, column_name),
    'value': value, 'code': code, 'reason': reason} ORDER BY column_name, code) AS problems
FROM quarantine GROUP BY ledger, file, row
