SELECT ledger, code, count(*) AS rows FROM skipped_rows GROUP BY ledger, code ORDER BY ledger, code
