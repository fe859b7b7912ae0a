"""Major hazards (重大隐患): judged against Order No.10, and followed to 销号.

* ``judge_hazards``: every hazard's description against the order (``judge.py``), once per
  distinct description and unit profile.  The result is the temp table ``judged`` (all
  hazards) and the week's ``hazard_judgement`` (the hazards found by week end that match an
  item or fall under another regime): a hazard logged 一般 that matches an item is a
  suspected major hazard (疑似重大隐患) until the bureau's review (复核结论) confirms it
  (确认重大: it is then a major hazard) or dismisses it (维持一般: it no longer counts).
* ``major_hazards`` (``sql/major_hazards.sql``): each major hazard's stage on the way to
  销号 (待挂牌 → 挂牌督办 → 整改中 → 待验收 → 已销号) and the next action from the
  configuration's ladder.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from assets.derive.judge import judge

MAJOR, GENERAL = "重大隐患", "一般隐患"
JUDGED_COLUMNS = ["hazard_id", "unit_id", "logged_level", "suggested_level", "article", "matched",
                  "scope_note", "review", "suspected"]


@lru_cache(maxsize=65536)
def judged(description, kind, flags: tuple, industry, category):
    return judge(description, kind, flags, industry, category)


def judge_hazards(con) -> pd.DataFrame:
    """Judge every hazard; leave them in the temp table ``judged``; return those of note."""
    hazards = con.execute("""SELECT h.hazard_id, h.unit_id, h.level, h.kind, h.description, h.review,
            coalesce(u.risk_flags, []) AS risk_flags, u.industry, u.category
        FROM hazards h JOIN units u USING (unit_id) ORDER BY h.hazard_id""").fetchall()
    rows = []
    for hazard_id, unit_id, level, kind, description, review, flags, industry, category in hazards:
        found = judged(description, kind, tuple(flags), industry, category)
        if found is None:
            continue
        suggested = MAJOR if found.article else level
        rows.append((hazard_id, unit_id, level, suggested, found.article, found.matched, found.scope_note,
                     review, bool(found.article) and level == GENERAL))
    frame = pd.DataFrame(rows, columns=JUDGED_COLUMNS)
    con.register("judged_frame", frame)
    con.execute("""CREATE OR REPLACE TEMP TABLE judged AS SELECT
        hazard_id::VARCHAR AS hazard_id, unit_id::VARCHAR AS unit_id, logged_level::VARCHAR AS logged_level,
        suggested_level::VARCHAR AS suggested_level, article::VARCHAR AS article, matched::VARCHAR AS matched,
        scope_note::VARCHAR AS scope_note, review::VARCHAR AS review, suspected::BOOLEAN AS suspected
        FROM judged_frame""")
    con.unregister("judged_frame")
    return frame
