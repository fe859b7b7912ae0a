"""The campaign's phase of a date (专项行动阶段): pure functions over the configured phases.

The configuration's ``campaign.phases`` (``pipeline/bangfu.yaml``, class
``pipeline.core.config.Campaign``) lists the phases of 重大事故隐患专项排查整治2023行动 in
date order, each with its first and last day (ISO dates, both included).  ``phase_on``
gives the phase a date falls in, numbered from 1 in that order, or ``None`` outside the
campaign.  A week takes the phase of its last day (``phase_of_week``): the figures of a
week are stated as of its Sunday, and so is the phase.

No Dagster here: the derivations call these functions with the effective configuration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


class PhaseLike(Protocol):
    name: str
    start: str
    end: str
    subdistricts_as_targets: bool


@dataclass(frozen=True)
class CampaignPhase:
    """A phase of the campaign as the derivations use it."""
    number: int                    # 1 = the first configured phase
    name: str
    start: dt.date
    end: dt.date
    subdistricts_as_targets: bool

    @property
    def ordinal(self) -> str:
        """第二阶段."""
        return f"第{chinese_number(self.number)}阶段"

    @property
    def label(self) -> str:
        """第二阶段（企业自查自改和部门帮扶）."""
        return f"{self.ordinal}（{self.name}）"


def _as_date(day: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(str(day)[:10])


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (phase and section numbers, up to 99)."""
    digits = "零一二三四五六七八九十"
    if n <= 10:
        return digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def phases(configured: Iterable[PhaseLike]) -> list[CampaignPhase]:
    """The configured phases as CampaignPhase, numbered from 1."""
    return [CampaignPhase(i, p.name, _as_date(p.start), _as_date(p.end), bool(p.subdistricts_as_targets))
            for i, p in enumerate(configured, start=1)]


def phase_on(day: dt.date | dt.datetime | str, configured: Iterable[PhaseLike]) -> CampaignPhase | None:
    """The phase ``day`` falls in (first and last day included), ``None`` outside the campaign."""
    d = _as_date(day)
    return next((p for p in phases(configured) if p.start <= d <= p.end), None)


def phase_of_week(week_end: dt.date | dt.datetime | str,
                  configured: Iterable[PhaseLike]) -> CampaignPhase | None:
    """The phase of a reporting week: that of its last day (the Sunday)."""
    return phase_on(week_end, configured)
