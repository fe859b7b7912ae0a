"""帮扶服务记录 (assistance service records): each visit of a cadre and/or experts to a unit —
执法检查 (inspection), 专家指导 (expert guidance), 培训 (training) or 评审观摩 (peer firms
watching a review) — with the problems found and solved (发现问题数, 解决问题数), and now and then a practice
worth spreading (典型做法) seen on the visit.

Mostly from April (when the mechanism starts), mostly on 工贸 firms and on the key
enterprises each bureau cadre is paired with; 68 problems solved at the reference size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo.common import (
    AS_OF,
    MECHANISM_START,
    draw_days,
    fmt_ids,
    join,
    norm,
    pick_by_share,
    scaled,
    weighted_sample,
)
from demo.departments import BUREAU
from demo.experts import ExpertPicker, unit_domains
from demo.files import frame
from demo.reviews import Reviews
from demo.units import Units
from pipeline.core.ledgers import CATEGORIES, RISK_FLAGS, SUBDISTRICTS, VISITS

N_VISITS = 400            # besides the 评审观摩 visits that come with reviews
N_KEY_UNITS = 72          # 43 enterprises each paired with a bureau cadre + 29 key targets
PROBLEMS_SOLVED = 68
VISITS_FROM = np.datetime64("2023-02-06")
VISIT_KINDS_BEFORE = {"执法检查": 0.8, "培训": 0.2}
VISIT_KINDS_AFTER = {"执法检查": 0.42, "专家指导": 0.43, "培训": 0.15}
EXTRA_PROBLEMS = {"执法检查": 1.0, "专家指导": 1.5, "培训": 0.2, "评审观摩": 0.3}
SOLVED_WEIGHT = {"执法检查": 1.0, "专家指导": 3.0, "培训": 1.0, "评审观摩": 1.0}

# 典型做法: what a visit may record as worth spreading, by the unit's first risk feature in
# this order, else by its category; at most one visit per text.  A few in the demo week
# (2023-W32), a few more since the second phase of the campaign began.
PRACTICES = {
    "粉尘涉爆": "企业落实粉尘清扫制度，除尘系统每班点检、每日清扫并拍照留痕，清扫记录张贴在车间入口",
    "涉氨制冷": "企业在氨制冷机房安装泄漏报警与事故排风联锁，每月开展一次液氨泄漏应急演练",
    "有限空间作业": "企业对有限空间逐一编号挂牌，作业前审批、先通风再检测后作业，监护人全程在场",
    "金属冶炼": "企业在熔炼炉周边设置防水隔离区，每班开炉前检查冷却水系统并填写确认单",
    "危险化学品使用": "企业建立危化品领用台账，按班次限量领用，当班剩余退库并双人签字",
    "自建厂房": "企业请有资质单位对自建厂房做安全鉴定，按鉴定意见加固，并清退厂房内住人",
    "临山临水": "企业汛前排查边坡和排水沟，制定雨天巡查和人员撤离方案，明确专人负责",
    "工贸企业": "企业推行班组隐患随手拍，员工上报隐患经核实给予积分奖励，班组每周讲评",
    "在建施工项目": "项目部坚持每日班前安全讲话，每周组织建设、施工、监理三方联合检查",
    "住宿餐饮": "门店厨房燃气管道加装泄漏报警和自动切断阀，员工每月参加一次灭火器实操",
    "文旅场所": "场所每日营业前由值班经理检查疏散通道和安全出口，在交接班记录上签字确认",
    "学校": "学校每月组织一次师生应急疏散演练，校园微型消防站做到三分钟到场",
    "医院": "医院对病区消防设施实行楼层责任制，夜间安排专人巡查并记录氧气间状况",
    "福利机构": "养老机构为失能老人床位标注疏散等级，夜班护理员按等级熟练开展疏散演练",
}
PRACTICE_WEEK = (np.datetime64("2023-08-07"), AS_OF)          # the demo week: 3 visits
PRACTICE_EARLIER = (np.datetime64("2023-05-01"), np.datetime64("2023-08-06"), 5)


@dataclass
class Visits:
    day: np.ndarray
    unit: np.ndarray
    kind: np.ndarray
    cadre: np.ndarray        # cadre_id or ''
    experts: list[list[int]]
    found: np.ndarray
    solved: np.ndarray
    practice: np.ndarray | None = None   # 典型做法 or ''


def key_units(rng, units: Units, n_units: int) -> np.ndarray:
    """Key enterprises (包保 and assistance targets): active, risky, larger 工贸 firms."""
    risk = 1.0 + units.special.sum(axis=1)
    weight = np.where(units.active & units.is_cat("工贸企业"), risk * np.log1p(units.employees), 0.0)
    return rng.permutation(weighted_sample(rng, weight, max(1, scaled(N_KEY_UNITS, n_units))))


def _visit_units(rng, units: Units, key: np.ndarray, n: int) -> np.ndarray:
    """Visited units: a little over half on key enterprises, the rest mostly other 工贸 firms."""
    on_key = rng.random(n) < 0.55
    cat_w = np.where(units.is_cat("工贸企业"), 1.0, 0.08)
    others = rng.choice(units.n, size=n, p=norm(np.where(units.active, cat_w, 0.0)))
    if key.size == 0:
        return others
    return np.where(on_key, key[rng.integers(0, key.size, size=n)], others)


def _visit_cadres(rng, kinds: np.ndarray, unit: np.ndarray, key: np.ndarray,
                  cadres: pd.DataFrame) -> np.ndarray:
    """干部工号: 执法检查 by licensed cadres, the paired bureau cadre on key firms, some blank."""
    ids = cadres["cadre_id"].to_numpy(dtype=object)
    bureau = ids[cadres["dept"].to_numpy() == BUREAU]
    team = ids[cadres["on_team"].to_numpy() == "是"]
    licensed = ids[cadres["licence"].to_numpy() != ""]
    paired = {int(u): bureau[i % bureau.size] for i, u in enumerate(key[: bureau.size])}
    n = kinds.size
    own = np.array([paired.get(int(u), "") for u in unit], dtype=object)
    any_cadre = np.where(rng.random(n) < 0.5, team[rng.integers(0, team.size, n)],
                         bureau[rng.integers(0, bureau.size, n)])
    own_ok = (own != "") & (rng.random(n) < 0.6)
    cadre = np.where(own_ok, own, any_cadre)
    enforce = kinds == "执法检查"
    cadre = np.where(enforce & ~np.isin(cadre, licensed), licensed[rng.integers(0, licensed.size, n)], cadre)
    blank = ((kinds == "专家指导") & (rng.random(n) < 0.25)) | ((kinds == "评审观摩") & (rng.random(n) < 0.3))
    return np.where(blank, "", cadre).astype(object)


def _visit_kinds(rng, days: np.ndarray) -> np.ndarray:
    """服务方式: inspections and training before April, expert guidance joins after."""
    before = days < MECHANISM_START
    early = pick_by_share(rng, VISIT_KINDS_BEFORE, days.size)
    late = pick_by_share(rng, VISIT_KINDS_AFTER, days.size)
    return np.where(before, early, late).astype(object)


def _observer_visits(rng, reviews: Reviews, units: Units) -> tuple[list, list, list]:
    """评审观摩 visits: peer firms of the same subdistrict watching a review on site."""
    pool = units.active & units.is_cat("工贸企业")
    peers_of = [np.flatnonzero(pool & (units.sub == s)) for s in range(len(SUBDISTRICTS))]
    watched = np.flatnonzero((reviews.observers > 0) & (rng.random(reviews.unit.size) < 0.6))
    watched = np.repeat(watched, 1 + (rng.random(watched.size) < 0.3))      # one or two visitors
    days, rows, experts = [], [], []
    for i, r in zip(watched, rng.random(watched.size), strict=True):
        u = reviews.unit[i]
        peers = peers_of[units.sub[u]]
        peer = peers[int(r * peers.size)] if peers.size > 1 else u
        if peer == u or (rows and rows[-1] == peer and days[-1] == reviews.day[i]):
            continue
        days.append(reviews.day[i])
        rows.append(int(peer))
        experts.append(list(reviews.experts[i][:2]))   # the lead reviewers
    return days, rows, experts


def _wanted_experts(rng, kinds: np.ndarray) -> np.ndarray:
    """How many experts each visit asks for (评审观摩 visits bring the reviewers)."""
    n = kinds.size
    return np.select([kinds == "执法检查", kinds == "专家指导", kinds == "培训"],
                     [(rng.random(n) < 0.6).astype(int), 1 + (rng.random(n) < 0.3),
                      (rng.random(n) < 0.3).astype(int)], 0)


def plan_visits(rng, units: Units, reviews: Reviews, cadres: pd.DataFrame, picker: ExpertPicker,
                key: np.ndarray, n_units: int) -> Visits:
    """帮扶服务记录: mostly from April, mostly 工贸, experts by domain; 评审观摩 from reviews."""
    n = scaled(N_VISITS, n_units)
    days = draw_days(rng, n, VISITS_FROM, AS_OF, growth=0.8, off_day_weight=0.03,
                     boost_from=MECHANISM_START, boost=8.0)
    kinds = _visit_kinds(rng, days)
    unit = _visit_units(rng, units, key, n)
    o_days, o_units, o_experts = _observer_visits(rng, reviews, units)
    days = np.concatenate([days, np.array(o_days, dtype="datetime64[D]")])
    unit = np.concatenate([unit, np.array(o_units, dtype=np.int64)])
    kinds = np.concatenate([kinds, np.full(len(o_days), "评审观摩", dtype=object)])
    order = np.argsort(days, kind="stable")
    days, unit, kinds = days[order], unit[order], kinds[order]
    experts_of = ([[]] * n + o_experts)
    experts = [list(experts_of[i]) for i in order]

    domains = unit_domains(units)
    wanted = _wanted_experts(rng, kinds)
    for i in range(days.size):
        if kinds[i] != "评审观摩":
            experts[i] = picker.pick(rng, int(domains[unit[i]]), int(unit[i]), days[i], int(wanted[i]))
    return Visits(day=days, unit=unit, kind=kinds, cadre=_visit_cadres(rng, kinds, unit, key, cadres),
                  experts=experts, found=np.zeros(days.size, dtype=np.int64),
                  solved=np.zeros(days.size, dtype=np.int64))


def count_problems(rng, visits: Visits, attached: np.ndarray, n_units: int) -> None:
    """发现问题数 = hazards recorded from the visit + minor ones; 解决问题数 sums to the total."""
    extra = np.array([EXTRA_PROBLEMS[k] for k in visits.kind])
    visits.found = attached + rng.poisson(extra)
    slots = np.repeat(np.arange(visits.found.size), visits.found)
    weight = np.array([SOLVED_WEIGHT[k] for k in visits.kind])[slots]
    chosen = weighted_sample(rng, weight, scaled(PROBLEMS_SOLVED, n_units))
    visits.solved = np.bincount(slots[chosen], minlength=visits.found.size)


def _practice_key(units: Units, u: int) -> str:
    for flag in PRACTICES:
        if flag in RISK_FLAGS and units.flag(flag)[u]:
            return flag
    return CATEGORIES[int(units.cat[u])]


def mark_practices(rng, visits: Visits, units: Units) -> None:
    """典型做法 on a few 执法检查 / 专家指导 visits: three in the demo week, five before it
    (fewer at small sizes), one visit per text.  ``rng`` is the generator's own, so the
    other columns do not change."""
    practice = np.full(visits.day.size, "", dtype=object)
    used: set[str] = set()
    fit = np.isin(visits.kind, ["执法检查", "专家指导"])
    for first, last, count in (PRACTICE_WEEK + (3,), PRACTICE_EARLIER):
        rows = np.flatnonzero(fit & (visits.day >= first) & (visits.day <= last))
        for i in rng.permutation(rows):
            if count == 0:
                break
            key = _practice_key(units, int(visits.unit[i]))
            if key in PRACTICES and key not in used:
                used.add(key)
                practice[i] = PRACTICES[key]
                count -= 1
    visits.practice = practice


def visits_frame(v: Visits, units: Units, experts: pd.DataFrame, dates) -> pd.DataFrame:
    """The ledger with its Chinese headers; ``dates`` formats 服务日期."""
    width = max(4, len(str(v.day.size)))
    return frame(VISITS, {
        "visit_id": fmt_ids("FW2023", np.arange(1, v.day.size + 1), width),
        "visited_on": dates(v.day), "unit_id": units.unit_id[v.unit], "cadre_id": v.cadre,
        "expert_ids": join(experts["expert_id"].to_numpy(), v.experts),
        "kind": v.kind, "problems_found": v.found, "problems_solved": v.solved,
        "good_practice": v.practice if v.practice is not None else np.full(v.day.size, "", dtype=object),
    })
