"""A group's finished region is rendered while the kernel runs the next one (report/worker.py,
EarlyRender): the page is the one rendering at the end gives, byte for byte, and publishing takes
it instead of rendering again. Synthetic two-region notebook (no kernel)."""

from __future__ import annotations

import nbformat

from woonzorg_lib.report import worker


def _synthetic_group_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    cells = []
    for region, label in ((0, "synthetisch-a"), (1, "synthetisch-b")):
        for chapter in ("00_kernboodschap", "01_demografie"):
            md = nbformat.v4.new_markdown_cell(f"## Hoofdstuk {chapter} van {label}\n\nTekst met *nadruk*.")
            code = nbformat.v4.new_code_cell("wz.md('x')")
            code.outputs = [nbformat.v4.new_output(
                "display_data", data={"text/html": f"<p>Synthetische tabel {label} {chapter}</p>"})]
            for c in (md, code):
                c.metadata["woonzorg"] = {"region": region, "label": label, "notebook": f"{chapter}.ipynb",
                                          "chapter": chapter}
                cells.append(c)
    nb.cells = cells
    for j, c in enumerate(nb.cells):
        c["id"] = f"c{j:04d}"
    return nb


def _jobs():
    return [{"label": lab, "title": f"Synthetisch {lab}", "header_html": "<p>kop</p>", "footer_html": "<p>voet</p>"}
            for lab in ("synthetisch-a", "synthetisch-b")]


def test_early_page_is_the_page_rendered_at_the_end():
    nb = _synthetic_group_notebook()
    group = _jobs()
    early = worker.EarlyRender(group)
    first_of_b = next(i for i, c in enumerate(nb.cells) if c.metadata["woonzorg"]["region"] == 1)
    early.region_done(0, nb, first_of_b)
    early.region_done(0, nb, first_of_b)  # once per region
    early.region_done(1, nb, len(nb.cells))  # the last region is rendered at the end, never early
    assert set(early.threads) == {0}
    html = early.html(0)
    at_end = worker.render_html(group[0], worker.split_executed(nb, 2)[0])
    assert html == at_end
    assert "Synthetische tabel synthetisch-a" in html and "synthetisch-b" not in html
    assert early.html(1) is None


def test_publish_takes_the_early_page(tmp_path, monkeypatch):
    nb = _synthetic_group_notebook()
    group = _jobs()
    for job in group:
        job.update(out_dir=str(tmp_path / job["label"]), tmp_dir=str(tmp_path / f".tmp-{job['label']}"),
                   stamp={"synthetisch": True})
        (tmp_path / f".tmp-{job['label']}").mkdir()
    early = worker.EarlyRender(group)
    early.region_done(0, nb, 4)
    expected = early.html(0)
    monkeypatch.setattr(worker, "render_html", lambda job, executed: (_ for _ in ()).throw(
        AssertionError("rendered again")))
    res = worker._publish(group[0], worker.split_executed(nb, 2)[0], 0.0, early=early, index=0)
    assert res["ok"]
    assert (tmp_path / "synthetisch-a" / "index.html").read_text(encoding="utf-8") == expected


def test_a_retried_kernel_renders_everything_at_the_end():
    nb = _synthetic_group_notebook()
    early = worker.EarlyRender(_jobs())
    early.region_done(0, nb, 4)
    early.enabled = False  # what execute() does before a second attempt
    assert early.html(0) is None
    early.region_done(0, nb, 4)
    assert early.html(0) is None
