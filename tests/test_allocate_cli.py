"""`woonzorg allocate` end to end (real CLI, real snapshot, Midden-Limburg, periode 2024-2030).

CONTRACTS columns; per groep × woningtype × periode × sleutel the whole-unit toewijzing sums
exactly to the task and the task is the same under every key (and equals the region's rounded
opgave from `woonzorg demand`); the four standard keys; aandeel sums to 1; verschil = aandeel −
huidige_inspanning; raising one indicator's weight moves share in its declared direction; bad
keys are refused with file, key and line (exit 2, output not created / not changed); `--taak`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .badinput._cli import REGION, ROOT, copy_good, good_outputs, no_traceback, sha256, start_good_outputs, submit

COLUMNS = ["gemeentecode", "groep", "woningtype", "taak", "periode", "sleutel", "aandeel", "toewijzing",
           "huidige_inspanning", "verschil", "regionale_functie"]
GROUP = ["groep", "woningtype", "taak", "periode", "sleutel"]
KEYS = {"inwoners", "sociale_huur", "vraag", "mix"}
DEFAULT_KEY = ROOT / "config" / "verdeelsleutels" / "default.yaml"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"gemeentecode": str})


def _edit_default(replacements: list[tuple[str, str]]) -> str:
    text = DEFAULT_KEY.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} not once in default.yaml; adapt this test"
        text = text.replace(old, new)
    return text


def _line_of(text: str, needle: str) -> int:
    """1-based line of the only line containing ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


# huidige_inspanning (meer_is_minder) 0.15 → 0.45, the 0.30 taken from inwoners (0.40 → 0.10)
RAISED = [("  - naam: inwoners\n    gewicht: 0.40\n", "  - naam: inwoners\n    gewicht: 0.10\n"),
          ("    richting: meer_is_minder\n    gewicht: 0.15\n", "    richting: meer_is_minder\n    gewicht: 0.45\n")]
# a negative weight (the list still sums to 1: 0.70 + 0.30 + 0.15 − 0.15)
NEGATIVE = [("  - naam: inwoners\n    gewicht: 0.40\n", "  - naam: inwoners\n    gewicht: 0.70\n"),
            ("    richting: meer_is_minder\n    gewicht: 0.15\n", "    richting: meer_is_minder\n    gewicht: -0.15\n")]
# an unknown indicator (typo)
UNKNOWN = [("  - naam: verhuurcapaciteit\n", "  - naam: verhuur_capaciteit\n")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("allocate_cli")
    keys = {}
    for name, edits in (("raised", RAISED), ("negative", NEGATIVE), ("unknown", UNKNOWN)):
        keys[name] = tmp / f"sleutel_{name}.yaml"
        keys[name].write_text(_edit_default(edits), encoding="utf-8")
    out = {n: tmp / f"{n}.csv" for n in ("raised", "taak", "negative", "unknown")}
    start_good_outputs()
    assert not out["negative"].exists()
    futures = {
        "raised": submit(("allocate", "--region", REGION, "--key", keys["raised"], "--out", out["raised"])),
        "taak": submit(("allocate", "--region", REGION, "--taak", 100, "--groep", "statushouders",
                        "--woningtype", "sociale_huur", "--out", out["taak"])),
        "negative": submit(("allocate", "--region", REGION, "--key", keys["negative"], "--out", out["negative"])),
    }
    before_unknown = copy_good("allocate", out["unknown"])  # a previous good output at the same path
    futures["unknown"] = submit(("allocate", "--region", REGION, "--key", keys["unknown"], "--out", out["unknown"]))
    res = {name: f.result() for name, f in futures.items()}
    return {"base": good_outputs()["allocate"], "demand": good_outputs()["demand"], "keys": keys, "out": out,
            "res": res, "before_unknown": before_unknown}


@pytest.fixture(scope="module")
def base(runs) -> pd.DataFrame:
    return _read(runs["base"])


# ---------------------------------------------------------------- the table
def test_columns_and_sort_order(runs, base):
    assert runs["base"].read_text(encoding="utf-8").split("\n", 1)[0].split(",") == COLUMNS
    key = ["gemeentecode", "groep", "woningtype", "periode", "sleutel"]
    assert not base.duplicated(key).any()
    assert base[key].astype(str).apply(tuple, axis=1).is_monotonic_increasing
    assert set(base["periode"]) == {"2024-2030"}


def test_keys_present(base):
    assert set(base["sleutel"]) == KEYS
    per = base.groupby(["groep", "woningtype", "periode"])["sleutel"].apply(set)
    assert (per == KEYS).all()
    assert set(base["gemeentecode"]) == {"GM0946", "GM0957", "GM0988", "GM1640", "GM1641", "GM1669", "GM1711"}
    assert (base.groupby(GROUP)["gemeentecode"].nunique() == 7).all()


def test_toewijzing_sums_exactly_to_the_task_under_every_key(base):
    assert (base["toewijzing"] >= 0).all() and base["toewijzing"].dtype.kind == "i"
    tasks = base.groupby(GROUP)["toewijzing"].sum().unstack("sleutel")
    # the same task whatever the key
    assert (tasks.nunique(axis=1) == 1).all(), tasks[tasks.nunique(axis=1) != 1]
    assert tasks["mix"].sum() > 0


def test_task_is_the_rounded_regional_opgave(runs, base):
    """Task = the region's opgave (stand) or toewijzing (stroom) 2024-2030, variant midden, rounded
    to whole units, negative → 0 (docs/verdeling.md §1 step 1)."""
    d = pd.read_csv(runs["demand"], dtype={"gemeentecode": str})
    d = d[(d["jaar"] == 2030) & (d["variant"] == "midden")]
    # stand groups: maat opgave → taak opgave; stroom groups: maat toewijzing (older demand: opgave)
    kind = np.where(d["soort"] == "stand", "opgave", "toewijzing")
    has_toew = (d["maat"] == "toewijzing").any()
    sel = (d["maat"] == kind) if has_toew else (d["maat"] == "opgave")
    o = d[sel].assign(taak=kind[sel.to_numpy()])
    opg = o.groupby(["groep", "woningtype", "taak"])["waarde"].sum()
    want = opg.map(lambda v: max(0, math.floor(v + 0.5)))
    got = base[base["sleutel"] == "inwoners"].groupby(["groep", "woningtype", "taak"])["toewijzing"].sum()
    assert got.sort_index().to_dict() == want.sort_index().to_dict()


def test_hamilton_stays_within_quota(base):
    taak = base.groupby(GROUP)["toewijzing"].transform("sum")
    q = taak * base["aandeel"]
    assert ((base["toewijzing"] >= np.floor(q - 1e-9)) & (base["toewijzing"] <= np.ceil(q + 1e-9))).all()


def test_aandeel_sums_to_one_per_key(base):
    assert base["aandeel"].between(0, 1).all()
    s = base.groupby(GROUP)["aandeel"].sum()
    assert np.allclose(s, 1.0, atol=1e-12)


def test_verschil_is_aandeel_minus_huidige_inspanning(base):
    known = base["huidige_inspanning"].notna()
    assert known.any()
    assert np.allclose(base.loc[known, "verschil"], base.loc[known, "aandeel"] - base.loc[known, "huidige_inspanning"],
                       atol=1e-15)
    assert base.loc[~known, "verschil"].isna().all()  # unknown effort → empty verschil
    assert base.loc[known, "huidige_inspanning"].between(0, 1).all()
    s = base[known].groupby(GROUP)["huidige_inspanning"].sum()
    assert np.allclose(s, 1.0, atol=1e-12)


def test_standard_keys_follow_their_indicator(runs, base):
    """inwoners key ∝ inhabitants on 1-1-2024; vraag key ∝ the gemeente's vraag 2030 (midden, ≥ 0)."""
    from woonzorg_lib.dataset import load
    tot = load.table("bevolking_totaal")
    inw = tot[(tot["jaar"] == 2024) & tot["gemeentecode"].isin(set(base["gemeentecode"]))]
    inw = inw.set_index("gemeentecode")["waarde"].astype(float)
    a = base[base["sleutel"] == "inwoners"]
    for _, g in a.groupby(["groep", "woningtype"]):
        assert np.allclose(g.set_index("gemeentecode")["aandeel"].sort_index(), (inw / inw.sum()).sort_index(),
                           atol=1e-12)
    d = pd.read_csv(runs["demand"], dtype={"gemeentecode": str})
    v = d[(d["maat"] == "vraag") & (d["jaar"] == 2030) & (d["variant"] == "midden")]
    for (groep, wt), g in base[base["sleutel"] == "vraag"].groupby(["groep", "woningtype"]):
        vr = v[(v["groep"] == groep) & (v["woningtype"] == wt)].set_index("gemeentecode")["waarde"].clip(lower=0)
        assert np.allclose(g.set_index("gemeentecode")["aandeel"].sort_index(), (vr / vr.sum()).sort_index(),
                           atol=1e-5), (groep, wt)


# ---------------------------------------------------------------- raising one weight
def test_raising_a_weight_moves_share_in_its_declared_direction(runs, base):
    """huidige_inspanning (richting meer_is_minder, schaal inwoners) 0.15 → 0.45, inwoners 0.40 → 0.10.
    Its share per gemeente (standard rule): s_i ∝ (max x − x_i) × inwoners_i with x = effort index
    = huidige_inspanning share ÷ inwoners share. So aandeel_new − aandeel_old = 0.30 × (s_i − inwoners
    share_i): share moves to gemeenten that do LITTLE today; the one doing most gets s = 0 and loses."""
    res = runs["res"]["raised"]
    assert res.returncode == 0, res.stderr
    new = _read(runs["out"]["raised"])
    key = ["gemeentecode", "groep", "woningtype", "periode", "sleutel"]
    assert new[key].equals(base[key])
    # only the mix changes, and not for statushouders (own list: inwoners 1.0)
    diff = (new["aandeel"] - base["aandeel"]).abs() > 1e-12
    assert set(base.loc[diff, "sleutel"]) == {"mix"}
    assert "statushouders" not in set(base.loc[diff, "groep"])

    one = base[(base["sleutel"] == "inwoners") & (base["groep"] == "urgenten")].set_index("gemeentecode")
    inw_share, eff = one["aandeel"], one["huidige_inspanning"]
    x = eff / inw_share
    s = (x.max() - x) * inw_share
    s = s / s.sum()
    want_delta = 0.30 * (s - inw_share)
    mix_old = base[(base["sleutel"] == "mix") & (base["groep"] == "urgenten")].set_index("gemeentecode")["aandeel"]
    mix_new = new[(new["sleutel"] == "mix") & (new["groep"] == "urgenten")].set_index("gemeentecode")["aandeel"]
    assert np.allclose(mix_new - mix_old, want_delta, atol=1e-12)
    top = x.idxmax()  # most current effort per inhabitant → loses
    assert mix_new[top] < mix_old[top]
    gainers = want_delta[want_delta > 0].index
    assert len(gainers) > 0 and (x[gainers] < x[top]).all()

    # in whole units: summed over every task, the gainers get more and the top gemeente fewer
    t_old = base[base["sleutel"] == "mix"].groupby("gemeentecode")["toewijzing"].sum()
    t_new = new[new["sleutel"] == "mix"].groupby("gemeentecode")["toewijzing"].sum()
    assert t_new[gainers].sum() > t_old[gainers].sum()
    assert t_new[top] < t_old[top]
    assert t_new.sum() == t_old.sum()


# ---------------------------------------------------------------- --taak
def test_user_task_is_shared_exactly(runs):
    res = runs["res"]["taak"]
    assert res.returncode == 0, res.stderr
    t = _read(runs["out"]["taak"])
    assert set(zip(t["groep"], t["woningtype"], t["periode"])) == {("statushouders", "sociale_huur", "2024-2030")}
    assert set(t["sleutel"]) == KEYS
    sums = t.groupby("sleutel")["toewijzing"].sum()
    assert (sums == 100).all(), sums


# ---------------------------------------------------------------- bad keys
def _assert_refused(res, file: Path, column: str, line: int, *needles: str) -> None:
    assert res.returncode == 2, (res.returncode, res.stderr)
    no_traceback(res)
    err = res.stderr
    assert str(file) in err, err
    assert f"'{column}'" in err, err
    assert f"regel {line}" in err, err
    for n in needles:
        assert n in err, err


def test_negative_weight_is_refused_and_nothing_written(runs):
    f = runs["keys"]["negative"]
    line = _line_of(f.read_text(encoding="utf-8"), "gewicht: -0.15")
    _assert_refused(runs["res"]["negative"], f, "indicatoren.3.gewicht", line, "negatief")
    assert not runs["out"]["negative"].exists()
    assert not list(runs["out"]["negative"].parent.glob(".negative.csv.*"))  # no temp file left


def test_unknown_indicator_is_refused_and_previous_output_unchanged(runs):
    f = runs["keys"]["unknown"]
    line = _line_of(f.read_text(encoding="utf-8"), "verhuur_capaciteit")
    _assert_refused(runs["res"]["unknown"], f, "indicatoren.1.naam", line, "verhuur_capaciteit")
    assert sha256(runs["out"]["unknown"]) == runs["before_unknown"]


# ---------------------------------------------------------------- capacity file and own effort figures
def test_capacity_file_and_own_effort_table(tmp_path, base):
    """--capaciteit writes the per-year capacity table; --inspanning adds a user component
    (the SYNTHETIC example statushouders) to huidige_inspanning; stdout states capacity first."""
    from .conftest import run_cli

    out, cap = tmp_path / "a.csv", tmp_path / "cap.csv"
    example = ROOT / "config" / "examples" / "inspanning_voorbeeld.csv"
    res = run_cli("allocate", "--region", REGION, "--inspanning", example, "--capaciteit", cap, "--out", out)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[1].startswith("Eerst de capaciteit") and "toewijzingen nodig" in lines[2]
    assert "statushouders" in res.stdout and "niet meegeteld: bw_mo_uitgaven" in res.stdout
    c = pd.read_csv(cap)
    assert c["jaar"].tolist() == list(range(2024, 2030))
    assert np.isfinite(c.select_dtypes("number").to_numpy()).all()
    a = _read(out)
    assert a["huidige_inspanning"].notna().all()
    assert not np.allclose(a["huidige_inspanning"], base["huidige_inspanning"])   # the component counts
    assert a[["groep", "woningtype", "taak", "periode", "sleutel", "toewijzing"]].groupby(GROUP[:-1] + ["sleutel"]) \
        ["toewijzing"].sum().equals(base.groupby(GROUP)["toewijzing"].sum())
