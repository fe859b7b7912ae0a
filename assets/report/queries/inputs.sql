SELECT ledger, file, sha256, encoding, sheet, header_row, rows_read, rows_loaded,
    rows_quarantined, rows_skipped
FROM ingest_files ORDER BY ledger, file
