"""What the chapter notebooks call. A notebook holds Dutch narrative and calls to these helpers and
to the library; it computes nothing itself.

``ctx = wz.start(region=region, …)`` validates the parameters (:class:`validate.RunParams`),
applies the house style and returns the run's :class:`context.Context`. All chapters of a region
run in one kernel, so the context (and everything it has computed) is shared between chapters.
"""

from __future__ import annotations

import html as _html
import warnings

from . import fmt, style  # noqa: F401  (re-exported for notebooks)
from .validate import RunParams

_CONTEXTS: dict = {}
_current = None


def start(**params):
    """Validate the parameters and return the (cached) report context for this run."""
    global _current
    from .context import Context

    p = RunParams.from_mapping(params)
    warnings.filterwarnings("ignore")  # warnings never reach the report; the log keeps stderr
    style.apply()
    if p not in _CONTEXTS:
        _CONTEXTS[p] = Context(p)
    _current = _CONTEXTS[p]
    return _current


def current():
    if _current is None:
        raise RuntimeError("call wz.start(...) first")
    return _current


def _display_html(s: str) -> None:
    from IPython.display import HTML, display

    display(HTML(s))


def md(text: str) -> None:
    """Markdown text (e.g. a sentence with numbers from the library) as part of the report."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def callout(text: str, *, warn: bool = False) -> None:
    """A highlighted remark (plain text; '**' for bold is allowed). Empty text shows nothing."""
    if not text:
        return
    body = _html.escape(text).replace("\n", "<br>")
    while "**" in body:
        body = body.replace("**", "<strong>", 1).replace("**", "</strong>", 1)
    _display_html(f'<div class="wz-callout{" warn" if warn else ""}">{body}</div>')


def show_tables(specs: list[dict], threshold: int = 0) -> None:
    """Show a list of small tables prepared by the library: each {df, columns, caption[, note]}."""
    from . import tables

    for spec in specs:
        tables.show(spec["df"], [tables.Col(c, label) for c, label in spec["columns"].items()],
                    caption=spec["caption"], threshold=threshold, note=spec.get("note"))


def definitions(df, *, term: str, text: str, extra: str | None = None) -> None:
    """A definition list (term → explanation) from a table prepared by the library."""
    items = []
    for rec in df.to_dict("records"):
        body = _html.escape(str(rec[text]))
        if extra and rec.get(extra):
            body += f'<br><span class="wz-note">{_html.escape(str(rec[extra]))}</span>'
        items.append(f"<dt>{_html.escape(str(rec[term]))}</dt><dd>{body}</dd>")
    _display_html(f'<dl class="wz-glossary">{"".join(items)}</dl>')


def html(fragment: str) -> None:
    """A prepared HTML fragment from the library (e.g. a glossary list)."""
    _display_html(fragment)


def show_scenario(ctx) -> None:
    """The scenario beside the default: changed parameters, opgave per groep and per gemeente, and
    the gemeente × groep cells that change (nothing for a run without scenario)."""
    from . import tables
    from .tables import Col

    if not ctx.p.scenario:
        return
    tables.show(ctx.scenario_changes(), [
        Col("parameter", "Parameter"), Col("standaard", "Standaard", "waarde in eenheid", "num"),
        Col("scenario", "Scenario", "waarde in eenheid", "num"), Col("verschil", "Verschil", "waarde in eenheid", "num"),
    ], caption=f"Gewijzigde parameters in scenario {ctx.scenario_name}", threshold=0)
    tables.show(ctx.scenario_by_group(), [
        Col("groep_naam", "Groep en woonvorm"), Col("eenheid", "Eenheid"),
        Col("standaard", "Standaard", "aantal in de eenheid van de rij", "count"),
        Col("scenario", "Scenario", "aantal in de eenheid van de rij", "count"),
        Col("verschil", "Verschil", "aantal in de eenheid van de rij", "int"),
        Col("verschil_pct", "Verschil", "%", "pct"),
    ], caption=f"Opgave {ctx.periode.replace('-', '–')} per groep: scenario naast standaard",
       threshold=ctx.p.threshold)
    g = ctx.scenario_by_gemeente("woningen")
    tables.show(g, [
        Col("gemeentenaam", "Gemeente"), Col("standaard", "Standaard", "woningen", "count"),
        Col("scenario", "Scenario", "woningen", "count"), Col("verschil", "Verschil", "woningen", "int"),
        Col("verschil_pct", "Verschil", "%", "pct"),
    ], caption="Opgave in woningen per gemeente: scenario naast standaard", total=f"Totaal {ctx.naam}",
       threshold=ctx.p.threshold)
    cells = ctx.scenario_by_gemeente_group()
    if len(cells):
        tables.show(cells.head(40), [
            Col("gemeentenaam", "Gemeente"), Col("groep_naam", "Groep en woonvorm"), Col("eenheid", "Eenheid"),
            Col("standaard", "Standaard", "aantal in de eenheid van de rij", "count"),
            Col("scenario", "Scenario", "aantal in de eenheid van de rij", "count"),
            Col("verschil", "Verschil", "aantal in de eenheid van de rij", "int"),
        ], caption="Grootste verschuivingen per gemeente en groep", threshold=ctx.p.threshold,
           note="Alleen cellen die met meer dan een halve eenheid veranderen; hoogstens 40 rijen, grootste eerst. "
                "Alle cellen staan in de Excel-werkmap.")


def write_excel(path: str) -> None:
    """Write the workbook of the current run (called by the runner after the last chapter)."""
    from . import excel

    excel.write_workbook(current(), path)
