"""Regions as config: the four shipped regions, user region files, and clear errors."""

import textwrap

import pytest

from woonzorg_lib import regions
from woonzorg_lib.commands.regions import population_2024
from woonzorg_lib.errors import DataMissingError, InputError

from .conftest import run_cli


def test_shipped_regions_have_the_right_gemeenten():
    got = {r.slug: len(r.gemeenten) for r in regions.list_regions()}
    assert got == {"midden-limburg": 7, "enschede": 8, "twente": 14, "utrecht": 26}


def test_subregions_partition_the_region():
    for r in regions.list_regions():
        members = [c for codes in r.subregios.values() for c in codes]
        assert len(members) == len(set(members))
        if r.subregios:
            assert set(members) == set(r.gemeenten), r.slug
    tw = regions.load_region("twente")
    assert {k: len(v) for k, v in tw.subregios.items()} == {"Centrumgemeente Almelo": 6, "Centrumgemeente Enschede": 8}
    ens = regions.load_region("enschede")
    assert set(ens.gemeenten) == set(tw.subregios["Centrumgemeente Enschede"])


def test_population_2024_matches_cbs():
    # CBS 85644NED, 1 January 2024; Midden-Limburg per the issue: 242,573
    assert population_2024(regions.load_region("midden-limburg")) == 242_573
    # Roermond 60,743 and Weert 51,079 (also confirmed by ml5.nl, see docs/provenance_reference_extracts.md)
    one = regions.Region(slug="x", naam="x", gemeenten=("GM0957", "GM0988"))
    assert population_2024(one) == 60_743 + 51_079


def _write(tmp_path, text, name="mijn.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_user_region_file_by_path_works(tmp_path):
    p = _write(tmp_path, """\
        slug: drie
        naam: Drie gemeenten
        gemeenten: [GM0957, GM0988, GM0153]
        """)
    r = regions.load_region(p)
    assert r.gemeenten == ("GM0957", "GM0988", "GM0153")
    res = run_cli("regions", "--region", p)
    assert res.returncode == 0, res.stderr
    assert "drie" in res.stdout and "3" in res.stdout


def test_unknown_code_is_named(tmp_path):
    p = _write(tmp_path, """\
        slug: fout
        naam: Fout
        gemeenten:
          - GM0957
          - GM9999
          - GM8888
        """)
    with pytest.raises(InputError) as e:
        regions.load_region(p)
    msg = str(e.value)
    assert "GM9999" in msg and "GM8888" in msg and str(p) in msg and "regel 5" in msg
    res = run_cli("regions", "--region", p)
    assert res.returncode == 2 and "GM9999" in res.stderr and "Traceback" not in res.stderr


def test_every_gemeente_has_data_now(tmp_path):
    """The national snapshot covers all 342: a region outside the former 47 loads without fetching."""
    p = _write(tmp_path, "slug: gr\nnaam: Groningen\ngemeenten: [GM0014, GM0037]\n")
    assert regions.load_region(p).gemeenten == ("GM0014", "GM0037")
    assert len(regions.snapshot_codes()) == 342


def test_real_gemeente_without_data_says_how_to_fetch(tmp_path, monkeypatch):
    """A snapshot without the national CBS files (only the gemeente list) still says how to fetch."""
    import shutil

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(regions.paths.raw_dir() / "gemeenten_nl_2024_2025.csv", raw)
    monkeypatch.setenv("WOONZORG_RAW", str(raw))
    p = _write(tmp_path, "slug: gr\nnaam: Groningen\ngemeenten: [GM0014]\n")
    with pytest.raises(DataMissingError) as e:
        regions.load_region(p)
    assert "GM0014" in str(e.value) and "Groningen" in str(e.value) and "woonzorg data fetch" in str(e.value)


def test_twelve_province_files_cover_every_gemeente_once():
    files = sorted((regions.paths.regions_dir() / "provincies").glob("*.yaml"))
    assert len(files) == 12
    seen = []
    for f in files:
        r = regions.load_region(f)
        assert r.slug == f.stem and r.naam.startswith("Provincie ")
        seen += list(r.gemeenten)
    assert len(seen) == len(set(seen)) == 342
    # by slug too (subfolder lookup)
    assert len(regions.load_region("provincie-gelderland").gemeenten) == 51


@pytest.mark.parametrize("indeling,expected", [
    ("provincie: Utrecht", 26),
    ("corop: Twente", 14),
    ("centrumgemeente_bw_mo: Enschede", 8),
    ("corop: [Twente, Zuidwest-Overijssel]", None),
    ("zorgkantoorregio: Twente", None),
    ("arbeidsmarktregio: Twente", None),
    ("ggd: GGD Twente", 14),
])
def test_region_by_classification(tmp_path, indeling, expected):
    p = _write(tmp_path, f"slug: k\nnaam: K\nindeling:\n  {indeling}\n")
    r = regions.load_region(p)
    g = regions.known_gemeenten().set_index("gemeentecode")
    key, _, val = indeling.partition(": ")
    col = regions.CLASSIFICATIONS[key]
    names = [v.strip() for v in val.strip("[]").split(",")]
    assert set(r.gemeenten) == set(g.index[g[col].isin(names)])
    if expected is not None:
        assert len(r.gemeenten) == expected


def test_classification_plus_codes_and_bad_names(tmp_path):
    p = _write(tmp_path, "slug: k\nnaam: K\nindeling:\n  corop: Twente\ngemeenten: [GM0957]\n")
    assert len(regions.load_region(p).gemeenten) == 15
    p = _write(tmp_path, "slug: k\nnaam: K\nindeling:\n  provincie: Gelderlnd\n")
    with pytest.raises(InputError) as e:
        regions.load_region(p)
    assert "Gelderlnd" in str(e.value) and "Gelderland" in str(e.value) and str(p) in str(e.value)
    p = _write(tmp_path, "slug: k\nnaam: K\nindeling:\n  gemeentegrootte: groot\n")
    with pytest.raises(InputError) as e:
        regions.load_region(p)
    assert "gemeentegrootte" in str(e.value)


@pytest.mark.parametrize("body,needle", [
    ("slug: a\nnaam: A\ngemeenten: [GM0957, GM0957]\n", "twee keer"),
    ("slug: a\nnaam: A\ngemeenten: [GM0957, GM0988]\nsubregios:\n  X: [GM0957]\n  Y: [GM0957]\n", "twee subregio"),
    ("slug: a\nnaam: A\ngemeenten: [GM0957]\nsubregios:\n  X: [GM0988]\n", "niet in gemeenten"),
    ("slug: A B\nnaam: A\ngemeenten: [GM0957]\n", "slug"),
    ("slug: a\nnaam: A\ngemeentes: [GM0957]\n", "gemeentes"),
    ("slug: a\nnaam: A\ngemeenten: [957]\n", "geen gemeentecode"),
    ("slug: a\nnaam: !!python/object/apply:os.system ['echo hi']\ngemeenten: [GM0957]\n", "YAML-tag"),
    ("", "leeg"),
])
def test_bad_region_files(tmp_path, body, needle):
    p = _write(tmp_path, body)
    with pytest.raises(InputError) as e:
        regions.load_region(p)
    assert needle in str(e.value)
    assert str(p) in str(e.value)


def test_unknown_slug():
    with pytest.raises(InputError) as e:
        regions.load_region("atlantis")
    assert "atlantis" in str(e.value) and "midden-limburg" in str(e.value)
