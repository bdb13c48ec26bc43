"""``woonzorg run``: build the reports of one or more regions.

* The regions are packed into at most ``jobs`` balanced groups, one worker process each
  (``python -m woonzorg_lib.report.worker``); in each, ONE kernel executes all chapters of its
  regions in order (papermill) — imports, data tables and model caches are loaded once per group —
  then nbconvert renders one self-contained ``index.html`` per region; after a region's last
  chapter the kernel also writes its Excel workbook.
* Progress is shown per region and chapter; each region has its own log (``build/logs/``).
* A failing region does not stop the others; at the end a summary lists region, notebook, cell and
  error, and the exit code is 1.
* Only what changed is rebuilt: a region is skipped when its cache key (library, lock file,
  notebooks, config, region/scenario file, parameters, data fingerprint) equals the stamp in its
  output folder and the outputs exist.
* Outputs are written to a temporary folder and moved into place file by file (atomic), the stamp
  last: the last good report stays published when a build fails or is interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import WoonzorgError
from . import fmt, version
from .validate import RunParams

STAMP = ".woonzorg-build.json"
WORKER = "woonzorg_lib.report.worker"


@dataclass
class Job:
    label: str                    # region slug, or slug/scenario
    slug: str
    naam: str
    params: dict
    out_dir: Path
    key: str
    title: str
    stamp: dict
    chapters: list[Path]
    excel_name: str | None
    scenario: str = ""
    status: str = "concept"
    rundatum: str = ""
    header_html: str = ""
    footer_html: str = ""
    result: dict = field(default_factory=dict)


def build_dir() -> Path:
    """Logs, job files and executed notebooks (``build/``; override with WOONZORG_BUILD)."""
    return Path(os.environ.get("WOONZORG_BUILD", paths.root() / "build")).resolve()


def scenario_slug(path: Path) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return s or "scenario"


def _header_html(naam: str, omschrijving: str, p: RunParams, scenario_name: str, codev: dict) -> str:
    import html

    bits = [f"<p>{html.escape(omschrijving)}</p>" if omschrijving else ""]
    line = (f"Variant {html.escape(p.variant)} · basisjaar {p.base_year} (stand 1 januari) · horizon "
            f"{p.until} · peiljaar data {p.as_of}")
    if scenario_name:
        line += f" · scenario {html.escape(scenario_name)}"
    if p.rundatum:
        line += f" · rapportdatum {html.escape(p.rundatum)}"
    bits.append(f"<p>{line}</p>")
    return "".join(bits)


def _footer_html(codev: dict, fingerprint: str) -> str:
    return (f"Gemaakt met woonzorg {codev['woonzorg']} (commit {codev['git_commit']}, broncode {codev['bron_hash']}); "
            f"data-vingerafdruk {fingerprint[:12]}. Cijfers: CBS StatLine, CC BY 4.0; bewerking woonzorg. "
            "Zie ‘Bronnen en aannames’ voor alle parameters en bronnen.")


STATUSES = ("concept", "definitief")


def default_rundatum() -> str:
    """The run date when none is given: the date of the checked-out commit (deterministic: the same
    commit gives the same date, never the clock); '' outside a git checkout."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=str(paths.root()), capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    value = out.stdout.strip() if out.returncode == 0 else ""
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""


def check_status(status: str | None, rundatum: str | None) -> tuple[str, str]:
    """Validated ``status`` (concept|definitief) and ``rundatum`` (JJJJ-MM-DD; default: commit date)."""
    from ..errors import InputError

    status = (status or "concept").strip().lower()
    if status not in STATUSES:
        raise InputError(f"status '{status}' onbekend; kies uit {', '.join(STATUSES)}", column="--status")
    rundatum = (rundatum or "").strip() or default_rundatum()
    if rundatum and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", rundatum):
        raise InputError(f"'{rundatum}' is geen datum in de vorm JJJJ-MM-DD", column="--rundatum")
    return status, rundatum


def plan(region_args: list[str], *, overrides: dict, out: Path, scenario: Path | None = None,
         chapters: list[Path] | None = None, excel: bool = True, title_prefix: str = "",
         status: str = "concept", rundatum: str = "") -> tuple[list[Job], list[dict]]:
    """Jobs for the given regions; regions that cannot even be loaded become failures."""
    from ..regions import load_region
    from . import render
    from .validate import report_title
    from .. import provenance

    chapters = chapters if chapters is not None else render.chapter_paths()
    if not chapters:
        raise WoonzorgError(f"geen hoofdstukken (NN_naam.ipynb) gevonden in {paths.notebooks_dir()}")
    fingerprint = provenance.data_fingerprint()
    codev = version.code_version()
    jobs, failures = [], []
    for arg in region_args:
        broken = None
        try:
            region = load_region(arg)
        except WoonzorgError as exc:
            # A region file that does not load still gets its own job: the first chapter's validation
            # cell reports the error, so the summary names region, notebook and cell like any failure.
            broken = exc
            region = _unloadable_region(arg)
            if region is None:
                failures.append({"region": str(arg), "notebook": "-", "cell": "-", "error": str(exc)})
                continue
        try:
            src = Path(region.source).resolve()
            shipped = src.parent == paths.regions_dir().resolve() and src.stem == region.slug
            region_param = region.slug if shipped else str(src)
            values = {**overrides, "region": region_param}
            if scenario is not None:
                values["scenario"] = str(Path(scenario).resolve())
            p = RunParams.from_mapping(values)
        except WoonzorgError as exc:
            failures.append({"region": str(arg), "notebook": "-", "cell": "-", "error": str(exc)})
            continue
        scen_name = ""
        out_dir = out / region.slug
        label = region.slug
        if p.scenario:
            sp = Path(p.scenario)
            out_dir = out_dir / scenario_slug(sp)
            label = f"{region.slug}/{scenario_slug(sp)}"
            scen_name = _scenario_name(sp)
        key_params = {**p.as_dict(), "region": region.slug, "scenario": ""}
        if broken is not None:
            key_params["onleesbaar"] = str(broken)
        key = version.cache_key(params=key_params, region_file=src, scenario_file=Path(p.scenario) if p.scenario else None,
                                notebooks=chapters, data_fingerprint=fingerprint,
                                extra={"excel": excel, "title_prefix": title_prefix, "status": status,
                                       "rundatum": rundatum})
        title = title_prefix + report_title(region.naam, p, scen_name)
        stamp = {"key": key, "slug": region.slug, "naam": region.naam, "title": title, "scenario": scen_name,
                 "params": {k: v for k, v in key_params.items() if k != "scenario"},
                 "excel": f"{region.slug}.xlsx" if excel else None}
        job = Job(label=label, slug=region.slug, naam=region.naam, params=p.as_dict(), out_dir=out_dir, key=key,
                  title=title, stamp=stamp, chapters=chapters, excel_name=f"{region.slug}.xlsx" if excel else None,
                  scenario=scen_name, status=status, rundatum=rundatum)
        job.header_html = _header_html(region.naam, region.omschrijving, p, scen_name, codev)
        job.footer_html = _footer_html(codev, fingerprint)
        jobs.append(job)
    return jobs, failures


def _unloadable_region(arg: str):
    """A stand-in for a region file that exists but does not validate (slug = file name)."""
    from ..regions import Region, resolve_region_path

    try:
        path = resolve_region_path(arg)
    except WoonzorgError:
        return None
    if not Path(path).is_file():
        return None
    slug = re.sub(r"[^a-z0-9-]+", "-", Path(path).stem.lower()).strip("-") or "regio"
    return Region(slug=slug, naam=slug, gemeenten=(), source=Path(path))


def _scenario_name(path: Path) -> str:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except Exception:  # noqa: BLE001
        data = {}
    return str(data.get("naam")) if isinstance(data, dict) and data.get("naam") else path.stem


def is_current(job: Job) -> bool:
    stamp = job.out_dir / STAMP
    if not stamp.is_file() or not (job.out_dir / "index.html").is_file():
        return False
    if job.excel_name and not (job.out_dir / job.excel_name).is_file():
        return False
    try:
        return json.loads(stamp.read_text(encoding="utf-8")).get("key") == job.key
    except (OSError, ValueError):
        return False


def _sweep_tmp(out: Path) -> None:
    """Remove temporary folders left by a killed run (never a published file)."""
    if not out.is_dir():
        return
    for d in list(out.glob(".tmp-*")) + list(out.glob("*/.tmp-*")) + list(out.glob("*/*/.tmp-*")):
        m = re.match(r"\.tmp-(\d+)-", d.name)
        if m and _alive(int(m.group(1))):
            continue
        shutil.rmtree(d, ignore_errors=True)


def _terminate_as_interrupt() -> None:
    """Treat SIGTERM (a CI timeout, `kill`) like Ctrl-C: stop the workers and clean up."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


class _Console:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.lock = threading.Lock()

    def __call__(self, msg: str) -> None:
        with self.lock:
            print(msg, file=self.stream, flush=True)


def _worker_env() -> dict:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "Agg"
    env["WOONZORG_ROOT"] = str(paths.root())
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env["TQDM_DISABLE"] = "1"
    # One BLAS thread per kernel: the build already runs one kernel per core, and the model's small
    # matrix products only spin-wait on extra BLAS threads (measured: reconstruction 2,7 → 0,6 s
    # under load). The results are bit-identical (demand CSV compared with cmp). A user's own
    # setting wins.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def _safe(label: str) -> str:
    return label.replace("/", "__")


def _start(group: list[Job], say, *, prewarm: list[str] | None = None) -> tuple[subprocess.Popen, dict]:
    """Start one worker process for ``group`` (its regions run one after another in one kernel);
    ``prewarm``: shared work its kernel computes first (:mod:`.shared_work`)."""
    logs = build_dir() / "logs"
    executed = build_dir() / "executed"
    logs.mkdir(parents=True, exist_ok=True)
    executed.mkdir(parents=True, exist_ok=True)
    name = "+".join(_safe(j.label) for j in group)
    specs = []
    for job in group:
        safe = _safe(job.label)
        tmp = job.out_dir / f".tmp-{os.getpid()}-{safe.replace('__', '-')}"
        if job.out_dir.parent.exists() is False:
            job.out_dir.parent.mkdir(parents=True, exist_ok=True)
        result = build_dir() / "jobs" / f"{safe}.result.json"
        result.parent.mkdir(parents=True, exist_ok=True)
        if result.exists():
            result.unlink()
        specs.append({"label": job.label, "params": job.params, "out_dir": str(job.out_dir), "tmp_dir": str(tmp),
                      "chapters": [str(c) for c in job.chapters], "executed": str(executed / f"{name}.ipynb"),
                      "result": str(result), "title": job.title, "stamp": job.stamp,
                      "excel": bool(job.excel_name), "excel_name": job.excel_name,
                      "header_html": job.header_html, "footer_html": job.footer_html,
                      "status": job.status, "rundatum": job.rundatum})
    jobfile = build_dir() / "jobs" / f"{name}.json"
    jobfile.write_text(json.dumps({**specs[0], "regions": specs, "prewarm": list(prewarm or [])}, ensure_ascii=False,
                                  indent=1), encoding="utf-8")
    logf = open(logs / f"{name}.log", "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", WORKER, str(jobfile)], stdout=subprocess.PIPE, stderr=logf,
                            env=_worker_env(), cwd=str(paths.root()), text=True, bufsize=1,
                            start_new_session=True)
    info = {"log": logs / f"{name}.log", "logf": logf, "results": [Path(sp["result"]) for sp in specs],
            "tmp_dirs": [Path(sp["tmp_dir"]) for sp in specs], "t0": time.perf_counter()}
    prefix = "" if len(group) > 1 else f"{group[0].label}: "

    def relay():
        for line in proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("@@"):
                msg = line[2:].strip()
                say(f"  {msg if msg.startswith(group[0].label) or len(group) > 1 else prefix + msg}")
            else:
                logf.write(line + "\n")
                logf.flush()

    t = threading.Thread(target=relay, daemon=True)
    t.start()
    info["thread"] = t
    return proc, info


def _weight(job: Job) -> int:
    """Rough cost of a region's build: a fixed part (kernel, imports, model) plus its gemeenten."""
    from ..regions import load_region

    try:
        return 10 + len(load_region(job.params["region"]).gemeenten)
    except WoonzorgError:
        return 10


def groups_of(jobs: list[Job], n: int) -> list[list[Job]]:
    """At most ``n`` groups, balanced by :func:`_weight` (largest first, each to the lightest group);
    a group's regions share one kernel. Deterministic: ties keep the given order."""
    n = max(1, min(n, len(jobs)))
    groups: list[list[Job]] = [[] for _ in range(n)]
    load = [0] * n
    for job in largest_first(jobs):
        k = min(range(n), key=lambda i: (load[i], i))
        groups[k].append(job)
        load[k] += _weight(job)
    return [g for g in groups if g]


def largest_first(jobs: list[Job]) -> list[Job]:
    """Start the regions with the most gemeenten first (longest job first), so the build does not end
    with one large region running alone on an otherwise idle machine; ties keep their order."""
    from ..regions import load_region

    def size(job: Job) -> int:
        try:
            return len(load_region(job.params["region"]).gemeenten)
        except WoonzorgError:
            return 0

    return sorted(jobs, key=lambda j: -size(j))


def execute_jobs(jobs: list[Job], *, jobs_n: int, say, share_kernels: bool = True) -> list[dict]:
    """Run the jobs with at most ``jobs_n`` worker processes at a time; returns one result dict per
    job. With ``share_kernels`` the jobs are packed into ``jobs_n`` balanced groups and a group's
    regions run in one kernel (imports, data tables and model caches loaded once); without it every
    job has its own process and kernel (the benchmark floor)."""
    from . import bytecode, shared_work

    bytecode.compile_library()  # once here, not in every process (PYTHONDONTWRITEBYTECODE)
    pending = groups_of(jobs, jobs_n) if share_kernels else [[j] for j in largest_first(jobs)]
    slots = {id(g): (shared_work.for_slot(i, g[0].chapters) if share_kernels else []) for i, g in enumerate(pending)}
    running: dict = {}
    results: list[dict] = []
    total = len(jobs)
    done = 0
    started = 0
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs_n):
                group = pending.pop(0)
                for job in group:
                    started += 1
                    say(f"[{started}/{total}] {job.label}: start")
                proc, info = _start(group, say, prewarm=slots[id(group)])
                running[proc] = (group, info)
            time.sleep(0.05)
            for proc in [p for p in running if p.poll() is not None]:
                group, info = running.pop(proc)
                info["thread"].join(timeout=5)
                info["logf"].close()
                secs = time.perf_counter() - info["t0"]
                for job, result_path in zip(group, info["results"]):
                    try:
                        res = json.loads(result_path.read_text(encoding="utf-8"))
                    except (OSError, ValueError):
                        res = {"region": job.label, "ok": False, "notebook": "-", "cell": "-",
                               "error": f"het bouwproces stopte onverwacht (code {proc.returncode})"}
                    res["log"] = str(info["log"])
                    res["seconds"] = round(res.get("seconds") or secs, 2)
                    job.result = res
                    results.append(res)
                    done += 1
                    if res.get("ok"):
                        size = (job.out_dir / "index.html").stat().st_size
                        say(f"[{done}/{total}] {job.label}: klaar in {fmt.dec(res['seconds'], 1)} s "
                            f"({fmt.dec(size / 1024, 0)} kB HTML)")
                    else:
                        say(f"[{done}/{total}] {job.label}: MISLUKT in {res.get('notebook')}, cel {res.get('cell')}: "
                            f"{res.get('error')}  (log: {info['log']})")
    except KeyboardInterrupt:
        # Each worker runs in its own process group (with its kernel): pass the interrupt on, give
        # it a few seconds to clean up its temporary folders, then make sure nothing of it is left.
        for proc in running:
            try:
                os.killpg(proc.pid, signal.SIGINT)
            except OSError:
                pass
        deadline = time.time() + 10
        for proc, (group, info) in running.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the worker and its kernel, if still there
            except OSError:
                pass
            proc.wait()
            info["logf"].close()
            for tmp in info["tmp_dirs"]:
                shutil.rmtree(tmp, ignore_errors=True)
        raise
    return results


def run(region_args: list[str], *, jobs_n: int = 2, overrides: dict | None = None, out: Path | None = None,
        scenario: Path | None = None, force: bool = False, say=None, chapters_dir: Path | None = None,
        status: str | None = None, rundatum: str | None = None) -> int:
    """Build the reports; returns the exit code (0 = all good, 1 = at least one region failed).
    ``status`` (concept|definitief) and ``rundatum`` (JJJJ-MM-DD, default: the commit date) are
    printed on the report and in the workbook when the renderer supports them."""
    status, rundatum = check_status(status, rundatum)
    say = say or _Console()
    out = Path(out or paths.reports_dir()).resolve()
    out.mkdir(parents=True, exist_ok=True)
    _sweep_tmp(out)
    _terminate_as_interrupt()
    t0 = time.perf_counter()
    from . import render

    chapters = render.chapter_paths(chapters_dir) if chapters_dir else None
    todo, failures = plan(region_args, overrides=overrides or {}, out=out, scenario=scenario, chapters=chapters,
                          status=status, rundatum=rundatum)
    for f in failures:
        say(f"{f['region']}: MISLUKT: {f['error']}")
    stale = [j for j in todo if force or not is_current(j)]
    for j in todo:
        if j not in stale:
            say(f"{j.label}: ongewijzigd (overgeslagen)")
    results = execute_jobs(stale, jobs_n=jobs_n, say=say) if stale else []
    failures += [r for r in results if not r.get("ok")]
    from . import index

    index.write_index(out)
    secs = time.perf_counter() - t0
    built = sum(1 for r in results if r.get("ok"))
    say(f"{built} gebouwd, {len(todo) - len(stale)} ongewijzigd, {len(failures)} mislukt in {fmt.dec(secs, 1)} s; "
        f"overzicht: {out / 'index.html'}")
    if failures:
        say("\nSamenvatting van de fouten (cel: volgnummer in het notebook, van boven af geteld vanaf 1):")
        say(f"{'regio':<28} {'notebook':<28} {'cel':>4}  fout")
        for f in failures:
            say(f"{f['region']:<28} {str(f.get('notebook', '-')):<28} {str(f.get('cell', '-')):>4}  {f.get('error', '')}")
        return 1
    return 0


def bench(region_args: list[str], *, jobs_n: int = 2, say=None, repeat: int = 1) -> dict:
    """The clean-build benchmark (see :mod:`.floor`)."""
    from .floor import bench as _bench

    return _bench(region_args, jobs_n=jobs_n, say=say, repeat=repeat)
