"""The newest event in the ledgers (最近事件日期): which week is the latest complete one.

``bangfu run`` without ``--week`` and the ledger sensor run the latest Monday–Sunday week
ending on or before the newest found/fixed/visited/reviewed date (deadlines do not
count).  The ledgers are read as ingest reads them, into a throw-away in-memory
database: the warehouse is not touched.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import duckdb

from assets.ingest.load import install_cleaning_macros, stage_file, stage_table
from assets.ingest.read import LedgerError, discover, read_file
from pipeline.core.ledgers import BY_KEY, EVENT_DATES


def newest_event_date(raw: Path, today: dt.date) -> dt.date:
    """The newest event date on or before ``today``; LedgerError when there is none."""
    found, _, _ = discover(raw)
    con = duckdb.connect()
    install_cleaning_macros(con)
    newest: list[dt.date] = []
    with tempfile.TemporaryDirectory() as workdir:
        for key, columns in EVENT_DATES.items():
            if not found[key]:
                continue
            stage_table(con, BY_KEY[key])
            for lf in found[key]:
                for part in read_file(lf, Path(workdir))[0]:
                    stage_file(con, part)
            for col in columns:
                value = con.execute(f"""SELECT max(d) FROM (SELECT parse_date(norm({col})) AS d
                    FROM stg_{key} WHERE _skip IS NULL) WHERE d <= ?""", [today]).fetchone()[0]
                if value:
                    newest.append(value)
    con.close()
    if not newest:
        raise LedgerError([f"{raw}: 台账中没有任何事件日期，无法确定最近完整的一周；请用 --week 指定"])
    return max(newest)
