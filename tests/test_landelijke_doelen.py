"""The national programme targets come from one sourced file (config/landelijke_doelen.yaml), the
behoefte method's split follows them, and a bad file gives one clear error naming file and key."""

from __future__ import annotations

import pytest
import yaml

from woonzorg_lib import paths
from woonzorg_lib.errors import InputError
from woonzorg_lib.groups import ouderen
from woonzorg_lib.groups.params import load_parameters


def test_programme_is_read_from_the_sourced_file():
    spec = ouderen.programme_spec()
    raw = yaml.safe_load((paths.config_dir() / "landelijke_doelen.yaml").read_text(encoding="utf-8"))
    assert spec["woningen"] == {k: float(v) for k, v in raw["ouderenprogramma"]["woningen"].items()}
    assert sum(spec["woningen"].values()) == 290_000          # kst-29389-112: 290.000 homes
    assert (spec["van"], spec["tot"]) == (2022, 2031)
    assert "kst-29389-112" in spec["bron"] and spec["datum"] == "2022-11-23"
    assert ouderen.PROGRAMMA == spec["woningen"]


def test_behoefte_split_follows_the_programme():
    p = load_parameters()
    total = sum(ouderen.PROGRAMMA.values())
    for wt, n in ouderen.PROGRAMMA.items():
        assert p.entries[f"ouderen.aandeel_{wt}"].waarde == pytest.approx(n / total, abs=5e-5), wt


@pytest.mark.parametrize("edit, column", [
    (lambda d: d["ouderenprogramma"]["woningen"].update(nultreden=-5), "ouderenprogramma.woningen.nultreden"),
    (lambda d: d["ouderenprogramma"]["woningen"].pop("geclusterd"), "ouderenprogramma.woningen"),
    (lambda d: d["ouderenprogramma"].update(periode_tot=2020), "ouderenprogramma.periode_van"),
])
def test_bad_programme_file_names_file_and_key(tmp_path, monkeypatch, edit, column):
    d = yaml.safe_load((paths.config_dir() / "landelijke_doelen.yaml").read_text(encoding="utf-8"))
    edit(d)
    (tmp_path / "landelijke_doelen.yaml").write_text(yaml.safe_dump(d), encoding="utf-8")
    monkeypatch.setattr(paths, "config_dir", lambda: tmp_path)
    ouderen.programme_spec.cache_clear()
    try:
        with pytest.raises(InputError) as e:
            ouderen.programme_spec()
        assert "landelijke_doelen.yaml" in str(e.value) and column in str(e.value)
    finally:
        monkeypatch.undo()
        ouderen.programme_spec.cache_clear()
    assert sum(ouderen.programme_spec()["woningen"].values()) == 290_000
