"""The Monte Carlo evaluates all draws in one run (drawn parameter values as (draws, 1) arrays).
Each row must be *exactly* the run of that draw alone: compared here, bit for bit, with a per-draw
reference (one ``_measures`` call per draw and demographic variant, blended per draw) on real data
(Midden-Limburg), also with local figures, the rijksopgave method and a drawn trend interval."""

from __future__ import annotations

import numpy as np
import pytest

from woonzorg_lib import paths, pipeline
from woonzorg_lib.groups import read_local_figures
from woonzorg_lib.groups.assembly import _measures, mc_inputs
from woonzorg_lib.groups.grid import _prepare
from woonzorg_lib.groups.params import ParameterSet
from woonzorg_lib.groups.uncertainty import Z_DEMOGRAFIE, _draw_stack, _drawn_values, parameter_draws
from woonzorg_lib.groups.usercsv import read_realisations

REGION = "midden-limburg"


def _blend_one(runs: dict, z: float) -> dict:
    """One draw's blend between the demographic variants (the per-draw form)."""
    mid = runs["midden"]
    w = z / Z_DEMOGRAFIE
    end = runs.get("hoog" if w >= 0 else "laag")
    if end is None:
        return mid
    out = {}
    for k, arr in mid.items():
        if k[2] == "aanbod":
            out[k] = arr
            continue
        b = arr + abs(w) * (end[k] - arr)
        out[k] = np.clip(b, 0.0, None) if k[2] in ("vraag", "aanbod") else b
    return out


def per_draw_stack(projection, params, inputs, n=None, seed=None) -> dict:
    """The Monte Carlo one draw at a time: ordinary (number) parameter dicts, one run each."""
    dvs = [dv for dv in ("laag", "midden", "hoog") if (projection["variant"] == dv).any()]
    preps = {dv: _prepare(projection, params, dv, **inputs) for dv in dvs}
    mid = params.resolve("midden")
    draws, z = parameter_draws(params, n, seed)
    rows: dict = {}
    for values, zi in zip(draws, z):
        assert all(not isinstance(x, np.ndarray) for x in values.values())
        need = ["midden"] + [dv for dv in (("hoog",) if zi >= 0 else ("laag",)) if dv in preps]
        runs = {dv: _measures(preps[dv], values, mid)[0] for dv in need}
        for k, arr in _blend_one(runs, float(zi)).items():
            rows.setdefault(k, []).append(arr)
    return {k: np.vstack(v) for k, v in rows.items()}


def assert_identical(fast: dict, slow: dict) -> None:
    assert fast.keys() == slow.keys()
    for k in slow:
        a, b = fast[k], slow[k]
        assert a.shape == b.shape and a.dtype == b.dtype, k
        assert a.flags.c_contiguous, k
        assert a.tobytes() == b.tobytes(), (k, np.nanmax(np.abs(a - b)))  # bit for bit (NaN, -0.0 too)


@pytest.fixture(scope="module")
def region():
    params = pipeline.parameters()
    proj = pipeline.region_forecast(REGION, as_of=2024, until=2030)
    return params, proj, pipeline.demand_inputs(REGION, as_of=2024)


def test_stack_equals_per_draw_runs(region):
    params, proj, inputs = region
    kw = mc_inputs(basisjaar=2024, tot_jaar=2030, **inputs)
    fast = _draw_stack(proj, params, kw)
    assert len(next(iter(fast.values()))) == 400
    assert_identical(fast, per_draw_stack(proj, params, kw))


def test_stack_equals_per_draw_runs_with_local_figures_and_rijksopgave(region):
    params, proj, inputs = region
    root = paths.root()
    gemeenten = set(pipeline.as_region(REGION).gemeenten)
    local = read_local_figures(root / "config/examples/lokale_cijfers_voorbeeld.csv", known_gemeenten=gemeenten,
                               tot_jaar=2030)
    kw = mc_inputs(basisjaar=2024, tot_jaar=2030, local_figures=local, **inputs)
    assert_identical(_draw_stack(proj, params, kw, n=100), per_draw_stack(proj, params, kw, n=100))
    real = read_realisations(root / "config/examples/realisaties_voorbeeld.csv", known_gemeenten=gemeenten)
    kw = mc_inputs(basisjaar=2024, tot_jaar=2030, methode={"ouderen": "rijksopgave"}, realisaties=real, **inputs)
    assert_identical(_draw_stack(proj, params, kw, n=100), per_draw_stack(proj, params, kw, n=100))


def test_drawn_trend_interval_is_fitted_per_draw(region):
    params, proj, inputs = region
    e = params.entries["algemeen.trend_interval"]
    wide = ParameterSet(entries={**params.entries, "algemeen.trend_interval": e.model_copy(
        update={"laag": 0.5, "waarde": 0.67, "hoog": 0.8})}, prioriteit=params.prioriteit)
    kw = mc_inputs(basisjaar=2024, tot_jaar=2030, **inputs)
    fast = _draw_stack(proj, wide, kw, n=12, seed=7)
    assert_identical(fast, per_draw_stack(proj, wide, kw, n=12, seed=7))
    rows = fast[("studenten", "studenteneenheid", "vraag")]
    assert not np.array_equal(rows[0], rows[1])  # the trend band differs between draws


@pytest.mark.parametrize("key, message", [
    ("overlap.jeugdzorg_in_mo_dakloos", r"overlap-aandeel \('jeugdzorg', 'mo_dakloos'\) = 1.5 ligt niet tussen 0 en 1"),
    ("ggz_bw.uitstroom_aandeel_per_jaar", r"aandeel 1.5 ligt niet tussen 0 en 1"),
])
def test_a_bad_drawn_value_raises_as_in_one_run(region, key, message):
    params, proj, inputs = region
    kw = mc_inputs(basisjaar=2024, tot_jaar=2030, **inputs)
    prep = _prepare(proj, params, "midden", **kw)
    values, _ = _drawn_values(params, 10, 1)
    bad = values[key].copy()
    bad[7, 0] = 1.5  # one draw out of range
    with pytest.raises(ValueError, match=message):
        _measures(prep, {**values, key: bad}, params.resolve("midden"))
    one = {**parameter_draws(params, 10, 1)[0][7], key: 1.5}
    with pytest.raises(ValueError, match=message):  # the same error as the run of that draw alone
        _measures(prep, one, params.resolve("midden"))
