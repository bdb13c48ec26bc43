"""As-of invariance end to end, as a reviewer checks it: edit every raw row dated after 1-1-2019
in a copy of data/raw, re-seal the files (`woonzorg data rehash`), rebuild (`woonzorg data build`)
and run `woonzorg forecast --as-of 2019`: the output must be byte-identical."""

from __future__ import annotations

import csv
import io
import shutil
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
                    if "qx" in head[i]:
                        r[i] = repr(min(v * 1.2, 1.0))
                    elif "." in r[i]:
                        r[i] = repr(round(v * 0.83 + 7, 6))
                    else:
                        r[i] = str(int(round(v * 0.83 + 7)))
            n += 1
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return n


def _forecast(out: Path) -> bytes:
    from woonzorg_lib.cli import main

    assert main(["forecast", "--region", "utrecht", "--as-of", str(AS_OF), "--until", "2024", "--out", str(out)]) == 0
    return out.read_bytes()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_asof_2019_ignores_everything_dated_later(tmp_path, monkeypatch):
    from woonzorg_lib import provenance
    from woonzorg_lib.dataset.build import build_all

    raw_src = paths.raw_dir()
    raw = tmp_path / "raw"
    shutil.copytree(raw_src, raw)
    monkeypatch.setenv("WOONZORG_RAW", str(raw))
    monkeypatch.setenv("WOONZORG_PROCESSED", str(tmp_path / "processed"))
    before = _forecast(tmp_path / "before.csv")
    for name, (cols, rule) in EDITS.items():
        n = _perturb(raw / name, cols, rule)
        assert n > 0, name
        provenance.rehash(raw / name, "as-of test: rows dated after 2019 edited")   # = woonzorg data rehash
    assert provenance.verify(raw) == []
    build_all()                                                                      # = woonzorg data build
    after = _forecast(tmp_path / "after.csv")
    assert before == after
    # sanity: the edits are real, and visible to a later as-of
    from woonzorg_lib import demography as demo

    t = demo.forecast(["GM0344"], as_of=2024, until=2024, variants=("midden",))
    assert t[t.geslacht == "totaal"]["waarde"].sum() != 374238
