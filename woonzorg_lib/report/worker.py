"""One region's report build, run as its own process by the runner (``python -m woonzorg_lib.report.worker JOB``).

Steps: combine the chapter notebooks into one; execute it with papermill in ONE kernel (the chapters
share the kernel and the library's in-process caches); render the HTML; write everything into a
temporary folder next to the target; then move the finished files into place one by one with
``os.replace`` (atomic), the cache stamp last. A failure or Ctrl-C leaves the previous report as it
was. The result (ok, or region/notebook/cell/error) is written as JSON for the runner.

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


def _register_engine():
    """A papermill engine that reports each chapter as it starts (the nbclient engine otherwise)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class ChapterProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            original = nb_man.cell_start
            state = {"chapter": None}

            def cell_start(cell, cell_index=None, **kw):
                ch = cell.get("metadata", {}).get("woonzorg", {}).get("notebook")
                if ch and ch != state["chapter"] and ch != "(runner)":
                    state["chapter"] = ch
                    progress(f"hoofdstuk {ch}")
                return original(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register("woonzorg", ChapterProgressEngine)


def _failure_location(executed_path: Path, exc) -> tuple[str, str]:
    """(notebook, cell) of the failing cell, read from the executed notebook papermill wrote."""
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
                    return w.get("notebook", "?"), str(cell_no + 1) if isinstance(cell_no, int) else "?"
    except Exception:  # noqa: BLE001 - best effort
        pass
    return "?", "?"


def _short_error(exc) -> tuple[str, str]:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        evalue = str(exc)
    evalue = " ".join(str(evalue).split())
    return ename, evalue[:400]


def execute(job: dict, *, chapters: list[Path], extra_cells: list[str], executed_path: Path):
    """Execute the combined notebook; returns the executed NotebookNode (raises on failure)."""
    from . import render

    render.fast_nbformat_import()
    import papermill as pm

    _register_engine()
    nb = render.combine(chapters)
    for src in extra_cells:
        nb.cells.append(render.runner_cell(src))
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    import threading

    # nbconvert's import and template setup overlap with the kernel's work (the worker only waits)
    warm = threading.Thread(target=render.warm_up, daemon=True)
    warm.start()
    attempts = 0
    while True:
        attempts += 1
        try:
            return pm.execute_notebook(
                nb, str(executed_path), parameters=job["params"], kernel_name="python3", engine_name="woonzorg",
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                stdout_file=sys.stderr, stderr_file=sys.stderr, cwd=str(chapters[0].parent),
                execution_timeout=job.get("cell_timeout", 900), start_timeout=120)
        except Exception as exc:  # noqa: BLE001
            text = f"{type(exc).__name__}: {exc}"
            if attempts == 1 and ("ZMQError" in text or "Address already in use" in text
                                  or "Kernel died" in text or "DeadKernelError" in text):
                log(f"kernel-probleem ({text[:200]}); één nieuwe poging")
                progress("kernel opnieuw gestart")
                continue
            raise


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result_path = Path(job["result"])
    out_dir = Path(job["out_dir"])
    tmp = Path(job["tmp_dir"])
    result = {"region": job["label"], "ok": False, "notebook": "-", "cell": "-", "error": ""}
    t0 = time.perf_counter()
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        chapters = [Path(p) for p in job["chapters"]]
        extra = []
        products = ["index.html"]
        if job.get("excel"):
            xlsx = tmp / job["excel_name"]
            extra.append("from woonzorg_lib.report import notebook as _wz\n"
                         f"_wz.write_excel({str(xlsx)!r}, status={job.get('status')!r}, "
                         f"rundatum={job.get('rundatum')!r})")
            products.append(job["excel_name"])
        executed_path = Path(job["executed"])
        try:
            executed = execute(job, chapters=chapters, extra_cells=extra, executed_path=executed_path)
        except Exception as exc:  # noqa: BLE001
            nbname, cell = _failure_location(executed_path, exc)
            ename, evalue = _short_error(exc)
            log(traceback.format_exc())
            result.update(notebook=nbname, cell=cell, error=f"{ename}: {evalue}")
            return 1
        progress("HTML maken")
        from . import render
        from .notebook import supported

        html = render.render(executed, title=job["title"], header_html=job.get("header_html", ""),
                             footer_html=job.get("footer_html", ""),
                             **supported(render.render, status=job.get("status"), rundatum=job.get("rundatum")))
        (tmp / "index.html").write_text(html, encoding="utf-8", newline="\n")
        for name in products:
            if not (tmp / name).is_file():
                raise RuntimeError(f"{name} is niet gemaakt")
        # Publish: each file replaced atomically; the stamp last, so an interrupted publish is rebuilt.
        out_dir.mkdir(parents=True, exist_ok=True)
        stamp = out_dir / ".woonzorg-build.json"
        if stamp.exists():
            stamp.unlink()
        for name in products:
            os.replace(tmp / name, out_dir / name)
        (tmp / "stamp").write_text(json.dumps(job["stamp"], indent=1, sort_keys=True, ensure_ascii=False),
                                   encoding="utf-8")
        os.replace(tmp / "stamp", stamp)
        result.update(ok=True, seconds=round(time.perf_counter() - t0, 2),
                      html_bytes=(out_dir / "index.html").stat().st_size)
        return 0
    except KeyboardInterrupt:
        result.update(error="afgebroken")
        return 130
    except Exception as exc:  # noqa: BLE001
        log(traceback.format_exc())
        ename, evalue = _short_error(exc)
        result.update(notebook="(rapport)", cell="-", error=f"{ename}: {evalue}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            out_dir.rmdir()  # only succeeds when empty (a first build that failed)
        except OSError:
            pass
        try:
            result_path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        except OSError:
            pass


if __name__ == "__main__":
    import signal

    # started from the runner in its own session: make sure Ctrl-C / SIGTERM interrupt us
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(main(sys.argv[1:]))
