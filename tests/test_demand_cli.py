"""`woonzorg demand` end to end (real CLI, real snapshot, region Midden-Limburg, horizon 2030).

Checks the CONTRACTS table (columns, value lists, sort order, unique keys, all 14 groups, the opgave
and toewijzing definitions, aanbod known or estimated), the reviewer check "change one rate in a copy of
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
MAAT = {"vraag", "aanbod", "opgave", "toewijzing"}
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


def test_every_cell_has_vraag_and_one_task(num):
    """Every cell has vraag and exactly one task: opgave (stand groups) or toewijzing (stroom
    groups); no stroom group appears under opgave."""
    cells = num[["gemeentecode", "groep", "woningtype"]].drop_duplicates()
    assert len(cells) == len(GEMEENTEN) * 18  # 14 groups; ouderen 4 woningtypen, mantelzorg 2
    n = num.groupby(["gemeentecode", "groep", "woningtype", "jaar", "variant", "maat"]).size().unstack("maat")
    assert len(n) == len(cells) * 7 * 3
    assert (n["vraag"] == 1).all()
    assert (n["opgave"].fillna(0) + n["toewijzing"].fillna(0) == 1).all()
    soort = num.groupby("groep")["soort"].first()
    assert set(num.loc[num["maat"] == "opgave", "groep"]) == set(soort[soort == "stand"].index)
    assert set(num.loc[num["maat"] == "toewijzing", "groep"]) == set(soort[soort == "stroom"].index)
    assert np.isfinite(num["waarde"]).all()
    assert (num.loc[num["maat"] == "vraag", "waarde"] >= 0).all()


# ---------------------------------------------------------------- opgave and aanbod
def _wide(num: pd.DataFrame) -> pd.DataFrame:
    return num.pivot_table(index=["gemeentecode", "groep", "woningtype", "variant", "soort", "jaar"],
                           columns="maat", values="waarde")


def test_aanbod_known_or_estimated(num):
    """Supply per gemeente: estimated from national ratios (ouderen homes, studenten, woonwagens,
    arbeidsmigranten) at
    1-1-2024. Intramural supply is known per COROP only, so it is NOT spread over gemeenten."""
    a = num[num["maat"] == "aanbod"]
    assert set(zip(a["groep"], a["woningtype"])) == {
        ("ouderen", "nultreden"), ("ouderen", "geclusterd"), ("ouderen", "zorggeschikt"),
        ("studenten", "studenteneenheid"), ("woonwagenbewoners", "standplaats"), ("arbeidsmigranten", "flex")}
    assert set(a["jaar"]) == {2024} and (a["waarde"] >= 0).all()


def test_opgave_definitions(num):
    """CONTRACTS (variant midden): stand = vraag(jaar) − aanbod(2024), or − vraag(2024) where supply
    is unknown; stroom toewijzing = Σ vraag 2024 … jaar − 1. With supply, opgave(2024) is the
    current tekort (> 0 for the ouderen homes, studenten, woonwagens and arbeidsmigranten)."""
    w = _wide(num[num["variant"] == "midden"]).reset_index()
    key = ["gemeentecode", "groep", "woningtype"]
    checked = {"netto": 0, "groei": 0, "stroom": 0}
    for k, g in w.groupby(key):
        g = g.sort_values("jaar")
        vraag = g["vraag"].to_numpy()
        has_aanbod = "aanbod" in g and g["aanbod"].notna().any()
        if g["soort"].iloc[0] == "stroom":
            assert not has_aanbod and g["opgave"].isna().all(), k
            want, got = np.concatenate([[0.0], np.cumsum(vraag)[:-1]]), g["toewijzing"].to_numpy()
            checked["stroom"] += 1
        elif has_aanbod:
            a2024 = g.loc[g["jaar"] == 2024, "aanbod"].iloc[0]
            want, got = vraag - a2024, g["opgave"].to_numpy()
            assert got[0] > 0, k
            checked["netto"] += 1
        else:
            want, got = vraag - vraag[0], g["opgave"].to_numpy()
            assert got[0] == 0.0, k
            checked["groei"] += 1
        assert np.allclose(got, want, atol=2e-5), (k, got, want)  # CSV has 6 decimals
    assert checked["netto"] == 6 * 7 and checked["stroom"] > 0 and checked["groei"] > 0


def test_variants_carry_through(num):
    """Three variants for every key; laag/hoog are the 10th/90th percentile of a seeded Monte Carlo
    (parameters drawn with waarde as median, plus the demographic interval), so vraag laag ≤ midden ≤
    hoog and the band is narrower than every parameter at its extreme at once."""
    v = num[num["maat"] == "vraag"].pivot_table(index=["gemeentecode", "groep", "woningtype", "jaar"],
                                                columns="variant", values="waarde")
    assert v.notna().all().all()
    assert (v["laag"] <= v["midden"] + 1e-6).all() and (v["midden"] <= v["hoog"] + 1e-6).all()
    y30 = v.xs(2030, level="jaar")
    differs = y30.groupby(level="groep").apply(lambda t: bool((t["hoog"] - t["laag"]).abs().max() > 1e-6))
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
    """urgenten.urgentieverklaringen_per_1000_huishoudens 1.2 → 2.0 (waarde). Dependent: urgenten
    (× (1 − mantelzorg share)) and the mantelzorg urgencies (mantelzorg/sociale_huur), in every
    variant (the Monte Carlo draws are centred on waarde; the seed and the other draws are the
    same); the mantelzorg erf-woningen (flex) do not use the rate; nothing else changes."""
    c = _compare(runs["base"], runs["changed"])
    changed = c[c["changed"]]
    assert set(zip(changed["groep"], changed["woningtype"])) == {("urgenten", "sociale_huur"),
                                                                ("mantelzorg", "sociale_huur")}
    assert set(changed["maat"]) == {"vraag", "toewijzing"}
    # variant midden scales with the rate (toewijzing 2024 stays 0)
    dep = c[(c["variant"] == "midden") & c["groep"].isin(["urgenten", "mantelzorg"])
            & (c["woningtype"] == "sociale_huur") & (c["before"] > 0)]
    assert len(dep) == 2 * 7 * 13  # 2 series × 7 gemeenten × (7 vraag + 6 toewijzing > 0)
    assert np.allclose(dep["after"] / dep["before"], 2.0 / 1.2, rtol=1e-5)


# ---------------------------------------------------------------- scenario
def test_scenario_file_overrides(runs):
    """config/examples/scenario_voorbeeld.yaml: urgenten 1.2 → 3.0 (waarde), statushouders taakstelling
    15 000 → 17 700 (waarde), arbeidsmigranten groei hoog 0.045 → 0.046. Only those groups change
    (laag/hoog through the Monte Carlo draws; arbeidsmigranten midden stays)."""
    c = _compare(runs["base"], runs["scenario"])
    changed = c[c["changed"]]
    got = set(zip(changed["groep"], changed["woningtype"]))
    assert got == {("urgenten", "sociale_huur"), ("mantelzorg", "sociale_huur"),
                   ("statushouders", "sociale_huur"), ("arbeidsmigranten", "flex")}
    assert set(changed.loc[changed["groep"] == "arbeidsmigranten", "variant"]) <= {"laag", "hoog"}
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
