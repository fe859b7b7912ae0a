"""Deterministic demo ledgers for Fengze district (丰泽区) as of 2023-08-13.

``generate(out_dir)`` writes the seven ledgers of ``pipeline.core.ledgers`` the way the
bureau would drop them into ``raw/``: a mix of .xlsx and .csv files (``fmt="mixed"``)
or plain UTF-8 CSV for every ledger (``fmt="csv"``, for benchmarks at large sizes).

At the reference size of 4,098 supervised units the data reproduce the published
figures of the assistance mechanism (10 精品, 69 标杆, 221 评审达标 enterprises,
1,400 demonstration posts, 77 reviews with 44 passed, 68 problems solved); at other
sizes every count scales in proportion.  Subdistricts have clear profiles (each one
over-represents the features of the department stationed there).  The same seed
always gives byte-identical files.

The district is Fengze as it is (docs/demo.md): the subdistricts' character, the industry
mix of an urban Quanzhou district, southern Fujian names, firms named and addressed as
registered, features that fit each industry (``profiles``: the consistency table), hazards
with their weight (a documented few major ones, and a documented few that MEM Order No.10
calls major logged as general), and the 2023 campaign's phases.

One module per ledger (units, hazards, departments, cadres, experts, visits, reviews),
shared helpers in ``common``, ``names``, ``unit_names``, ``profiles``, ``files`` and
``load``; the vocabularies and plans (names, places, industries, features, hazard
descriptions, the major and misjudged hazards, the Order No.10 items) are the CSV files of
``tables/``.  ``demo`` imports ``pipeline.core`` only.
"""

from demo.generate import generate

__all__ = ["generate"]
