"""Raw files are sealed by sha256 sidecars: verify names a changed file; rehash re-seals with a note."""

import yaml

from woonzorg_lib import provenance

from .conftest import run_cli


def test_every_raw_file_has_complete_provenance():
    files = provenance.raw_files()
    assert len(files) >= 17
    for f in files:
        meta = provenance.load_sidecar(f)
        assert meta["licentie"].startswith("CC BY 4.0")
        assert "CBS" in meta["attributie"]
        assert meta["cbs_tabellen"] and all(t["id"] and t["titel"] for t in meta["cbs_tabellen"])
        assert meta["peildata"]
        assert meta["sha256"] == provenance.sha256_of(f)
    assert provenance.verify() == []


def test_changed_byte_fails_verify_then_rehash_passes(raw_copy):
    f = raw_copy / "population_totals.csv"
    data = bytearray(f.read_bytes())
    i = data.index(b"31976")  # Echt-Susteren 2014
    data[i + 4] = ord("7")
    f.write_bytes(bytes(data))
    res = run_cli("data", "verify")
    assert res.returncode != 0
    assert "population_totals.csv" in res.stderr
    res = run_cli("data", "rehash", f, "--note", "test: correctie Echt-Susteren 2014")
    assert res.returncode == 0, res.stderr
    meta = yaml.safe_load((raw_copy / "population_totals.csv.meta.yml").read_text())
    assert meta["wijzigingen"][-1]["notitie"] == "test: correctie Echt-Susteren 2014"
    assert meta["sha256"] == provenance.sha256_of(f)
    res = run_cli("data", "verify")
    assert res.returncode == 0, res.stderr


def test_rehash_needs_a_note(raw_copy):
    res = run_cli("data", "rehash", raw_copy / "regions.csv", "--note", " ")
    assert res.returncode == 2 and "--note" in res.stderr
