"""Region-independent work of a build, divided over the build's kernels.

Every region's report needs the national demography reconstruction of the base year (the start of
the forecast of all gemeenten) and the national back-test (chapter Prognose). Both are
content-keyed entries of :mod:`woonzorg_lib.cache` on disk: the first kernel that misses one claims
it, the others wait for its result. Left alone, all kernels would ask for the reconstruction first
and for the back-test later, so the second kernel would wait for the reconstruction and then compute
nothing useful meanwhile. Instead, the second kernel of a build starts with the back-test while the
first reconstructs: each is computed once per build, in parallel. The outputs do not change (the
cached values are the same either way).

The first kernel starts with the reconstruction itself, before its first chapter imports the report
stack and builds the region's models: the back-test's last run (from the base year) needs that
reconstruction after about a second and a half of its own work, and otherwise waited for it (about
0,6 s with one core idle).
"""

from __future__ import annotations

from pathlib import Path

# what a kernel computes before its regions, by its place in the build (0 = first kernel)
BY_SLOT: dict[int, tuple[str, ...]] = {0: ("reconstruction",), 1: ("backtest",)}
# the chapter that uses it (no prewarm in builds without it; every chapter starts the run's forecast)
NEEDS = {"backtest": "03_prognose", "reconstruction": ""}


def for_slot(slot: int, chapters: list[Path] | list[str]) -> list[str]:
    """The shared work the kernel in ``slot`` computes first (only what its chapters use)."""
    names = {Path(c).stem for c in chapters}
    return [w for w in BY_SLOT.get(slot, ()) if any(n.startswith(NEEDS[w]) for n in names)]


def for_params(names: list[str], params: dict) -> list[str]:
    """``names`` without the reconstruction when the run's peiljaar is not the base year (only the
    base year's is shared on disk; any other, or a bad value, is left to the run and its checks)."""
    from ..settings import BASE_YEAR

    as_of = params.get("as_of", BASE_YEAR)
    base = isinstance(as_of, int) and not isinstance(as_of, bool) and as_of == BASE_YEAR
    return [n for n in names if n != "reconstruction" or base]


def compute(names: list[str]) -> None:
    """Compute (and persist) the named shared work."""
    for name in names:
        if name == "reconstruction":
            from ..demography import api
            from ..settings import BASE_YEAR

            api.reconstruction(BASE_YEAR)
        elif name == "backtest":
            from ..chapters import prognose

            prognose.backtest()
        else:
            raise ValueError(f"onbekend gedeeld werk '{name}'")


def cell_source(names: list[str]) -> str:
    """The runner cell that computes ``names`` in the kernel (never rendered)."""
    return ("# Gedeeld werk van deze build (niet in het rapport)\n"
            f"from woonzorg_lib.report import shared_work as _sw\n_sw.compute({names!r})")
