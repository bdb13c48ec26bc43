"""Region-independent work of a build, divided over the build's kernels.

Every region's report needs the national demography reconstruction of the base year (the start of
the forecast of all gemeenten) and the national back-test (chapter Prognose). Both are
content-keyed entries of :mod:`woonzorg_lib.cache` on disk: the first kernel that misses one claims
it, the others wait for its result. Left alone, all kernels would ask for the reconstruction first
and for the back-test later, so the second kernel would wait for the reconstruction and then compute
nothing useful meanwhile. Instead, the second kernel of a build starts with the back-test while the
first reconstructs: each is computed once per build, in parallel. The outputs do not change (the
cached values are the same either way).
"""

from __future__ import annotations

from pathlib import Path

# what a kernel computes before its regions, by its place in the build (0 = first kernel)
BY_SLOT: dict[int, tuple[str, ...]] = {1: ("backtest",)}
NEEDS = {"backtest": "03_prognose"}  # the chapter that uses it (no prewarm in builds without it)


def for_slot(slot: int, chapters: list[Path] | list[str]) -> list[str]:
    """The shared work the kernel in ``slot`` computes first (only what its chapters use)."""
    names = {Path(c).stem for c in chapters}
    return [w for w in BY_SLOT.get(slot, ()) if any(n.startswith(NEEDS[w]) for n in names)]


def compute(names: list[str]) -> None:
    """Compute (and persist) the named shared work."""
    for name in names:
        if name == "backtest":
            from ..chapters import prognose

            prognose.backtest()
        else:
            raise ValueError(f"onbekend gedeeld werk '{name}'")


def cell_source(names: list[str]) -> str:
    """The runner cell that computes ``names`` in the kernel (never rendered)."""
    return ("# Gedeeld werk van deze build (niet in het rapport)\n"
            f"from woonzorg_lib.report import shared_work as _sw\n_sw.compute({names!r})")
