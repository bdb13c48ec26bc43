"""`woonzorg data fetch` in-process against recorded CBS OData v3 replies (no network).

Fixtures: tests/fixtures/cbs/noord-limburg/ holds replies shaped like CBS OData v3 ``ODataFeed`` replies
(TableInfos, DataProperties, one endpoint per dimension, TypedDataSet pages with ``odata.nextLink``,
space-padded keys), shape per docs/cbs_odata.md §1.1 and OData v3 JSON. The values for the three gemeenten
(Venlo, Venray, Horst aan de Maas; not in the snapshot) are SYNTHETIC; Nederland rows are real figures copied
from data/raw. tests/fixtures/cbs/faults/* add a time-out, an HTTP 500, a truncated body and a renamed
column on top of them (see their _replay.json).
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from woonzorg_lib import provenance, regions
from woonzorg_lib.cbs import fetch as fetchmod
from woonzorg_lib.cbs import merge_fetched
from woonzorg_lib.cbs.fetch import Settings, fetch
from woonzorg_lib.cbs.tables import FetchError, SchemaChanged
from woonzorg_lib.dataset.build import build_all, build_tables

from .conftest import tree_hashes

FIX = Path(__file__).resolve().parent / "fixtures" / "cbs"
BASE = FIX / "noord-limburg"
REGION = FIX / "noord-limburg-test.yaml"
NEW = ["GM0983", "GM0984", "GM1507"]


def _settings(replay=BASE, slept=None, **kw):
    return Settings(replay=str(replay), backoff=1.0, retries=4,
                    sleep=(slept.append if slept is not None else (lambda s: None)), **kw)


def _fetch(raw, replay=BASE, slept=None, region=REGION, **kw):
    return fetch(region, settings=_settings(replay, slept), raw=raw, log=lambda s: None, check=build_tables, **kw)


def _no_leftovers(raw: Path):
    assert not [p.name for p in raw.parent.iterdir() if p.name.startswith((".fetch", ".fetched"))]


def test_fetch_new_region_then_build_has_the_gemeenten_with_provenance(raw_copy, tmp_path):
    assert not set(NEW) & regions.snapshot_codes()
    rep = _fetch(raw_copy)
    fdir = raw_copy / "fetched"
    assert set(rep.files) == {"population_5y.csv", "population_totals.csv", "population_margins.csv",
                              "households.csv", "housing_stock.csv", "groups.csv", "deaths_by_age_sex.csv",
                              "births_by_mother_age.csv", "national_life_table.csv", "prognosis_totals.csv"}
    assert provenance.verify(raw_copy) == []                 # every fetched file sealed by its sidecar
    meta = provenance.load_sidecar(fdir / "population_5y.csv")
    assert meta["verkregen"].startswith("replay of recorded fixture tests/fixtures/cbs/noord-limburg")
    assert "synthetic" in meta["verkregen"] and "SYNTHETISCH" in meta["titel"]
    assert not meta["licentie"].startswith("CC BY")          # never claims CBS for synthetic values
    assert meta["url"].startswith("https://opendata.cbs.nl/ODataFeed/odata/03759ned/TypedDataSet?")
    q = [x for x in meta["query"] if x["endpoint"] == "TypedDataSet"][0]
    assert "RegioS eq 'GM0983  '" in q["filter"] and "Perioden eq '2024JJ00'" in q["filter"]
    assert q["paginas"] == 10                                # 945 rows, pages of 100 via odata.nextLink
    assert meta["opgehaald"] and meta["sha256"] == provenance.sha256_of(fdir / "population_5y.csv")
    assert meta["cbs_tabellen"][0]["id"] == "03759ned"
    lt = provenance.load_sidecar(fdir / "national_life_table.csv")
    assert "real" in lt["verkregen"] and lt["licentie"].startswith("CC BY")
    # the region now loads as having data, and the build includes it
    regions._snapshot_codes.cache_clear()
    assert regions.load_region(REGION).gemeenten == tuple(NEW)
    out = tmp_path / "processed_after_fetch"
    build_all(raw=raw_copy, out=out)
    t = {n: pd.read_csv(out / f"{n}.csv", dtype={"gemeentecode": str}) for n in
         ("bevolking_totaal", "bevolking_5j", "bevolking_marges", "huishoudens", "woningvoorraad", "groepen",
          "sterfte", "geboorten", "gemeenten", "levenstafel")}
    tot = t["bevolking_totaal"]
    assert sorted(tot[tot.gemeentecode == "GM0983"]["jaar"]) == [2020, 2021, 2022, 2023, 2024]
    # the synthetic 1-1-2024 totals equal the real published totals (make_fixtures.py)
    g = t["gemeenten"].set_index("gemeentecode")
    new24 = tot[tot.jaar == 2024].set_index("gemeentecode")["waarde"]
    assert all(new24[c] == g.loc[c, "inwoners_2024"] for c in NEW) and g.loc[NEW, "in_snapshot"].all()
    b5 = t["bevolking_5j"]
    nb = b5[b5.gemeentecode.isin(NEW)]
    assert len(nb) == 3 * 5 * 3 * 20 and (nb["kwaliteit"] == "exact").all()
    assert nb["bron"].str.startswith("SYNTHETISCH").all()
    s = nb[nb.geslacht == "totaal"].groupby(["gemeentecode", "jaar"])["waarde"].sum()
    assert (s == tot.set_index(["gemeentecode", "jaar"]).loc[s.index, "waarde"]).all()
    for name in ("bevolking_marges", "huishoudens", "woningvoorraad", "groepen", "sterfte", "geboorten"):
        assert set(NEW) <= set(t[name]["gemeentecode"]), name
    lev = t["levenstafel"]
    assert lev[lev.jaar == 2023]["bron"].str.startswith("CBS 37360ned (replay").all()
    # the snapshot gemeenten are untouched
    old = pd.read_csv(tmp_path / "processed" / "bevolking_5j.csv", dtype={"gemeentecode": str})  # raw_copy's
    assert len(b5) == len(old) + len(nb)
    _no_leftovers(raw_copy)


FAULTS = [("timeout", "03759ned", "time-out"), ("http500", "85173NED", "HTTP 500"),
          ("truncated", "03759ned", "afgekapt antwoord"), ("renamed-column", "82900NED", "EigendomWoningcorporatie_4")]


@pytest.mark.parametrize("name,table,failure", FAULTS)
def test_fault_leaves_raw_byte_identical_and_names_table_and_failure(raw_copy, name, table, failure):
    before = tree_hashes(raw_copy)
    slept = []
    with pytest.raises(FetchError) as e:
        _fetch(raw_copy, FIX / "faults" / name, slept)
    msg = str(e.value)
    assert f"CBS-tabel {table}" in msg and failure in msg and "Niets gewijzigd in data/raw" in msg
    if name == "renamed-column":
        assert isinstance(e.value, SchemaChanged) and "InBezitWoningcorporatie_4" in msg and slept == []
    elif table == "03759ned":                              # falls back to 85644NED, which fails as well
        assert "terugval op CBS-tabel 85644NED mislukte" in msg and msg.count("na 5 pogingen") == 2
        assert slept == [1.0, 2.0, 4.0, 8.0] * 2
    else:
        assert "na 5 pogingen" in msg and slept == [1.0, 2.0, 4.0, 8.0]      # backoff between the 5 attempts
    assert tree_hashes(raw_copy) == before
    _no_leftovers(raw_copy)


def test_fault_after_an_earlier_fetch_keeps_the_earlier_files(raw_copy):
    _fetch(raw_copy, groups=["bevolking", "levenstafel"])
    before = tree_hashes(raw_copy)
    assert any(k.startswith("fetched/") for k in before)
    with pytest.raises(FetchError, match="CBS-tabel 03759ned"):
        _fetch(raw_copy, FIX / "faults" / "timeout")
    assert tree_hashes(raw_copy) == before


def test_transient_faults_are_retried_and_the_fetch_succeeds(raw_copy):
    slept = []
    rep = _fetch(raw_copy, FIX / "faults" / "transient", slept, groups=["bevolking", "huishoudens"])
    assert slept == [1.0, 1.0, 1.0]                          # three single failures, each retried once
    assert rep.files["population_5y.csv"] == 945
    assert provenance.verify(raw_copy) == []


def test_fetches_accumulate_and_refetch_replaces(raw_copy, tmp_path):
    one = tmp_path / "venlo.yaml"
    one.write_text("slug: venlo\nnaam: Venlo\ngemeenten: [GM0983]\n")
    two = tmp_path / "twee.yaml"
    two.write_text("slug: twee\nnaam: Venlo en Venray\ngemeenten: [GM0983, GM0984]\n")
    _fetch(raw_copy, region=one, groups=["bevolking"], years="2023-2024")
    first = pd.read_csv(raw_copy / "fetched" / "population_totals.csv")
    _fetch(raw_copy, region=two, groups=["bevolking"], years="2024")   # Venlo 2024 again (replaced), Venray new
    p = pd.read_csv(raw_copy / "fetched" / "population_totals.csv")
    assert sorted(zip(p.gemeentecode, p.jaar)) == [("GM0983", 2023), ("GM0983", 2024), ("GM0984", 2024)]
    assert p.set_index(["gemeentecode", "jaar"]).loc[("GM0983", 2023), "waarde"] == \
        first.set_index(["gemeentecode", "jaar"]).loc[("GM0983", 2023), "waarde"]
    p5 = pd.read_csv(raw_copy / "fetched" / "population_5y.csv")
    assert not p5.duplicated(["gemeentecode", "jaar", "geslacht", "leeftijd"]).any() and len(p5) == 3 * 63
    meta = yaml.safe_load((raw_copy / "fetched" / "population_5y.csv.meta.yml").read_text())
    assert [a["regio"] for a in meta["ophaalacties"]] == ["venlo", "twee"]
    assert meta["gemeenten"] == ["GM0983", "GM0984"] and provenance.verify(raw_copy) == []


def test_titles_instead_of_keys_are_mapped_back_and_long_region_lists_are_chunked(raw_copy, tmp_path, monkeypatch):
    """A reply that carries titles (as cbsodata.get_data() would give: 'Venlo', 'Horst aan de Maas') instead of
    padded keys still yields gemeentecodes; a small clause budget forces one data request per gemeente and year."""
    over = tmp_path / "titles"
    over.mkdir()
    (over / "_replay.json").write_text(json.dumps({"base": str(BASE), "faults": [
        {"table": "03759ned", "endpoint": "TypedDataSet", "kind": "rename_column", "from": "GM0983  ", "to": "Venlo"},
        {"table": "03759ned", "endpoint": "TypedDataSet", "kind": "rename_column", "from": "GM1507  ",
         "to": "Horst aan de Maas"}]}))
    # the marital-status total is filtered on the server (all 3 sexes are wanted, the 21 ages are filtered
    # here): a budget of 3 clauses leaves one region and one period per request
    monkeypatch.setattr(fetchmod, "MAX_FILTER_CLAUSES", 3)
    rep = _fetch(raw_copy, over, groups=["bevolking"])
    assert rep.files["population_totals.csv"] == 15
    meta = provenance.load_sidecar(raw_copy / "fetched" / "population_5y.csv")
    data_q = [q for q in meta["query"] if q["endpoint"] == "TypedDataSet"]
    assert len(data_q) == 15                                  # one request per gemeente × year
    assert all(q["filter"].count(" eq ") == 3 for q in data_q)
    p = pd.read_csv(raw_copy / "fetched" / "population_totals.csv")
    assert sorted(set(p.gemeentecode)) == NEW


def test_years_option_and_bad_input(raw_copy):
    from woonzorg_lib.errors import InputError

    assert fetchmod.parse_years("2014-2024") == (2014, 2024)
    assert fetchmod.parse_years("2019-") == (2019, None)
    assert fetchmod.parse_years("2024") == (2024, 2024)
    assert fetchmod.parse_years(None) == (2014, None)
    for bad in ("2024-2019", "twintig", "1900"):
        with pytest.raises(InputError):
            fetchmod.parse_years(bad)
    with pytest.raises(InputError, match="tabelgroep"):
        _fetch(raw_copy, groups=["bestaatniet"])
    with pytest.raises(FetchError, match="geen perioden"):
        _fetch(raw_copy, groups=["bevolking"], years="2030-2031")
    rep = _fetch(raw_copy, groups=["bevolking", "sterfte"], years="2024")   # 03747 has no 2024 here: skipped
    assert rep.files == {"population_5y.csv": 189, "population_totals.csv": 3}
    assert any(w.startswith("03747: geen perioden") for w in rep.warnings)


def test_fetched_exact_bands_replace_snapshot_estimates_with_no_code_change(raw_copy):
    """merge_fetched on its own: a fetched exact 2021 for a snapshot gemeente replaces the 2021 approximation
    (values here are synthetic, written by the test)."""
    processed = raw_copy.parent / "processed"            # a good build of the same snapshot (conftest)
    base = {"bevolking_5j": pd.read_csv(processed / "bevolking_5j.csv", dtype={"gemeentecode": str})}
    est = base["bevolking_5j"].query("gemeentecode == 'GM0141' and jaar == 2021")
    assert (est["kwaliteit"] == "benadering").all()
    rows = []
    for sex in ("totaal", "man", "vrouw"):
        n = 2 if sex == "totaal" else 1
        rows.append(("GM0141", 2021, sex, "totaal", 0, "", 20 * n))
        rows += [("GM0141", 2021, sex, f"{lo}-{lo + 4}" if lo < 95 else "95+", lo, "" if lo == 95 else lo + 4, n)
                 for lo in range(0, 100, 5)]
    f = pd.DataFrame(rows, columns=["gemeentecode", "jaar", "geslacht", "leeftijd", "leeftijd_van",
                                    "leeftijd_tot_incl", "waarde"])
    f["kwaliteit"], f["bron"] = "exact (test)", "SYNTHETISCH test"
    fdir = raw_copy / "fetched"
    fdir.mkdir()
    f.to_csv(fdir / "population_5y.csv", index=False)
    tables = {k: v.copy() for k, v in base.items()}
    merge_fetched.apply(fdir, tables)
    new = tables["bevolking_5j"].query("gemeentecode == 'GM0141' and jaar == 2021")
    assert len(new) == 60 and (new["kwaliteit"] == "exact").all() and (new["bron"] == "SYNTHETISCH test").all()
    assert len(tables["bevolking_5j"]) == len(base["bevolking_5j"])
    shutil.rmtree(fdir)


def test_alternative_population_table_85644NED(raw_copy):
    rep = _fetch(raw_copy, groups=["bevolking"], population_table="85644NED", years="2024")
    assert rep.tables == ["85644NED"] and rep.files["population_totals.csv"] == 3
    meta = provenance.load_sidecar(raw_copy / "fetched" / "population_5y.csv")
    assert meta["cbs_tabellen"][0]["id"] == "85644NED" and "Nationaliteit=Totaal" in meta["opmerking"]


def test_03759ned_failing_falls_back_to_85644NED(raw_copy, tmp_path):
    over = tmp_path / "only-85644"
    over.mkdir()
    (over / "_replay.json").write_text(json.dumps({"base": str(BASE), "faults": [
        {"table": "03759ned", "endpoint": "TypedDataSet", "kind": "http_status", "status": 500}]}))
    rep = _fetch(raw_copy, over, groups=["bevolking"])
    assert rep.tables == ["85644NED"] and rep.files["population_totals.csv"] == 3      # 85644NED here: 2024 only
    assert any(w.startswith("85644NED: gebruikt in plaats van 03759ned") and "HTTP 500" in w for w in rep.warnings)
    meta = provenance.load_sidecar(raw_copy / "fetched" / "population_5y.csv")
    assert [t["id"] for t in meta["cbs_tabellen"]] == ["85644NED"] and provenance.verify(raw_copy) == []


def test_recording_a_paged_chunked_fetch_keeps_every_row_and_replays_identically(raw_copy, tmp_path, monkeypatch):
    """WOONZORG_CBS_RECORD during a fetch whose data requests are both chunked (5 clauses: 2 periods × 2 regions
    + the marital-status total) and paged (252 rows in pages of 100): the recording holds all 945 rows, and a fetch
    replayed from the recording alone writes byte-identical files."""
    monkeypatch.setattr(fetchmod, "MAX_FILTER_CLAUSES", 5)
    rec = tmp_path / "rec"
    fetch(REGION, groups=["bevolking"], raw=raw_copy, log=lambda s: None,
          settings=Settings(replay=str(BASE), record=str(rec), backoff=0))
    meta = provenance.load_sidecar(raw_copy / "fetched" / "population_5y.csv")
    q = [x for x in meta["query"] if x["endpoint"] == "TypedDataSet"]
    assert len(q) == 6 and max(x.get("paginas", 1) for x in q) == 3          # chunked and paged
    doc = json.loads((rec / "03759ned" / "TypedDataSet.json").read_text(encoding="utf-8"))
    assert len(doc["value"]) == 3 * 5 * 3 * 21 == 945                        # every row (was: the first 100)
    first = (raw_copy / "fetched" / "population_5y.csv").read_bytes()
    shutil.rmtree(raw_copy / "fetched")
    fetch(REGION, groups=["bevolking"], raw=raw_copy, log=lambda s: None, settings=Settings(replay=str(rec), backoff=0))
    a = pd.read_csv(io.BytesIO(first)).drop(columns=["kwaliteit", "bron"])
    b = pd.read_csv(raw_copy / "fetched" / "population_5y.csv").drop(columns=["kwaliteit", "bron"])
    pd.testing.assert_frame_equal(a, b)
