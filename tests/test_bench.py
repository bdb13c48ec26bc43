"""CI runs the quick benchmark: it fails only when a benchmark BREAKS (an exception, a failed build,
an empty result), never on timing. The full table: `make bench`."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_runs_and_prints_one_table(tmp_path):
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick"], capture_output=True,
                         text=True, cwd=ROOT, timeout=1200)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("benchmark") and "reproduceer" in lines[0]
    body = "\n".join(lines[2:])
    for what in ("demografie", "vraag", "verdeling", "schone build", "grootte reports/", "no-op herbouw"):
        assert what in body, what
    print(res.stdout)  # visible with pytest -s: the measured figures


def test_bench_repeats_floor_and_build_alternately_and_reports_medians(tmp_path, monkeypatch):
    """--repeat N: floor and build are measured N times, one after the other (a change in the
    machine's load hits both), each from an empty cache; the result holds every sample and the
    medians. The builds are replaced by SYNTHETIC stand-ins (the real ones are measured above)."""
    import os
    import statistics
    from types import SimpleNamespace

    from woonzorg_lib.report import floor

    order, caches = [], []
    out = tmp_path / "SYNTHETIC_region"
    out.mkdir()
    (out / "index.html").write_text("x" * 10, encoding="utf-8")

    def plan(regions, *, overrides, out, chapters=None, excel=True, title_prefix=""):
        kind = "floor" if chapters is not None else "build"
        return [SimpleNamespace(slug="SYNTHETIC_region", out_dir=tmp_path / "SYNTHETIC_region", kind=kind)], []

    def execute_jobs(jobs, *, jobs_n, say, share_kernels=True):
        order.append(jobs[0].kind)
        caches.append(os.environ["WOONZORG_CACHE"])
        assert share_kernels == (jobs[0].kind == "build")
        return [{"ok": True}]

    monkeypatch.setattr(floor, "plan", plan)
    monkeypatch.setattr(floor, "execute_jobs", execute_jobs)
    monkeypatch.setattr(floor, "build_dir", lambda: tmp_path)
    monkeypatch.setenv("WOONZORG_CACHE", str(tmp_path / "outer"))
    res = floor.bench(["SYNTHETIC_region"], jobs_n=2, say=lambda m: None, repeat=3)
    assert order == ["floor", "build"] * 3
    assert len(set(caches)) == 6 and not any(os.path.exists(c) for c in caches)  # empty, then removed
    assert res["repeat"] == 3 and len(res["floor_runs"]) == len(res["report_runs"]) == 3
    assert abs(res["floor_s"] - statistics.median(res["floor_runs"])) < 0.01
    assert abs(res["report_s"] - statistics.median(res["report_runs"])) < 0.01
    assert res["ok"] and res["html_bytes"] == {"SYNTHETIC_region": 10}


def test_bench_repeat_below_one_is_one_clear_error():
    from tests.conftest import run_cli

    res = run_cli("run", "--bench", "--repeat", "0", "--region", "midden-limburg")
    assert res.returncode == 2 and "--repeat" in res.stderr and "Traceback" not in res.stderr
