"""The project's configuration (``pipeline/bangfu.yaml``), validated on load.

Unknown keys and impossible values are errors that name the key.  The effective
configuration (after run-config overrides) is hashed as canonical JSON; the
manifest and the reports state that hash.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

CONFIG_FILE = Path(__file__).with_name("bangfu.yaml")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BangfuConfig(Strict):
    version: int
    district: str
    bureau: str


class ConfigError(ValueError):
    pass


def load_config(path: Path = CONFIG_FILE, overrides: dict | None = None) -> BangfuConfig:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data = deep_merge(data, overrides or {})
    try:
        return BangfuConfig.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path.name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("配置有误：\n" + "\n".join(lines)) from exc


def deep_merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def config_sha256(config: BangfuConfig) -> str:
    canonical = json.dumps(config.model_dump(mode="json"), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
