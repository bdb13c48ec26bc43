"""As-of invariance end to end, as a reviewer checks it: edit every raw row dated after 1-1-2019
in a copy of data/raw, re-seal the files (`woonzorg data rehash`), rebuild (`woonzorg data build`)
and run `woonzorg forecast --as-of 2019`: the output must be byte-identical."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from woonzorg_lib import paths

AS_OF = 2019
# file -> (value columns to perturb, rule: 'stock' = jaar > as_of, 'flow' = jaar >= as_of)
EDITS = {
    "population_totals.csv": (["waarde"], "stock"),
    "population_age_groups.csv": (["waarde"], "stock"),
    "population_broad_age_all_gemeenten_2023_2024.csv": (["waarde"], "stock"),
    "population_5y.csv": (["waarde"], "stock"),
    "national_life_table.csv": (["sterftekans_qx", "levenden_tafelbevolking"], "flow"),
    "deaths_by_age_sex.csv": (["waarde"], "flow"),
    "births_by_mother_age.csv": (["waarde"], "flow"),
    "households_institutions.csv": (["waarde"], "hh"),
    "housing_stock.csv": (["waarde"], "flow"),
}


def _perturb(path: Path, cols: list[str], rule: str) -> int:
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    ji = head.index("jaar")
    vi = [head.index(c) for c in cols]
    pi = head.index("peildatum") if "peildatum" in head else None
    n = 0
    for r in rows[1:]:
        j = int(r[ji])
        if rule == "stock":
            later = j > AS_OF
        elif rule == "flow":
            later = j >= AS_OF
        else:   # households: 31 December of Y counts as 1 January Y+1
            later = j >= AS_OF if (pi is not None and r[pi].endswith("12-31")) else j > AS_OF
        if later:
            for i in vi:
                if r[i] not in ("", None):
                    v = float(r[i])
                    r[i] = repr(round(v * 0.83 + 7, 6)) if "qx" not in head[i] else repr(min(v * 1.2, 1.0))
            n += 1
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return n


def _forecast(env: dict, out: Path) -> bytes:
    cmd = [sys.executable, "-m", "woonzorg_lib", "forecast", "--region", "utrecht", "--as-of", str(AS_OF),
           "--until", "2024", "--out", str(out)]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=paths.root())
    assert res.returncode == 0, res.stderr
    return out.read_bytes()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_asof_2019_ignores_everything_dated_later(tmp_path):
    raw_src = paths.raw_dir()
    raw = tmp_path / "raw"
    shutil.copytree(raw_src, raw)
    env = {**os.environ, "WOONZORG_RAW": str(raw), "WOONZORG_PROCESSED": str(tmp_path / "processed"),
           "PYTHONHASHSEED": "0"}
    before = _forecast(env, tmp_path / "before.csv")
    for name, (cols, rule) in EDITS.items():
        n = _perturb(raw / name, cols, rule)
        assert n > 0, name
        res = subprocess.run([sys.executable, "-m", "woonzorg_lib", "data", "rehash", str(raw / name), "--note",
                              "as-of test: rows dated after 2019 edited"], env=env, capture_output=True, text=True,
                             cwd=paths.root())
        assert res.returncode == 0, res.stderr
    res = subprocess.run([sys.executable, "-m", "woonzorg_lib", "data", "build"], env=env, capture_output=True,
                         text=True, cwd=paths.root())
    assert res.returncode == 0, res.stderr
    after = _forecast(env, tmp_path / "after.csv")
    assert before == after
    # sanity: the edits are real (a later as-of sees them)
    env24 = dict(env)
    cmd = [sys.executable, "-m", "woonzorg_lib", "forecast", "--region", "utrecht", "--as-of", "2024", "--until",
           "2024", "--out", str(tmp_path / "late.csv")]
    assert subprocess.run(cmd, env=env24, capture_output=True, cwd=paths.root()).returncode == 0
    late = (tmp_path / "late.csv").read_text()
    assert "GM0344,2024,totaal" in late
