"""cache.derived: a chapter function is computed once per run object and arguments, every caller
gets its own copy, and the entries go when the object goes. cache.tree_signature-based hashes
follow file edits. Synthetic objects only (SYNTHETIC_ in names)."""

import gc

import pandas as pd

from woonzorg_lib import cache, paths
from woonzorg_lib.report import version


class SYNTHETIC_Run:
    def __init__(self, n):
        self.n = n


CALLS = []


@cache.derived
def SYNTHETIC_table(run, k=1):
    CALLS.append((run.n, k))
    return pd.DataFrame({"x": [run.n * k]})


def test_computed_once_per_object_and_arguments():
    CALLS.clear()
    a, b = SYNTHETIC_Run(2), SYNTHETIC_Run(3)
    assert SYNTHETIC_table(a)["x"].tolist() == [2]
    assert SYNTHETIC_table(a)["x"].tolist() == [2]
    assert SYNTHETIC_table(a, k=5)["x"].tolist() == [10]
    assert SYNTHETIC_table(b)["x"].tolist() == [3]
    assert CALLS == [(2, 1), (2, 5), (3, 1)]


def test_each_caller_gets_its_own_copy():
    a = SYNTHETIC_Run(7)
    first = SYNTHETIC_table(a)
    first["x"] = -1  # a notebook shaping its table for display
    first.attrs["note"] = "changed"
    again = SYNTHETIC_table(a)
    assert again["x"].tolist() == [7] and "note" not in again.attrs


def test_entries_go_with_the_object():
    store = cache.memory(f"derived-{__name__}.SYNTHETIC_table")
    a = SYNTHETIC_Run(11)
    SYNTHETIC_table(a)
    ident = id(a)
    assert any(k[0] == ident for k in store)
    del a
    gc.collect()
    assert not any(k[0] == ident for k in store)


def test_dir_hash_follows_an_edit(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    h1 = version.dir_hash(tmp_path)
    assert version.dir_hash(tmp_path) == h1
    (tmp_path / "a.yaml").write_text("x: 22\n", encoding="utf-8")  # other size (and mtime)
    h2 = version.dir_hash(tmp_path)
    assert h2 != h1
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("y\n", encoding="utf-8")
    assert version.dir_hash(tmp_path) not in (h1, h2)
    sig = paths.tree_signature(tmp_path)
    assert [s[0] for s in sig] == ["a.yaml", "sub/b.yaml"]
