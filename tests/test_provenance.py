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


def test_cbs_sources_are_kept_as_obtained_with_their_origin():
    """Files from ../shared/sources carry repository, commit and path; the PC4 tables and 85644NED are there."""
    files = {f.relative_to(provenance.paths.raw_dir()).as_posix(): f for f in provenance.raw_files()}
    for name in ("cbs/82245NED.csv.gz", "cbs/37602ned.csv.gz", "cbs/85644NED.csv.gz", "pc4_2021/postcodes.csv.gz",
                 "boundaries_2023/gemeenten_2023_v1.geojson.gz"):
        meta = provenance.load_sidecar(files[name])
        assert meta["repository"].startswith("github.com/") and meta["commit"] and meta["pad"], name
        assert meta["licentie"].startswith("CC BY 4.0") and "Bron: CBS" in meta["attributie"]
    # gzip as obtained: the raw file is byte-identical to a gzip stream (magic number)
    assert files["cbs/82245NED.csv.gz"].read_bytes()[:2] == b"\x1f\x8b"


def test_changed_byte_fails_verify_then_rehash_passes(raw_copy):
    f = raw_copy / "kwb" / "kwb-2019.csv"
    data = bytearray(f.read_bytes())
    i = data.index(b"Appingedam,GM0003,11721")  # inwoners Appingedam 1-1-2019
    data[i + len("Appingedam,GM0003,1172")] = ord("2")
    f.write_bytes(bytes(data))
    res = run_cli("data", "verify")
    assert res.returncode != 0
    assert "kwb-2019.csv" in res.stderr
    res = run_cli("data", "rehash", f, "--note", "test: correctie Appingedam 2019")
    assert res.returncode == 0, res.stderr
    meta = yaml.safe_load((raw_copy / "kwb" / "kwb-2019.csv.meta.yml").read_text())
    assert meta["wijzigingen"][-1]["notitie"] == "test: correctie Appingedam 2019"
    assert meta["sha256"] == provenance.sha256_of(f)
    res = run_cli("data", "verify")
    assert res.returncode == 0, res.stderr


def test_rehash_needs_a_note(raw_copy):
    res = run_cli("data", "rehash", raw_copy / "regions.csv", "--note", " ")
    assert res.returncode == 2 and "--note" in res.stderr
