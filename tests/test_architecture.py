"""The shape of ``woonzorg_lib``, checked on its source (AST; nothing is imported):

- no import cycle between modules, counting module-level imports only (an import inside a function
  runs later and cannot deadlock a cycle) and package-aware: ``from .pkg import name`` depends on
  ``pkg/__init__`` unless ``name`` is a submodule, ``import a.b.c`` also runs ``a`` and ``a.b``;
- no module over 500 lines;
- no class over 300 lines.

Each failure names the modules (the cycle in import order) or the file and its length.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "woonzorg_lib"
MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py")) if "__pycache__" not in p.parts}


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _top_level_imports(tree: ast.Module):
    """Import statements that run when the module is imported (module body, incl. if/try blocks,
    not inside functions or classes' methods; `if TYPE_CHECKING:` blocks never run)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            test = ast.unparse(node.test)
            if "TYPE_CHECKING" not in test:
                stack[:0] = node.body + node.orelse
        elif isinstance(node, ast.Try):
            stack[:0] = node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
        elif isinstance(node, ast.ClassDef):
            stack[:0] = [n for n in node.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _with_parents(target: str, importer: str) -> set[str]:
    """``target`` plus the packages it runs on import (its ancestors), leaving out the importer's own
    ancestors (they are being imported already: that is how packages work, not a cycle)."""
    out = set()
    parts = target.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name in MODULES and not (importer == name or importer.startswith(name + ".")):
            out.add(name)
    if target in MODULES:
        out.add(target)
    return out


def dependencies(name: str) -> set[str]:
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    deps: set[str] = set()
    for node in _top_level_imports(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "woonzorg_lib":
                    deps |= _with_parents(a.name, name)
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        if mod.split(".")[0] != "woonzorg_lib":
            continue
        for a in node.names:
            sub = f"{mod}.{a.name}"
            if sub in MODULES:  # `from pkg import submodule`
                deps |= _with_parents(sub, name)
            else:  # a name defined in `mod` (its __init__ when a package)
                deps |= _with_parents(mod, name)
    deps.discard(name)
    return deps


def import_cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as one cycle path."""
    graph = {m: sorted(dependencies(m)) for m in MODULES}
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    import sys

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for m in sorted(graph):
        if m not in index:
            strong(m)
    cycles = []
    for comp in comps:  # one concrete cycle through the component's first module, for the message
        members, start = set(comp), comp[0]
        path, seen = [start], {start}
        while True:
            nxt = next((w for w in graph[path[-1]] if w in members and (w == start or w not in seen)), None)
            if nxt is None or nxt == start:
                break
            path.append(nxt)
            seen.add(nxt)
        cycles.append(path + [start])
    return cycles


def test_the_scanner_sees_imports_cycles_and_packages(tmp_path, monkeypatch):
    """The checks themselves on a small synthetic package (so a pass above means something)."""
    pkg = tmp_path / "woonzorg_lib"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from . import a\n")          # function-level: no cycle
    (pkg / "c.py").write_text("from .sub import thing\n")                   # depends on sub/__init__
    (pkg / "sub" / "__init__.py").write_text("from .d import thing\n")
    (pkg / "sub" / "d.py").write_text("from .. import c\nthing = 1\n")      # d → c → sub → d: a cycle
    global PKG, MODULES
    old = PKG, MODULES
    try:
        PKG = pkg
        MODULES = {module_name(p): p for p in sorted(pkg.rglob("*.py"))}
        assert dependencies("woonzorg_lib.a") == {"woonzorg_lib.b"}
        assert dependencies("woonzorg_lib.b") == set()
        assert dependencies("woonzorg_lib.c") == {"woonzorg_lib.sub"}
        cycles = import_cycles()
        assert len(cycles) == 1 and set(cycles[0]) == {"woonzorg_lib.c", "woonzorg_lib.sub", "woonzorg_lib.sub.d"}
    finally:
        PKG, MODULES = old


def test_no_import_cycle():
    cycles = import_cycles()
    assert not cycles, "import-cycli (module-niveau):\n" + "\n".join(" → ".join(c) for c in cycles)


def test_no_module_over_500_lines():
    long = {str(p.relative_to(PKG.parent)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules langer dan {MAX_MODULE_LINES} regels: {long}"


def test_no_class_over_300_lines():
    big = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                big[f"{path.relative_to(PKG.parent)}:{node.name}"] = node.end_lineno - node.lineno + 1
    assert not big, f"klassen langer dan {MAX_CLASS_LINES} regels: {big}"


MODEL_PACKAGES = ("woonzorg_lib.demography", "woonzorg_lib.groups", "woonzorg_lib.verdeling", "woonzorg_lib.dataset",
                  "woonzorg_lib.cbs")
UPPER_LAYERS = ("woonzorg_lib.pipeline", "woonzorg_lib.chapters", "woonzorg_lib.report")


def _all_imports(name: str) -> set[str]:
    """Every woonzorg_lib module named in an import anywhere in the module (also inside functions)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if _is_package(name) else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out |= {mod} | {f"{mod}.{a.name}" for a in node.names}
    return out


def test_models_never_import_the_facade_chapters_or_report():
    """Layers: report → chapters → pipeline → models; a model never reaches up (not even lazily)."""
    bad = {m: sorted(i for i in _all_imports(m) if i.startswith(UPPER_LAYERS))
           for m in MODULES if m.startswith(MODEL_PACKAGES)}
    bad = {m: v for m, v in bad.items() if v}
    assert not bad, f"modellen die de bovenlaag importeren: {bad}"
