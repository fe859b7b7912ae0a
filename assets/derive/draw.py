"""The 双随机 draw (双随机抽查): unpredictable before, verifiable after.

A plan week's draw is made once, when the week before it is first derived, from a seed
taken from the operating system's secure random source (``secrets``), and recorded in
``draw_log`` with everything needed to check it: the seed, the register of units
(检查对象名录) and of officers (执法检查人员名录) it drew from, with their SHA-256, the
parameters, the result, the time drawn, the operator and witnesses, and the hash of the
configuration.  Every later run of that week reuses the recorded draw, whatever the
ledgers say by then, so outputs reproduce; nobody can compute a draw before it is made.
A new draw for a week already drawn happens only when a run's configuration asks for it
(``draw.redraw``: the reason), and is recorded beside the first (``draw_no`` 2, 3, …).

The draw itself (``draw``) is a pure function of the seed, the two registers and the
parameters, simple enough to redo by hand from the published results (docs/mechanism.md):

* every unit gets the key SHA-256("<seed>|unit|<unit id>") (hex); in key order, the first
  ``min_per_subdistrict`` units of each subdistrict are drawn, then the others in key order,
  until ``ceil(share × register size)`` units are drawn (never fewer than the first group);
* in that order, each drawn unit's officers are the licensed officers of the department
  competent for its category, not 包保 of that unit and with capacity left, taken in the
  order of SHA-256("<seed>|officer|<unit id>|<cadre id>"): the first ``officers_per_check``.
  When fewer are free the check is unstaffed, with the reason, and takes nobody.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import secrets
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from assets.derive.officers import licensed, shortfall
from pipeline.core.config import canonical, sha256
from pipeline.core.weeks import TIMEZONE, parse_week

ALGORITHM = "bangfu-draw-1"
FIRST = "首次抽取"
REDRAW = "重新抽取"
LOG_COLUMNS = ("plan_for", "draw_no", "week", "kind", "reason", "drawn_at", "operator",
               "witnesses", "run_id", "algorithm", "seed", "params", "params_sha256",
               "units_pool", "units_pool_sha256", "officers_pool", "officers_pool_sha256",
               "result", "result_sha256", "config_sha256")


def order_key(seed: str, *parts: str) -> str:
    return sha256("|".join((seed, *parts)))


def new_seed() -> str:
    """128 bits from the operating system's secure random source, as 32 hex digits."""
    return secrets.token_hex(16)


# ----------------------------------------------------------------------------- the draw


def draw(seed: str, units: list[list], officers: list[list], params: dict) -> list[dict]:
    """The drawn checks, in pick order.

    ``units``: [unit id, name, subdistrict, category]; ``officers``: [cadre id, department,
    checks left this week, [unit ids they 包保]]; ``params``: share, min_per_subdistrict,
    officers_per_check, competent (category → department)."""
    keyed = sorted(units, key=lambda u: order_key(seed, "unit", u[0]))
    first, per_sub = [], {}
    for u in keyed:
        if per_sub.get(u[2], 0) < params["min_per_subdistrict"]:
            first.append(u)
            per_sub[u[2]] = per_sub.get(u[2], 0) + 1
    taken = {u[0] for u in first}
    size = max(math.ceil(Decimal(str(params["share"])) * len(units)), len(first))
    drawn = (first + [u for u in keyed if u[0] not in taken])[:size]

    need = params["officers_per_check"]
    left = {o[0]: o[2] for o in officers}
    staff: dict[str, list[list]] = {}
    for o in officers:
        staff.setdefault(o[1], []).append(o)
    checks = []
    for pick, (unit_id, name, subdistrict, category) in enumerate(drawn, start=1):
        dept = params["competent"].get(category)
        team = staff.get(dept, [])
        recused = [o for o in team if unit_id in o[3]]
        full = [o for o in team if unit_id not in o[3] and left[o[0]] <= 0]
        free = sorted((o for o in team if unit_id not in o[3] and left[o[0]] > 0),
                      key=lambda o: order_key(seed, "officer", unit_id, o[0]))
        chosen, reason = [o[0] for o in free[:need]], None
        if len(chosen) < need:
            reason = shortfall(dept, len(team), len(recused), len(full), len(free), need)
            chosen = []
        for c in chosen:
            left[c] -= 1
        checks.append({"pick": pick, "unit_id": unit_id, "name": name, "subdistrict": subdistrict,
                       "category": category, "dept": dept, "officers": chosen, "reason": reason})
    return checks


def verify(record: dict) -> list[str]:
    """Problems found when redoing a recorded draw (empty: it checks out)."""
    problems = []
    for part in ("params", "units_pool", "officers_pool", "result"):
        if sha256(record[part]) != record[f"{part}_sha256"]:
            problems.append(f"{part} 的 SHA-256 与记录不符")
    again = canonical(draw(record["seed"], json.loads(record["units_pool"]),
                           json.loads(record["officers_pool"]), json.loads(record["params"])))
    if again != record["result"]:
        problems.append("按记录的种子和名录重新抽取，结果与记录不符")
    return problems


# ----------------------------------------------------------------------------- registers


def current_draws(con) -> dict[str, dict]:
    """The draw in force for every plan week drawn: its latest (plan_for → record)."""
    cur = con.execute(f"""SELECT {', '.join(LOG_COLUMNS)} FROM draw_log d
        WHERE draw_no = (SELECT max(draw_no) FROM draw_log x WHERE x.plan_for = d.plan_for)
        ORDER BY plan_for""")
    return {r[0]: dict(zip(LOG_COLUMNS, r, strict=True)) for r in cur.fetchall()}


def draws_of(con, plan_for: str | None) -> list[dict]:
    """Every draw of a plan week (of every week for ``None``), first to last, superseded
    ones included."""
    cur = con.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM draw_log WHERE $week IS NULL OR plan_for = $week "
                      "ORDER BY plan_for, draw_no", {"week": plan_for})
    return [dict(zip(LOG_COLUMNS, r, strict=True)) for r in cur.fetchall()]


def history_exclusions(records: dict[str, dict], plan_for: str, recent_days: int,
                       max_per_year: int) -> set[str]:
    """Units other draws in force rule out: drawn ``max_per_year`` times in the plan week's
    year, or drawn for a week starting within ``recent_days`` of this one's start."""
    start = parse_week(plan_for)
    times: dict[str, int] = {}
    recent: set[str] = set()
    for week, record in records.items():
        if week == plan_for:
            continue
        other = parse_week(week)
        for check in json.loads(record["result"]):
            if other.isocalendar()[0] == start.isocalendar()[0]:
                times[check["unit_id"]] = times.get(check["unit_id"], 0) + 1
            if abs((start - other).days) <= recent_days:
                recent.add(check["unit_id"])
    return recent | {u for u, n in times.items() if n >= max_per_year}


def unit_register(candidates: pd.DataFrame, excluded: set[str]) -> list[list]:
    """检查对象名录: [unit id, name, subdistrict, category], by unit id."""
    rows = candidates[~candidates.unit_id.isin(excluded)].sort_values("unit_id")
    return [[r.unit_id, r.name, r.subdistrict, r.category] for r in rows.itertuples()]


def officer_register(cadres: pd.DataFrame, depts: set[str], duty: pd.DataFrame, load: dict,
                     cap: int, valid_through: dt.date) -> list[list]:
    """执法检查人员名录: [cadre id, department, checks left, [units they 包保]], by cadre id:
    the licensed officers of the competent departments."""
    officers = licensed(cadres, valid_through)
    officers = officers[officers.dept.isin(depts)]
    duties: dict[str, list[str]] = {}
    for r in duty.itertuples():
        duties.setdefault(r.cadre_id, []).append(r.unit_id)
    return [[c.cadre_id, c.dept, max(0, cap - load.get(c.cadre_id, 0)), sorted(duties.get(c.cadre_id, []))]
            for c in officers.itertuples()]


# ----------------------------------------------------------------------------- the record


def week_draw(con, week: str, plan_for: str, registers, params: dict, options, config_hash: str,
              run_id: str | None = None, now: dt.datetime | None = None) -> dict:
    """The draw in force for ``plan_for``: the recorded one, or a new one recorded now.

    ``registers()`` gives the two registers, only computed when a draw is made.  A new draw
    replaces a recorded one only when ``options.redraw`` gives a reason, once: a request
    whose reason is the one the draw in force was made for, or a re-execution of the run
    that made it (``run_id``, its root run), reuses it."""
    found = draws_of(con, plan_for)
    latest = found[-1] if found else None
    reason = (options.redraw or "").strip()
    if latest and (not reason or latest["reason"] == reason
                   or (run_id is not None and latest["run_id"] == run_id)):
        return latest
    units, officers = registers()
    seed = new_seed()
    texts = {"params": canonical(params), "units_pool": canonical(units),
             "officers_pool": canonical(officers)}
    texts["result"] = canonical(draw(seed, units, officers, params))
    moment = (now or dt.datetime.now(ZoneInfo(TIMEZONE))).replace(microsecond=0)
    record = {
        "plan_for": plan_for, "draw_no": (latest["draw_no"] + 1) if latest else 1, "week": week,
        "kind": REDRAW if latest else FIRST, "reason": reason or None,
        "drawn_at": moment.isoformat(), "operator": (options.operator or "").strip() or None,
        "witnesses": canonical([w.strip() for w in options.witnesses if w.strip()]),
        "run_id": run_id, "algorithm": ALGORITHM, "seed": seed,
        **texts, **{f"{k}_sha256": sha256(v) for k, v in texts.items()},
        "config_sha256": config_hash,
    }
    con.execute(f"INSERT INTO draw_log ({', '.join(LOG_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(LOG_COLUMNS))})", [record[c] for c in LOG_COLUMNS])
    return record


SPOT_COLUMNS = ["plan_for", "draw_no", "pick", "unit_id", "name", "subdistrict", "category", "dept",
                "officer_1", "officer_2", "officers", "status", "reason"]


def checks_of(record: dict | None, units: pd.DataFrame, cadres: pd.DataFrame,
              valid_through: dt.date) -> pd.DataFrame:
    """The recorded draw's checks as the ledgers stand now: a unit closed (注销) since is not
    checked; an officer whose licence lapsed since leaves the check unstaffed."""
    if record is None:
        return pd.DataFrame(columns=SPOT_COLUMNS)
    status = dict(zip(units.unit_id, units.status, strict=True))
    officers = set(licensed(cadres, valid_through).cadre_id)
    rows = []
    for c in json.loads(record["result"]):
        state, reason = ("待检查", None) if c["officers"] else ("未派员", c["reason"])
        if status.get(c["unit_id"]) == "注销":
            state, reason = "不予检查", "抽取后该单位已注销（监管台账经营状态），不再检查"
        elif status.get(c["unit_id"]) is None:
            state, reason = "不予检查", "抽取后该单位已不在监管台账中，不再检查"
        elif lapsed := [o for o in c["officers"] if o not in officers]:
            state = "未派员"
            reason = f"抽取的执法人员{'、'.join(lapsed)}已无有效执法证，须由{c['dept']}按规定重新抽取"
        rows.append({"plan_for": record["plan_for"], "draw_no": record["draw_no"], "pick": c["pick"],
                     "unit_id": c["unit_id"], "name": c["name"], "subdistrict": c["subdistrict"],
                     "category": c["category"], "dept": c["dept"],
                     "officer_1": (c["officers"] + [None])[0], "officer_2": (c["officers"] + [None, None])[1],
                     "officers": c["officers"], "status": state, "reason": reason})
    return pd.DataFrame(rows, columns=SPOT_COLUMNS)
