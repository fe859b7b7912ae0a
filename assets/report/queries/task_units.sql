-- The units of next week's tasks ($units).
SELECT unit_id, name, category, subdistrict, address, risk_flags, std_grade, employees
FROM units WHERE unit_id IN (SELECT unnest($units::VARCHAR[])) ORDER BY unit_id
