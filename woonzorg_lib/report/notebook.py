"""What the chapter notebooks call. A notebook holds Dutch narrative, calls to the chapter
functions (:mod:`woonzorg_lib.chapters`) and these display helpers; it computes no model itself.

``run = wz.start(region=region, …)`` validates the parameters (:class:`validate.RunParams`),
applies the house style and returns the run's :class:`woonzorg_lib.pipeline.RunResult`, computed
once by :func:`woonzorg_lib.pipeline.run` (remembered by :mod:`woonzorg_lib.cache`). All chapters
of a region run in one kernel, so they share that one result.
"""

from __future__ import annotations

import html as _html
import warnings

from . import fmt, style  # noqa: F401  (re-exported for notebooks)
from .validate import RunParams

_current = None


def start(**params):
    """Validate the parameters and return the run's result (computed once per kernel)."""
    global _current
    from .. import cache, pipeline
    from . import version

    p = RunParams.from_mapping(params)
    warnings.filterwarnings("ignore")  # warnings never reach the report; the log keeps stderr
    style.apply()
    if _current is None:
        _freeze_heap()  # the modules imported so far, before the first run allocates its tables
    _current = cache.cached("run", (p, version.file_hash(p.scenario or None)), lambda: pipeline.run(p))
    if id(_current) not in _FROZEN:  # once per run result, not at every chapter's start
        _FROZEN.add(id(_current))
        _freeze_heap()
    return _current


_FROZEN: set[int] = set()


def _freeze_heap() -> None:
    """Move everything alive now (the run, its tables, the imported modules) out of the cyclic
    garbage collector's view: the chapters that follow allocate many small pandas objects, and every
    full collection otherwise walks the whole run again. Nothing here is garbage, and a report's
    kernel ends with its regions, so nothing is lost; the output is unchanged. Done once per run
    result (a researcher's kernel that starts many runs freezes each once)."""
    import gc

    gc.freeze()


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


def show_scenario(run) -> None:
    """The scenario beside the default: changed parameters, opgave per groep and per gemeente, and
    the gemeente × groep cells that change (nothing for a run without scenario)."""
    from ..chapters import bronnen, kernboodschap as kb
    from . import tables
    from .tables import Col

    if not run.params.scenario:
        return
    tables.show(kb.scenario_changes(run), [
        Col("parameter", "Parameter"), Col("standaard", "Standaard", "waarde in eenheid", "num"),
        Col("scenario", "Scenario", "waarde in eenheid", "num"), Col("verschil", "Verschil", "waarde in eenheid", "num"),
    ], caption=f"Gewijzigde parameters in scenario {bronnen.scenario_name(run)}", threshold=0)
    tables.show(kb.scenario_by_group(run), [
        Col("groep_naam", "Groep en woonvorm"), Col("eenheid", "Eenheid"),
        Col("standaard", "Standaard", "aantal in de eenheid van de rij", "model"),
        Col("scenario", "Scenario", "aantal in de eenheid van de rij", "model"),
        Col("verschil", "Verschil", "aantal in de eenheid van de rij", "model"),
        Col("verschil_pct", "Verschil", "%", "pct"),
    ], caption=f"Opgave {run.periode.replace('-', '–')} per groep: scenario naast standaard",
       threshold=run.params.threshold)
    g = kb.scenario_by_gemeente(run, "woningen")
    tables.show(g, [
        Col("gemeentenaam", "Gemeente"), Col("standaard", "Standaard", "woningen", "model"),
        Col("scenario", "Scenario", "woningen", "model"), Col("verschil", "Verschil", "woningen", "model"),
        Col("verschil_pct", "Verschil", "%", "pct"),
    ], caption="Opgave in woningen per gemeente: scenario naast standaard", total=f"Totaal {run.naam}",
       threshold=run.params.threshold)
    cells = kb.scenario_by_gemeente_group(run)
    if len(cells):
        tables.show(cells.head(40), [
            Col("gemeentenaam", "Gemeente"), Col("groep_naam", "Groep en woonvorm"), Col("eenheid", "Eenheid"),
            Col("standaard", "Standaard", "aantal in de eenheid van de rij", "model"),
            Col("scenario", "Scenario", "aantal in de eenheid van de rij", "model"),
            Col("verschil", "Verschil", "aantal in de eenheid van de rij", "model"),
        ], caption="Grootste verschuivingen per gemeente en groep", threshold=run.params.threshold,
           note="Alleen cellen die met meer dan een halve eenheid veranderen; hoogstens 40 rijen, grootste eerst. "
                "Alle cellen staan in de Excel-werkmap.")


def write_excel(path: str, *, status: str | None = None, rundatum: str | None = None) -> None:
    """Write the workbook of the current run (called by the runner after the last chapter); the
    run's status and date go along when the workbook writer takes them."""
    from . import excel
    from .context import Context

    extra = supported(excel.write_workbook, status=status, rundatum=rundatum)
    excel.write_workbook(Context(current()), path, **extra)


def supported(fn, **kwargs) -> dict:
    """The keyword arguments ``fn`` accepts (an older renderer/writer simply does not get them)."""
    import inspect

    params = inspect.signature(fn).parameters
    return {k: v for k, v in kwargs.items() if k in params and v is not None}


def show_gemeente_pages(run) -> None:
    """One page per gemeente (heading "Gemeente <CBS name>"): a small locator map
    (:mod:`.locator`), the opening sentences, the population trend, vraag and opgave per groep and woonvorm, and the share under each verdeelsleutel — all
    from :mod:`woonzorg_lib.chapters.gemeenten` (the region's run, restricted to the gemeente)."""
    from ..chapters import bronnen, gemeenten as gm, labels
    from . import locator, tables
    from .tables import Col

    table = gm.summaries(run)
    pages = gm.gemeenten(run)
    defs = locator.locator_defs([c for c, _ in pages])  # the region's shapes once; each page refers to them
    box = locator.view_box(defs)
    _display_html(defs)
    trends, needs, shares = gm.population_trends(run), gm.needs(run), gm.shares(run)
    needs = needs.assign(soort_naam=needs["soort"].map({"stand": "voorraad", "stroom": "verhuring"}),
                         groep_woonvorm=needs["groep_naam"] + ": " + needs["woningtype_naam"],
                         bandbreedte=[fmt.model_range(lo, hi) for lo, hi in zip(needs["opgave_laag"],
                                                                                  needs["opgave_hoog"])])
    trends = trends.assign(waargenomen=trends["soort"].eq("waargenomen"))  # observed counts print exactly
    thr = 0  # modelled figures: never suppressed (suppression is for observed small counts)
    periode = run.periode.replace("-", "–")
    bron_vraag = bronnen.bron("bevolking_totaal", "groepen", "huishoudens", "zorgwoonruimten", extra="prognose woonzorg")
    bron_trend = bronnen.bron("bevolking_totaal", extra="prognose woonzorg")
    bron_delen = bronnen.bron("bevolking_totaal", "woningvoorraad", extra="verdeling woonzorg")
    trends, needs, shares = _by_gemeente(trends), _by_gemeente(needs), _by_gemeente(shares)
    for code, naam in pages:
        md(f"## Gemeente {naam}")
        _display_html(locator.locator_svg(code, naam, labels.region_in_sentence(run.naam), box))
        md(gm.summary_text(run, code, table))
        tables.show(trends(code), [
            Col("jaar", "Jaar", kind="year"), Col("soort", "Cijfer"),
            Col("waarde", "Inwoners", "personen op 1 januari", "model", exact="waargenomen"),
        ], caption=f"Inwoners van {naam}: waargenomen en prognose", threshold=0,
           source=bron_trend)
        tables.show(needs(code), [
            Col("groep_woonvorm", "Groep en woonvorm"), Col("soort_naam", "Soort"), Col("eenheid", "Eenheid"),
            Col("vraag_basis", f"Vraag {run.base_year}", "aantal in de eenheid van de rij", "model"),
            Col("aanbod_basis", f"Aanbod {run.base_year}", "aantal in de eenheid van de rij", "model"),
            Col("tekort_basis", f"Tekort {run.base_year}", "aantal in de eenheid van de rij", "model"),
            Col("opgave", f"Opgave {run.variant}", "aantal in de eenheid van de rij", "model", bruto="bruto"),
            Col("bandbreedte", "Bandbreedte (laag tot hoog)"),
        ], caption=f"Vraag en opgave {periode} in {naam} per groep en woonvorm", threshold=thr, source=bron_vraag,
           note=f"Soort ‘voorraad’: extra woningen of plaatsen tot {run.until}; tekort = vraag min aanbod op 1 januari "
                f"{run.base_year} (alleen waar het aanbod bekend of geschat is). Soort ‘verhuring’: groepen die elk jaar "
                f"opnieuw instromen; vraag per jaar, opgave de verhuringen uit de bestaande voorraad over {periode}.")
        tables.show(shares(code), [
            Col("sleutel_naam", "Verdeelsleutel"), Col("aandeel", "Aandeel extra woningen", "%", "pct"),
            Col("toewijzing", f"Extra woningen {periode}", "woningen", "model"),
            Col("aandeel_verhuur", "Aandeel verhuringen", "%", "pct"),
            Col("verhuur_per_jaar", "Verhuringen per jaar", "woningen per jaar", "model"),
        ], caption=f"Aandeel van {naam} in de twee regionale taken in woningen, per verdeelsleutel: extra woningen "
                   f"en verhuringen (apart, niet bij elkaar opgeteld)", threshold=thr,
           source=bron_delen)


def _by_gemeente(df):
    """``code → df[df["gemeentecode"] == code]``, split once (rows in their order, index kept)."""
    parts = {code: part for code, part in df.groupby("gemeentecode", sort=False)}
    empty = df.iloc[:0]
    return lambda code: parts.get(code, empty)
