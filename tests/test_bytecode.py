"""The runner writes the library's bytecode once before a build (report/bytecode.py), also when
PYTHONDONTWRITEBYTECODE keeps Python itself from writing it; a folder it cannot write to is no error."""

from __future__ import annotations

import importlib.util
import os
import sys

from woonzorg_lib.report import bytecode


def test_compile_library_writes_bytecode_even_when_python_would_not(tmp_path, monkeypatch):
    pkg = tmp_path / "synthetisch_pakket"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    (pkg / "mod.py").write_text("def f():\n    return 42\n", encoding="utf-8")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert bytecode.compile_library(pkg) is True
    pyc = importlib.util.cache_from_source(str(pkg / "mod.py"))
    assert os.path.isfile(pyc)
    first = os.stat(pyc).st_mtime_ns
    assert bytecode.compile_library(pkg) is True  # up to date: not rewritten
    assert os.stat(pyc).st_mtime_ns == first


def test_compile_library_that_cannot_write_is_no_error(tmp_path):
    pkg = tmp_path / "niet_schrijfbaar"
    pkg.mkdir()
    (pkg / "mod.py").write_text("Y = 2\n", encoding="utf-8")
    (pkg / "__pycache__").write_text("een bestand, geen map\n", encoding="utf-8")  # also for root
    assert bytecode.compile_library(pkg) is False


def test_default_folder_is_the_library():
    assert (bytecode.PACKAGE / "pipeline.py").is_file()
