"""Back-test over all 342 gemeenten: the per-gemeente CSV (contract columns) and the band calibration."""

import numpy as np
import pandas as pd

from woonzorg_lib.demography import backtest as bt

from .conftest import run_cli


def test_per_gemeente_rows_and_csv(tmp_path):
    rows, errs = bt.evaluate(2019, 2024, fase="held-out", with_errors=True)
    e = pd.DataFrame(errs).rename(columns={"model": "prognose"})
    e["fout_pct"] = e["fout"] * 100
    tot = e[e["groep"] == "totaal"]
    assert tot["gemeentecode"].nunique() == 342
    assert set(e["groep"]) == {"totaal", "65+", "75+"}
    assert (e["laag"] <= e["prognose"]).all() and (e["prognose"] <= e["hoog"]).all()
    assert np.allclose(e["fout_pct"], (e["prognose"] - e["werkelijk"]) / e["werkelijk"] * 100)
    out = tmp_path / "bt.csv"
    bt.write_csv(e.sort_values(["fase", "as_of", "doeljaar", "groep", "gemeentecode"]), out)
    back = pd.read_csv(out)
    assert list(back.columns) == ["fase", "as_of", "doeljaar", "groep", "gemeentecode", "prognose", "werkelijk",
                                  "fout_pct", "laag", "hoog"]
    assert len(back) == len(e)
    # baselines now have 65+ history for every gemeente (exact bands 1998-2013 + KWB 2019)
    m = pd.DataFrame(rows).set_index(["groep", "methode"])
    assert int(m.loc[("65+", "laatste"), "n"]) == 342


def test_calibration_covers_the_nominal_rate_on_synthetic_errors():
    """Synthetic errors (named as such): |e| ~ 0.004 h^0.9 (N/25000)^-0.2 x |normal|; the calibrated band
    covers exactly 67 % of the sample and recovers the exponents roughly."""
    rng = np.random.default_rng(7)
    n = 6000
    h = rng.integers(1, 9, n)
    size = np.exp(rng.uniform(np.log(3000), np.log(900000), n))
    scale = 0.004 * h ** 0.9 * (size / 25000) ** -0.2
    model = np.full(n, 1000.0)
    actual = model * (1 - scale * rng.standard_normal(n))
    errs = pd.DataFrame({"horizon": h, "n": size, "model": model, "werkelijk": actual})
    cal = bt.calibrate_variants(errs, 0.67)
    a = cal["c"] * h ** cal["b"] * (size / 25000) ** -cal["gamma"]
    inside = np.abs(1 - actual / model) <= a
    assert abs(inside.mean() - 0.67) < 0.002
    assert abs(cal["b"] - 0.9) < 0.15 and abs(cal["gamma"] - 0.2) < 0.08


def test_backtest_cli_help_lists_out():
    res = run_cli("backtest", "--help")
    assert res.returncode == 0 and "--out" in res.stdout and "fout_pct" in res.stdout


def test_forecast_offline_for_a_region_outside_the_former_47(tmp_path):
    """The reviewer's check: a region file with codes only, outside the 47 of the old snapshot."""
    reg = tmp_path / "gmr.yaml"
    reg.write_text("slug: gmr\nnaam: Arnhem-Nijmegen (deel)\ngemeenten: [GM0202, GM0268, GM0277]\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    res = run_cli("forecast", "--region", reg, "--as-of", "2019", "--until", "2024", "--out", out)
    assert res.returncode == 0, res.stderr
    f = pd.read_csv(out)
    assert set(f["gemeentecode"]) == {"GM0202", "GM0268", "GM0277"}
    t24 = f[(f["jaar"] == 2024) & (f["geslacht"] == "totaal") & (f["variant"] == "midden")]
    # scored against the CBS totals of 1-1-2024 (85644NED): within 10 % for each of the three
    from woonzorg_lib.dataset import load

    tot = load.table("bevolking_totaal").query("jaar == 2024").set_index("gemeentecode")["waarde"]
    for code, v in t24.groupby("gemeentecode")["waarde"].sum().items():
        assert abs(v / tot[code] - 1) < 0.10, code
