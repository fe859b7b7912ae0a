"""The SQL variables of a derive run (派生变量): the week's dates, the draw's limits, the
scoring weights and the follow-up ladder, all bound as values."""

from __future__ import annotations

import datetime as dt

from pipeline.core.campaign import phase_of_week
from pipeline.core.config import BangfuConfig
from pipeline.core.ledgers import CATEGORIES
from pipeline.core.warehouse import set_week


def set_variables(con, start: dt.date, cfg: BangfuConfig) -> None:
    """The week's variables and the scoring weights, bound as values."""
    set_week(con, start)
    s = cfg.scoring
    phase = phase_of_week(start + dt.timedelta(days=6), cfg.campaign.phases if cfg.campaign else [])
    scalars = {
        "bureau": cfg.bureau,
        "trend_first": dt.date.fromisocalendar(start.isocalendar()[0], 1, 1),
        "hazard_general": s.hazard_general, "hazard_major": s.hazard_major,
        "overdue_factor": s.overdue_factor, "accident": s.accident,
        "accidents_cap": s.accidents_cap, "inspection_per_30_days": s.inspection_per_30_days,
        "inspection_cap": s.inspection_cap, "size_per_log10": s.size_per_log10,
        "recent_days": cfg.spot_checks.recent_days,
        "subdistricts_as_targets": bool(phase and phase.subdistricts_as_targets),
        "remind_days": cfg.majors.remind_days if cfg.majors else 7,
        "escalate_days": cfg.majors.escalate_days if cfg.majors else 30,
    }
    for name, value in scalars.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])
    for name, weights in (("flag_weights", s.flags), ("grade_weights", s.grade)):
        con.execute(f"SET VARIABLE {name} = map(?::VARCHAR[], ?::DOUBLE[])",
                    [list(weights), [float(v) for v in weights.values()]])
    con.execute("SET VARIABLE categories = ?::VARCHAR[]", [list(CATEGORIES)])
