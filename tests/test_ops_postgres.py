"""The production instance (deploy/dagster.yaml) on a real PostgreSQL server."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import PROJECT
from servers import postgres_server

pytestmark = pytest.mark.slow


def test_weekly_job_runs_on_a_postgres_backed_instance(tmp_path):
    with postgres_server() as port:
        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copyfile(PROJECT / "deploy" / "dagster.yaml", home / "dagster.yaml")
        env = {"DAGSTER_HOME": str(home), "BANGFU_PG_HOST": "127.0.0.1", "BANGFU_PG_PORT": str(port),
               "BANGFU_PG_USER": "postgres", "BANGFU_PG_PASSWORD": "", "BANGFU_PG_DB": "postgres",
               "BANGFU_RUN_DATE": "2023-08-20", "PATH": "/usr/bin:/bin"}
        cmd = [sys.executable, "-m", "pipeline.cli", "run", "--raw", str(PROJECT / "raw"),
               "--out", str(tmp_path / "out"), "--week", "2023-W31",
               "--warehouse", str(tmp_path / "w.duckdb")]
        done = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        manifest = json.loads((tmp_path / "out" / "2023-W31" / "manifest.json").read_text("utf-8"))
        assert manifest["figures"]["supervised_units"] == 4098

        import psycopg2
        with psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres") as db:
            cur = db.cursor()
            cur.execute("SELECT status, count(*) FROM runs GROUP BY status")
            assert dict(cur.fetchall()) == {"SUCCESS": 1}
            cur.execute("SELECT count(*) FROM event_logs WHERE dagster_event_type = "
                        "'ASSET_MATERIALIZATION'")
            assert cur.fetchone()[0] >= 10
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'postgres' "
                        "AND pid <> pg_backend_pid()")
            assert cur.fetchone()[0] == 0  # the run closed its connections
