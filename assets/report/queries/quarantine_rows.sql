-- Quarantined rows as the clerk wrote them, with the day each was first seen in quarantine
-- (quarantine_history: the same row by ledger, key and problem, across runs).
SELECT q.ledger, q.file, q.row, q.raw, q.row_key,
    (SELECT min(h.first_seen) FROM quarantine_history h
     WHERE h.ledger = q.ledger AND h.row_key = q.row_key AND h.code IN (
        SELECT x.code FROM quarantine x WHERE x.ledger = q.ledger AND x.file = q.file AND x.row = q.row))
        AS first_seen
FROM quarantine_rows q ORDER BY q.ledger, q.file, q.row
