#!/usr/bin/env python
"""Scale benchmark on the real national snapshot (all 342 gemeenten), for `make bench`.

    python scripts/bench_national.py

Rows (label, measured, target, reproduce) in the format of scripts/bench.py, so bench.py can add them
with ``from bench_national import bench_national; rows += bench_national()``:

* demography: 342 gemeenten x 101 single ages x 2 sexes x 2024-2040 x 3 variants, cold (engine result
  caches emptied; loading the processed CSVs once per process is not the model), best of 3;
* the same as the contract output table (20 bands x totaal/man/vrouw rows);
* data/raw size on disk (what a clone carries).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def raw_size() -> tuple[int, int]:
    files = [p for p in (ROOT / "data" / "raw").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def bench_national(repeat: int = 3) -> list[tuple]:
    from woonzorg_lib import demography
    from woonzorg_lib.demography import api

    import os
    import shutil
    import tempfile

    from woonzorg_lib import cache

    api._snapshot_tables()
    if "WOONZORG_CACHE" not in os.environ:
        os.environ["WOONZORG_CACHE"] = tempfile.mkdtemp(prefix="woonzorg-bench-cache-")

    def forget():  # the one cache layer, in memory and on disk: the model really runs
        api._RUN_CACHE.clear()
        api._RECON_CACHE.clear()
        cache.forget("demography-run")
        cache.forget("demography-reconstruction")
        cache.clear_memory()
        shutil.rmtree(os.environ["WOONZORG_CACHE"], ignore_errors=True)

    def cold_run():
        forget()
        return api.run(2024, 2040)

    def cold_table():
        forget()
        return demography.forecast(None, as_of=2024, until=2040, variants=("laag", "midden", "hoog"))

    dt_run, r = _best(cold_run, repeat)
    G = len(r.codes)
    dt_tab, df = _best(cold_table, repeat)
    size, nfiles = raw_size()
    return [
        (f"demografie landelijk: {G} gemeenten × 101 leeftijden × 2 geslachten × 2024–2040 × 3 varianten "
         "(koud, beste van 3)", f"{dt_run:.2f} s", "≤ 3 s", "python scripts/bench_national.py"),
        (f"demografie landelijk als tabel ({len(df):,} rijen, 20 klassen × totaal/man/vrouw)".replace(",", "."),
         f"{dt_tab:.2f} s", "≤ 3 s", "woonzorg forecast (alle gemeenten) / python scripts/bench_national.py"),
        ("data/raw op schijf", f"{size / 1e6:.1f} MB in {nfiles} bestanden", "klein genoeg om snel te klonen",
         "du -sh data/raw"),
    ]


def main() -> int:
    for label, value, target, how in bench_national():
        print(f"{label}: {value} (doel {target}; {how})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
