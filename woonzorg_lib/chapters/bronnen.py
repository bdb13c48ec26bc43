"""Chapter "Bronnen en aannames": run parameters, versions, every parameter with its source and
the provenance of every data file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import cache, paths, provenance
from ..report import fmt, sources, version
from ..report.validate import DESCRIPTIONS, report_title
from .labels import plain


def scenario_name(run) -> str:
    """The scenario's name (its ``naam`` field, else the file name); '' without scenario."""
    if not run.params.scenario:
        return ""
    import yaml

    try:
        data = yaml.safe_load(Path(run.params.scenario).read_text(encoding="utf-8")) or {}
    except Exception:  # noqa: BLE001 - the groups loader reports bad files properly
        data = {}
    naam = data.get("naam") if isinstance(data, dict) else None
    return str(naam) if naam else Path(run.params.scenario).stem


def title(run) -> str:
    """The report's title (also the HTML title and the workbook's first line)."""
    return report_title(run.naam, run.params, scenario_name(run))


def manifest() -> list[dict]:
    """The snapshot's provenance: one dict per raw file (sidecar fields)."""
    return provenance.snapshot_manifest()


def data_fingerprint() -> str:
    """One SHA-256 over every raw data file."""
    return provenance.data_fingerprint()


def code_version() -> dict:
    """Program version, git commit and source hash."""
    return version.code_version()


def run_parameters(run) -> pd.DataFrame:
    """The run's parameters as a table: ``parameter`` (the code, for the workbook), ``naam`` (its
    Dutch name), ``waarde`` (in words; a scenario by its name) and ``betekenis``."""
    from ..report import terms

    rows = []
    for k, v in run.params.as_dict().items():
        if k == "region":
            v = run.naam
        elif k == "scenario":
            v = scenario_name(run) if v else "geen (standaardparameters)"
        elif k == "rundatum":
            v = v or "niet opgegeven"
        rows.append({"parameter": k, "naam": terms.label("runparameter", k),
                     "waarde": str(v), "betekenis": terms.plain_text(DESCRIPTIONS.get(k, ""))})
    return pd.DataFrame(rows)


def version_table(run) -> pd.DataFrame:
    """Versions of program and data as a two-column table."""
    cv = code_version()
    rows = [("Programma", f"woonzorg {cv['woonzorg']}"),
            ("Git-commit", cv["git_commit"]),
            ("Controlegetal broncode", cv["bron_hash"]),
            ("Vingerafdruk gegevens (controlegetal over alle bronbestanden)", data_fingerprint()),
            ("Vastgelegde pakketversies", "vaste lijst van pakketversies (controlegetal "
             + version.file_hash(paths.root() / "constraints.txt")[:12] + ")")]
    return pd.DataFrame(rows, columns=["onderdeel", "waarde"])


@cache.derived
def parameter_table(run) -> pd.DataFrame:
    """Every parameter of the groups (scenario applied) with range, unit, source and whether it is an assumption."""
    from ..report import terms

    t = run.parameter_set.table().copy()
    t["naam"] = t["parameter"].map(terms.parameter)
    t["bron_tekst"] = t["bron"].map(terms.plain_text)
    t["aanname_tekst"] = t["aanname"].map(lambda a: "ja, aanname" if bool(a) else "")
    t["datum"] = t["datum"].astype(str)
    t["eenheid"] = t["eenheid"].map(lambda e: terms.label("parameter_eenheid", e))
    n_aanname = int(t["aanname"].astype(bool).sum())
    t.attrs["note"] = (f"{n_aanname} van de {len(t)} parameters zijn een aanname zonder bron. "
                       "Laag en hoog: de ondergrens en bovengrens van de bandbreedte; in de varianten laag en hoog "
                       "staat elke parameter aan de kant van de minste respectievelijk meeste vraag.")
    return t.sort_values(["naam", "parameter"]).reset_index(drop=True)


# words for the code values of the demography settings (config/demografie.yaml)
_SETTING_WORDS = {"lin": "rechte lijn", "geo": "vast groeipercentage", "share": "aandeel in het totaal",
                  "last": "laatste waarde", "cc": "cohort-componentenberekening", "gemiddeld": "gemiddelde",
                  "rogers_castro": "migratiepatroon van Rogers en Castro", "vast": "vast", "trend": "trend",
                  "geen": "geen"}


def _setting_words(v) -> str:
    from ..report import terms

    if isinstance(v, (list, tuple)):
        return ", ".join(_setting_words(x) for x in v)
    if isinstance(v, str):
        return _SETTING_WORDS.get(v, terms.humanize(v))
    return plain(v)


def method_settings() -> list[dict]:
    """Settings of the other models (demography, verdeelsleutel) as small tables, where present."""
    from ..report import terms

    out = []
    try:
        from ..demography import config as dcfg

        st = dcfg.load_settings()
        rows = []
        for section, values in sorted(st.data.items() if hasattr(st, "data") else dict(st).items()):
            if isinstance(values, dict):
                for k, v in sorted(values.items()):
                    rows.append({"instelling": f"{section}.{k}", "naam": f"{terms.humanize(section)}: {terms.humanize(k)}",
                                 "waarde": _setting_words(v)})
        if rows:
            out.append({"df": pd.DataFrame(rows), "columns": {"naam": "Instelling", "waarde": "Waarde"},
                        "caption": "Instellingen van het demografisch model"})
    except Exception:  # noqa: BLE001 - the model reports its own errors in its chapter
        pass
    try:
        from ..verdeling import keys as vk

        key = vk.load_key(vk.default_key_path())
        rows = [{"indicator": terms.label("indicator", i.naam), "gewicht": fmt.pct(i.gewicht, 0),
                 "richting": terms.label("richting", i.richting or vk.DEFAULT_RICHTING.get(i.naam, "meer_is_meer")),
                 "toelichting": ""}
                for i in key.indicatoren_voor(None)]
        out.append({"df": pd.DataFrame(rows), "columns": {"indicator": "Indicator", "gewicht": "Gewicht",
                                                          "richting": "Richting"},
                    "caption": f"Verdeelsleutel ‘{terms.humanize(key.naam)}’ (standaard)",
                    "note": terms.plain_text(" ".join(str(getattr(key, "beschrijving", "") or "").split()))})
    except Exception:  # noqa: BLE001
        pass
    return out


def provenance_notes(run) -> str:
    """How the files were obtained, notes and deliberate edits, as Markdown paragraphs (files by
    their title; file names and checksums are in the workbook)."""
    from ..report import terms

    def title(m) -> str:
        return str(m.get("titel") or terms.humanize(str(m["pad"]).rsplit(".", 1)[0]))

    # CBS tables as obtained from a public copy: one sentence per repository (paths and file names
    # stay in the workbook); reference extracts keep their own description
    repos: dict[str, set] = {}
    for m in manifest():
        if m.get("repository"):
            repos.setdefault(str(m["repository"]), set()).add(str(m.get("commit", ""))[:8])
    copies = [f"https://{r} (commit {', '.join(sorted(c - {''}))})" for r, c in sorted(repos.items())]
    obtained = ([f"CBS-tabellen zoals verkregen uit openbare kopieën: {'; '.join(copies)}; alleen met gzip "
                 "gecomprimeerd, geen cijfer gewijzigd; woonzorg maakt er zelf de tabellen van."] if copies else [])
    verkregen = obtained + sorted({terms.plain_text(" ".join(str(m.get("verkregen", "")).split()))
                                   for m in manifest() if not m.get("repository")} - {""})
    lines = ["**Hoe de bestanden zijn verkregen.** " + " ".join(verkregen)] if verkregen else []
    notes = [(title(m), terms.plain_text(" ".join(str(m.get("opmerking")).split()))) for m in manifest()
             if m.get("opmerking")]
    if notes:
        lines.append("**Opmerkingen bij bestanden.** " + " ".join(f"*{p}*: {n}" for p, n in notes))
    changes = [(title(m), w) for m in manifest() for w in (m.get("wijzigingen") or [])]
    if changes:
        lines.append("**Bewust aangepaste bestanden** (opnieuw verzegeld met een toelichting): " + "; ".join(
            f"*{p}*: {terms.plain_text(w.get('notitie', ''))}" + (f" ({w['datum']})" if w.get("datum") else "")
            for p, w in changes))
    else:
        lines.append("Geen van de bestanden is na het samenstellen van de momentopname aangepast.")
    lines.append("Licentie van de CBS-cijfers: CC BY 4.0. Bij hergebruik: ‘Bron: CBS; bewerking woonzorg’.")
    return "\n\n".join(lines)


def bron(*tables: str, ids=(), extra: str = "") -> str:
    """A source line ('Bron: CBS, tabel …; bewerking woonzorg') for processed tables and CBS ids."""
    return sources.bron(tables=tables, ids=ids, extra=extra)
