"""The reviewer's check on the command line, offline: `woonzorg data fetch --region <new 3-gemeente region>`
with recorded replies (WOONZORG_CBS_REPLAY), then `woonzorg data build`; and a fault leaves data/raw as it was.

The recorded replies (tests/fixtures/cbs/noord-limburg/) are shaped like CBS OData v3 ``ODataFeed`` replies
(docs/cbs_odata.md §1.1); the values of the three gemeenten in them are SYNTHETIC (make_fixtures.py).
"""

from pathlib import Path

import pandas as pd

from .conftest import run_cli, tree_hashes

FIX = Path(__file__).resolve().parent / "fixtures" / "cbs"
REGION = FIX / "noord-limburg-test.yaml"


def test_cli_fetch_then_build_for_a_region_outside_the_snapshot(raw_copy):
    env = {"WOONZORG_CBS_REPLAY": str(FIX / "noord-limburg"), "WOONZORG_CBS_BACKOFF": "0"}
    res = run_cli("data", "fetch", "--region", REGION, env_extra=env)
    assert res.returncode == 0, res.stderr
    assert "REPLAY" in res.stdout and "03759ned" in res.stdout and "population_5y.csv" in res.stdout
    res = run_cli("data", "build")
    assert res.returncode == 0, res.stderr
    processed = raw_copy.parent / "processed"
    tot = pd.read_csv(processed / "bevolking_totaal.csv", dtype={"gemeentecode": str})
    assert {"GM0983", "GM0984", "GM1507"} <= set(tot["gemeentecode"])
    assert run_cli("data", "verify").returncode == 0


def test_cli_fault_names_table_and_failure_and_changes_nothing(raw_copy):
    before = tree_hashes(raw_copy)
    env = {"WOONZORG_CBS_BACKOFF": "0"}
    res = run_cli("data", "fetch", "--region", REGION, "--replay", FIX / "faults" / "timeout", env_extra=env)
    assert res.returncode == 2
    assert "CBS-tabel 03759ned" in res.stderr and "time-out" in res.stderr and "Traceback" not in res.stderr
    assert tree_hashes(raw_copy) == before
