"""The work allocate shares between tasks and keys (#11 speed) gives the same numbers as doing
it per task. Every gemeente and figure here is SYNTHETIC (codes GM9xxx do not exist)."""

from __future__ import annotations

import pandas as pd
import pytest

from woonzorg_lib.errors import InputError
from woonzorg_lib.verdeling import allocate
from woonzorg_lib.verdeling.allocation import _vraag_lookup
from woonzorg_lib.verdeling.apportion import apportion_columns, apportion_table
from woonzorg_lib.verdeling.keys import Indicator, Verdeelsleutel, key_shares

#: SYNTHETIC indicators of four made-up gemeenten.
IND = pd.DataFrame({"inwoners": [12000.0, 30000.0, 5000.0, 8000.0],
                    "sociale_huur": [900.0, 4100.0, 300.0, 700.0],
                    "vraag": [1.0, 1.0, 1.0, 1.0]},
                   index=pd.Index(["GM9001", "GM9002", "GM9003", "GM9004"], name="gemeentecode"))
KEY = Verdeelsleutel(naam="proef", indicatoren=[Indicator(naam="inwoners", gewicht=0.3),
                                                 Indicator(naam="sociale_huur", gewicht=0.3),
                                                 Indicator(naam="vraag", gewicht=0.4)])


def test_memo_gives_the_shares_of_the_table_at_hand():
    """Indicators reading a per-task column are recomputed; the others come from the memo."""
    memo: dict = {}
    varying = frozenset({"vraag"})
    for vraag in ([1.0, 2.0, 3.0, 4.0], [9.0, 0.5, 0.5, 3.0]):
        table = IND.assign(vraag=vraag)
        got = key_shares(KEY, table, memo=memo, varying=varying)
        pd.testing.assert_series_equal(got, key_shares(KEY, table), check_exact=True)
    assert {i.naam for i in memo} == {"inwoners", "sociale_huur"}


def test_apportion_columns_are_those_of_the_table():
    w = pd.Series([0.5, 0.3, 0.15, 0.05], index=IND.index)
    index, cols = apportion_columns(w, 101, caps=pd.Series([40, 100, 100, 100], index=IND.index),
                                    carry_over=pd.Series([0, 0, -30, 2], index=IND.index))
    table = apportion_table(w, 101, caps=pd.Series([40, 100, 100, 100], index=IND.index),
                            carry_over=pd.Series([0, 0, -30, 2], index=IND.index))
    assert list(index) == list(table.index)
    for name, values in cols.items():
        assert list(table[name]) == values, name


def test_vraag_selection_still_looks_at_every_groep():
    """A woningtype given for another groep makes the empty woningtype rows of this groep not
    apply (the rule of _selector over the whole table), with or without remembered masks."""
    v = pd.DataFrame({"gemeentecode": list(IND.index) * 2,
                      "groep": ["urgenten"] * 4 + ["ouderen"] * 4,
                      "woningtype": [""] * 4 + ["nultreden"] * 4,
                      "waarde": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]})
    lookup = _vraag_lookup(v, IND.index, "<vraag>")
    assert lookup("urgenten", "nultreden", "2024-2030") is None
    assert lookup("ouderen", "nultreden", "2024-2030").tolist() == [5.0, 6.0, 7.0, 8.0]
    assert lookup("urgenten", "sociale_huur", "2024-2030").tolist() == [1.0, 2.0, 3.0, 4.0]
    assert lookup("onbekend", "sociale_huur", "2024-2030") is None


def test_a_vraag_error_is_raised_every_time():
    v = pd.DataFrame({"gemeentecode": ["GM9001", "GM9001"], "groep": ["urgenten"] * 2,
                      "waarde": [1.0, 2.0]})
    lookup = _vraag_lookup(v, IND.index, "<vraag>")
    for _ in range(2):
        with pytest.raises(InputError, match="dubbel"):
            lookup("urgenten", "sociale_huur", "2024-2030")


def test_allocate_with_vraag_per_task_matches_one_task_at_a_time():
    taken = pd.DataFrame({"groep": ["urgenten", "urgenten"], "woningtype": ["sociale_huur", "nultreden"],
                          "taak": ["opgave", "opgave"], "periode": ["2024-2030"] * 2, "eenheden": [97, 41]})
    v = pd.DataFrame({"gemeentecode": list(IND.index) * 2, "groep": ["urgenten"] * 8,
                      "woningtype": ["sociale_huur"] * 4 + ["nultreden"] * 4,
                      "waarde": [1.0, 9.0, 2.0, 3.0, 4.0, 1.0, 1.0, 6.0]})
    both = allocate(taken, IND, KEY, vraag=v)
    one = pd.concat([allocate(taken.iloc[[i]], IND, KEY, vraag=v) for i in range(2)])
    one = one.sort_values(["gemeentecode", "groep", "woningtype"], kind="mergesort").reset_index(drop=True)
    both = both.sort_values(["gemeentecode", "groep", "woningtype"], kind="mergesort").reset_index(drop=True)
    pd.testing.assert_frame_equal(both, one, check_exact=True)
