"""Current effort ("huidige inspanning"): what each gemeente provides for aandachtsgroepen now.

Measured on what a gemeente houses or offers today, each component from a named source and
switched on or off in the verdeelsleutel file (block ``huidige_inspanning``, see
``config/verdeelsleutels/default.yaml``):

========================  =========================================================  ==========
component                 value per gemeente (source)                                function
========================  =========================================================  ==========
``zorginstellingen``      inwoners in zorginstellingen (CBS 85383NED, gemeentefonds)  lokaal
``sociale_huur``          huurwoningen van woningcorporaties (CBS 82900NED, 1 jan)    lokaal
``verhuringen``           sociale huur × mutatiegraad × aandeel aandachtsgroepen      lokaal
``statushouders``         gehuisveste statushouders (only from a user table)          lokaal
``bw_mo_uitgaven``        Wmo-uitgaven verblijf en opvang = BW + MO (CBS 84580NED)    regionaal
``adreslozen``            overige adreslozen (CBS 85383NED, gemeentefonds)            regionaal
========================  =========================================================  ==========

Students are left out: they are a separate group with their own market, and counting them made
a university city look as if it did most of the region's effort.

Rule. Per component: the value of every gemeente of the region in the latest year ≤ ``as_of``
for which *every* gemeente has one (one reference date per component), as a share of the
region's total. A component without such a year, or with a region total of 0, is skipped and
the reason recorded. ``huidige_inspanning`` = Σ gewicht × share over the used *lokaal*
components, weights rescaled to sum 1 over the used ones. The *regionaal* components (the
centrumgemeente's beschermd wonen / maatschappelijke opvang, which serve the whole region) give
``regionale_functie`` by the same rule and never enter ``huidige_inspanning``. Components in
different units (persons, dwellings, euros) are combined only as shares, never added.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["EFFORT_COMPONENTS", "EffortComponent", "Inspanning", "current_effort",
           "default_inspanning", "effort_components", "read_effort_csv"]

ComponentNaam = Literal["zorginstellingen", "sociale_huur", "verhuringen", "statushouders",
                        "bw_mo_uitgaven", "adreslozen"]

#: naam → (functie, processed table, variabele, eenheid, source)
EFFORT_COMPONENTS: dict[str, tuple[str, str | None, str | None, str, str]] = {
    "zorginstellingen": ("lokaal", "huishoudens", "inwoners_in_zorginstellingen", "personen",
                         "CBS 85383NED (Gemeentefonds, maatstaf inwoners in zorginstellingen)"),
    "sociale_huur": ("lokaal", "woningvoorraad", "huurwoningen_woningcorporatie", "woningen",
                     "CBS 82900NED (woningvoorraad naar eigendom, 1 januari)"),
    "verhuringen": ("lokaal", "woningvoorraad", "huurwoningen_woningcorporatie",
                    "woningen per jaar",
                    "CBS 82900NED × mutatiegraad × aandeel aandachtsgroepen (parameters verhuur.*)"),
    "statushouders": ("lokaal", None, None, "personen",
                      "eigen tabel (gehuisveste statushouders per gemeente); geen open reeks"),
    "bw_mo_uitgaven": ("regionaal", "wmo_uitgaven", "wmo_uitgaven_gerealiseerd_verblijf_en_opvang",
                       "x 1.000 euro",
                       "CBS 84580NED (Wmo-uitgaven gerealiseerd, verblijf en opvang)"),
    "adreslozen": ("regionaal", "groepen", "overig_adreslozen", "personen",
                   "CBS 85383NED (Gemeentefonds, maatstaf overige adreslozen)"),
}


class EffortComponent(BaseModel):
    """One component of the current effort and its switch."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    naam: ComponentNaam
    aan: bool = True
    gewicht: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    bron: str | None = None


class Inspanning(BaseModel):
    """The ``huidige_inspanning`` block of a verdeelsleutel file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    componenten: list[EffortComponent] = Field(min_length=1)
    regionale_functie: list[EffortComponent] = Field(default_factory=list)
    beschrijving: str | None = None

    @model_validator(mode="after")
    def _functions_fit(self) -> "Inspanning":
        for lst, want in ((self.componenten, "lokaal"), (self.regionale_functie, "regionaal")):
            names = [c.naam for c in lst]
            for c in lst:
                if EFFORT_COMPONENTS[c.naam][0] != want:
                    where = "componenten" if want == "lokaal" else "regionale_functie"
                    raise ValueError(f"'{c.naam}' hoort niet onder {where} (het is een "
                                     f"{EFFORT_COMPONENTS[c.naam][0]}e functie)")
                if names.count(c.naam) > 1:
                    raise ValueError(f"component '{c.naam}' staat twee keer in de lijst")
        return self


def default_inspanning() -> Inspanning:
    """The components used when a key file has no ``huidige_inspanning`` block (the same as
    ``config/verdeelsleutels/default.yaml``)."""
    return Inspanning(
        componenten=[EffortComponent(naam="zorginstellingen", gewicht=0.5),
                     EffortComponent(naam="sociale_huur", gewicht=0.5),
                     EffortComponent(naam="verhuringen", aan=False, gewicht=0.0),
                     EffortComponent(naam="statushouders", gewicht=0.25)],
        regionale_functie=[EffortComponent(naam="bw_mo_uitgaven", gewicht=0.5),
                           EffortComponent(naam="adreslozen", gewicht=0.5)])


def _latest_common(df: pd.DataFrame, variabele: str, codes: list[str], as_of: int
                   ) -> tuple[pd.Series | None, int | None]:
    """Values of ``variabele`` for every gemeente in the latest year ≤ as_of that has them all."""
    sel = df[(df["variabele"] == variabele) & df["gemeentecode"].isin(codes)
             & (df["jaar"] <= as_of) & df["waarde"].notna()]
    for jaar in sorted(sel["jaar"].unique(), reverse=True):
        part = sel[sel["jaar"] == jaar].groupby("gemeentecode")["waarde"].sum()
        if set(part.index) >= set(codes):
            return part.reindex(codes).astype("float64"), int(jaar)
    return None, None


def effort_components(codes: Iterable[str], *, as_of: int = 2024,
                      extra: pd.DataFrame | None = None, mutatiegraad: float = 0.065,
                      aandeel_aandachtsgroepen: float = 0.30) -> pd.DataFrame:
    """Every component's raw value per gemeente (long table, sorted).

    Columns ``component, functie, gemeentecode, waarde, eenheid, jaar, bron``. From
    ``data/processed`` (``woonzorg_lib.dataset.load``), except ``statushouders``, which only comes
    from ``extra`` (columns ``gemeentecode, component, waarde`` and optional ``jaar``, ``bron``;
    a row in ``extra`` replaces the processed value of that component). A component without a
    year in which every gemeente has a value is absent from the table.
    """
    from woonzorg_lib.dataset import load

    codes = sorted({str(c) for c in codes})
    rows = []
    tables: dict[str, pd.DataFrame] = {}
    given = set(extra["component"]) if extra is not None else set()
    for naam, (functie, table, variabele, eenheid, bron) in EFFORT_COMPONENTS.items():
        if naam in given:
            part = extra[extra["component"] == naam]
            s = part.set_index(part["gemeentecode"].astype(str))["waarde"].astype("float64")
            if not set(codes) <= set(s.index):
                continue
            jaar = int(part["jaar"].max()) if "jaar" in part.columns else as_of
            src = str(part["bron"].iloc[0]) if "bron" in part.columns else "eigen tabel"
            s = s.reindex(codes)
        elif table is None or variabele is None:
            continue
        else:
            if table not in tables:
                tables[table] = load.table(table)
            s, jaar = _latest_common(tables[table], variabele, codes, as_of)
            if s is None:
                continue
            src = bron
            if naam == "verhuringen":
                s = s * float(mutatiegraad) * float(aandeel_aandachtsgroepen)
        for g, v in s.items():
            rows.append({"component": naam, "functie": functie, "gemeentecode": g,
                         "waarde": float(v), "eenheid": eenheid, "jaar": jaar, "bron": src})
    cols = ["component", "functie", "gemeentecode", "waarde", "eenheid", "jaar", "bron"]
    return pd.DataFrame(rows, columns=cols)


def _combine(comps: pd.DataFrame, chosen: list[EffortComponent], codes: list[str],
             skipped: dict[str, str]) -> tuple[pd.Series, list[str]]:
    """Σ gewicht × share over the components that are on, known and non-zero."""
    used: list[tuple[str, float, pd.Series]] = []
    for c in chosen:
        if not c.aan:
            skipped[c.naam] = "uitgezet in het verdeelsleutelbestand"
            continue
        if c.gewicht <= 0:
            skipped[c.naam] = "gewicht 0"
            continue
        part = comps[comps["component"] == c.naam]
        if part.empty:
            skipped[c.naam] = "geen gegevens voor elke gemeente van de regio in één jaar"
            continue
        v = part.set_index("gemeentecode")["waarde"].reindex(codes)
        if (v < 0).any():
            skipped[c.naam] = "negatieve waarde in de bron"
            continue
        total = math.fsum(v.tolist())
        if total <= 0:
            skipped[c.naam] = "0 in elke gemeente van de regio"
            continue
        used.append((c.naam, c.gewicht, v / total))
    if not used:
        return pd.Series(float("nan"), index=codes, dtype="float64"), []
    wsum = math.fsum(w for _, w, _ in used)
    share = sum(w / wsum * s for _, w, s in used)
    return share.astype("float64"), [n for n, _, _ in used]


def current_effort(codes: Iterable[str], inspanning: Inspanning | None = None, *,
                   as_of: int = 2024, extra: pd.DataFrame | None = None,
                   mutatiegraad: float = 0.065,
                   aandeel_aandachtsgroepen: float = 0.30) -> pd.DataFrame:
    """Current effort per gemeente (index gemeentecode, sorted).

    Columns: ``aandeel_<component>`` (the gemeente's share of the region's total of each used
    component), ``huidige_inspanning`` (the weighted share over the used local components, sums
    to 1) and ``regionale_functie`` (the same over the regional components; 0 for every gemeente
    when none of them performs such a function, e.g. when the centrumgemeente lies outside the
    region). ``attrs``: ``componenten`` / ``regionale_componenten`` (used, in order),
    ``overgeslagen`` ({component: reason}) and ``bronnen`` ({component: "source, jaar"}).
    ``huidige_inspanning`` is empty (NaN) only when no local component is usable.
    """
    codes = sorted({str(c) for c in codes})
    insp = inspanning or default_inspanning()
    comps = effort_components(codes, as_of=as_of, extra=extra, mutatiegraad=mutatiegraad,
                              aandeel_aandachtsgroepen=aandeel_aandachtsgroepen)
    skipped: dict[str, str] = {}
    local, used_l = _combine(comps, insp.componenten, codes, skipped)
    regio, used_r = _combine(comps, insp.regionale_functie, codes, skipped)
    out = pd.DataFrame(index=pd.Index(codes, name="gemeentecode"))
    for naam in used_l + used_r:
        v = comps[comps["component"] == naam].set_index("gemeentecode")["waarde"].reindex(codes)
        out[f"aandeel_{naam}"] = v / math.fsum(v.tolist())
    out["huidige_inspanning"] = local
    if not used_r:  # nobody in the region performs a centrumgemeente function: 0, not unknown
        regio = pd.Series(0.0, index=codes)
    out["regionale_functie"] = regio
    bronnen = {}
    for naam in used_l + used_r:
        part = comps[comps["component"] == naam]
        bronnen[naam] = f"{part['bron'].iloc[0]}, {int(part['jaar'].iloc[0])}"
    out.attrs.update(componenten=used_l, regionale_componenten=used_r, overgeslagen=skipped,
                     bronnen=bronnen)
    return out


def read_effort_csv(path, *, known_gemeenten: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a user table of effort figures (e.g. statushouders housed per gemeente).

    Columns ``gemeentecode, component, waarde`` and optional ``jaar``, ``bron``,
    ``gemeentenaam``, ``opmerking``; comma- or semicolon-separated, decimal comma accepted.
    ``component`` is one of :data:`EFFORT_COMPONENTS`; ``waarde`` ≥ 0. A component given for only
    some gemeenten of the region is not used (and the run says so). Errors name file, column, row.
    Returns the table for ``current_effort(extra=…)``.
    """
    from woonzorg_lib.groups.usercsv import Column, read_user_csv

    cols = (
        Column("gemeentecode", pattern=r"GM\d{4}", case="upper",
               pattern_hint=": verwacht een CBS-gemeentecode zoals GM0957"),
        Column("component", allowed=tuple(EFFORT_COMPONENTS), case="lower"),
        Column("waarde", kind="count"),
        Column("jaar", kind="int", required=False),
        Column("bron", required=False),
        Column("gemeentenaam", required=False),
        Column("opmerking", required=False),
    )
    known = set(known_gemeenten) if known_gemeenten is not None else None
    df = read_user_csv(path, cols, key=("gemeentecode", "component"), known_gemeenten=known)
    out = df[["gemeentecode", "component", "waarde"]].copy()
    if df["jaar"].notna().all():
        out["jaar"] = df["jaar"].astype(int)
    out["bron"] = [str(b) if isinstance(b, str) and b.strip() else f"eigen tabel {path}"
                   for b in df["bron"]]
    return out
