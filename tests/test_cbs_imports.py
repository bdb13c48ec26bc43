"""The downloader package never imports the data layer (issue 11: the cycle dataset/build.py ->
cbs.merge_fetched -> dataset.rawio). Every import is checked, also those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import woonzorg_lib

PKG = Path(woonzorg_lib.__file__).resolve().parent


def _imports(path: Path, package: str) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}
    return out


def test_cbs_and_csvio_never_import_the_data_layer():
    files = sorted((PKG / "cbs").glob("*.py")) + [PKG / "csvio.py"]
    bad = {}
    for f in files:
        pkg = "woonzorg_lib.cbs" if f.parent.name == "cbs" else "woonzorg_lib"
        hits = sorted(m for m in _imports(f, pkg) if m.startswith("woonzorg_lib.dataset"))
        if hits:
            bad[f.name] = hits
    assert bad == {}
    # the data layer keeps its public reader names
    from woonzorg_lib.dataset import rawio
    from woonzorg_lib import csvio

    assert rawio.read_csv_checked is csvio.read_csv_checked and rawio.check_unique is csvio.check_unique


def test_the_scan_sees_function_level_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from ..dataset.build import build_tables\n")
    assert "woonzorg_lib.dataset.build" in _imports(f, "woonzorg_lib.cbs")
