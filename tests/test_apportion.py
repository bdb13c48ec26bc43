"""Whole-unit apportionment: exact sums, bounds, tie-breaks, paradoxes and a published figure.

All gemeenten here are SYNTHETIC (codes GM9xxx that do not exist) except the real Horst aan de
Maas statushouder figure.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from woonzorg_lib.errors import InputError
from woonzorg_lib.verdeling.apportion import (InfeasibleTaskError, apportion, apportion_table,
                                              dhondt, hamilton, pro_rata_whole, quota, webster)

PROPS = settings(max_examples=40, derandomize=True, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
METHODS = ["hamilton", "webster", "dhondt"]

SYNTHETIC_CODES = [f"GM9{i:03d}" for i in range(40)]


# ---------------------------------------------------------------- strategies -----------------

@st.composite
def synthetic_weights(draw, min_size=1, max_size=12, allow_zero=True):
    """A Series of synthetic weights (some equal, some zero) over synthetic gemeentecodes."""
    k = draw(st.integers(min_size, max_size))
    codes = SYNTHETIC_CODES[:k][::-1] if draw(st.booleans()) else SYNTHETIC_CODES[:k]
    base = st.integers(0 if allow_zero else 1, 60) | st.floats(0.0 if allow_zero else 0.01, 1e4,
                                                                allow_nan=False)
    vals = draw(st.lists(base, min_size=k, max_size=k))
    return pd.Series([float(v) for v in vals], index=pd.Index(codes, name="gemeentecode"))


@st.composite
def bounded_problem(draw):
    """Weights, a total and floors/caps that are feasible by construction."""
    w = draw(synthetic_weights())
    floors = {c: draw(st.integers(0, 3)) for c in w.index if draw(st.booleans())}
    caps = {c: floors.get(c, 0) + draw(st.integers(0, 6)) for c in w.index if draw(st.booleans())}
    lo = sum(floors.values())
    if len(caps) == len(w):
        hi = sum(caps.values())
    else:
        hi = lo + 60
    total = draw(st.integers(lo, hi))
    return w, total, floors, caps


# ---------------------------------------------------------------- references -----------------

def reference_hamilton(w: pd.Series, H: int) -> dict:
    """Textbook largest remainder with exact fractions; ties: larger weight, then code."""
    W = sum(Fraction(x) for x in w)
    q = {c: H * Fraction(x) / W for c, x in w.items()}
    a = {c: math.floor(v) for c, v in q.items()}
    order = sorted(w.index, key=lambda c: (-(q[c] - a[c]), -w[c], c))
    for c in order[: H - sum(a.values())]:
        a[c] += 1
    return a


def reference_divisor(w: pd.Series, H: int, delta: Fraction, lo=None, hi=None) -> dict:
    """Divisor method as 'the H best claims': claim (c, s) has priority w_c / (s - 1 + delta)."""
    lo = lo or {}
    hi = hi or {}
    claims = []
    for c, x in w.items():
        top = hi.get(c, H)
        for s in range(lo.get(c, 0) + 1, top + 1):
            claims.append((-(Fraction(x) / (s - 1 + delta)), -x, c, s))
    claims.sort()
    a = {c: lo.get(c, 0) for c in w.index}
    for _, _, c, _ in claims[: H - sum(a.values())]:
        a[c] += 1
    return a


# ---------------------------------------------------------------- published figure -----------

def test_horst_aan_de_maas_statushouders_h1_2025():
    """Real figure: national task H1 2025 = 17,700 persons; Horst aan de Maas (GM1507) had
    44,276 of 18,045,532 inwoners on 1 January 2025 → 43 persons (domain.md §3, rates.md §8)."""
    out = pro_rata_whole(17700, pd.Series({"GM1507": 44276}), inwoners_totaal=18045532)
    assert out.to_dict() == {"GM1507": 43}
    assert out.dtype == "int64"


def test_horst_with_a_surplus_nets_it_on_top():
    # The source says "maybe 27 after its surplus": a surplus of 16 (illustrative) nets 43 → 27.
    out = pro_rata_whole(17700, {"GM1507": 44276}, inwoners_totaal=18045532,
                         carry_over={"GM1507": -16})
    assert out["GM1507"] == 27


def test_pro_rata_whole_over_the_whole_set_sums_exactly():
    inw = pd.Series({"GM9001": 44276, "GM9002": 18001256})  # synthetic split of 18,045,532
    out = pro_rata_whole(17700, inw)
    assert out.sum() == 17700
    assert out["GM9001"] == 43


def test_pro_rata_whole_rejects_a_total_smaller_than_its_parts():
    with pytest.raises(InputError, match="inwoners_totaal"):
        pro_rata_whole(100, {"GM9001": 10, "GM9002": 10}, inwoners_totaal=15)


# ---------------------------------------------------------------- textbook cases -------------

def test_alabama_paradox_for_hamilton():
    """Weights 6, 6, 2: with 10 units C gets 2, with 11 units C gets 1 (documented surprise)."""
    w = pd.Series({"GM9001": 6, "GM9002": 6, "GM9003": 2})
    assert hamilton(w, 10).tolist() == [4, 4, 2]
    assert hamilton(w, 11).tolist() == [5, 5, 1]


def test_webster_is_house_monotone_on_the_alabama_example():
    w = pd.Series({"GM9001": 6, "GM9002": 6, "GM9003": 2})
    assert webster(w, 10).tolist() == [5, 4, 1]   # a three-way tie at divisor 4/3: weight wins
    assert webster(w, 11).tolist() == [5, 5, 1]
    for H in range(0, 30):
        assert (webster(w, H + 1) >= webster(w, H)).all()


def test_population_paradox_for_hamilton():
    """C grows 31 → 35 and A not at all (3 → 3), yet with 8 units C loses one and A gains one.
    No ties at either date, so it is the method, not the tie-break."""
    before = pd.Series({"GM9001": 3, "GM9002": 9, "GM9003": 31})
    after = pd.Series({"GM9001": 3, "GM9002": 14, "GM9003": 35})
    assert hamilton(before, 8).tolist() == [0, 2, 6]
    assert hamilton(after, 8).tolist() == [1, 2, 5]
    # Webster does not do this here
    assert webster(after, 8)["GM9003"] >= webster(before, 8)["GM9003"]


def test_webster_can_break_quota():
    """Weights 9, 67, 10, 3 and 16 units: the large gemeente's quota is 12.045, Webster gives 11
    (at divisor 6: 1.5→2, 11.17→11, 1.67→2, 0.5→1). Hamilton stays within quota."""
    w = pd.Series({"GM9001": 9, "GM9002": 67, "GM9003": 10, "GM9004": 3})
    assert quota(w, 16)["GM9002"] == pytest.approx(16 * 67 / 89)
    table = apportion_table(w, 16, method="webster")
    assert table["basis"].tolist() == [2, 11, 2, 1]
    assert not table.at["GM9002", "binnen_quotum"]
    assert apportion_table(w, 16, method="hamilton")["binnen_quotum"].all()
    assert hamilton(w, 16).tolist() == [2, 12, 2, 0]


def test_sainte_lague_and_dhondt_reference_example():
    """The standard 100,000 / 80,000 / 30,000 / 20,000 votes, 8 seats example."""
    w = pd.Series({"GM9001": 100_000, "GM9002": 80_000, "GM9003": 30_000, "GM9004": 20_000})
    assert webster(w, 8).tolist() == [3, 3, 1, 1]
    assert dhondt(w, 8).tolist() == [4, 3, 1, 0]


# ---------------------------------------------------------------- tie-breaks and zeros -------

def test_tie_break_larger_weight_then_code_ascending():
    # equal remainders 0.5: the larger weight wins
    w = pd.Series({"GM9002": 1.0, "GM9001": 3.0})
    assert hamilton(w, 2).to_dict() == {"GM9002": 0, "GM9001": 2}  # quotas 0.5, 1.5 → 1.5 is larger
    w = pd.Series({"GM9003": 1.0, "GM9001": 1.0, "GM9002": 1.0})
    for method in METHODS:
        out = apportion(w, 1, method=method)
        assert out.to_dict() == {"GM9003": 0, "GM9001": 1, "GM9002": 0}, method
        out = apportion(w, 2, method=method)
        assert out.to_dict() == {"GM9003": 0, "GM9001": 1, "GM9002": 1}, method


def test_divisor_tie_break_between_different_weights():
    # Webster: GM9001's 1st unit (1/0.5 = 2) ties with GM9002's 2nd unit (3/1.5 = 2)
    w = pd.Series({"GM9001": 1.0, "GM9002": 3.0})
    assert webster(w, 2).to_dict() == {"GM9001": 0, "GM9002": 2}
    # D'Hondt: GM9001's 1st unit (1/1) ties with GM9002's 2nd unit (2/2)
    w = pd.Series({"GM9001": 1.0, "GM9002": 2.0})
    assert dhondt(w, 2).to_dict() == {"GM9001": 0, "GM9002": 2}
    # ... and the same answer when the divisor start overshoots and units must be taken back
    assert webster(pd.Series({"GM9002": 3.0, "GM9001": 1.0}), 2).to_dict() == {"GM9002": 2,
                                                                              "GM9001": 0}


def test_result_keeps_the_input_order():
    w = pd.Series({"GM9003": 1.0, "GM9001": 5.0, "GM9002": 2.0})
    assert list(hamilton(w, 8).index) == ["GM9003", "GM9001", "GM9002"]


def test_all_zero_weights_split_equally():
    w = pd.Series({"GM9001": 0.0, "GM9002": 0.0, "GM9003": 0.0})
    for method in METHODS:
        assert apportion(w, 7, method=method).tolist() == [3, 2, 2], method


def test_zero_weight_gets_nothing_unless_everyone_else_is_full():
    w = pd.Series({"GM9001": 1.0, "GM9002": 0.0, "GM9003": 0.0})
    assert hamilton(w, 5).tolist() == [5, 0, 0]
    assert hamilton(w, 5, caps={"GM9001": 2}).tolist() == [2, 2, 1]
    assert webster(w, 5, caps={"GM9001": 2}).tolist() == [2, 2, 1]


def test_zero_total_gives_zero_everywhere():
    w = pd.Series({"GM9001": 1.0, "GM9002": 2.0})
    for method in METHODS:
        assert apportion(w, 0, method=method).tolist() == [0, 0]


# ---------------------------------------------------------------- floors, caps, carry-over ---

def test_floors_and_caps_keep_proportionality_among_the_rest():
    w = pd.Series({"GM9001": 6, "GM9002": 6, "GM9003": 2})
    table = apportion_table(w, 10, caps={"GM9001": 3}, floors={"GM9003": 3})
    assert table["basis"].tolist() == [3, 4, 3]
    assert table["quotum"].tolist() == [3.0, 4.0, 3.0]


def test_infeasible_floors_name_the_gemeenten():
    w = pd.Series({"GM9001": 1, "GM9002": 1, "GM9003": 1})
    with pytest.raises(InfeasibleTaskError) as exc:
        hamilton(w, 4, floors={"GM9001": 3, "GM9003": 2})
    assert exc.value.gemeenten == ["GM9001", "GM9003"]
    assert "GM9001" in str(exc.value) and "GM9003" in str(exc.value)
    assert exc.value.column == "ondergrens"


def test_infeasible_caps_name_the_gemeenten():
    w = pd.Series({"GM9001": 1, "GM9002": 1})
    with pytest.raises(InfeasibleTaskError) as exc:
        webster(w, 5, caps={"GM9001": 2, "GM9002": 2}, source="taken.csv")
    assert exc.value.gemeenten == ["GM9001", "GM9002"]
    assert exc.value.file == "taken.csv" and exc.value.column == "bovengrens"
    assert isinstance(exc.value, InputError)


def test_floor_above_cap_is_refused():
    with pytest.raises(InfeasibleTaskError, match="GM9002"):
        hamilton(pd.Series({"GM9001": 1, "GM9002": 1}), 3, floors={"GM9002": 3},
                 caps={"GM9002": 2})


def test_carry_over_backlog_and_surplus():
    w = pd.Series({"GM9001": 1, "GM9002": 1, "GM9003": 2})
    table = apportion_table(w, 8, carry_over={"GM9001": 3, "GM9003": -10})
    assert table["basis"].tolist() == [2, 2, 4]
    assert table["toewijzing"].tolist() == [5, 2, 0]
    assert table["rest_carry_over"].tolist() == [0, 0, -6]
    # the identity in the docs
    assert table["toewijzing"].sum() + table["rest_carry_over"].sum() == 8 + 3 - 10


# ---------------------------------------------------------------- bad input ------------------

@pytest.mark.parametrize("weights,total,kwargs,column,row", [
    ({"GM9001": 1.0, "GM9002": -1.0}, 3, {}, "gewicht", "GM9002"),
    ({"GM9001": 1.0, "GM9002": float("nan")}, 3, {}, "gewicht", "GM9002"),
    ({"GM9001": 1.0}, 2.5, {}, "taak", None),
    ({"GM9001": 1.0}, -1, {}, "taak", None),
    ({"GM9001": 1.0}, 3, {"floors": {"GM9999": 1}}, "ondergrens", "GM9999"),
    ({"GM9001": 1.0}, 3, {"caps": {"GM9001": 1.5}}, "bovengrens", "GM9001"),
    ({"GM9001": 1.0}, 3, {"carry_over": {"GM9001": 0.5}}, "carry_over", "GM9001"),
    ({"GM9001": 1.0}, 3, {"method": "adams"}, "methode", None),
])
def test_bad_input_names_source_column_and_gemeente(weights, total, kwargs, column, row):
    with pytest.raises(InputError) as exc:
        apportion(pd.Series(weights), total, source="synthetisch.csv", **kwargs)
    assert exc.value.file == "synthetisch.csv"
    assert exc.value.column == column
    assert exc.value.row == row


def test_duplicate_gemeente_is_refused():
    with pytest.raises(InputError, match="dubbel"):
        hamilton(pd.Series([1.0, 2.0], index=["GM9001", "GM9001"]), 3)


def test_empty_weights_with_a_task_is_refused():
    with pytest.raises(InputError):
        hamilton(pd.Series([], dtype="float64"), 3)
    assert hamilton(pd.Series([], dtype="float64"), 0).empty


# ---------------------------------------------------------------- properties -----------------

@PROPS
@given(w=synthetic_weights(), total=st.integers(0, 300), method=st.sampled_from(METHODS))
def test_exact_sum_no_negatives(w, total, method):
    out = apportion(w, total, method=method)
    assert out.sum() == total
    assert (out >= 0).all()
    assert out.dtype == "int64"
    assert list(out.index) == list(w.index)


@PROPS
@given(w=synthetic_weights(), total=st.integers(0, 300), method=st.sampled_from(METHODS),
       perm=st.randoms(use_true_random=False))
def test_invariant_to_the_order_of_gemeenten(w, total, method, perm):
    order = list(w.index)
    perm.shuffle(order)
    a = apportion(w, total, method=method)
    b = apportion(w.reindex(order), total, method=method)
    assert b.reindex(w.index).tolist() == a.tolist()


@PROPS
@given(w=synthetic_weights(), total=st.integers(0, 300))
def test_hamilton_meets_quota_and_matches_the_textbook(w, total):
    table = apportion_table(w, total)
    assert table["binnen_quotum"].all()
    if w.sum() > 0:
        W = sum(Fraction(x) for x in w)
        for c, x in w.items():
            q = total * Fraction(x) / W
            assert math.floor(q) <= table.at[c, "basis"] <= math.ceil(q)
        assert table["basis"].to_dict() == reference_hamilton(w, total)


@PROPS
@given(w=synthetic_weights(allow_zero=False, max_size=8), total=st.integers(0, 60),
       method=st.sampled_from(["webster", "dhondt"]))
def test_divisor_methods_match_the_best_claims_definition(w, total, method):
    delta = Fraction(1, 2) if method == "webster" else Fraction(1)
    assert apportion(w, total, method=method).to_dict() == reference_divisor(w, total, delta)


@PROPS
@given(problem=bounded_problem(), method=st.sampled_from(METHODS))
def test_floors_and_caps_respected(problem, method):
    w, total, floors, caps = problem
    out = apportion(w, total, method=method, floors=floors, caps=caps)
    assert out.sum() == total
    for c, f in floors.items():
        assert out[c] >= f
    for c, cap in caps.items():
        assert out[c] <= cap


@PROPS
@given(problem=bounded_problem())
def test_bounded_webster_matches_the_best_claims_definition(problem):
    w, total, floors, caps = problem
    if (w == 0).any():
        w = w + 1.0  # the reference has no zero-weight rule
    expected = reference_divisor(w, total, Fraction(1, 2), floors, caps)
    assert webster(w, total, floors=floors, caps=caps).to_dict() == expected


@PROPS
@given(problem=bounded_problem())
def test_bounded_hamilton_stays_within_its_bounded_quota(problem):
    w, total, floors, caps = problem
    table = apportion_table(w, total, floors=floors, caps=caps)
    assert table["binnen_quotum"].all()
    assert table["quotum"].sum() == pytest.approx(total)
    assert (table["quotum"] >= table["ondergrens"] - 1e-9).all()


@PROPS
@given(w=synthetic_weights(allow_zero=False, max_size=8), total=st.integers(0, 80))
def test_webster_and_dhondt_are_house_monotone(w, total):
    for method in ("webster", "dhondt"):
        assert (apportion(w, total + 1, method=method) >= apportion(w, total, method=method)).all()


@PROPS
@given(w=synthetic_weights(), total=st.integers(0, 200),
       carry=st.lists(st.integers(-30, 30), min_size=12, max_size=12),
       method=st.sampled_from(METHODS))
def test_carry_over_identity(w, total, carry, method):
    co = dict(zip(w.index, carry))
    table = apportion_table(w, total, method=method, carry_over=co)
    assert table["basis"].sum() == total
    assert (table["toewijzing"] >= 0).all()
    assert (table["rest_carry_over"] <= 0).all()
    assert table["toewijzing"].sum() + table["rest_carry_over"].sum() == total + sum(co.values())
    # a gemeente's carry-over changes nobody else's basis
    assert table["basis"].tolist() == apportion_table(w, total, method=method)["basis"].tolist()
