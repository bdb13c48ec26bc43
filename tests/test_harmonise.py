"""The national snapshot on the 342 gemeenten of 2024: harmonisation checks on the real CBS files."""

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib.dataset import harmonise as H
from woonzorg_lib.dataset import load


@pytest.fixture(scope="module")
def tot():
    return load.table("bevolking_totaal")


@pytest.fixture(scope="module")
def b5():
    return load.table("bevolking_5j")


def test_every_year_342_gemeenten_sum_to_nederland(tot):
    years = sorted(tot["jaar"].unique())
    assert years == list(range(1998, 2026))
    for jaar, g in tot.groupby("jaar"):
        gm = g[g["gemeentecode"].str.startswith("GM")]
        assert gm["gemeentecode"].nunique() == 342, jaar
        nl = int(g.loc[g["gemeentecode"] == "NL01", "waarde"].iloc[0])
        assert int(gm["waarde"].sum()) == nl, jaar
    # 2014-2024: NL01 is CBS's own Nederland row (85644NED), not our sum
    cbs = tot[(tot["gemeentecode"] == "NL01") & (tot["jaar"] == 2024)]
    assert int(cbs["waarde"].iloc[0]) == 17_942_942
    assert (cbs["bron"] == "CBS 85644NED").all()


def test_bands_sum_to_totals_and_men_plus_women(tot, b5):
    ex = b5[b5["kwaliteit"] == "exact"]
    assert sorted(ex["jaar"].unique()) == list(range(1998, 2014))
    wide = ex.pivot_table(index=["gemeentecode", "jaar", "leeftijd_van"], columns="geslacht", values="waarde")
    assert np.allclose(wide["man"] + wide["vrouw"], wide["totaal"], atol=0.01)
    s = ex[ex["geslacht"] == "totaal"].groupby(["gemeentecode", "jaar"])["waarde"].sum()
    t = tot.set_index(["gemeentecode", "jaar"])["waarde"].reindex(s.index)
    assert np.allclose(s, t, atol=0.01)
    assert ex[ex["geslacht"] == "totaal"]["gemeentecode"].nunique() == 343  # 342 + NL01
    # every band 0-4 ... 95+ for every gemeente and year
    assert (ex.groupby(["gemeentecode", "jaar", "geslacht"]).size() == 20).all()


def test_2013_aged_one_year_matches_2014_cbs_totals(tot, b5):
    """Harmonised 2013 bands, aged one year with the national life table and births, land within 3 %
    of each gemeente's 2014 CBS total (85644NED, a different table); 95 % within 1 %."""
    lt = load.table("levenstafel")
    gb = load.table("geboorten")
    q = lt[lt["jaar"] == 2013].set_index("leeftijd")["qx"]
    qb = np.array([q.reindex(range(min(5 * k, 90), min(5 * k + 5, 94))).mean() for k in range(20)])
    b = b5[(b5["jaar"] == 2013) & (b5["geslacht"] == "totaal")]
    b13 = b.pivot(index="gemeentecode", columns="leeftijd_van", values="waarde")
    w = b5[(b5["jaar"] == 2013) & (b5["geslacht"] == "vrouw") & b5["leeftijd_van"].between(20, 35)]
    w = w.groupby("gemeentecode")["waarde"].sum()
    births = gb[(gb["gemeentecode"] == "NL01") & (gb["jaar"] == 2013) & (gb["variabele"] == "levend_geborenen")]
    pred = (b13.to_numpy() * (1 - qb)).sum(axis=1) + float(births["waarde"].iloc[0]) * (w / w["NL01"]).reindex(
        b13.index).to_numpy()
    t14 = tot[tot["jaar"] == 2014].set_index("gemeentecode")["waarde"].reindex(b13.index)
    err = (pd.Series(pred, index=b13.index) / t14 - 1).drop("NL01").abs()
    assert len(err) == 342
    assert err.max() < 0.03, err.idxmax()
    assert err.quantile(0.95) < 0.01


def test_no_boundary_jumps_in_the_harmonised_series(tot):
    """A missed merger shows as a jump; on 2024 boundaries no gemeente changes > 15 % in a year."""
    piv = tot[tot["gemeentecode"] != "NL01"].pivot(index="gemeentecode", columns="jaar", values="waarde")
    change = piv.pct_change(axis=1).iloc[:, 1:].abs()
    assert change.max().max() < 0.15, change.stack().idxmax()


def test_every_boundary_change_is_listed():
    h = load.table("herindelingen")
    # shares of every old gemeente-year sum to 1
    s = h.groupby(["oude_code", "jaar"])["aandeel"].sum()
    assert np.allclose(s, 1.0, atol=1e-5)
    known_splits = {"Boarnsterhim", "Littenseradiel", "Maasdonk", "Haaren", "Meerlo-Wanssum"}
    split = set(h.loc[h["methode"] == "pc4-verdeling", "oude_naam"])
    assert known_splits <= split
    # well-known whole mergers are there, e.g. Haren and Ten Boer into Groningen (2019)
    gr = h[(h["gemeentecode"] == "GM0014") & (h["jaar"] == 2013)]
    assert {"Haren", "Ten Boer"} <= set(gr["oude_naam"]) and (gr["methode"] == "geheel").all()
    # Haaren: four successors (Tilburg, Oisterwijk, Vught, Boxtel)
    ha = h[(h["oude_naam"] == "Haaren") & (h["jaar"] == 2013)]
    assert set(ha["gemeentecode"]) == {"GM0855", "GM0824", "GM0865", "GM0757"}


def test_whole_share_threshold_separates_splits_from_straddling_pc4s():
    """Real splits keep < 93 % in their largest successor; whole mergers ≥ 95 % (straddling PC4s)."""
    h = load.table("herindelingen")
    top = h.groupby(["oude_code", "jaar", "methode"])["aandeel"].max().reset_index()
    assert top.loc[top["methode"] == "pc4-verdeling", "aandeel"].max() < 0.93
    assert H.WHOLE_SHARE > 0.93


def test_apportion_int_is_exact():
    assert H.apportion_int(10, np.array([1, 1, 1])).tolist() == [4, 3, 3]
    assert H.apportion_int(7, np.array([0.5, 0.25, 0.25])).sum() == 7


def test_2021_pc4_approximation_for_every_gemeente(b5, tot):
    a = b5[b5["jaar"] == 2021]
    assert (a["kwaliteit"] == "benadering").all()
    assert a["gemeentecode"].nunique() == 343
    s = (a[a["geslacht"] == "totaal"].assign(v=lambda d: d["waarde"] * d["schaalfactor"])
         .groupby("gemeentecode")["v"].sum())
    t = tot[tot["jaar"] == 2021].set_index("gemeentecode")["waarde"].reindex(s.index)
    assert np.allclose(s, t, rtol=1e-8)
    assert a["schaalfactor"].between(0.95, 1.10).all()


def test_gemeentefonds_bands_by_sex_for_nearly_every_gemeente(tot):
    """60039fvw (cut after 'Zevenaar'): 2007-2017 broad groups x sex for >= 330 gemeenten, each kept
    gemeente-year within 0,5 % of the harmonised CBS total, men + women = total per band."""
    m = load.table("bevolking_marges")
    g = m[m["bron"] == "CBS 60039fvw"]
    per_year = g.groupby("jaar")["gemeentecode"].nunique()
    assert list(per_year.index) == list(range(2007, 2018)) and per_year.min() >= 330
    bands = g[g["leeftijd_van"].isin([0, 20, 65, 75, 85]) & ~(g["leeftijd_van"].eq(0) & g["leeftijd_tot"].isna())]
    s = bands[bands["geslacht"] == "totaal"].groupby(["gemeentecode", "jaar"])["waarde"].sum()
    t = tot.set_index(["gemeentecode", "jaar"])["waarde"].reindex(s.index)
    assert ((s / t - 1).abs() <= 0.005).all()
    w = bands.pivot_table(index=["gemeentecode", "jaar", "leeftijd_van"], columns="geslacht", values="waarde")
    assert np.allclose(w["man"] + w["vrouw"], w["totaal"], atol=0.5)
