"""Demography engine on SYNTHETIC data: units (graduation, IPF, life table, as-of filter) and the
public API's invariants. No real data needed; fast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib import demography as demo
from woonzorg_lib.demography import ages, asof, engine, housing, ipf, lifetable, margins
from woonzorg_lib.demography.synthetic import SYNTHETIC_tables, SYNTHETIC_truth
from woonzorg_lib.errors import DataMissingError, InputError


@pytest.fixture(scope="module")
def SYNTHETIC():
    return SYNTHETIC_tables(12, seed=3)


@pytest.fixture(scope="module")
def SYNTHETIC_TRUTH():
    return SYNTHETIC_truth(12, seed=3)


# ---------------------------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------------------------

def test_SYNTHETIC_graduate_keeps_band_sums_and_is_nonnegative():
    rng = np.random.default_rng(0)
    b = rng.uniform(0, 2000, (50, ages.NB))
    b[3, 4] = 0
    b[7, :] = 0
    s = ages.graduate(b)
    assert s.shape == (50, ages.NA)
    assert (s >= 0).all()
    np.testing.assert_allclose(ages.to_bands(s), b, atol=1e-8)


def test_SYNTHETIC_ipf_meets_consistent_margins_and_keeps_interactions():
    rng = np.random.default_rng(1)
    seed = rng.uniform(1, 10, (3, 2, ages.NA))
    truth = seed * rng.uniform(0.8, 1.2, (3, 1, 1))
    types = [(2, 0, 19), (2, 20, 64), (2, 65, -1), (0, 0, -1), (1, 0, -1), (2, 0, -1)]
    T = np.array([[truth[g][:, ages.age_mask(lo, None if hi < 0 else hi)][[0, 1] if s == 2 else [s]].sum()
                   for s, lo, hi in types] for g in range(3)])
    T[1, 0] = np.nan                                    # a gemeente without that margin
    X, dev = ipf.rake(seed, types, T)
    assert dev.max() < 1e-8
    for g in range(3):
        for k, (s, lo, hi) in enumerate(types):
            if np.isnan(T[g, k]):
                continue
            m = ages.age_mask(lo, None if hi < 0 else hi)
            got = X[g][:, m][[0, 1] if s == 2 else [s]].sum()
            assert got == pytest.approx(T[g, k], rel=1e-8)
    # within a constrained cell group the seed's shape is kept
    ratio = X[0, 0, 30:40] / seed[0, 0, 30:40]
    assert np.allclose(ratio, ratio[0], rtol=1e-9)


def test_SYNTHETIC_source_scaling_makes_margins_consistent():
    rows = pd.DataFrame({"g": [0, 0, 0, 0], "jaar": 2020, "sex": [2, 2, 2, 2], "lo": [0, 0, 20, 65],
                         "hi": [-1, 19, 64, -1], "value": [1000.0, 210, 590, 190],
                         "kind": ["totaal", "marge", "marge", "marge"], "bron": ["totaal", "x", "x", "x"]})
    sc = margins._source_scale(rows, {(0, 2020): 1000.0})
    assert sc[1] == pytest.approx(1000 / 990)


def test_SYNTHETIC_life_table_extension_and_sex_split():
    q = np.linspace(0.001, 0.25, 94) ** 1.5
    e = lifetable.extend_q(q)
    assert e.shape == (ages.NA,) and (np.diff(e[80:]) >= -1e-12).all() and e.max() <= 0.95
    ratio = np.full(ages.NA, 1.5)
    share = np.full(ages.NA, 0.4)
    q2 = lifetable.split_sex(e, ratio, share)
    np.testing.assert_allclose(0.4 * q2[0] + 0.6 * q2[1], e, rtol=1e-10)
    S, Sb = lifetable.survival(q2)
    assert S[0, 50] == pytest.approx(1 - q2[0, 51])       # age on 31 December convention


def test_SYNTHETIC_asof_rule_per_table():
    df = pd.DataFrame({"jaar": [2018, 2019], "peildatum": ["2018-12-31", "2019-01-01"]})
    assert list(asof.known_from("huishoudens", df)) == [2019, 2019]
    assert list(asof.known_from("levenstafel", df)) == [2019, 2020]
    assert list(asof.known_from("bevolking_marges", df)) == [2018, 2019]
    # gemeentefonds maatstaven for uitkeringsjaar Y are published in the circulaires of Y-1, so they
    # are known on 1 January Y (one as-of rule for every table, demography/asof.py)
    odd = pd.DataFrame({"jaar": [2024], "peildatum": ["uitkeringsjaar 2024"]})
    assert list(asof.known_from("woningvoorraad", odd)) == [2024]
    assert len(asof.visible("geboorten", df, 2019)) == 1


def test_SYNTHETIC_blocks_with_the_same_key_sequence():
    from woonzorg_lib.demography.blocks import block_starts, same_sequences

    keys = np.array([1, 2, 1, 2, 2, 1, 1, 2, 7], np.int64)
    starts = block_starts(np.array([0, 0, 1, 1, 2, 2, 3, 3, 4]))
    assert starts.tolist() == [0, 2, 4, 6, 8]
    groups = sorted(g.tolist() for g in same_sequences(keys, starts))
    assert groups == [[0, 1, 3], [2], [4]]          # (1, 2) x3, (2, 1), (7,)
    assert same_sequences(np.zeros(0, np.int64), block_starts(np.zeros(0))) == []


def test_SYNTHETIC_peildatum_read_once_per_value_but_fallback_per_row():
    """Repeated and unreadable reference dates: each distinct value is parsed once, the conservative
    fallback (jaar + 1) still uses each row's own year."""
    df = pd.DataFrame({"jaar": [2018, 2019, 2020, 2021, 2022, 2023],
                       "peildatum": ["2018-12-31", None, "onbekend", "onbekend", "uitkeringsjaar 2022",
                                     "2022-01-01/2022-12-31"]})
    assert list(asof.known_from("huishoudens", df)) == [2019, 2020, 2021, 2022, 2022, 2023]


def test_SYNTHETIC_year_constraints_mean_of_duplicate_margins_and_type_order():
    """Two sources with the same interval for one gemeente-year: the target is their mean (as a
    pandas groupby mean); types: detailed margins first, the all-ages totals last."""
    rows = pd.DataFrame({"g": [0, 0, 0, 1, 1, 0], "jaar": 2020, "sex": [2, 2, 2, 2, 0, 1],
                         "lo": [0, 65, 65, 0, 0, 0], "hi": [-1, -1, -1, -1, 19, 19],
                         "kind": ["totaal", "marge", "marge", "totaal", "band_exact", "marge"]})
    rows["target"] = [1000.0, 190.1, 190.4, 500.0, 101.3, 99.7]
    yc = margins.YearConstraints(rows, 2)
    types, T = yc.get(2020)
    # margins without sex first, then by sex (man/vrouw in a fixed but unspecified order), totals last
    assert types[0] == (2, 65, -1) and set(types[1:3]) == {(0, 0, 19), (1, 0, 19)} and types[3] == (2, 0, -1)
    expect = pd.Series([190.1, 190.4]).groupby([0, 0]).mean().iloc[0]
    assert T[0, types.index((2, 65, -1))] == expect
    assert T[1, types.index((0, 0, 19))] == 101.3 and np.isnan(T[1, types.index((2, 65, -1))])
    assert list(T[:, -1]) == [1000.0, 500.0]
    types_nb, T_nb = yc.get(2020, exclude_bands=True)
    assert types_nb == [(2, 65, -1), (1, 0, 19), (2, 0, -1)]          # the only (0, 0, 19) row is a band
    assert T_nb[0, 0] == expect and T_nb[0, 1] == 99.7
    none, T0 = yc.get(2019)
    assert none == [] and T0.shape == (2, 0)


# ---------------------------------------------------------------------------------------------
# the engine on synthetic input
# ---------------------------------------------------------------------------------------------

def test_SYNTHETIC_forecast_invariants(SYNTHETIC):
    df = demo.forecast(None, as_of=2024, until=2040, tables=SYNTHETIC)
    assert list(df.columns) == ["gemeentecode", "jaar", "geslacht", "leeftijd_van", "leeftijd_tot", "variant", "waarde"]
    assert set(df["variant"]) == {"laag", "midden", "hoog"}
    assert df["jaar"].min() == 2024 and df["jaar"].max() == 2040
    assert (df["waarde"] >= 0).all()
    assert df["leeftijd_tot"].isna().sum() == len(df) / ages.NB          # only 95+ is open
    w = df.pivot_table(index=["gemeentecode", "jaar", "variant", "leeftijd_van"], columns="geslacht",
                       values="waarde", aggfunc="sum")
    assert (w["man"] + w["vrouw"] == w["totaal"]).all()
    key = ["gemeentecode", "jaar", "geslacht", "leeftijd_van", "variant"]
    assert df[key].equals(df[key].sort_values(key).reset_index(drop=True))
    tot = df[df["geslacht"] == "totaal"].groupby(["gemeentecode", "jaar", "variant"])["waarde"].sum().unstack()
    assert (tot["laag"] <= tot["midden"]).all() and (tot["midden"] <= tot["hoog"]).all()
    # the base year equals the official total, in every variant
    official = SYNTHETIC["bevolking_totaal"].query("jaar == 2024").set_index("gemeentecode")["waarde"]
    for v in ("laag", "midden", "hoog"):
        assert (tot[v].xs(2024, level="jaar") == official.reindex(tot[v].xs(2024, level="jaar").index)).all()


def test_SYNTHETIC_components_balance(SYNTHETIC):
    df = demo.forecast(None, as_of=2019, until=2030, tables=SYNTHETIC)
    c = demo.components(None, as_of=2019, until=2030, tables=SYNTHETIC)
    assert list(c.columns) == ["gemeentecode", "jaar", "variant", "geboorten", "sterfte", "migratiesaldo"]
    tot = df[df["geslacht"] == "totaal"].groupby(["gemeentecode", "variant", "jaar"])["waarde"].sum()
    for (g, v), grp in c.groupby(["gemeentecode", "variant"]):
        for r in grp.itertuples():
            assert tot[(g, v, r.jaar + 1)] == tot[(g, v, r.jaar)] + r.geboorten - r.sterfte + r.migratiesaldo
    assert c["jaar"].max() == 2029 and (c["geboorten"] > 0).all() and (c["sterfte"] > 0).all()


def test_SYNTHETIC_base_recovers_truth(SYNTHETIC, SYNTHETIC_TRUTH):
    b = demo.base_population(None, 2013, 2013, tables=SYNTHETIC)
    assert set(b["kwaliteit"]) == {"exact"}
    b16 = demo.base_population(None, 2016, 2016, tables=SYNTHETIC)
    assert set(b16["kwaliteit"]) == {"geschat"}
    est = b16[b16["geslacht"] != "totaal"].sort_values(["gemeentecode", "geslacht", "leeftijd_van"])["waarde"] \
        .to_numpy().reshape(12, 2, ages.NB)
    tru = ages.to_bands(SYNTHETIC_TRUTH["states"][2016])
    big = tru > 200
    ape = np.abs(est - tru)[big] / tru[big]
    assert np.median(ape) < 0.03
    for band in (65, 75):                                        # broad groups by sex were margins
        k = band // 5
        np.testing.assert_allclose(est[:, :, k:].sum(axis=2), tru[:, :, k:].sum(axis=2), rtol=0.01)


def test_SYNTHETIC_projection_close_to_truth(SYNTHETIC, SYNTHETIC_TRUTH):
    r = demo.run(2016, 2024, variants=("midden",), tables=SYNTHETIC)
    f75 = r.proj.P[0, -1][:, :, 75:].sum(axis=(1, 2))
    a75 = SYNTHETIC_TRUTH["states"][2024][:, :, 75:].sum(axis=(1, 2))
    assert np.abs(f75 / a75 - 1).mean() < 0.05


def test_SYNTHETIC_as_of_invariance_every_table(SYNTHETIC):
    """Changing or adding anything dated after the as-of rule does not change the result."""
    as_of = 2019
    ref = demo.forecast(None, as_of=as_of, until=2030, tables=SYNTHETIC)
    ref_c = demo.components(None, as_of=as_of, until=2030, tables=SYNTHETIC)
    ref_h = demo.households(None, as_of=as_of, until=2030, tables=SYNTHETIC)
    pert = {}
    rng = np.random.default_rng(7)
    for name, df in SYNTHETIC.items():
        d = df.copy()
        if "waarde" in d:
            d["waarde"] = d["waarde"].astype(float)
        later = asof.known_from(name, d) > as_of
        assert later.any(), name
        if "waarde" in d:
            d.loc[later, "waarde"] = d.loc[later, "waarde"] * rng.uniform(0.5, 1.5, later.sum())
        if name == "levenstafel":
            d.loc[later, "qx"] = d.loc[later, "qx"] * 1.3
        pert[name] = d
    pert["bevolking_totaal"] = pd.concat([pert["bevolking_totaal"], pert["bevolking_totaal"].tail(3).assign(jaar=2026)])
    out = demo.forecast(None, as_of=as_of, until=2030, tables=pert)
    pd.testing.assert_frame_equal(ref, out)
    pd.testing.assert_frame_equal(ref_c, demo.components(None, as_of=as_of, until=2030, tables=pert))
    pd.testing.assert_frame_equal(ref_h, demo.households(None, as_of=as_of, until=2030, tables=pert))
    # and the perturbation is felt when it is visible
    out2 = demo.forecast(None, as_of=2024, until=2030, tables=pert)
    assert not out2[out2["jaar"] == 2024]["waarde"].equals(
        demo.forecast(None, as_of=2024, until=2030, tables=SYNTHETIC).query("jaar == 2024")["waarde"])


def test_SYNTHETIC_deterministic(SYNTHETIC, tmp_path):
    from woonzorg_lib import atomic

    a = demo.forecast(None, as_of=2024, until=2030, tables=SYNTHETIC)
    demo.api._RUN_CACHE.clear()
    demo.api._RECON_CACHE.clear()
    b = demo.forecast(None, as_of=2024, until=2030, tables=SYNTHETIC)
    atomic.write_csv(tmp_path / "a.csv", a)
    atomic.write_csv(tmp_path / "b.csv", b)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert b"\r" not in (tmp_path / "a.csv").read_bytes()


def test_SYNTHETIC_households(SYNTHETIC):
    h = demo.households(None, as_of=2024, until=2035, tables=SYNTHETIC)
    assert list(h.columns) == ["gemeentecode", "jaar", "variant", "huishoudens"]
    p = demo.forecast(None, as_of=2024, until=2035, tables=SYNTHETIC)
    tot = p[p["geslacht"] == "totaal"].groupby(["gemeentecode", "jaar", "variant"])["waarde"].sum()
    size = tot / h.set_index(["gemeentecode", "jaar", "variant"])["huishoudens"]
    assert size.between(1.5, 3.5).all()
    # household size keeps falling slowly (synthetic trend), damped
    m = size.xs("midden", level="variant").unstack("jaar")
    assert (m[2035] < m[2024]).all()


def test_SYNTHETIC_housing_led(SYNTHETIC, tmp_path):
    f = tmp_path / "bouw.csv"
    f.write_text("gemeentecode;jaar;woningen\nGM9000;2024;1000\nGM9000;2025;1000,5\nGM9001;2024;0\n", encoding="utf-8")
    prog = housing.read_programme(f)
    assert prog["woningen"].tolist() == [1000.0, 1000.5, 0.0]
    base = demo.forecast(["GM9000", "GM9001"], as_of=2024, until=2030, tables=SYNTHETIC, variants=("midden",))
    led = demo.forecast(["GM9000", "GM9001"], as_of=2024, until=2030, tables=SYNTHETIC, variants=("midden",),
                        housing_programme=f)
    t0 = base[base.geslacht == "totaal"].groupby(["gemeentecode", "jaar"])["waarde"].sum()
    t1 = led[led.geslacht == "totaal"].groupby(["gemeentecode", "jaar"])["waarde"].sum()
    assert t1[("GM9000", 2024)] == t0[("GM9000", 2024)]
    # 2001 extra dwellings x ~2.2 persons per dwelling
    stock = SYNTHETIC["woningvoorraad"].query("jaar == 2024 and gemeentecode == 'GM9000'")["waarde"].iloc[0]
    rho = t0[("GM9000", 2024)] / stock
    assert t1[("GM9000", 2026)] == pytest.approx((stock + 2000.5) * rho, rel=0.01)
    assert t1[("GM9001", 2026)] < t0[("GM9001", 2024)] * 1.001   # no construction: no growth
    c = demo.components(["GM9000"], as_of=2024, until=2030, tables=SYNTHETIC, variants=("midden",),
                        housing_programme=f)
    assert c["migratiesaldo"].iloc[0] > 1000                      # migration balances the dwellings


@pytest.mark.parametrize("text,column,row", [
    ("gemeentecode,jaar\nGM9000,2024\n", "woningen", 1),
    ("gemeentecode,jaar,woningen\nGM9000,2024,veel\n", "woningen", 2),
    ("gemeentecode,jaar,woningen\nGM9000,2024,5\nXX12,2025,5\n", "gemeentecode", 3),
    ("gemeentecode,jaar,woningen\nGM9000,twintig,5\n", "jaar", 2),
    ("gemeentecode,jaar,woningen\nGM9000,2024,5\nGM9000,2024,6\n", "jaar", 3),
    ("gemeentecode;jaar;woningen\nGM9000;2024;1.000\n", "woningen", 2),
])
def test_SYNTHETIC_housing_programme_errors_name_file_column_row(tmp_path, text, column, row):
    f = tmp_path / "p.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        housing.read_programme(f)
    assert e.value.column == column and e.value.row == row and str(f) in str(e.value)


def test_SYNTHETIC_bad_arguments(SYNTHETIC):
    with pytest.raises(InputError):
        demo.forecast(None, as_of=2031, until=2040, tables=SYNTHETIC)
    with pytest.raises(InputError):
        demo.forecast(None, as_of=2024, until=2020, tables=SYNTHETIC)
    with pytest.raises(InputError):
        demo.forecast(None, as_of=2024, until=2030, variants=("extreem",), tables=SYNTHETIC)
    with pytest.raises(DataMissingError):
        demo.forecast(["GM0363"], as_of=2024, until=2030, tables=SYNTHETIC)


def test_SYNTHETIC_constrain_never_negative():
    P = np.random.default_rng(2).uniform(0, 50, (4, 2, ages.NA))
    key = engine.rogers_castro(ages.AGES)
    for target in (P.sum(axis=(1, 2)) * 0.3, P.sum(axis=(1, 2)) * 1.5):
        out = engine.constrain(P, target, key)
        assert (out >= 0).all()
        np.testing.assert_allclose(out.sum(axis=(1, 2)), target)


def test_SYNTHETIC_integerize_sums_exactly():
    X = np.random.default_rng(3).uniform(0, 10, (100, 40))
    I = demo.api.integerize(X)
    assert (I.sum(axis=1) == np.rint(X.sum(axis=1))).all()
    assert (np.abs(I - X) < 1).all()


def test_SYNTHETIC_342_gemeenten_runs():
    """A full-size synthetic country runs (the timing itself is in scripts/backtest.py --speed)."""
    T = SYNTHETIC_tables(342, seed=5)
    r = demo.run(2024, 2040, tables=T)
    assert r.proj.P.shape[:3] == (3, 17, 342)
    assert np.isfinite(r.proj.P).all() and (r.proj.P >= 0).all()
