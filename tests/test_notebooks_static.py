"""Static checks of the chapter notebooks (no kernel needed).

Every notebook: kernel python3; committed without outputs; exactly one cell tagged ``parameters``
whose names equal the fields of ``RunParams``; the next code cell validates them with
``wz.start(...)``; no model logic of its own (no functions, loops over gemeenten, aggregation, rates,
apportionment, clock or randomness): narrative, calls to the chapter functions in
``woonzorg_lib.chapters`` (one hop from each cell) and, for readers who explore in JupyterLab, light
display shaping of their results (select, sort, pivot, rename).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from woonzorg_lib.report import render
from woonzorg_lib.report.validate import RunParams

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = render.chapter_paths(ROOT / "notebooks")
REQUIRED = ["00_kernboodschap", "06_gemeenten", "07_data_en_bronnen", "08_methoden", "09_begrippenlijst",
            "10_bronnen_en_aannames"]
BACK_MATTER = ["data_en_bronnen", "methoden", "begrippenlijst", "bronnen_en_aannames"]  # sources and methods last
ALLOWED_IMPORTS = {"woonzorg_lib.report", "woonzorg_lib.report.tables", "woonzorg_lib.chapters"}
FORBIDDEN_NAMES = {"pd", "np", "pandas", "numpy", "random", "datetime", "time", "open", "eval", "exec",
                   "print", "os", "sys", "subprocess",
                   # models: the notebook shows their results through chapter functions, never runs them
                   "pipeline", "demography", "groups", "demand_table", "allocate", "apportion_table", "hamilton",
                   "webster", "dhondt", "prevalence", "sensitivity", "forecast"}
# aggregation, row loops and arithmetic over tables are model code; select/sort/pivot/rename are display shaping
FORBIDDEN_ATTRS = {"groupby", "merge", "join", "apply", "map", "transform", "iterrows", "itertuples", "now", "today",
                   "read_csv", "to_csv", "sample", "seed", "agg", "aggregate", "sum", "mean", "cumsum", "mul", "div",
                   "multiply", "divide", "resample", "rolling"}
DISPLAY_SHAPING = {"sort_values", "pivot", "pivot_table", "rename", "loc", "query", "head", "filter", "set_index",
                   "reset_index"}


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_chapters_exist_and_are_numbered():
    names = [p.stem for p in NOTEBOOKS]
    assert names == sorted(names)
    for r in REQUIRED:
        assert r in names, f"hoofdstuk {r} ontbreekt"
    assert len({n[:2] for n in names}) == len(names), "twee hoofdstukken met hetzelfde nummer"


def test_the_report_opens_with_the_kernboodschap_and_keeps_sources_and_methods_at_the_back():
    names = [p.stem.split("_", 1)[1] for p in NOTEBOOKS]
    assert names[0] == "kernboodschap"
    assert names[-len(BACK_MATTER):] == BACK_MATTER
    first = _src(_nb(NOTEBOOKS[0])["cells"][0])
    assert first.splitlines()[0] == "## Kernboodschap"
    md = [_src(c) for c in _nb(NOTEBOOKS[0])["cells"] if c["cell_type"] == "markdown"]
    assert any(m.startswith("### Leeswijzer") for m in md), "een korte leeswijzer na de kernboodschap"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_and_no_outputs(path):
    nb = _nb(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        assert "id" in cell
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: uitvoer in een cel (commit zonder uitvoer)"
            assert cell["execution_count"] is None
            assert "papermill" not in cell["metadata"]
    assert "papermill" not in nb["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exactly_one_parameters_cell_matching_runparams_and_validated_next(path):
    render.fast_nbformat_import()
    import papermill

    nb = _nb(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cellen met tag 'parameters'"
    names = list(papermill.inspect_notebook(str(path)).keys())
    assert names == RunParams.names(), f"{path.name}: parameters {names} ≠ RunParams {RunParams.names()}"
    # every line of the parameters cell is an annotated default (papermill parses them all)
    tree = ast.parse(_src(code[tagged[0]]))
    assert all(isinstance(n, ast.AnnAssign) for n in tree.body)
    defaults = {n.target.id: ast.literal_eval(n.value) for n in tree.body}
    RunParams(**defaults)  # the defaults themselves are valid
    nxt = _src(code[tagged[0] + 1])
    assert "wz.start(" in nxt
    call = next(n for n in ast.walk(ast.parse(nxt)) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "start")
    assert sorted(k.arg for k in call.keywords) == sorted(RunParams.names())
    assert all(isinstance(k.value, ast.Name) and k.value.id == k.arg for k in call.keywords)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_logic_of_their_own(path):
    nb = _nb(path)
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse(_src(cell))
        where = f"{path.name}, cel {i + 1}"
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For,
                                         ast.While, ast.AsyncFor, ast.With, ast.Try, ast.Global)), \
                f"{where}: {type(node).__name__} hoort in de bibliotheek, niet in het notebook"
            if isinstance(node, ast.Import):
                raise AssertionError(f"{where}: import {[a.name for a in node.names]}")
            if isinstance(node, ast.ImportFrom):
                assert node.module in ALLOWED_IMPORTS, f"{where}: from {node.module} import …"
            if isinstance(node, ast.Name):
                assert node.id not in FORBIDDEN_NAMES, f"{where}: {node.id}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in FORBIDDEN_ATTRS, f"{where}: .{node.attr}(…) is rekenwerk voor de bibliotheek"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_table_and_figure_is_one_hop_from_a_documented_chapter_function(path):
    """``module.function(run, …)`` in a cell names a documented function of ``woonzorg_lib.chapters``."""
    import importlib
    import inspect

    nb = _nb(path)
    chapter_modules: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_src(cell))):
            if isinstance(node, ast.ImportFrom) and node.module == "woonzorg_lib.chapters":
                chapter_modules |= {a.asname or a.name for a in node.names}
    calls = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_src(cell))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in chapter_modules:
                mod = importlib.import_module(f"woonzorg_lib.chapters.{node.func.value.id}")
                fn = getattr(mod, node.func.attr, None)
                assert inspect.isfunction(fn) and fn.__module__ == mod.__name__, \
                    f"{path.name}: {node.func.value.id}.{node.func.attr} is geen functie van dat hoofdstuk"
                assert (fn.__doc__ or "").strip(), f"{path.name}: {node.func.value.id}.{node.func.attr} zonder uitleg"
                calls += 1
    body = [c for c in nb["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])]
    if len(body) > 1:  # chapters with tables or figures take them from the chapter functions
        assert calls, f"{path.name}: geen enkele hoofdstukfunctie aangeroepen"


def test_display_shaping_is_allowed_but_model_code_is_not():
    """The rule above, on a few cells: shaping passes, aggregation and loops over gemeenten fail."""
    def verdict(src: str) -> bool:
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, (ast.For, ast.While, ast.FunctionDef, ast.Lambda)):
                return False
            if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
                return False
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRS:
                return False
        return True

    assert verdict('t = woonbehoefte.need_by_type(run).sort_values("waarde").rename(columns={"waarde": "opgave"})')
    assert verdict('t = verdeling.key_sensitivity(run).pivot(index="gemeentenaam", columns="sleutel", values="aandeel")')
    assert not verdict('t = run.demand.groupby("gemeentecode")["waarde"].sum()')
    assert not verdict('for code in run.codes:\n    x = 1')
    assert not verdict('a = hamilton(taak, shares)')
    assert DISPLAY_SHAPING.isdisjoint(FORBIDDEN_ATTRS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_chapter_starts_with_one_title(path):
    nb = _nb(path)
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and _src(first).startswith("## ")
    lines = [line for c in nb["cells"] if c["cell_type"] == "markdown" for line in _src(c).splitlines()]
    heads = [line for line in lines if line.startswith("## ")]
    assert len(heads) == 1, f"{path.name}: één hoofdstuktitel (## …) per notebook"
    assert not [line for line in lines if line.startswith("# ")], \
        f"{path.name}: de titel van het rapport is de enige h1; hoofdstukken beginnen met ##"
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            assert "`" not in _src(c), f"{path.name}: geen code-opmaak in tekst voor lezers"
            assert "$" not in _src(c), f"{path.name}: geen $ (wiskunde-opmaak) in tekst"


def test_combined_notebook_keeps_one_parameters_cell_and_origin():
    nb = render.combine(NOTEBOOKS)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert all("woonzorg" in c.metadata for c in nb.cells)
    assert [c["id"] for c in nb.cells] == [f"c{j:04d}" for j in range(len(nb.cells))]
    starts = sum(1 for c in nb.cells if "wz.start(" in "".join(c.source))
    assert starts == len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_total_row_over_rows_in_different_units(path):
    """A table whose rows carry their own unit (a column 'eenheid') never gets a total row: homes,
    places, beds and standplaatsen — or extra homes and lettings — are not added up (issue 15)."""
    for cell in _nb(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_src(cell))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "show"):
                continue
            cols = [a for a in ast.walk(node) if isinstance(a, ast.Call) and getattr(a.func, "id", "") == "Col"
                    and a.args and isinstance(a.args[0], ast.Constant) and a.args[0].value == "eenheid"]
            has_total = any(k.arg == "total" for k in node.keywords)
            assert not (cols and has_total), f"{path.name}: table with an 'eenheid' column and a total row"
