SELECT config_json, config_sha256 FROM run_settings
WHERE week = getvariable('week') ORDER BY config_sha256
