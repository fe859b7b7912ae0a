"""专家库 (expert pool): the 43 safety experts the bureau can send, with their domains
(专业领域), employer (工作单位), resident experts (驻局专家) and a weekly cap on services
(每周服务上限).  Employers are the bodies experts come from (tables/expert_employers.csv):
safety consultancies, fire-service firms, design institutes, universities, retirees of a
bureau.  A few work as safety managers of well-run supervised firms (精品 or 标杆, never one
with a major hazard: ``demo.hazards`` leaves those firms out) and must never be sent there.

``ExpertPicker`` chooses the experts for reviews and visits by the unit's domain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from demo.common import PERIOD_START, pick, weighted_sample
from demo.load import grouped
from demo.names import person_names, phones, zihao
from demo.units import Units
from pipeline.core.ledgers import EXPERT_DOMAINS

EXPERT_PRIMARY = {"工贸": 16, "消防安全": 9, "建筑工程": 7, "危险化学品（烟花爆竹）": 6, "防汛抗旱": 5}
N_CONFLICTED_EXPERTS = 3
N_RESIDENT_EXPERTS = 5


def _expert_domains(rng) -> list[list]:
    """[primary domain, all domains] per expert: fixed primaries, up to two more domains."""
    primaries = rng.permutation([d for d, k in EXPERT_PRIMARY.items() for _ in range(k)])
    out = []
    for primary in primaries:
        extra = rng.choice(3, p=[0.45, 0.40, 0.15])
        others = [d for d in EXPERT_DOMAINS if d != primary]
        chosen = {primary, *rng.choice(others, size=extra, replace=False)}
        out.append([d for d in EXPERT_DOMAINS if d in chosen])   # contract order
    return [list(x) for x in zip(primaries, out, strict=True)]


def _employers(rng, primaries: list[str]) -> list[str]:
    """工作单位 by primary domain (tables/expert_employers.csv); {zh} is a drawn 字号."""
    options = grouped("expert_employers", "domain", "employer")
    employers = []
    for primary in primaries:
        template = str(pick(rng, options[primary], 1)[0])
        employers.append(template.format(zh=zihao(rng, 1)[0]))
    return employers


def _place_conflicts(rng, units: Units, primaries: list[str], employers: list[str]) -> dict[int, int]:
    """A few 工贸 experts work at tiered firms; returns unit row -> expert row."""
    trade_experts = [i for i, p in enumerate(primaries) if p == "工贸"]
    conflicted = trade_experts[:N_CONFLICTED_EXPERTS]
    well_run = units.active & np.isin(units.tier, ["精品", "标杆"]) & units.is_cat("工贸企业")
    big_firms = weighted_sample(rng, np.where(well_run, np.log1p(units.employees), 0.0), len(conflicted))
    conflicts = {}
    for e, u in zip(conflicted, big_firms, strict=False):   # fewer firms at tiny sizes
        employers[e] = units.name[u]
        conflicts[int(u)] = e
    return conflicts


def build_experts(rng, units: Units, names: set[str], phone_numbers: set[str]) -> tuple[pd.DataFrame, dict]:
    """The 43-expert pool and its conflicts of interest (unit row -> expert row)."""
    pairs = _expert_domains(rng)
    n = len(pairs)
    primaries = [p for p, _ in pairs]
    employers = _employers(rng, primaries)
    conflicts = _place_conflicts(rng, units, primaries, employers)
    resident = np.zeros(n, dtype=bool)
    resident[rng.choice(n, size=N_RESIDENT_EXPERTS, replace=False)] = True
    cap = np.where(resident, rng.integers(5, 7, size=n), rng.integers(2, 6, size=n))
    table = pd.DataFrame({
        "expert_id": [f"ZJ{i + 1:03d}" for i in range(n)],
        "name": person_names(rng, n, names),
        "domains": ["、".join(d) for _, d in pairs],
        "employer": employers,
        "phone": phones(rng, n, phone_numbers),
        "resident": np.where(resident, "是", "否"),
        "weekly_cap": cap,
    })
    return table, conflicts


def unit_domains(units: Units) -> np.ndarray:
    """The expert domain (index into EXPERT_DOMAINS) that best fits each unit."""
    d = {name: i for i, name in enumerate(EXPERT_DOMAINS)}
    rules = [  # first match wins; everything else needs fire safety
        (units.is_cat("在建施工项目"), "建筑工程"),
        (units.flag("危险化学品使用"), "危险化学品（烟花爆竹）"),
        (units.flag("临山临水") & ~units.is_cat("工贸企业"), "防汛抗旱"),
        (units.is_cat("工贸企业"), "工贸"),
    ]
    return np.select([m for m, _ in rules], [d[name] for _, name in rules], d["消防安全"])


class ExpertPicker:
    """Chooses experts by domain, skipping conflicts and, while possible, full weekly caps."""

    def __init__(self, experts: pd.DataFrame, conflicts: dict[int, int]):
        self.has = np.array([[d in set(x.split("、")) for d in EXPERT_DOMAINS] for x in experts["domains"]])
        self.base = np.where(experts["resident"].to_numpy() == "是", 1.5, 1.0)
        self.cap = experts["weekly_cap"].to_numpy()
        self.conflicts = conflicts
        self.load: dict[int, np.ndarray] = {}

    def pick(self, rng, domain: int, unit: int, day, k: int) -> list[int]:
        """``k`` expert rows for a service to ``unit`` on ``day`` (none if k <= 0)."""
        if k <= 0:
            return []
        weight = self.base * np.where(self.has[:, domain], 3.0, 0.3)
        if unit in self.conflicts:
            weight[self.conflicts[unit]] = 0.0
        week = int((day - PERIOD_START).astype(int)) // 7
        load = self.load.setdefault(week, np.zeros(self.cap.size, dtype=np.int64))
        free = load < self.cap
        if ((weight > 0) & free).sum() >= k:
            weight = weight * free
        chosen = weighted_sample(rng, weight, k)
        load[chosen] += 1
        return [int(i) for i in chosen]
