"""The clean-build benchmark: the floor (per region, papermill + nbconvert of as many chapters as the
report has, each only importing the stack, with the same parallelism as the build) and the real
build, both from scratch in temporary folders, measured in the same run (CONTRACTS "Benchmarks")."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .runner import RunParams, _Console, build_dir, execute_jobs, plan

# The floor: the same number of chapters that only import the stack, executed and rendered the same way
FLOOR_STACK = "import numpy, pandas, matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot, seaborn"


def floor_notebooks(n: int, folder: Path) -> list[Path]:
    """``n`` chapter notebooks that each only import the stack (with the same parameters cell)."""
    import nbformat

    from . import render

    folder.mkdir(parents=True, exist_ok=True)
    real = render.chapter_paths()
    out = []
    params_src = "\n".join(f"{k} = {v!r}" for k, v in {"region": "midden-limburg", **RunParams.defaults()}.items())
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        pc = nbformat.v4.new_code_cell(params_src)
        pc.metadata["tags"] = ["parameters"]
        nb.cells = [pc, nbformat.v4.new_markdown_cell(f"# Hoofdstuk {i}"), nbformat.v4.new_code_cell(FLOOR_STACK)]
        for j, c in enumerate(nb.cells):
            c["id"] = f"f{i:02d}{j:02d}"
        name = real[i].name if i < len(real) else f"{i:02d}_leeg.ipynb"
        p = folder / name
        nbformat.write(nb, p)
        out.append(p)
    return out


def bench(region_args: list[str], *, jobs_n: int = 2, say=None, repeat: int = 1) -> dict:
    """Measure, in one run: the floor (stack-only chapters) and the real reports, both from scratch,
    into temporary output folders, ``repeat`` times alternately (floor, build, floor, build, …: a
    change in the machine's load hits both). Returns the median seconds of each, their ratio and
    every sample."""
    import statistics
    import tempfile

    say = say or _Console()
    quiet = lambda msg: None  # noqa: E731
    floors, reals, sizes, ok = [], [], {}, True
    for _ in range(max(1, int(repeat))):
        with tempfile.TemporaryDirectory(prefix="woonzorg-bench-",
                                         dir=build_dir() if build_dir().exists() else None) as td:
            td = Path(td)
            os.environ["WOONZORG_CACHE"] = str(td / "cache")  # a clean build: nothing cached from earlier runs
            n = len(__import__("woonzorg_lib.report.render", fromlist=["x"]).chapter_paths())
            floor_chapters = floor_notebooks(n, td / "floor_nb")
            t = time.perf_counter()
            jobs, fails = plan(region_args, overrides={}, out=td / "floor", chapters=floor_chapters, excel=False,
                               title_prefix="floor: ")
            res_f = execute_jobs(jobs, jobs_n=jobs_n, say=quiet, share_kernels=False)  # the floor: per region
            floors.append(time.perf_counter() - t)
            os.environ["WOONZORG_CACHE"] = str(td / "cache-real")  # the build starts from an empty cache too
            t = time.perf_counter()
            jobs, fails2 = plan(region_args, overrides={}, out=td / "real")
            res_r = execute_jobs(jobs, jobs_n=jobs_n, say=quiet)
            reals.append(time.perf_counter() - t)
            sizes = {j.slug: (j.out_dir / "index.html").stat().st_size
                     for j in jobs if (j.out_dir / "index.html").exists()}
        ok = ok and all(r.get("ok") for r in res_f + res_r) and not fails and not fails2
    floor_s, real_s = statistics.median(floors), statistics.median(reals)
    out = {"regions": list(region_args), "jobs": jobs_n, "chapters": n, "floor_s": round(floor_s, 2),
           "report_s": round(real_s, 2), "ratio": round(real_s / floor_s, 3) if floor_s else None, "ok": ok,
           "html_bytes": sizes, "repeat": len(floors), "floor_runs": [round(x, 2) for x in floors],
           "report_runs": [round(x, 2) for x in reals]}
    say(json.dumps(out, ensure_ascii=False))
    return out
