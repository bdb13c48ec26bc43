"""The run facade (pipeline.run → RunResult), the one cache layer and the variant of the vraag key.

Real data (the shipped snapshot): Twente, 14 gemeenten.
"""

from __future__ import annotations

import dataclasses
import pickle

import pandas as pd
import pytest

from woonzorg_lib import cache, pipeline
from woonzorg_lib.report.validate import RunParams

REGION = "twente"


@pytest.fixture(scope="module")
def demand():
    return pipeline.region_demand(REGION, until=2030)


def _vraag_shares(demand: pd.DataFrame, variant: str) -> pd.Series:
    d = demand[(demand["maat"] == "vraag") & (demand["jaar"] == 2030) & (demand["variant"] == variant)]
    v = d.groupby(["groep", "woningtype", "gemeentecode"])["waarde"].sum()
    return v / v.groupby(level=["groep", "woningtype"]).transform("sum")


def test_the_vraag_key_uses_the_runs_variant(demand):
    """`woonzorg run -p variant=hoog` allocates with hoog vraag (it used midden whatever the variant)."""
    hoog = pipeline.region_allocation(REGION, demand=demand, variant="hoog")
    midden = pipeline.region_allocation(REGION, demand=demand, variant="midden")
    share_h, share_m = _vraag_shares(demand, "hoog"), _vraag_shares(demand, "midden")
    moved = (share_h - share_m).abs()
    # a group whose gemeente shares differ between the variants (e.g. a trend or supply component)
    grp, wt = moved.groupby(level=["groep", "woningtype"]).max().idxmax()
    assert moved.loc[(grp, wt)].max() > 1e-4, "test needs a group whose shares differ by variant"
    for alloc, share in ((hoog, share_h), (midden, share_m)):
        a = alloc[(alloc["sleutel"] == "vraag") & (alloc["groep"] == grp) & (alloc["woningtype"] == wt)]
        got = a.set_index("gemeentecode")["aandeel"].sort_index()
        want = share.loc[(grp, wt)].clip(lower=0)
        want = (want / want.sum()).reindex(got.index)
        assert got.to_numpy() == pytest.approx(want.to_numpy(), abs=1e-9)
    # and the tasks are the hoog opgave
    tasks_h = pipeline.region_tasks(demand, "2024-2030", variant="hoog")
    th = hoog[hoog["sleutel"] == "mix"].groupby(["groep", "woningtype"])["toewijzing"].sum()
    assert th.to_dict() == tasks_h.set_index(["groep", "woningtype"])["eenheden"].loc[th.index].to_dict()


def test_run_result_is_immutable_and_uses_its_variant():
    run = pipeline.run(RunParams(region=REGION, variant="hoog"))
    assert run.variant == "hoog" and run.until == 2030 and run.periode == "2024-2030"
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.demand = None  # type: ignore[misc]
    expected = pipeline.region_allocation(REGION, periode=run.periode, params=run.parameter_set, demand=run.demand,
                                          taken=run.tasks, variant="hoog")
    pd.testing.assert_frame_equal(run.allocation, expected)
    assert len(run.tasks) and (run.tasks.set_index(["groep", "woningtype"])["eenheden"]
                               == pipeline.region_tasks(run.demand, run.periode, variant="hoog")
                               .set_index(["groep", "woningtype"])["eenheden"]).all()


def test_unknown_variant_is_an_input_error(demand):
    from woonzorg_lib.errors import InputError

    with pytest.raises(InputError, match="variant"):
        pipeline.region_allocation(REGION, demand=demand, variant="extreem")


def test_cache_is_content_keyed_atomic_and_shared_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("WOONZORG_CACHE", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"x": len(calls)}

    a = cache.cached("probe", ("a", 1), compute, persist=True)
    assert cache.cached("probe", ("a", 1), compute, persist=True) == a and len(calls) == 1
    files = list(tmp_path.glob("probe-*.pkl"))
    assert len(files) == 1 and pickle.loads(files[0].read_bytes()) == a
    assert not list(tmp_path.glob("*.tmp")), "no temporary file left behind"
    # another process (memory forgotten) reads the disk entry instead of computing
    cache.clear_memory()
    assert cache.cached("probe", ("a", 1), compute, persist=True) == a and len(calls) == 1
    # a different key computes; a damaged entry is recomputed, not trusted
    assert cache.cached("probe", ("a", 2), compute, persist=True) == {"x": 2}
    cache.clear_memory()
    files[0].write_bytes(b"not a pickle")
    assert cache.cached("probe", ("a", 1), compute, persist=True) == {"x": 3}


def test_cache_key_changes_with_the_data(monkeypatch):
    from woonzorg_lib import provenance

    k1 = cache.key_of("probe", 1)
    cache.clear_memory()
    monkeypatch.setattr(provenance, "data_fingerprint", lambda *a, **k: "other-data")
    assert cache.key_of("probe", 1) != k1
    cache.clear_memory()


def test_a_second_process_waits_for_the_first_instead_of_computing(tmp_path, monkeypatch):
    """Another process holds the claim (computing): this one waits for its result, computes nothing."""
    import threading

    monkeypatch.setenv("WOONZORG_CACHE", str(tmp_path))
    cache.clear_memory()
    target = tmp_path / f"probe-{cache.key_of('probe', 'w')}.pkl"
    claim = target.with_suffix(".claim")
    import os

    claim.write_text(str(os.getppid()))  # a live process holds the claim

    def other_process():
        target.write_bytes(pickle.dumps("from the other process"))
        claim.unlink()

    timer = threading.Timer(0.3, other_process)
    timer.start()
    got = cache.cached("probe", "w", lambda: "computed here", persist=True)
    timer.join()
    assert got == "from the other process"
    # a stale claim (its process died long ago) does not block
    cache.clear_memory()
    claim = (tmp_path / f"probe-{cache.key_of('probe', 'stale')}.pkl").with_suffix(".claim")
    claim.write_text(str(os.getppid()))
    old = claim.stat().st_mtime - cache.CLAIM_TIMEOUT - 10
    os.utime(claim, (old, old))
    assert cache.cached("probe", "stale", lambda: "computed", persist=True) == "computed"
    # a fresh claim of a process that no longer exists (killed) does not make others wait
    cache.clear_memory()
    dead = (tmp_path / f"probe-{cache.key_of('probe', 'dead')}.pkl").with_suffix(".claim")
    import subprocess
    import sys
    import time

    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    dead.write_text(str(p.pid))
    t = time.perf_counter()
    assert cache.cached("probe", "dead", lambda: "computed", persist=True) == "computed"
    assert time.perf_counter() - t < 5
    cache.clear_memory()
