SELECT DISTINCT unit_id FROM priority_targets WHERE week <= getvariable('week') ORDER BY unit_id
