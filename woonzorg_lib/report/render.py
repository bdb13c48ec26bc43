"""Render one region's executed chapters into one self-contained, deterministic HTML file.

The chapters (``notebooks/NN_*.ipynb``) are combined into one notebook per region and executed in
one kernel (see ``runner``). This module builds that combined notebook and turns the executed one
into HTML with nbconvert's slim ``basic`` template (code hidden), wrapped in our own page: a real
``<title>``, the house CSS once, a table of contents, one ``<section>`` per chapter, a print
stylesheet, and no scripts or external URLs.

Determinism (two clean builds give identical bytes): cell ids are renumbered, heading ids are
derived from the chapter and heading text, stderr/stdout streams, errors and plain-text reprs are
dropped (no warnings, tracebacks or temp paths can reach a reader), and nothing reads the clock.
"""

from __future__ import annotations

import copy
import html as _html
import re
import unicodedata
from pathlib import Path

from . import style

CHAPTER_RE = re.compile(r"^(\d{2})_([a-z0-9_]+)\.ipynb$")
KEEP_MIME = ("text/html", "text/markdown", "image/png")
RUNNER_TAG = "woonzorg-runner"        # cells the runner adds (never rendered)
HIDE_TAGS = {"remove_cell", RUNNER_TAG, "injected-parameters", "parameters"}


# ----------------------------------------------------------------------------------------------
# Chapters and the combined notebook
def chapter_paths(nb_dir: Path | None = None) -> list[Path]:
    """The chapter notebooks ``NN_name.ipynb`` in order."""
    from .. import paths

    nb_dir = Path(nb_dir or paths.notebooks_dir())
    return sorted(p for p in nb_dir.glob("*.ipynb") if CHAPTER_RE.match(p.name))


def _nbformat():
    fast_nbformat_import()
    import nbformat

    return nbformat


def fast_nbformat_import() -> None:
    """nbformat → jsonschema imports ``rfc3987_syntax`` when installed, which compiles a grammar at
    import (about 2 s). Notebook validation never uses IRI formats; mark it absent so jsonschema
    skips it (jsonschema treats it as an optional dependency)."""
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def combine(paths: list[Path]):
    """One notebook with every chapter's cells, executed in one kernel.

    The first chapter's ``parameters`` cell keeps its tag (papermill injects the run's parameters
    after it); the other chapters' parameters cells are dropped so they cannot reset the injected
    values, while each chapter's validation cell still runs. Every cell records where it came from
    (``metadata.woonzorg``: notebook file and 0-based cell index) so a failure names the chapter
    and cell.
    """
    if not paths:
        raise FileNotFoundError("no chapter notebooks (NN_name.ipynb) found")
    nbformat = _nbformat()
    out = None
    for i, p in enumerate(paths):
        nb = nbformat.read(p, as_version=4)
        if out is None:
            out = nbformat.v4.new_notebook()
            out.metadata = copy.deepcopy(nb.metadata)
            out.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        for k, cell in enumerate(nb.cells):
            if i > 0 and "parameters" in _tags(cell):
                continue
            c = copy.deepcopy(cell)
            c.metadata["woonzorg"] = {"notebook": p.name, "cell": k, "chapter": p.stem}
            if c.cell_type == "code":
                c.outputs = []
                c.execution_count = None
            out.cells.append(c)
    for j, c in enumerate(out.cells):
        c["id"] = f"c{j:04d}"
    return out


def runner_cell(source: str):
    c = _nbformat().v4.new_code_cell(source)
    c.metadata["tags"] = [RUNNER_TAG]
    c.metadata["woonzorg"] = {"notebook": "(runner)", "cell": 0, "chapter": "(runner)"}
    return c


# ----------------------------------------------------------------------------------------------
# Cleaning the executed notebook
def clean(nb):
    """Keep only what a reader should see: markdown cells and html/markdown/png outputs. A new
    notebook of shallow copies: the executed notebook is not changed and not copied as a whole."""
    nbformat = _nbformat()
    cells = []
    for cell in nb.cells:
        if _tags(cell) & HIDE_TAGS:
            continue
        if cell.cell_type == "markdown":
            cells.append(copy.copy(cell))
            continue
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            if o.get("output_type") not in ("display_data", "execute_result"):
                continue  # streams (stdout/stderr: warnings, temp paths) and errors never reach the page
            data = {k: v for k, v in o.get("data", {}).items() if k in KEEP_MIME}
            if not data:
                continue  # plain-text reprs look like code
            best = next(k for k in KEEP_MIME if k in data)
            # what nbformat.v4.new_output("display_data", …) builds, without validating every output
            # (the exporter validates the notebook it renders)
            outs.append(nbformat.from_dict({"output_type": "display_data", "metadata": {}, "data": {best: data[best]}}))
        if outs:
            cell = copy.copy(cell)
            cell.outputs = outs
            cell.source = ""
            cell.execution_count = None
            cell.metadata = nbformat.from_dict({"woonzorg": cell.metadata.get("woonzorg", {})})
            cells.append(cell)
    out = copy.copy(nb)
    out.cells = cells
    out.metadata = nbformat.from_dict({k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")})
    return out


# ----------------------------------------------------------------------------------------------
# HTML
_exporter = None


def _get_exporter():
    global _exporter
    if _exporter is None:
        fast_nbformat_import()
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        c = Config()
        c.TemplateExporter.exclude_input = True
        c.TemplateExporter.exclude_input_prompt = True
        c.TemplateExporter.exclude_output_prompt = True
        c.HTMLExporter.require_js_url = ""
        c.HTMLExporter.mathjax_url = ""
        c.HTMLExporter.anchor_link_text = ""
        c.HTMLExporter.exclude_anchor_links = True  # (they are serialised XHTML-style: <a … />)
        c.Exporter.optimistic_validation = True  # validate once after the preprocessors, not after each
        # (the basic template loads no mermaid, require.js or MathJax: no <script> at all; checked)
        _exporter = _slim_exporter_class(HTMLExporter)(config=c, template_name="basic")
    return _exporter


def _slim_exporter_class(HTMLExporter):
    """nbconvert's HTMLExporter without its final BeautifulSoup pass.

    That pass re-parses the whole page only to put a placeholder alt text ("No description has been
    provided…") on images without one and to add tabindex attributes to lab-template cells. Our
    images always carry real alt text (``figures.show`` refuses a figure without it, and the HTML
    checks verify it) and the basic template has no lab cells; skipping the pass saves about half a
    second per report and keeps the template output byte for byte."""
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class SlimHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return SlimHTMLExporter


def warm_up() -> None:
    """Import nbconvert and build the exporter ahead of time (the worker calls this in a background
    thread while the kernel runs)."""
    _get_exporter()


def slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return t or "sectie"


_HEADING_RE = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
# an anchor link may come out self-closing (<a … />: not valid HTML, a browser would leave it open)
_ANCHOR_RE = re.compile(r'<a class="anchor-link"[^>]*?(?:/>|>[^<]*</a>)', re.S)
_TAG_RE = re.compile(r"<[^>]+>")
_CELL_ID_RE = re.compile(r' id="cell-id=[^"]*"')


def _text(fragment: str) -> str:
    return _html.unescape(_TAG_RE.sub("", fragment)).strip()


def _fix_headings(body: str, chapter: str, used: set[str], toc: list[tuple[int, str, str]]) -> str:
    def repl(m):
        level, inner = int(m.group(1)), _ANCHOR_RE.sub("", m.group(3))
        text = _text(inner)
        base = f"{chapter}-{slug(text)}" if level > 1 else chapter
        hid, k = base, 2
        while hid in used:
            hid, k = f"{base}-{k}", k + 1
        used.add(hid)
        if level <= 2:
            toc.append((level, hid, text))
        cls = ' class="wz-gemeente-page"' if level == 2 and text.startswith("Gemeente ") else ""
        return f'<h{level} id="{hid}"{cls}>{inner}</h{level}>'

    return _HEADING_RE.sub(repl, body)


def render_chapters(nb) -> tuple[list[tuple[str, str]], list[tuple[int, str, str]]]:
    """Render a cleaned notebook: returns [(chapter id, html)] and the TOC entries."""
    nbformat = _nbformat()
    exporter = _get_exporter()
    groups: dict[str, list] = {}
    for cell in nb.cells:
        ch = cell.get("metadata", {}).get("woonzorg", {}).get("chapter", "hoofdstuk")
        groups.setdefault(ch, []).append(cell)
    sections, toc, used = [], [], set()
    for ch, cells in groups.items():
        sub = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
        sub.cells = cells
        for j, c in enumerate(sub.cells):
            c["id"] = f"{ch}-{j:03d}"
        body, _ = exporter.from_notebook_node(sub)
        body = _CELL_ID_RE.sub("", body)
        chapter_id = "h-" + slug(ch)
        body = _fix_headings(body, chapter_id, used, toc)
        body = re.sub(r"\n\s*\n+", "\n", body).strip()
        sections.append((chapter_id, body))
    return sections, toc


_WIDE_COLUMNS = 8  # a table with more columns than this prints on a landscape page


def _mark_wide_tables(body: str) -> str:
    """Wrap-divs of tables with many columns get ``wz-wide`` (printed on an A4 landscape page)."""
    def repl(m):
        head = re.search(r"<thead>(.*?)</thead>", m.group(0), re.S)
        n = len(re.findall(r"<th\b", head.group(1))) if head else 0
        return m.group(0).replace('<div class="wz-table-wrap">', '<div class="wz-table-wrap wz-wide">', 1) \
            if n > _WIDE_COLUMNS else m.group(0)

    return re.sub(r'<div class="wz-table-wrap">.*?</table>', repl, body, flags=re.S)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def run_line(status: str | None = None, rundatum: str | None = None) -> str:
    """"Concept · rundatum 3 december 2026" (only the parts that are given)."""
    from . import fmt

    parts = []
    if status:
        parts.append(str(status).strip().capitalize())
    if rundatum:
        parts.append(f"rundatum {fmt.datum(rundatum)}")
    return " · ".join(parts)


def print_css(title: str, status: str | None = None, rundatum: str | None = None) -> str:
    """The running header (title, run date, status) and page numbers of the printed report."""
    head = " · ".join(x for x in (title, run_line(status, rundatum)) if x)
    return ("@media print{@page{@top-left{content:" + _css_string(head) + ";font-size:8pt;color:#57606a}"
            '@bottom-right{content:"Pagina " counter(page) " van " counter(pages);font-size:8pt;color:#57606a}}}')


def page(*, title: str, sections: list[tuple[str, str]], toc: list[tuple[int, str, str]],
         header_html: str = "", footer_html: str = "", status: str | None = None,
         rundatum: str | None = None) -> str:
    """The complete page. ``status`` (concept/definitief) and ``rundatum`` (JJJJ-MM-DD) are shown in
    the title block and in the running header of every printed page; ``None`` = not shown."""
    items, gems = [], []
    for level, hid, text in toc:
        if text.startswith("Gemeente ") and "-gemeente-" in hid:  # the gemeente pages: one compact group
            gems.append(f'<li><a href="#{hid}" aria-label="{_html.escape(text, quote=True)}">'
                        f'{_html.escape(text[len("Gemeente "):])}</a></li>')
            continue
        if gems:
            items.append(f'<li class="l{level} wz-toc-gem"><ol>{"".join(gems)}</ol></li>')
            gems = []
        items.append(f'<li class="l{level}"><a href="#{hid}">{_html.escape(text)}</a></li>')
    if gems:
        items.append(f'<li class="wz-toc-gem"><ol>{"".join(gems)}</ol></li>')
    toc_html = f'<nav class="wz-toc" aria-label="Inhoud"><h2>Inhoud</h2><ol>{"".join(items)}</ol></nav>'
    body = "\n".join(f'<section class="wz-chapter" id="s-{cid}">\n{_mark_wide_tables(html)}\n</section>'
                     for cid, html in sections)
    css = re.sub(r"\n\s*", "", style.CSS.strip()) + print_css(title, status, rundatum)
    line = run_line(status, rundatum)
    status_html = ""
    if line:
        cls = f" wz-status-{slug(str(status))}" if status else ""
        status_html = f'<p class="wz-status{cls}">{_html.escape(line)}</p>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="woonzorg">\n'
        f"<title>{_html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f'<div class="wz-page">\n<header class="wz-head"><h1>{_html.escape(title)}</h1>{status_html}{header_html}'
        "</header>\n"
        f"{toc_html}\n<main>\n"
        f"{body}\n"
        f'<footer class="wz-foot">{footer_html}</footer>\n'
        "</main>\n</div>\n</body>\n</html>\n"
    )


def render(executed, *, title: str, header_html: str = "", footer_html: str = "", status: str | None = None,
           rundatum: str | None = None) -> str:
    """Executed combined notebook → complete HTML page (a string); see :func:`page` for ``status`` and
    ``rundatum``."""
    sections, toc = render_chapters(clean(executed))
    return page(title=title, sections=sections, toc=toc, header_html=header_html, footer_html=footer_html,
                status=status, rundatum=rundatum)
