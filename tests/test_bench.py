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
