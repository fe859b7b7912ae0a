"""区直单位 (district departments): the bureau (区应急管理局) and the departments of the
district government, each with the supervision domains (职责领域) it answers for and
whether it takes part in the assistance mechanism (是否参与帮扶).  Eight departments
send members to the 30-strong 帮扶工作队.  The rows are tables/departments.csv.
"""

from __future__ import annotations

import pandas as pd

from demo.files import frame
from demo.load import rows
from pipeline.core.ledgers import DEPARTMENTS

BUREAU = "区应急管理局"


def participating() -> list[str]:
    """Departments taking part in the assistance mechanism, in file order."""
    return [r["department"] for r in rows("departments") if r["participates"] == "是"]


def team_seats() -> list[str]:
    """One entry per 帮扶工作队 member: the department that sends them."""
    return [r["department"] for r in rows("departments") if r["participates"] == "是"
            for _ in range(int(r["team_members"]))]


def departments_frame() -> pd.DataFrame:
    """The ledger with its Chinese headers."""
    table = pd.DataFrame({
        "dept": [r["department"] for r in rows("departments")],
        "domains": [r["domains"] for r in rows("departments")],
        "participates": [r["participates"] for r in rows("departments")],
    })
    return frame(DEPARTMENTS, table)
