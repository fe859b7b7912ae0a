"""The Dagster Definitions of bangfu: assets by stage, their checks, the weekly job."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job

from assets.derive import derive
from assets.ingest import ingest_checks, ingest_ledgers
from assets.report import manifest
from pipeline.resources import build_resources

weekly_job = define_asset_job("weekly_report", selection=AssetSelection.all(),
                              description="本周全流程：导入台账 → 派生 → 周报与清单")


def build_definitions(**resource_overrides) -> Definitions:
    return Definitions(
        assets=[ingest_ledgers, derive, manifest],
        asset_checks=ingest_checks,
        jobs=[weekly_job],
        resources=build_resources(**resource_overrides),
    )


defs = build_definitions()
