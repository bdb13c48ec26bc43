"""`woonzorg demand` end to end (real CLI, real snapshot, region Midden-Limburg, horizon 2030).

Checks the CONTRACTS table (columns, value lists, sort order, unique keys, all 14 groups, the opgave
definitions, aanbod only where supply is known), the reviewer check "change one rate in a copy of
the parameter file → only the dependent groups change", a scenario file, and the variants.

Ordering of the variants (documented in CONTRACTS "CSV exports": "one row per key, sorted by the
key columns"): rows are sorted lexicographically on gemeentecode, groep, jaar, variant, soort,
eenheid, maat, woningtype, so within one gemeente × groep × jaar the variants come in text order
``hoog, laag, midden`` (not in the low → high reading order).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .badinput._cli import REGION, ROOT, good_outputs, no_traceback, start_good_outputs, submit

COLUMNS = ["gemeentecode", "groep", "jaar", "variant", "soort", "eenheid", "maat", "woningtype", "waarde"]
KEY = COLUMNS[:-1]
GROEPEN = {"ouderen", "beperking", "ggz_bw", "mo_dakloos", "jeugdzorg", "huiselijk_geweld", "ex_gedetineerden",
           "statushouders", "arbeidsmigranten", "studenten", "woonwagenbewoners", "urgenten", "mantelzorg",
           "intramuraal_overig"}
SOORT = {"stand", "stroom"}
EENHEID = {"personen", "huishoudens", "woningen", "plaatsen", "standplaatsen", "bedden", "eenheden"}
WONINGTYPE = {"nultreden", "geclusterd", "zorggeschikt", "intramuraal", "zelfstandig_begeleid", "sociale_huur",
              "standplaats", "studenteneenheid", "flex"}
MAAT = {"vraag", "aanbod", "opgave"}
VARIANT = {"laag", "midden", "hoog"}
GEMEENTEN = {"GM0946", "GM0957", "GM0988", "GM1640", "GM1641", "GM1669", "GM1711"}
URG = "urgentieverklaringen_per_1000_huishoudens"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"gemeentecode": str, "waarde": str}, keep_default_na=False)


def _changed_params(tmp: Path) -> Path:
    """A copy of config/parameters.yaml with ONE rate changed: urgenten 1.2 → 2.0 per 1000 hh (waarde)."""
    text = (ROOT / "config" / "parameters.yaml").read_text(encoding="utf-8")
    pattern = rf"(\n    {URG}:\n      waarde: )1\.2\n"
    new, n = re.subn(pattern, r"\g<1>2.0\n", text)
    assert n == 1, "the urgenten block of config/parameters.yaml changed; adapt this test"
    out = tmp / "parameters_urgenten_2.yaml"
    out.write_text(new, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demand_cli")
    start_good_outputs()  # woonzorg demand --region midden-limburg --until 2030 --out … (shared)
    params = _changed_params(tmp)
    scenario = ROOT / "config" / "examples" / "scenario_voorbeeld.yaml"
    changed, scen, twice = tmp / "changed.csv", tmp / "scenario.csv", tmp / "twice.csv"
    futures = [
        submit(("demand", "--region", REGION, "--until", 2026, "--variant", "midden", "--variant", "hoog",
                "--variant", "midden", "--out", twice)),
        submit(("demand", "--region", REGION, "--until", 2030, "--params", params, "--out", changed)),
        submit(("demand", "--region", REGION, "--until", 2030, "--scenario", scenario, "--out", scen)),
    ]
    base = good_outputs()["demand"]
    for r in [f.result() for f in futures]:
        assert r.returncode == 0, r.stderr
        no_traceback(r)
    return {"base": base, "changed": changed, "scenario": scen, "twice": twice}


@pytest.fixture(scope="module")
def base(runs) -> pd.DataFrame:
    return _read(runs["base"])


@pytest.fixture(scope="module")
def num(base) -> pd.DataFrame:
    d = base.copy()
    d["waarde"] = d["waarde"].astype(float)
    return d


# ---------------------------------------------------------------- CONTRACTS shape
def test_columns_in_contract_order(runs):
    header = runs["base"].read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == COLUMNS
    raw = runs["base"].read_bytes()
    assert b"\r\n" not in raw and b";" not in raw and not raw.startswith(b"\xef\xbb\xbf")


def test_value_lists_are_the_contract_lists(base):
    assert set(base["groep"]) == GROEPEN  # all 14 groups, nothing else
    assert set(base["soort"]) <= SOORT and set(base["eenheid"]) <= EENHEID
    assert set(base["maat"]) == MAAT and set(base["woningtype"]) <= WONINGTYPE
    assert set(base["variant"]) == VARIANT
    assert set(base["gemeentecode"]) == GEMEENTEN
    assert sorted(set(base["jaar"])) == list(range(2024, 2031))
    # one soort and one eenheid per groep × woningtype
    per = base.groupby(["groep", "woningtype"])[["soort", "eenheid"]].nunique()
    assert (per == 1).all().all()


def test_sorted_by_key_and_keys_unique(base):
    assert not base.duplicated(KEY).any()
    as_text = base[KEY].astype(str)
    order = sorted(range(len(as_text)), key=lambda i: tuple(as_text.iloc[i]))
    assert order == list(range(len(base))), "rows are not sorted by the key columns"


def test_variant_order_is_text_order_within_a_key(base):
    """Documented ordering: sorted by the key columns → hoog, laag, midden within gemeente/groep/jaar."""
    first = base[(base["gemeentecode"] == "GM0957") & (base["groep"] == "ggz_bw") & (base["jaar"] == 2030)]
    assert first["variant"].drop_duplicates().tolist() == ["hoog", "laag", "midden"]


def test_every_cell_has_vraag_and_opgave(num):
    cells = num[["gemeentecode", "groep", "woningtype"]].drop_duplicates()
    assert len(cells) == len(GEMEENTEN) * 18  # 14 groups; ouderen 4 woningtypen, mantelzorg 2
    n = num.groupby(["gemeentecode", "groep", "woningtype", "jaar", "variant", "maat"]).size().unstack("maat")
    assert len(n) == len(cells) * 7 * 3
    assert (n["vraag"] == 1).all() and (n["opgave"] == 1).all()
    assert np.isfinite(num["waarde"]).all()
    assert (num.loc[num["maat"] == "vraag", "waarde"] >= 0).all()


# ---------------------------------------------------------------- opgave and aanbod (bruto / netto)
def _wide(num: pd.DataFrame) -> pd.DataFrame:
    return num.pivot_table(index=["gemeentecode", "groep", "woningtype", "variant", "soort", "jaar"],
                           columns="maat", values="waarde")


def test_aanbod_only_where_supply_is_known(num):
    """Supply is only known for intramural places (zorgwoonruimten per COROP, 1-1-2024)."""
    a = num[num["maat"] == "aanbod"]
    assert set(zip(a["groep"], a["woningtype"])) == {("ouderen", "intramuraal"), ("beperking", "intramuraal")}
    assert set(a["jaar"]) == {2024}  # the snapshot has no later supply
    assert (a["waarde"] >= 0).all()
    # the split does not change between variants, and it adds up to the COROP total (CR38 = the region)
    per_variant = a.pivot_table(index=["gemeentecode", "groep"], columns="variant", values="waarde")
    assert np.allclose(per_variant["laag"], per_variant["midden"], atol=1e-6)
    assert np.allclose(per_variant["hoog"], per_variant["midden"], atol=1e-6)
    from woonzorg_lib.dataset import load
    z = load.table("zorgwoonruimten")
    cr38 = z[(z["regiocode"] == "CR38") & (z["jaar"] == 2024) & (z["type_zorgwoonruimte"] == "Totaal")]["waarde"]
    for v, total in a.groupby("variant")["waarde"].sum().items():
        assert total == pytest.approx(float(cr38.iloc[0]), abs=1e-3), v


def test_opgave_definitions(num):
    """CONTRACTS: stand = vraag(jaar) − aanbod(2024) (netto) or − vraag(2024) (bruto);
    stroom = Σ vraag 2024 … jaar − 1. Bruto opgave in 2024 is 0; netto opgave in 2024 is the
    current shortage vraag(2024) − aanbod(2024)."""
    w = _wide(num).reset_index()
    key = ["gemeentecode", "groep", "woningtype", "variant"]
    checked = {"netto": 0, "bruto_stand": 0, "stroom": 0}
    for k, g in w.groupby(key):
        g = g.sort_values("jaar")
        vraag, opg = g["vraag"].to_numpy(), g["opgave"].to_numpy()
        soort = g["soort"].iloc[0]
        has_aanbod = "aanbod" in g and g["aanbod"].notna().any()
        if soort == "stroom":
            assert not has_aanbod, k
            want = np.concatenate([[0.0], np.cumsum(vraag)[:-1]])
            checked["stroom"] += 1
        elif has_aanbod:
            a2024 = g.loc[g["jaar"] == 2024, "aanbod"].iloc[0]
            want = vraag - a2024
            checked["netto"] += 1
        else:
            want = vraag - vraag[0]
            assert opg[0] == 0.0, k  # bruto: exactly 0 in the base year
            checked["bruto_stand"] += 1
        assert np.allclose(opg, want, atol=2e-5), (k, opg, want)  # CSV has 6 decimals
    assert checked["netto"] == 2 * 7 * 3 and checked["stroom"] > 0 and checked["bruto_stand"] > 0


def test_variants_carry_through(num):
    """Three variants for every key; vraag laag ≤ midden ≤ hoog (laag = low-need end, hoog = high-need
    end of every parameter, docs §6), and the variants really differ."""
    v = num[num["maat"] == "vraag"].pivot_table(index=["gemeentecode", "groep", "woningtype", "jaar"],
                                                columns="variant", values="waarde")
    assert v.notna().all().all()
    assert (v["laag"] <= v["midden"] + 1e-6).all() and (v["midden"] <= v["hoog"] + 1e-6).all()
    y30 = v.xs(2030, level="jaar")
    differs = y30.groupby(level="groep").apply(lambda t: bool((t["hoog"] - t["laag"]).abs().max() > 1e-6))
    # jeugdzorg's rate has no range but its share does; every group has some parameter range
    assert differs.all(), differs[~differs]


def test_repeated_variant_option_still_one_row_per_key(runs):
    """`--variant midden --variant hoog --variant midden`: each chosen variant once (CONTRACTS: one row
    per key), sorted like every export."""
    d = _read(runs["twice"])
    assert set(d["variant"]) == {"midden", "hoog"}
    dup = d[d.duplicated(KEY, keep=False)]
    assert dup.empty, f"{len(dup)} rows share a key, e.g.\n{dup.head(4)}"


# ---------------------------------------------------------------- one changed rate
def _compare(base_path: Path, other_path: Path) -> pd.DataFrame:
    a, b = _read(base_path), _read(other_path)
    assert a[KEY].equals(b[KEY]), "the set/order of keys changed"
    out = a[KEY].copy()
    out["before"], out["after"] = a["waarde"].astype(float), b["waarde"].astype(float)
    out["changed"] = a["waarde"] != b["waarde"]
    return out


def test_changing_one_rate_changes_only_dependent_groups(runs):
    """urgenten.urgentieverklaringen_per_1000_huishoudens 1.2 → 2.0 (waarde, so variant midden only).
    Dependent: urgenten (× (1 − mantelzorg share)) and the mantelzorg urgencies (mantelzorg/sociale_huur);
    the mantelzorg erf-woningen (flex) do not use the rate; the overlap cap with ouderen does not bind."""
    c = _compare(runs["base"], runs["changed"])
    changed = c[c["changed"]]
    assert set(changed["variant"]) == {"midden"}
    assert set(zip(changed["groep"], changed["woningtype"])) == {("urgenten", "sociale_huur"),
                                                                ("mantelzorg", "sociale_huur")}
    assert set(changed["maat"]) == {"vraag", "opgave"}
    # everything in those two series scales with the rate (opgave 2024 stays 0)
    dep = c[(c["variant"] == "midden") & c["groep"].isin(["urgenten", "mantelzorg"])
            & (c["woningtype"] == "sociale_huur") & (c["before"] > 0)]
    assert len(dep) == 2 * 7 * 13  # 2 series × 7 gemeenten × (7 vraag + 6 opgave > 0)
    assert np.allclose(dep["after"] / dep["before"], 2.0 / 1.2, rtol=1e-5)


# ---------------------------------------------------------------- scenario
def test_scenario_file_overrides(runs):
    """config/examples/scenario_voorbeeld.yaml: urgenten 1.2 → 3.0 (waarde), statushouders taakstelling
    15 000 → 17 700 (waarde), arbeidsmigranten groei hoog 0.045 → 0.046. Only those parts change."""
    c = _compare(runs["base"], runs["scenario"])
    changed = c[c["changed"]]
    got = set(zip(changed["groep"], changed["woningtype"], changed["variant"]))
    assert got == {("urgenten", "sociale_huur", "midden"), ("mantelzorg", "sociale_huur", "midden"),
                   ("statushouders", "sociale_huur", "midden"), ("arbeidsmigranten", "flex", "hoog")}
    pos = c[c["before"] > 0]

    def ratio(groep, woningtype, variant, maat):
        s = pos[(pos["groep"] == groep) & (pos["woningtype"] == woningtype) & (pos["variant"] == variant)
                & (pos["maat"] == maat)]
        return s["after"] / s["before"], s

    for groep in ("urgenten", "mantelzorg"):
        r, _ = ratio(groep, "sociale_huur", "midden", "vraag")
        assert np.allclose(r, 3.0 / 1.2, rtol=1e-5)
    r, _ = ratio("statushouders", "sociale_huur", "midden", "vraag")
    assert np.allclose(r, 17_700 / 15_000, rtol=1e-5)
    r, s = ratio("arbeidsmigranten", "flex", "hoog", "vraag")  # bedden ∝ (1 + groei)^(jaar − 2024)
    assert np.allclose(r, (1.046 / 1.045) ** (s["jaar"] - 2024), rtol=1e-5)
