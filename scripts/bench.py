"""woonzorg benchmarks: one table, each figure with the command that reproduces it.

    python scripts/bench.py            # full: library compute, clean build vs floor, no-op rebuild, sizes
    python scripts/bench.py --quick    # CI: small versions; fails only when a benchmark BREAKS, never on timing

Targets (from the issues; reported, never asserted): demography all snapshot gemeenten × bands ×
sex × 2024–2040 × 3 variants ≤ 1 s; synthetic 342 gemeenten ≤ 3 s; demand for all regions ≤ 1 s;
clean `make report` ≤ 1.5 × the floor; no-op rebuild ≤ 2 s; each reports/<region>/index.html ≤ 1.5 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REGIONS = ["midden-limburg", "enschede", "twente", "utrecht"]


def _timed(fn, repeat: int = 1):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    return best, value


def bench_library(quick: bool) -> list[tuple]:
    from woonzorg_lib import demography, pipeline
    from woonzorg_lib.dataset import load

    rows = []
    codes = sorted(load.table("gemeenten").query("in_snapshot")["gemeentecode"])
    if quick:
        codes = codes[:5]
    from woonzorg_lib.demography import api
    from woonzorg_lib.demography.synthetic import SYNTHETIC_tables

    api._snapshot_tables()  # loading the CSVs once per process is not the model

    from woonzorg_lib import cache

    os.environ["WOONZORG_CACHE"] = tempfile.mkdtemp(prefix="woonzorg-bench-cache-")

    def cold(**kw):  # empty the engine's result caches (memory and disk) so the model really runs
        api._RUN_CACHE.clear()
        api._RECON_CACHE.clear()
        cache.forget("demography-run")
        cache.forget("demography-reconstruction")
        shutil.rmtree(os.environ["WOONZORG_CACHE"], ignore_errors=True)
        return demography.forecast(None if not quick else codes, until=until, variants=("laag", "midden", "hoog"), **kw)

    until = 2030 if quick else 2040
    dt, df = _timed(cold, repeat=1 if quick else 3)
    assert len(df) > 0 and set(df["variant"]) == {"laag", "midden", "hoog"}
    n = df["gemeentecode"].nunique()
    rows.append((f"demografie: {n} gemeenten × 2024–{until} × 3 varianten (koud, beste van 3)", f"{dt:.2f} s",
                 "≤ 1 s", "python scripts/backtest.py --speed"))
    if not quick:
        T = SYNTHETIC_tables(342, seed=1)
        dt, df = _timed(lambda: cold(tables=T), repeat=3)
        rows.append(("demografie: synthetische invoer, 342 gemeenten (koud, beste van 3)", f"{dt:.2f} s", "≤ 3 s",
                     "python scripts/backtest.py --speed"))
    regs = REGIONS[:1] if quick else REGIONS
    import scipy.special  # noqa: F401  (import time is not model time; the trend's t quantile)

    for r in regs:  # warm forecasts: the demand benchmark measures the group models
        pipeline.region_forecast(r)
        pipeline.demand_inputs(r)
    params = pipeline.parameters()
    dt, n = _timed(lambda: sum(len(pipeline.region_demand(r, params=params)) for r in regs))
    assert n > 0
    rows.append((f"vraag: 14 groepen × gemeenten × jaren × 3 varianten, {len(regs)} regio('s)", f"{dt:.2f} s",
                 "≤ 1 s", "woonzorg demand --region <regio> --out d.csv (zonder opstarttijd)"))
    dt, a = _timed(lambda: pipeline.region_allocation(regs[0], params=params))
    assert len(a) > 0
    rows.append((f"verdeling: 4 sleutels, {regs[0]}", f"{dt:.2f} s", "–", f"woonzorg allocate --region {regs[0]} --out a.csv"))
    return rows


def bench_reports(quick: bool) -> list[tuple]:
    from woonzorg_lib.report import runner

    rows = []
    regs = REGIONS[:1] if quick else REGIONS
    repeat = 1 if quick else 3  # median of 3 alternating floor/build pairs: one noisy floor run moves the ratio
    res = runner.bench(regs, jobs_n=2, say=lambda m: None, repeat=repeat)
    if not res["ok"]:
        raise SystemExit(f"benchmark broke: report build failed: {res}")
    rows.append((f"schone build {len(regs)} regio('s) vs ondergrens", f"{res['report_s']:.1f} s vs {res['floor_s']:.1f} s "
                 f"= {res['ratio']:.2f} × (mediaan van {res['repeat']})", "≤ 1,5 ×",
                 f"woonzorg run --bench --repeat {repeat} " + " ".join(f"--region {r}" for r in regs)))
    for slug, size in sorted(res["html_bytes"].items()):
        rows.append((f"grootte reports/{slug}/index.html", f"{size / 1e6:.2f} MB", "≤ 1,5 MB",
                     f"woonzorg run --region {slug}; ls -l reports/{slug}/index.html"))
    # no-op rebuild: build once into a temp folder, then time the second run
    with tempfile.TemporaryDirectory(prefix="woonzorg-noop-") as td:
        cmd = [sys.executable, "-m", "woonzorg_lib", "run", "--out", td, *sum((["--region", r] for r in regs[:1]), [])]
        first = subprocess.run(cmd, capture_output=True, text=True)
        if first.returncode != 0:
            raise SystemExit(f"benchmark broke: build failed:\n{first.stderr[-2000:]}")
        t = time.perf_counter()
        second = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t
        if second.returncode != 0:
            raise SystemExit(f"benchmark broke: no-op rebuild failed:\n{second.stderr[-2000:]}")
    rows.append((f"no-op herbouw ({regs[0]}, incl. opstarten)", f"{dt:.2f} s", "≤ 2 s",
                 f"woonzorg run --region {regs[0]} (tweede keer)"))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small versions for CI (no timing assertions)")
    ap.add_argument("--skip-reports", action="store_true", help="only the library benchmarks")
    args = ap.parse_args(argv)
    rows = bench_library(args.quick)
    if not args.quick:                      # scale on the real national snapshot (all 342 gemeenten)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_national import bench_national
        rows += bench_national()
    if not args.skip_reports:
        rows += bench_reports(args.quick)
    w = [max(len(str(r[i])) for r in rows + [("benchmark", "gemeten", "doel", "reproduceer")]) for i in range(4)]
    head = ("benchmark", "gemeten", "doel", "reproduceer")
    print(" | ".join(h.ljust(w[i]) for i, h in enumerate(head)))
    print("-+-".join("-" * x for x in w))
    for r in rows:
        print(" | ".join(str(c).ljust(w[i]) for i, c in enumerate(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
