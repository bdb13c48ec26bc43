"""Where things live (woonzorg_lib/paths.py): the folders follow the environment variables and the
working directory at every call, also now that their resolved paths are remembered."""

from __future__ import annotations

from woonzorg_lib import paths


def test_folders_follow_the_environment(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    monkeypatch.setenv("WOONZORG_ROOT", str(a))
    monkeypatch.delenv("WOONZORG_RAW", raising=False)
    monkeypatch.delenv("WOONZORG_PROCESSED", raising=False)
    assert paths.root() == a.resolve()
    assert paths.raw_dir() == a.resolve() / "data" / "raw"
    monkeypatch.setenv("WOONZORG_ROOT", str(b))
    assert paths.root() == b.resolve() and paths.processed_dir() == b.resolve() / "data" / "processed"
    monkeypatch.setenv("WOONZORG_RAW", str(a / "eigen_raw"))
    assert paths.raw_dir() == (a / "eigen_raw").resolve()


def test_relative_root_follows_the_working_directory(tmp_path, monkeypatch):
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("WOONZORG_ROOT", ".")
    monkeypatch.chdir(tmp_path / "x")
    assert paths.root() == (tmp_path / "x").resolve()
    monkeypatch.chdir(tmp_path / "y")
    assert paths.root() == (tmp_path / "y").resolve()


def test_symlinks_are_resolved(tmp_path, monkeypatch):
    real = tmp_path / "echt"
    real.mkdir()
    link = tmp_path / "koppeling"
    link.symlink_to(real)
    monkeypatch.setenv("WOONZORG_ROOT", str(link))
    assert paths.root() == real.resolve()
