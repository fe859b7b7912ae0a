"""The house holds its shape: imports run one way, stages meet only in the warehouse,
each rule has one home, and the PDF workers carry nothing they do not need."""

import re
import subprocess
import sys

from conftest import PROJECT


def test_import_contracts_are_kept():
    done = subprocess.run([str(PROJECT / ".venv" / "bin" / "lint-imports")], cwd=PROJECT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_no_asset_lives_in_a_package_init():
    for init in (PROJECT / "assets").rglob("__init__.py"):
        text = init.read_text(encoding="utf-8")
        assert "@asset" not in text and "multi_asset" not in text and "import" not in text, init


def test_a_pdf_worker_imports_neither_dagster_nor_the_warehouse():
    probe = ("import sys, assets.report.render; "
             "print(sorted(m for m in ('dagster', 'duckdb', 'pandas', 'openpyxl', 'scipy') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def stage_sources():
    for path in sorted((PROJECT / "assets").rglob("*")):
        if path.suffix in (".py", ".sql"):
            yield path, path.read_text(encoding="utf-8")


def test_each_shared_rule_has_one_home():
    """注销 (not supervised), "open at a date" and the major-accident flags are written only
    in pipeline/core (macros.sql and the ledger contract); the stages call the macros."""
    open_rule = re.compile(r"fixed_on\s+IS\s+NULL\s+OR\s+fixed_on\s*>", re.IGNORECASE)
    for path, text in stage_sources():
        assert "'注销'" not in text, path
        assert not open_rule.search(text), path
        assert "'有限空间作业'" not in text, path


def test_values_are_bound_not_formatted_into_sql():
    """Dates, paths and configuration maps reach DuckDB as parameters."""
    formatted = re.compile(r"DATE '\{|read_csv\(\s*\{|SET VARIABLE \w+ = \{|MAP \{\{")
    for path, text in stage_sources():
        assert not formatted.search(text), path
