SELECT ledger, kept, other, shared, rule FROM ingest_conflicts ORDER BY ledger, kept, other
