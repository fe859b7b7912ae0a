SELECT ledger, file, row, raw FROM quarantine_rows ORDER BY ledger, file, row
