"""One region's report build, run as its own process by the runner (``python -m woonzorg_lib.report.worker JOB``).

Steps: combine the chapter notebooks into one — for a group of regions, every region's chapters one
after another; execute it with papermill in ONE kernel (chapters and regions share the kernel, its
imports and the library's in-process caches); split the executed notebook per region and render
each HTML; write everything into a temporary folder next to the target; then move the finished
files into place one by one with ``os.replace`` (atomic), the cache stamp last. A failure or Ctrl-C
leaves the previous report as it was; the regions before a failing one are published, the ones
after it run in a new kernel. One result per region (ok, or region/notebook/cell/error) is written
as JSON for the runner.

Progress lines on stdout start with ``@@`` (the runner shows them); everything else goes to the log.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

PROGRESS = "@@"


def progress(msg: str) -> None:
    print(f"{PROGRESS} {msg}", flush=True)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class EarlyRender:
    """A group's finished region rendered to HTML in a background thread while the kernel runs the
    group's next region (the worker only waits for the kernel meanwhile), so the group ends with
    only its last region to render. The engine calls :meth:`region_done` when the first cell of a
    later region starts: the earlier region's cells are final then. :func:`_publish` takes the
    result (:meth:`html`); the same call on the same cells, so the same bytes as rendering at the
    end. Any failure here only means the region is rendered at the end, as before."""

    def __init__(self, group: list[dict], warm=None):
        self.group, self.warm, self.enabled = group, warm, True
        self.threads: dict = {}
        self.results: dict = {}

    def region_done(self, index: int, nb, upto: int) -> None:
        import copy
        import threading

        if not self.enabled or index in self.threads or not 0 <= index < len(self.group) - 1:
            return
        prefix = copy.copy(nb)
        prefix.cells = list(nb.cells[:upto])

        def work():
            try:
                if self.warm is not None:
                    self.warm.join()
                self.results[index] = render_html(self.group[index], split_executed(prefix, len(self.group))[index])
            except Exception:  # noqa: BLE001 - rendered again at the end
                log(traceback.format_exc())

        t = self.threads[index] = threading.Thread(target=work, name=f"html-{index}", daemon=True)
        t.start()

    def html(self, index: int) -> str | None:
        t = self.threads.get(index)
        if t is None:
            return None
        t.join()
        return self.results.get(index) if self.enabled else None


_EARLY: EarlyRender | None = None  # the group being executed (one per worker process)


def _register_engine():
    """A papermill engine that reports each chapter as it starts (the nbclient engine otherwise)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class ChapterProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            original = nb_man.cell_start
            state = {"chapter": None}

            def cell_start(cell, cell_index=None, **kw):
                w = cell.get("metadata", {}).get("woonzorg", {})
                ch, label = w.get("notebook"), w.get("label", "")
                region = w.get("region")
                if _EARLY is not None and isinstance(region, int) and region > 0 and cell_index is not None:
                    _EARLY.region_done(region - 1, nb_man.nb, cell_index)
                if ch and (label, ch) != state["chapter"] and ch != "(runner)":
                    state["chapter"] = (label, ch)
                    progress(f"{label}: hoofdstuk {ch}" if label else f"hoofdstuk {ch}")
                return original(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("woonzorg", ChapterProgressEngine)


def _failure_location(executed_path: Path, exc) -> tuple[str, str, int]:
    """(notebook, cell, region index in the group) of the failing cell, read from the executed
    notebook papermill wrote."""
    try:
        from . import render

        nb = render._nbformat().read(executed_path, as_version=4)
        for cell in nb.cells:
            failed = any(o.get("output_type") == "error" for o in cell.get("outputs", [])) or \
                cell.get("metadata", {}).get("papermill", {}).get("exception") is True
            if failed:
                w = cell.get("metadata", {}).get("woonzorg", {})
                if w:
                    cell_no = w.get("cell")
                    return (w.get("notebook", "?"), str(cell_no + 1) if isinstance(cell_no, int) else "?",
                            int(w.get("region", 0)))
    except Exception:  # noqa: BLE001 - best effort
        pass
    return "?", "?", 0


def _short_error(exc) -> tuple[str, str]:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc)
    evalue = " ".join(str(evalue).split())
    return ename, evalue[:400]


def region_notebook(chapters: list[Path], *, index: int, label: str, params: dict, extra_cells: list[str]):
    """The combined chapters of one region, every cell marked with the region's place in the group.
    The first region gets its parameters from papermill (after the tagged cell); a later region of
    the same kernel gets them from a cell that takes the tagged cell's place."""
    from . import render

    nb = render.combine(chapters)
    for src in extra_cells:
        nb.cells.append(render.runner_cell(src))
    if index > 0:
        for k, cell in enumerate(nb.cells):
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                source = "# Parameters van deze regio (de runner zet ze hier)\n" + "\n".join(
                    f"{name} = {value!r}" for name, value in params.items())
                new = render.runner_cell(source)
                new.metadata["woonzorg"] = dict(cell.metadata["woonzorg"])
                nb.cells[k] = new
                break
    for cell in nb.cells:
        cell.metadata.setdefault("woonzorg", {})
        cell.metadata["woonzorg"].update(region=index, label=label)
    return nb


def group_notebook(parts: list):
    """One notebook of every region's part, executed in one kernel (ids renumbered)."""
    nb = parts[0]
    for part in parts[1:]:
        nb.cells.extend(part.cells)
    for j, c in enumerate(nb.cells):
        c["id"] = f"c{j:04d}"
    return nb


def split_executed(executed, n: int) -> list:
    """The executed group notebook back into one notebook per region (papermill's own cells, which
    carry no region mark, stay with the region before them)."""
    import copy

    parts, current = [[] for _ in range(n)], 0
    for cell in executed.cells:
        current = cell.get("metadata", {}).get("woonzorg", {}).get("region", current)
        parts[current].append(cell)
    out = []
    for cells in parts:
        nb = copy.copy(executed)
        nb.cells = cells
        out.append(nb)
    return out


def execute(job: dict, nb, *, executed_path: Path, cwd: Path, early: EarlyRender | None = None):
    """Execute the (group) notebook; returns the executed NotebookNode (raises on failure).
    ``early``: renders each finished region of the group while the kernel runs the next."""
    global _EARLY
    from . import render

    render.fast_nbformat_import()
    import papermill as pm

    _register_engine()
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    import threading

    # nbconvert's import and template setup overlap with the kernel's work (the worker only waits)
    warm = threading.Thread(target=render.warm_up, daemon=True)
    warm.start()
    if early is not None:
        early.warm = warm
    _EARLY = early
    try:
        return _execute_with_retry(pm, job, nb, executed_path=executed_path, cwd=cwd, early=early)
    finally:
        _EARLY = None


def _execute_with_retry(pm, job: dict, nb, *, executed_path: Path, cwd: Path, early: EarlyRender | None):
    """papermill's run of the group notebook, once more on a kernel start-up problem."""
    attempts = 0
    while True:
        attempts += 1
        if early is not None and attempts > 1:
            early.enabled = False  # a retried kernel: everything is rendered at the end
        try:
            return pm.execute_notebook(
                nb, str(executed_path), parameters=job["params"], kernel_name="python3", engine_name="woonzorg",
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                stdout_file=sys.stderr, stderr_file=sys.stderr, cwd=str(cwd),
                execution_timeout=job.get("cell_timeout", 900), start_timeout=120)
        except Exception as exc:  # noqa: BLE001
            text = f"{type(exc).__name__}: {exc}"
            if attempts == 1 and ("ZMQError" in text or "Address already in use" in text
                                  or "Kernel died" in text or "DeadKernelError" in text):
                log(f"kernel-probleem ({text[:200]}); één nieuwe poging")
                progress("kernel opnieuw gestart")
                continue
            raise


def render_html(job: dict, executed) -> str:
    """One region's executed notebook as its report page."""
    from . import render
    from .notebook import supported

    return render.render(executed, title=job["title"], header_html=job.get("header_html", ""),
                         footer_html=job.get("footer_html", ""),
                         **supported(render.render, status=job.get("status"), rundatum=job.get("rundatum")))


def _publish(job: dict, executed, t0: float, *, early: EarlyRender | None = None, index: int = 0) -> dict:
    """Render one region's HTML into its temporary folder (or take the one rendered while the
    kernel ran the next region), then move its files into place one by one (atomic), the cache
    stamp last."""
    out_dir, tmp = Path(job["out_dir"]), Path(job["tmp_dir"])
    products = ["index.html"] + ([job["excel_name"]] if job.get("excel") else [])
    html = (early.html(index) if early is not None else None) or render_html(job, executed)
    (tmp / "index.html").write_text(html, encoding="utf-8", newline="\n")
    for name in products:
        if not (tmp / name).is_file():
            raise RuntimeError(f"{name} is niet gemaakt")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = out_dir / ".woonzorg-build.json"
    if stamp.exists():
        stamp.unlink()
    for name in products:
        os.replace(tmp / name, out_dir / name)
    (tmp / "stamp").write_text(json.dumps(job["stamp"], indent=1, sort_keys=True, ensure_ascii=False),
                               encoding="utf-8")
    os.replace(tmp / "stamp", stamp)
    return {"ok": True, "seconds": round(time.perf_counter() - t0, 2),
            "html_bytes": (out_dir / "index.html").stat().st_size}


def _run_group(group: list[dict], spec: dict, results: dict) -> list[dict]:
    """Execute the regions of ``group`` in ONE kernel (their chapters one after another) and publish
    each; returns the regions that still have to run (those after a failing one)."""
    t0 = time.perf_counter()
    parts = []
    for i, job in enumerate(group):
        Path(job["tmp_dir"]).mkdir(parents=True, exist_ok=True)
        extra = []
        if job.get("excel"):
            xlsx = Path(job["tmp_dir"]) / job["excel_name"]
            extra.append("from woonzorg_lib.report import notebook as _wz\n"
                         f"_wz.write_excel({str(xlsx)!r}, status={job.get('status')!r}, "
                         f"rundatum={job.get('rundatum')!r})")
        parts.append(region_notebook([Path(p) for p in job["chapters"]], index=i, label=job["label"],
                                     params=job["params"], extra_cells=extra))
    prewarm = list(spec.get("prewarm") or [])
    if prewarm:
        from . import render, shared_work

        prewarm = shared_work.for_params(prewarm, group[0]["params"])
    if prewarm:
        first = render.runner_cell(shared_work.cell_source(prewarm))
        first.metadata["woonzorg"].update(region=0, label=group[0]["label"])
        parts[0].cells.insert(0, first)
    nb = group_notebook(parts)
    executed_path = Path(spec["executed"])
    chapters = [Path(p) for p in group[0]["chapters"]]
    early = EarlyRender(group) if len(group) > 1 else None
    try:
        executed = execute(group[0], nb, executed_path=executed_path, cwd=chapters[0].parent, early=early)
        failed = None
    except Exception as exc:  # noqa: BLE001
        nbname, cell, failed = _failure_location(executed_path, exc)
        ename, evalue = _short_error(exc)
        log(traceback.format_exc())
        results[group[failed]["label"]].update(notebook=nbname, cell=cell, error=f"{ename}: {evalue}")
        try:
            from . import render

            executed = render._nbformat().read(executed_path, as_version=4)
        except Exception:  # noqa: BLE001
            executed = None
    done = group if failed is None else group[:failed]
    if done and executed is not None:
        per_region = split_executed(executed, len(group))
        for i, job in enumerate(done):
            progress(f"{job['label']}: HTML maken")
            try:
                results[job["label"]].update(_publish(job, per_region[i], t0, early=early, index=i))
            except Exception as exc:  # noqa: BLE001
                log(traceback.format_exc())
                ename, evalue = _short_error(exc)
                results[job["label"]].update(notebook="(rapport)", cell="-", error=f"{ename}: {evalue}")
    return [] if failed is None else group[failed + 1:]


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    group = spec.get("regions") or [spec]
    results = {job["label"]: {"region": job["label"], "ok": False, "notebook": "-", "cell": "-", "error": ""}
               for job in group}
    try:
        remaining = list(group)
        while remaining:  # a failing region stops the kernel; the regions after it run in a new one
            remaining = _run_group(remaining, spec, results)
        return 0 if all(r["ok"] for r in results.values()) else 1
    except KeyboardInterrupt:
        for r in results.values():
            if not r["ok"]:
                r.update(error="afgebroken")
        return 130
    except Exception as exc:  # noqa: BLE001
        log(traceback.format_exc())
        ename, evalue = _short_error(exc)
        for r in results.values():
            if not r["ok"] and not r["error"]:
                r.update(notebook="(rapport)", cell="-", error=f"{ename}: {evalue}")
        return 1
    finally:
        for job in group:
            shutil.rmtree(job["tmp_dir"], ignore_errors=True)
            try:
                Path(job["out_dir"]).rmdir()  # only succeeds when empty (a first build that failed)
            except OSError:
                pass
            try:
                Path(job["result"]).write_text(json.dumps(results[job["label"]], ensure_ascii=False),
                                               encoding="utf-8")
            except OSError:
                pass


if __name__ == "__main__":
    import signal

    # started from the runner in its own session: make sure Ctrl-C / SIGTERM interrupt us
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(main(sys.argv[1:]))
