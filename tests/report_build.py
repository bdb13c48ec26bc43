"""One real report build shared by the notebook, HTML and browser tests (built once per session)."""

from __future__ import annotations

import os
from pathlib import Path

_CACHE: dict = {}
REGION = "midden-limburg"  # the smallest shipped region (7 gemeenten)


def build_once(tmp_root: Path) -> dict:
    """Run ``woonzorg run --region midden-limburg`` into a temp folder (a real papermill run)."""
    if "result" in _CACHE:
        return _CACHE["result"]
    from woonzorg_lib.report import runner

    out = Path(tmp_root) / "reports"
    build = Path(tmp_root) / "build"
    os.environ["WOONZORG_BUILD"] = str(build)
    lines: list[str] = []
    rc = runner.run([REGION], jobs_n=1, out=out, say=lines.append)
    # keep the job file and the executed notebook of THIS build (later runs reuse the names)
    import json
    import shutil

    keep = Path(tmp_root) / "kept"
    keep.mkdir(exist_ok=True)
    job = {}
    jobfile = build / "jobs" / f"{REGION}.json"
    if jobfile.exists():
        job = json.loads(jobfile.read_text(encoding="utf-8"))
        if Path(job["executed"]).exists():
            shutil.copy(job["executed"], keep / "executed.ipynb")
            job["executed"] = str(keep / "executed.ipynb")
    _CACHE["result"] = {"rc": rc, "out": out, "build": build, "lines": lines, "job": job,
                        "html": out / REGION / "index.html", "xlsx": out / REGION / f"{REGION}.xlsx"}
    return _CACHE["result"]
