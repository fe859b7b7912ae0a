SELECT ledger, code, any_value(reason) AS reason, count(DISTINCT (file, row)) AS rows,
    count(*) AS problems
FROM quarantine GROUP BY ledger, code ORDER BY ledger, code
