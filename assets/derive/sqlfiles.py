"""The derive stage's SQL, one named file per table in ``sql/``, read once per process."""

from pathlib import Path

from pipeline.core.warehouse import named_sql

SQL_DIR = Path(__file__).with_name("sql")


def sql(name: str) -> str:
    return named_sql(str(SQL_DIR), name)
