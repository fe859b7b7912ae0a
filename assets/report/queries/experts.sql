SELECT expert_id AS id, name, employer, domains, phone, resident FROM experts ORDER BY expert_id
