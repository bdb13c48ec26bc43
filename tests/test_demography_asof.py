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


# CBS files as obtained (gzip, ';'-separated, Perioden = year): file -> rule
DUMP_EDITS = {
    "cbs/85644NED.csv.gz": "stock", "cbs/85383NED.csv.gz": "stock", "cbs/60039fvw.csv.gz": "stock", "cbs/82900NED.csv.gz": "stock",
    "cbs/84903NED.csv.gz": "flow", "cbs/86054NED.csv.gz": "flow", "cbs/86063NED.csv.gz": "dec31",
}


def _perturb_dump(path: Path, rule: str) -> int:
    """Scale every measure of the rows dated after 1-1-2019 in a StatLine dump; re-gzip deterministically."""
    import gzip

    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = rows[0]
    pi = head.index("Perioden")
    measures = [i for i, h in enumerate(head) if h.rsplit("_", 1)[-1].isdigit() and i > pi]
    n = 0
    for r in rows[1:]:
        j = int(r[pi].strip()[:4])
        later = {"stock": j > AS_OF, "flow": j >= AS_OF, "dec31": j >= AS_OF}[rule]
        if later:
            for i in measures:
                try:
                    r[i] = repr(round(float(r[i]) * 0.83 + 7, 1))
                except ValueError:
                    pass
            n += 1
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    return n


def _perturb_kwb_2024(path: Path) -> int:
    import json

    d = json.loads(path.read_text(encoding="utf-8"))
    for rec in d.values():
        for k, v in rec.items():
            if isinstance(v, (int, float)):
                rec[k] = round(v * 0.83 + 7)
    path.write_text(json.dumps(d), encoding="utf-8")
    return len(d)


def _perturb_pc4_2021(path: Path) -> int:
    import gzip

    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    for r in rows[1:]:
        for i in (2, 3, 4):
            if r[i]:
                r[i] = repr(round(float(r[i]) * 0.83 + 7))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))
    return len(rows) - 1


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
    for name, rule in DUMP_EDITS.items():
        assert _perturb_dump(raw / name, rule) > 0, name
        provenance.rehash(raw / name, "as-of test: rows dated after 2019 edited")
    assert _perturb_kwb_2024(raw / "kwb" / "kwb_2024_gemeenten_wijken.json") > 0
    provenance.rehash(raw / "kwb" / "kwb_2024_gemeenten_wijken.json", "as-of test: 2024 edited")
    assert _perturb_pc4_2021(raw / "pc4_2021" / "inwoners_per_postcode_leeftijd.csv.gz") > 0
    provenance.rehash(raw / "pc4_2021" / "inwoners_per_postcode_leeftijd.csv.gz", "as-of test: 2021 edited")
    assert provenance.verify(raw) == []
    build_all()                                                                      # = woonzorg data build
    after = _forecast(tmp_path / "after.csv")
    assert before == after
    # sanity: the edits are real, and visible to a later as-of
    from woonzorg_lib import demography as demo

    t = demo.forecast(["GM0344"], as_of=2024, until=2024, variants=("midden",))
    assert t[t.geslacht == "totaal"]["waarde"].sum() != 374238
