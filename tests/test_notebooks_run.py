"""A real papermill run of a real region through the runner, a failing chapter, and a no-op rebuild."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from tests.report_build import REGION, build_once
from woonzorg_lib.report import runner

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_once(tmp_path_factory.mktemp("report"))


def test_real_region_builds(built):
    assert built["rc"] == 0, "\n".join(built["lines"])
    assert built["html"].is_file() and built["xlsx"].is_file()
    assert (built["out"] / "index.html").is_file()
    stamp = json.loads((built["html"].parent / runner.STAMP).read_text(encoding="utf-8"))
    assert stamp["slug"] == REGION and stamp["params"]["variant"] == "midden"
    assert (built["build"] / "logs" / f"{REGION}.log").is_file()
    assert any("hoofdstuk 01_demografie.ipynb" in line for line in built["lines"]), "voortgang per hoofdstuk"
    assert not list(built["out"].rglob(".tmp-*")), "tijdelijke map achtergebleven"


def test_noop_rebuild_is_fast_and_changes_nothing(built):
    before = {p: p.stat().st_mtime_ns for p in built["out"].rglob("*") if p.is_file()}
    lines: list[str] = []
    t = time.perf_counter()
    rc = runner.run([REGION], jobs_n=1, out=built["out"], say=lines.append)
    secs = time.perf_counter() - t
    assert rc == 0
    assert any("ongewijzigd" in line for line in lines)
    assert secs <= 2.0, f"no-op rebuild took {secs:.2f} s"
    after = {p: p.stat().st_mtime_ns for p in built["out"].rglob("*") if p.is_file()}
    assert before == after


def test_a_failing_chapter_names_region_notebook_and_cell_and_others_still_build(tmp_path, built):
    chapters = tmp_path / "notebooks"
    chapters.mkdir()
    shutil.copy(ROOT / "notebooks" / "07_data_en_bronnen.ipynb", chapters)
    broken = json.loads((ROOT / "notebooks" / "09_begrippenlijst.ipynb").read_text(encoding="utf-8"))
    broken["cells"].append({"cell_type": "code", "id": "kapot", "metadata": {}, "execution_count": None,
                            "outputs": [], "source": "run.bestaat_niet()"})
    (chapters / "08_kapot.ipynb").write_text(json.dumps(broken), encoding="utf-8")
    bad_region = tmp_path / "kapot.yaml"
    bad_region.write_text("slug: kapot\nnaam: Kapot\ngemeenten:\n- GM0946\n- GM9999\n", encoding="utf-8")
    lines: list[str] = []
    rc = runner.run([str(bad_region), REGION], jobs_n=2, out=tmp_path / "out", say=lines.append,
                    chapters_dir=chapters)
    text = "\n".join(lines)
    assert rc == 1
    # the good region got past the good chapter and failed in the broken one …
    assert "08_kapot.ipynb" in text and "AttributeError" in text
    n_cells = len(broken["cells"])
    assert any(REGION in line and "08_kapot.ipynb" in line and f" {n_cells} " in f" {line} " for line in lines
               if line.startswith(REGION)), text
    # … the broken region file is reported with its notebook, cell and the file/line of the error
    assert any(line.startswith("kapot") and "07_data_en_bronnen.ipynb" in line and "GM9999" in line
               for line in lines), text
    assert "Samenvatting van de fouten" in text
    assert not (tmp_path / "out" / REGION / "index.html").exists()
    assert not list((tmp_path / "out").rglob(".tmp-*"))


def test_last_good_report_stays_published_when_a_rebuild_fails(tmp_path, built):
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    good = (out / REGION / "index.html").read_bytes()
    chapters = tmp_path / "nb"
    chapters.mkdir()
    nb = json.loads((ROOT / "notebooks" / "09_begrippenlijst.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "id": "kapot", "metadata": {}, "execution_count": None,
                        "outputs": [], "source": "raise RuntimeError('stuk')"})
    (chapters / "00_kapot.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    rc = runner.run([REGION], jobs_n=1, out=out, say=lambda m: None, chapters_dir=chapters)
    assert rc == 1
    assert (out / REGION / "index.html").read_bytes() == good


def test_scenario_writes_its_own_folder_and_compares_with_the_default(tmp_path, built):
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    scen = tmp_path / "krapte.yaml"
    scen.write_text("naam: krapte\nurgenten.urgentieverklaringen_per_1000_huishoudens: 3.0\n", encoding="utf-8")
    lines: list[str] = []
    rc = runner.run([REGION], jobs_n=1, out=out, scenario=scen, say=lines.append)
    assert rc == 0, "\n".join(lines)
    page = (out / REGION / "krapte" / "index.html").read_text(encoding="utf-8")
    assert (out / REGION / "krapte" / f"{REGION}.xlsx").is_file()
    assert "scenario krapte" in page
    assert "Gewijzigde parameters in scenario krapte" in page
    assert "urgenten.urgentieverklaringen_per_1000_huishoudens" in page
    assert "scenario naast standaard" in page
    # the default report is untouched and the overview lists both
    assert (out / REGION / "index.html").read_bytes() == built["html"].read_bytes()
    idx = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{REGION}/krapte/index.html"' in idx and f'href="{REGION}/index.html"' in idx


def test_ctrl_c_leaves_the_published_report_and_no_temp_files(tmp_path, built):
    import os
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    good = (out / REGION / "index.html").read_bytes()
    chapters = tmp_path / "nb"
    chapters.mkdir()
    nb = json.loads((ROOT / "notebooks" / "09_begrippenlijst.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "id": "traag", "metadata": {}, "execution_count": None,
                        "outputs": [], "source": "import time\ntime.sleep(120)"})
    (chapters / "00_traag.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    code = ("import sys; from pathlib import Path; from woonzorg_lib.report import runner; "
            f"sys.exit(runner.run([{REGION!r}], jobs_n=1, out=Path({str(out)!r}), force=True, "
            f"chapters_dir=Path({str(chapters)!r})))")
    env = {**os.environ, "WOONZORG_BUILD": str(tmp_path / "build")}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "hoofdstuk 00_traag.ipynb" in line:
            break
    assert any("00_traag" in s for s in seen), "".join(seen)
    time.sleep(2)  # the slow cell is running
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert (out / REGION / "index.html").read_bytes() == good
    assert not list(out.rglob(".tmp-*"))
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "build") not in ps, "a worker of this run is still alive"


def test_regions_sharing_a_kernel_fail_and_publish_independently(tmp_path):
    """With one worker the regions run one after another in ONE kernel: a region whose chapter fails
    is reported with its notebook and cell, the regions before it are published, and the ones after
    it still build (in a new kernel) — byte-identical to building them alone."""
    chapters = tmp_path / "nb"
    chapters.mkdir()
    shutil.copy(ROOT / "notebooks" / "09_begrippenlijst.ipynb", chapters / "00_begrippen.ipynb")
    nb = json.loads((ROOT / "notebooks" / "09_begrippenlijst.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "id": "kapot", "metadata": {}, "execution_count": None,
                        "outputs": [], "source": "assert run.slug != 'enschede', 'stuk voor enschede'"})
    (chapters / "01_kapot.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    lines: list[str] = []
    # twente (14 gemeenten) runs first, then enschede (fails), then midden-limburg (new kernel)
    rc = runner.run(["enschede", "midden-limburg", "twente"], jobs_n=1, out=tmp_path / "out", say=lines.append,
                    chapters_dir=chapters)
    text = "\n".join(lines)
    assert rc == 1, text
    assert any(line.startswith("enschede") and "01_kapot.ipynb" in line and "stuk voor enschede" in line
               for line in lines), text
    assert (tmp_path / "out" / "twente" / "index.html").is_file()
    assert (tmp_path / "out" / "midden-limburg" / "index.html").is_file()
    assert not (tmp_path / "out" / "enschede" / "index.html").exists()
    assert not list((tmp_path / "out").rglob(".tmp-*"))
    alone = runner.run(["midden-limburg"], jobs_n=1, out=tmp_path / "alone", say=lambda m: None,
                       chapters_dir=chapters)
    assert alone == 0
    assert (tmp_path / "alone" / "midden-limburg" / "index.html").read_bytes() == \
        (tmp_path / "out" / "midden-limburg" / "index.html").read_bytes()
