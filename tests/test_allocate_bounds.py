"""Floors, caps and carry-over per gemeente in ``allocate()`` and ``woonzorg allocate``.

Part 1 uses a SYNTHETIC region (codes GM9xxx do not exist; every figure is made up). Part 2 runs
the real CLI on Midden-Limburg with the example files of ``config/examples/`` (synthetic values,
labelled as such in their ``opmerking`` column) and with deliberately bad files.

Rules under test (docs/verdeling.md §2 "Floors, caps, carry-over"; apportion.py docstring):
floors/caps bound the basis (the share of this period's task); per (groep, woningtype, periode,
sleutel) the basis sums exactly to the task; ``toewijzing = max(basis + carry_over, 0)`` so the
toewijzing sums to ``taak + Σ carry_over`` unless a surplus exceeds its gemeente's basis (the rest
is in ``attrs['rest_carry_over']``); infeasible bounds → InfeasibleTaskError (an InputError, CLI
exit 2) naming groep, woningtype, sleutel and the gemeenten, nothing written.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
from woonzorg_lib.verdeling import (ALLOCATION_COLUMNS, allocate, caps_from_lettings_capacity,
                                             read_bounds_csv)
from woonzorg_lib.verdeling.apportion import InfeasibleTaskError, apportion_table
from woonzorg_lib.verdeling.keys import derive_indicators, key_shares, standard_keys

from .badinput._cli import REGION, ROOT, copy_good, good_outputs, no_traceback, sha256, start_good_outputs, submit

GROUP = ["groep", "woningtype", "periode", "sleutel"]
PROPS = settings(max_examples=30, derandomize=True, deadline=None)

#: SYNTHETIC region of five made-up gemeenten.
IND = derive_indicators(pd.DataFrame(
    {"inwoners": [60_000, 25_000, 12_000, 8_000, 4_000],
     "sociale_huur": [9_000, 3_500, 2_400, 900, 0],
     "woningvoorraad": [28_000, 11_000, 5_300, 3_600, 1_800],
     "aandachtsgroep_huishoudens": [1_100, 200, 70, 20, 2]},
    index=pd.Index(["GM9001", "GM9002", "GM9003", "GM9004", "GM9005"], name="gemeentecode")))
CODES = list(IND.index)
#: SYNTHETIC tasks.
TAKEN = pd.DataFrame({"groep": ["ouderen", "ouderen", "statushouders"],
                      "woningtype": ["nultreden", "geclusterd", "sociale_huur"],
                      "periode": ["2024-2030", "2024-2030", "2025H1"],
                      "taak": [431, 97, 23]})
EFFORT = pd.Series({"GM9001": 0.70, "GM9002": 0.15, "GM9003": 0.08, "GM9004": 0.05, "GM9005": 0.02})
VRAAG = pd.DataFrame({"gemeentecode": CODES * 2, "groep": ["ouderen"] * 5 + ["statushouders"] * 5,
                      "waarde": [300, 160, 90, 60, 40, 12, 5, 2, 2, 1]})


@pytest.fixture(scope="module")
def keys():
    return standard_keys()


def _alloc(keys, taken=TAKEN, **kw):
    return allocate(taken, IND, keys, EFFORT, vraag=VRAAG, **kw)


def _task_of(taken=TAKEN) -> dict:
    return {(r.groep, r.woningtype, r.periode): r.taak for r in taken.itertuples()}


# ================================================================ part 1: allocate() (synthetic)

def test_no_bounds_is_unchanged(keys):
    a = _alloc(keys)
    b = _alloc(keys, floors=None, caps=None, carry_over=None)
    assert a.equals(b)
    assert list(a.columns) == ALLOCATION_COLUMNS
    assert a.attrs["rest_carry_over"] == []


@pytest.mark.parametrize("method", ["hamilton", "webster", "dhondt"])
def test_floors_and_caps_respected_totals_exact(keys, method):
    floors = pd.DataFrame({"gemeentecode": ["GM9005", "GM9004"], "waarde": [30, 20],
                           "groep": ["ouderen", ""], "woningtype": ["nultreden", None]})
    caps = pd.Series({"GM9001": 150, "GM9002": 120})  # every task
    t = _alloc(keys, method=method, floors=floors, caps=caps)
    assert list(t.columns) == ALLOCATION_COLUMNS and t["toewijzing"].dtype == "int64"
    sums = t.groupby(GROUP)["toewijzing"].sum()
    for (g, wt, p, _), s in sums.items():
        assert s == _task_of()[(g, wt, p)]
    assert (t.loc[t["gemeentecode"] == "GM9001", "toewijzing"] <= 150).all()
    assert (t.loc[t["gemeentecode"] == "GM9002", "toewijzing"] <= 120).all()
    nul = t[(t["woningtype"] == "nultreden")]
    assert (nul.loc[nul["gemeentecode"] == "GM9005", "toewijzing"] >= 30).all()
    # GM9004's floor 20 applies to every task (groep/woningtype empty), also the task of 23
    assert (t.loc[t["gemeentecode"] == "GM9004", "toewijzing"] >= 20).all()
    # the cap binds: GM9001 would get ≈ 55 % of 431 unbounded under inwoners
    inw = t[(t["sleutel"] == "inwoners") & (t["woningtype"] == "nultreden")].set_index("gemeentecode")
    assert inw.at["GM9001", "toewijzing"] == 150
    # aandeel is the key's share before bounds (unchanged)
    assert np.allclose(t["aandeel"], _alloc(keys, method=method)["aandeel"])


def test_same_result_as_apportion_with_the_bounds(keys):
    caps = pd.Series({"GM9001": 150, "GM9002": 120})
    t = _alloc(keys, caps=caps, floors=3)
    shares = key_shares(keys["inwoners"], IND, groep="ouderen")
    want = apportion_table(shares, 431, caps=caps.to_dict(), floors=3)["toewijzing"]
    got = t[(t["sleutel"] == "inwoners") & (t["woningtype"] == "nultreden")].set_index("gemeentecode")
    assert got["toewijzing"].to_dict() == want.to_dict()


def test_most_specific_row_wins(keys):
    caps = pd.DataFrame({
        "gemeentecode": ["GM9001", "GM9001", "GM9001", "GM9001"],
        "groep": [None, "ouderen", None, "ouderen"],
        "woningtype": [None, None, "geclusterd", "geclusterd"],
        "waarde": [200, 180, 40, 30],
    })
    t = _alloc(keys, caps=caps)
    g1 = t[t["gemeentecode"] == "GM9001"]
    assert (g1.loc[g1["woningtype"] == "geclusterd", "toewijzing"] <= 30).all()   # groep + woningtype
    assert (g1.loc[g1["woningtype"] == "nultreden", "toewijzing"] <= 180).all()   # groep only
    assert g1.loc[(g1["woningtype"] == "nultreden") & (g1["sleutel"] == "inwoners"), "toewijzing"].item() == 180
    assert (g1.loc[g1["groep"] == "statushouders", "toewijzing"] <= 200).all()   # the general row


def test_list_of_caps_takes_the_lowest(keys):
    a = pd.Series({"GM9001": 150})
    b = pd.Series({"GM9001": 170, "GM9002": 90})
    t = _alloc(keys, caps=[a, b])
    nul = t[(t["woningtype"] == "nultreden") & (t["sleutel"] == "inwoners")].set_index("gemeentecode")
    assert nul.at["GM9001", "toewijzing"] == 150 and nul.at["GM9002", "toewijzing"] == 90
    assert nul["toewijzing"].sum() == 431


def test_caps_from_lettings_capacity():
    c = caps_from_lettings_capacity(IND, "2024-2030")
    vh = IND["verhuurcapaciteit"]
    assert c.dtype == "int64" and list(c.index) == CODES
    assert c.to_dict() == {g: math.floor(v * 6 + 1e-9) for g, v in vh.items()}
    assert c["GM9005"] == 0  # no corporatiebezit
    h = caps_from_lettings_capacity(IND, "2025H1")
    assert h.to_dict() == {g: math.floor(v * 0.5 + 1e-9) for g, v in vh.items()}
    with pytest.raises(InputError):
        caps_from_lettings_capacity(IND, "2030-2024")


def test_lettings_capacity_caps_in_allocate(keys):
    caps = caps_from_lettings_capacity(IND, "2024-2030")
    taken = TAKEN.iloc[:2]
    t = _alloc(keys, taken=taken, caps=caps)
    assert (t["toewijzing"].to_numpy() <= t["gemeentecode"].map(caps).to_numpy()).all()
    assert (t.groupby(GROUP)["toewijzing"].sum() == t.groupby(GROUP)["woningtype"].first()
            .map({"nultreden": 431, "geclusterd": 97})).all()


# ---------------------------------------------------------------- carry-over
def test_carry_over_rule(keys):
    co = pd.DataFrame({"gemeentecode": ["GM9001", "GM9003", "GM9005"],
                       "groep": ["ouderen"] * 3, "woningtype": ["nultreden"] * 3,
                       "waarde": [12, -4, 5]})
    t = _alloc(keys, carry_over=co)
    base = _alloc(keys)
    key = ["gemeentecode"] + GROUP
    m = t.merge(base, on=key, suffixes=("", "_basis"))
    extra = m["gemeentecode"].map({"GM9001": 12, "GM9003": -4, "GM9005": 5}).fillna(0)
    extra = extra.where(m["woningtype"] == "nultreden", 0)
    assert (m["toewijzing"] == np.maximum(m["toewijzing_basis"] + extra, 0)).all()
    sums = t.groupby(GROUP)["toewijzing"].sum()
    for (g, wt, p, _), s in sums.items():
        assert s == _task_of()[(g, wt, p)] + (13 if wt == "nultreden" else 0)
    assert t.attrs["rest_carry_over"] == []


def test_surplus_larger_than_basis_carries_on(keys):
    """A surplus of 100 at a small gemeente: toewijzing 0, the rest (100 − basis) carries on."""
    co = pd.DataFrame({"gemeentecode": ["GM9005"], "groep": ["ouderen"], "woningtype": ["geclusterd"],
                       "waarde": [-100]})
    t = _alloc(keys, carry_over=co)
    base = _alloc(keys)
    sel = (t["gemeentecode"] == "GM9005") & (t["woningtype"] == "geclusterd")
    assert (t.loc[sel, "toewijzing"] == 0).all()
    rest = {r["sleutel"]: r["rest_carry_over"] for r in t.attrs["rest_carry_over"]}
    assert set(rest) == set(t["sleutel"])
    for sleutel, r in rest.items():
        b = base.loc[sel & (base["sleutel"] == sleutel), "toewijzing"].item()
        assert r == b - 100
        tot = t[(t["woningtype"] == "geclusterd") & (t["sleutel"] == sleutel)]["toewijzing"].sum()
        assert tot + r == 97 - 100  # Σ toewijzing + Σ rest = taak + Σ carry_over


def test_carry_over_series_for_one_task_and_refused_for_several(keys):
    one = TAKEN.iloc[[2]]
    co = pd.Series({"GM9001": 4, "GM9002": -1})
    t = _alloc(keys, taken=one, carry_over=co)
    assert (t.groupby("sleutel")["toewijzing"].sum() == 23 + 3).all()
    with pytest.raises(InputError, match="3 taken"):
        _alloc(keys, carry_over=co)  # would count for all three tasks
    row = pd.DataFrame({"gemeentecode": ["GM9001"], "groep": ["ouderen"], "waarde": [4]})
    with pytest.raises(InputError, match="2 taken") as exc:
        _alloc(keys, carry_over=row, bronnen={"carry_over": "co.csv"})
    assert exc.value.file == "co.csv" and exc.value.row == 2
    # a carry-over row for a task that is not in the run would vanish: refused
    other = pd.DataFrame({"gemeentecode": ["GM9001"], "groep": ["studenten"], "waarde": [3]})
    with pytest.raises(InputError, match="geen enkele taak") as exc:
        _alloc(keys, carry_over=other, bronnen={"carry_over": "co.csv"})
    assert (exc.value.column, exc.value.row) == ("groep/woningtype/periode", 2)


def test_caps_rows_for_other_tasks_are_ignored(keys):
    caps = pd.DataFrame({"gemeentecode": ["GM9001"], "groep": ["studenten"], "waarde": [0]})
    assert _alloc(keys, caps=caps).equals(_alloc(keys))


# ---------------------------------------------------------------- infeasible
def test_infeasible_caps_name_task_key_and_gemeenten(keys):
    caps = pd.Series({g: 10 for g in CODES})  # 50 < 431
    with pytest.raises(InfeasibleTaskError) as exc:
        _alloc(keys, caps=caps, bronnen={"caps": "caps.csv"})
    e = exc.value
    assert isinstance(e, InputError)
    msg = str(e)
    for needle in ("ouderen", "nultreden", "2024-2030", "sleutel", "431", "50"):
        assert needle in msg, msg
    assert e.gemeenten == CODES and all(g in msg for g in CODES)
    assert e.file == "caps.csv" and e.column == "bovengrens"


def test_infeasible_floors_and_floor_above_cap(keys):
    floors = pd.DataFrame({"gemeentecode": ["GM9001", "GM9002"], "groep": ["statushouders"] * 2,
                           "waarde": [20, 10]})
    with pytest.raises(InfeasibleTaskError, match="statushouders") as exc:
        _alloc(keys, floors=floors, bronnen={"floors": "f.csv"})
    assert exc.value.gemeenten == ["GM9001", "GM9002"] and exc.value.file == "f.csv"
    with pytest.raises(InfeasibleTaskError, match="GM9003") as exc:
        _alloc(keys, floors=pd.Series({"GM9003": 5}), caps=pd.Series({"GM9003": 4}),
               bronnen={"floors": "f.csv", "caps": "c.csv"})
    assert exc.value.file == "f.csv + c.csv"


def test_caps_on_some_gemeenten_only_are_always_feasible(keys):
    t = _alloc(keys, caps=pd.Series({"GM9001": 0, "GM9002": 0, "GM9003": 0, "GM9004": 0}))
    assert (t.loc[t["gemeentecode"] != "GM9005", "toewijzing"] == 0).all()
    assert (t.groupby(GROUP)["toewijzing"].sum().to_numpy() > 0).all()


# ---------------------------------------------------------------- bad bound inputs
@pytest.mark.parametrize("table, column, row, needle", [
    (pd.DataFrame({"gemeentecode": ["GM9001", "GM0957"], "waarde": [5, 5]}), "gemeentecode", 3, "GM0957"),
    (pd.DataFrame({"gemeentecode": ["GM9001"], "waarde": [2.5]}), "waarde", 2, "geheel"),
    (pd.DataFrame({"gemeentecode": ["GM9001"], "waarde": [-1]}), "waarde", 2, "negatief"),
    (pd.DataFrame({"gemeentecode": ["GM9001"], "waarde": ["veel"]}), "waarde", 2, "geheel"),
    (pd.DataFrame({"gemeentecode": ["GM9001", "GM9001"], "waarde": [3, 4]}), "gemeentecode", 3, "dubbel"),
    (pd.DataFrame({"gemeentecode": ["GM9001"], "woningtype": ["villa"], "waarde": [3]}), "woningtype", 2,
     "villa"),
])
def test_bad_caps_table(keys, table, column, row, needle):
    with pytest.raises(InputError) as exc:
        _alloc(keys, caps=table, bronnen={"caps": "c.csv"})
    e = exc.value
    assert (e.file, e.column, e.row) == ("c.csv", column, row), str(e)
    assert needle in str(e)


def test_carry_over_may_be_negative_but_caps_may_not(keys):
    one = TAKEN.iloc[[2]]
    _alloc(keys, taken=one, carry_over=pd.Series({"GM9001": -2}))
    with pytest.raises(InputError, match="negatief"):
        _alloc(keys, taken=one, caps=pd.Series({"GM9001": -2}))


@PROPS
@given(taak=st.integers(0, 400), caps=st.lists(st.integers(0, 150), min_size=5, max_size=5),
       floors=st.lists(st.integers(0, 20), min_size=5, max_size=5),
       carry=st.lists(st.integers(-30, 30), min_size=5, max_size=5),
       method=st.sampled_from(["hamilton", "webster", "dhondt"]))
def test_property_bounds_and_totals(taak, caps, floors, carry, method):
    caps = [max(c, f) for c, f in zip(caps, floors)]
    taak = min(max(taak, sum(floors)), sum(caps))  # a feasible task
    taken = pd.DataFrame({"groep": ["ouderen"], "woningtype": ["nultreden"], "periode": ["2024-2030"],
                          "taak": [taak]})
    keys = standard_keys()
    t = allocate(taken, IND, keys, EFFORT, vraag=VRAAG, method=method, floors=pd.Series(floors, index=CODES),
                 caps=pd.Series(caps, index=CODES), carry_over=pd.Series(carry, index=CODES))
    rest = {(r["gemeentecode"], r["sleutel"]): r["rest_carry_over"] for r in t.attrs["rest_carry_over"]}
    co = dict(zip(CODES, carry))
    lo, hi = dict(zip(CODES, floors)), dict(zip(CODES, caps))
    for sleutel, g in t.groupby("sleutel"):
        # toewijzing + rest_carry_over = basis + carry_over
        basis = {r.gemeentecode: r.toewijzing + rest.get((r.gemeentecode, sleutel), 0) - co[r.gemeentecode]
                 for r in g.itertuples()}
        assert sum(basis.values()) == taak
        assert all(lo[c] <= b <= hi[c] for c, b in basis.items()), basis
        assert g["toewijzing"].sum() + sum(v for (c, s), v in rest.items() if s == sleutel) == taak + sum(carry)
        assert (g["toewijzing"] >= 0).all()


# ---------------------------------------------------------------- read_bounds_csv
def test_read_bounds_csv_dutch_excel(tmp_path):
    f = tmp_path / "co.csv"
    f.write_bytes("\ufeffgemeentecode;groep;woningtype;waarde;opmerking\r\n"
                  "gm9001;Statushouders;sociale_huur;-3,0;VOORBEELD\r\n"
                  "GM9002;;;7;VOORBEELD\r\n".encode("utf-8"))
    df = read_bounds_csv(f, soort="carry_over", known_gemeenten=CODES)
    assert df["gemeentecode"].tolist() == ["GM9001", "GM9002"]
    assert df["waarde"].tolist() == [-3, 7] and df["waarde"].dtype == "int64"
    assert df["groep"].tolist()[0] == "statushouders" and df["regel"].tolist() == [2, 3]


@pytest.mark.parametrize("soort, body, column, row, needle", [
    ("carry_over", "GM9001;5\nGM0363;2\n", "gemeentecode", 3, "GM0363"),
    ("carry_over", "GM9001;twaalf\n", "waarde", 2, "twaalf"),
    ("carry_over", "GM9001;2,5\n", "waarde", 2, "geheel"),
    ("caps", "GM9001;-1\n", "waarde", 2, "negatief"),
    ("floors", "957;1\n", "gemeentecode", 2, "GM0957"),
])
def test_read_bounds_csv_errors(tmp_path, soort, body, column, row, needle):
    f = tmp_path / "b.csv"
    f.write_text("gemeentecode;waarde\n" + body, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_bounds_csv(f, soort=soort, known_gemeenten=CODES)
    e = exc.value
    assert (e.file, e.column, e.row) == (str(f), column, row), str(e)
    assert needle in str(e)


def test_read_bounds_csv_woningtype_must_fit_groep(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("gemeentecode,groep,woningtype,waarde\nGM9001,statushouders,nultreden,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="hoort niet bij groep statushouders") as exc:
        read_bounds_csv(f, soort="caps", known_gemeenten=CODES)
    assert (exc.value.column, exc.value.row) == ("woningtype", 2)


# ================================================================ part 2: the CLI (Midden-Limburg)
EXAMPLES = ROOT / "config" / "examples"
CARRY = EXAMPLES / "carry_over_voorbeeld.csv"
FLOORS = EXAMPLES / "ondergrenzen_voorbeeld.csv"
CAPS = EXAMPLES / "bovengrenzen_voorbeeld.csv"
MIDDEN_LIMBURG = ["GM0946", "GM0957", "GM0988", "GM1640", "GM1641", "GM1669", "GM1711"]


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"gemeentecode": str})


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("allocate_bounds")
    files = {
        "bad_code": "gemeentecode;waarde;groep;woningtype\nGM0957;4;statushouders;sociale_huur\n"
                    "GM0363;2;statushouders;sociale_huur\n",
        "bad_number": "gemeentecode;waarde;groep;woningtype\nGM0957;twaalf;statushouders;sociale_huur\n",
        "per_gemeente": "gemeentecode,waarde\nGM0957,10\nGM0988,-4\nGM1669,-500\n",
    }
    paths = {k: tmp / f"{k}.csv" for k in files}
    for k, text in files.items():
        paths[k].write_text(text, encoding="utf-8")
    out = {n: tmp / f"uit_{n}.csv" for n in ("examples", "infeasible", "bad_code", "bad_number", "taak_co",
                                         "several")}
    start_good_outputs()
    a = ("allocate", "--region", REGION)
    futures = {
        "examples": submit(a + ("--carry-over", CARRY, "--floors", FLOORS, "--caps", CAPS,
                                "--cap-verhuurcapaciteit", "--out", out["examples"])),
        "bad_code": submit(a + ("--carry-over", paths["bad_code"], "--out", out["bad_code"])),
        "bad_number": submit(a + ("--carry-over", paths["bad_number"], "--out", out["bad_number"])),
        "taak_co": submit(a + ("--taak", 100, "--groep", "statushouders", "--woningtype", "sociale_huur",
                               "--carry-over", paths["per_gemeente"], "--out", out["taak_co"])),
        "several": submit(a + ("--carry-over", paths["per_gemeente"], "--out", out["several"])),
    }
    before = copy_good("allocate", out["infeasible"])  # a previous good output at the same path
    futures["infeasible"] = submit(a + ("--taak", 5000, "--groep", "statushouders", "--woningtype",
                                        "sociale_huur", "--cap-verhuurcapaciteit", "--out", out["infeasible"]))
    res = {k: f.result() for k, f in futures.items()}
    return {"res": res, "out": out, "paths": paths, "before_infeasible": before,
            "base": good_outputs()["allocate"]}


def _assert_refused(res, *needles):
    assert res.returncode == 2, (res.returncode, res.stderr)
    no_traceback(res)
    for n in needles:
        assert n in res.stderr, res.stderr


def test_cli_example_files_bounds_and_totals(cli):
    res = cli["res"]["examples"]
    assert res.returncode == 0, res.stderr
    no_traceback(res)
    t, base = _read(cli["out"]["examples"]), _read(cli["base"])
    assert t.columns.tolist() == ALLOCATION_COLUMNS
    key = ["gemeentecode"] + GROUP
    assert t[key].equals(base[key])
    co = read_bounds_csv(CARRY, soort="carry_over", known_gemeenten=MIDDEN_LIMBURG)
    co_sum = co.groupby(["groep", "woningtype"])["waarde"].sum()
    # totals: task (the unbounded run's sum) + Σ carry-over of that task, exactly, under every key
    got = t.groupby(GROUP)["toewijzing"].sum()
    want = base.groupby(GROUP)["toewijzing"].sum()
    for (g, wt, p, s), v in got.items():
        assert v == want[(g, wt, p, s)] + co_sum.get((g, wt), 0), (g, wt, s)
    assert co_sum.sum() != 0
    # carry-over per gemeente (here no surplus exceeds the basis) → basis = toewijzing − carry-over
    carry = {(r.gemeentecode, r.groep, r.woningtype): r.waarde for r in co.itertuples()}
    t["basis"] = t["toewijzing"] - [carry.get(k, 0) for k in zip(t["gemeentecode"], t["groep"], t["woningtype"])]
    assert (t["basis"] >= 0).all()
    # floors of the example file
    f = t.set_index(["gemeentecode", "groep", "woningtype"])
    assert (f.loc[("GM0957", "urgenten", "sociale_huur"), "basis"] >= 200).all()
    assert (f.loc[("GM1711", "woonwagenbewoners", "standplaats"), "basis"] >= 3).all()
    # caps: GM0946 ≤ 150 on every task, 60 on statushouders; GM1669 urgenten ≤ 40 (they bind)
    assert (t.loc[t["gemeentecode"] == "GM0946", "basis"] <= 150).all()
    assert (f.loc[("GM0946", "statushouders", "sociale_huur"), "basis"] == 60).all()
    assert (f.loc[("GM1669", "urgenten", "sociale_huur"), "basis"] == 40).all()
    # --cap-verhuurcapaciteit: ⌊verhuurcapaciteit × 6 years⌋ on every lettings task (taak toewijzing);
    # a stock task (extra homes) is not lettings from the existing stock, so the cap does not apply
    from woonzorg_lib import pipeline
    ind, _ = pipeline.allocation_inputs(REGION)
    cap = caps_from_lettings_capacity(ind, "2024-2030")
    lt = t[t["taak"] == "toewijzing"]
    assert len(lt) and (lt["basis"].to_numpy() <= lt["gemeentecode"].map(cap).to_numpy()).all()
    assert "carry-over" in res.stdout


def test_cli_carry_over_for_one_task_exact(cli):
    """--taak 100 and a per-gemeente carry-over: GM1669's surplus (−500) exceeds its basis →
    toewijzing 0 and the stdout says the rest carries on; the others get basis + carry-over."""
    res = cli["res"]["taak_co"]
    assert res.returncode == 0, res.stderr
    t = _read(cli["out"]["taak_co"])
    assert (t.loc[t["gemeentecode"] == "GM1669", "toewijzing"] == 0).all()
    assert "schuift door" in res.stdout and "GM1669" in res.stdout
    # the same task without carry-over, from the library, gives the basis
    from woonzorg_lib.verdeling import region_allocation, task_table
    base = region_allocation(REGION, pd.read_csv(good_outputs()["demand"], dtype={"gemeentecode": str}),
                             taken=task_table(100, groep="statushouders", woningtype="sociale_huur",
                                              periode="2024-2030"))
    m = t.merge(base, on=["gemeentecode"] + GROUP, suffixes=("", "_b"))
    co = m["gemeentecode"].map({"GM0957": 10, "GM0988": -4, "GM1669": -500}).fillna(0).astype(int)
    assert (m["toewijzing"] == np.maximum(m["toewijzing_b"] + co, 0)).all()
    for sleutel, g in m.groupby("sleutel"):
        rest = g.loc[g["gemeentecode"] == "GM1669", "toewijzing_b"].item() - 500  # surplus left over
        assert g["toewijzing"].sum() + rest == 100 + 10 - 4 - 500
    assert (base.groupby("sleutel")["toewijzing"].sum() == 100).all()


def test_cli_carry_over_for_several_tasks_refused(cli):
    _assert_refused(cli["res"]["several"], str(cli["paths"]["per_gemeente"]), "taken", "groep")
    assert not cli["out"]["several"].exists()


def test_cli_infeasible_caps_exit_2_names_gemeenten_output_untouched(cli):
    res = cli["res"]["infeasible"]
    _assert_refused(res, "statushouders", "sociale_huur", "sleutel", "5000", "verhuurcapaciteit",
                    *MIDDEN_LIMBURG)
    assert sha256(cli["out"]["infeasible"]) == cli["before_infeasible"]


@pytest.mark.parametrize("case, column, row, needle", [
    ("bad_code", "gemeentecode", 3, "GM0363"),
    ("bad_number", "waarde", 2, "twaalf"),
])
def test_cli_bad_carry_over_csv(cli, case, column, row, needle):
    res = cli["res"][case]
    _assert_refused(res, str(cli["paths"][case]), f"'{column}'", f"regel {row}", needle)
    assert not cli["out"][case].exists()
