"""The Dagster UI has no login: no phone or licence number may reach its event log."""

import re

from dagster import DagsterInstance

PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")  # not inside hashes
DECIMALS = re.compile(r"(?<=\d\.)\d+")


def test_no_phone_or_licence_number_in_the_event_log(demo_run, demo_warehouse, monkeypatch):
    import duckdb
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    licences = {lic for (lic,) in con.execute(
        "SELECT licence FROM cadres WHERE licence IS NOT NULL").fetchall()}
    phones = {p for (p,) in con.execute(
        "SELECT phone FROM cadres WHERE phone IS NOT NULL UNION SELECT phone FROM experts "
        "WHERE phone IS NOT NULL").fetchall()}
    con.close()
    assert phones and licences
    assert all(PHONE.fullmatch(p) for p in phones)  # the pattern would catch them
    monkeypatch.setenv("DAGSTER_HOME", str(demo_run[0] / "dagster_home"))   # the demo run's instance
    instance = DagsterInstance.get()
    runs = instance.get_runs()
    assert runs
    text = "\n".join(str(entry.to_json() if hasattr(entry, "to_json") else entry)
                     for run in runs for entry in instance.all_logs(run.run_id))
    assert "priority_targets" in text  # the log really holds the run's metadata
    assert not [p for p in phones if p in text]
    # durations are floats ("duration_ms": 6954.18084999983): their decimals are no phone
    assert not PHONE.findall(DECIMALS.sub("", text))
    assert not [lic for lic in licences if lic in text]
