"""The demand table (CONTRACTS ``woonzorg demand``): model need → local figures → overlap → supply →
opgave, assembled into the contract columns."""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from .bands import BASISJAAR
from .catalogue import CATALOGUE, DEMAND_COLUMNS, DEMAND_KEYS
from .grid import _Prepared, _prepare, n_draws
from .local import _local_series
from .need import _net_vraag
from .params import ParameterSet
from .supply import _direct_opgave, _opgave, _supply


def _measures(prep: _Prepared, values: Mapping[str, float],
              weight_values: Mapping[str, float]) -> tuple[dict, dict, dict]:
    """All measures of one run: ``{(groep, woningtype, maat): array}`` (vraag, aanbod, opgave or
    toewijzing), the overlap amounts and the supply labels (see :func:`~.supply._supply`). With
    drawn ``values`` (arrays of shape draws × 1, see :func:`~.grid.n_draws`) every measure is a
    C-ordered draws × cells array: all draws of the Monte Carlo in one run."""
    vraag, removed = _net_vraag(prep, values)
    aanbod, bron = _supply(prep, values, vraag, weight_values)
    direct = _direct_opgave(prep, values)
    task = _opgave(prep, vraag, aanbod, direct)
    out = {}
    for key, arr in vraag.items():
        if key not in direct:
            out[key + ("vraag",)] = arr
    for key, (maat, arr) in task.items():
        out[key + (maat,)] = arr
    for key, arr in aanbod.items():
        if key in vraag and key not in direct:
            out[key + ("aanbod",)] = arr
    n = n_draws(values)
    if n is not None:
        out = {k: np.ascontiguousarray(np.broadcast_to(a, (n, a.shape[-1]))) for k, a in out.items()}
    return out, removed, bron


def _assemble(prep: _Prepared, measures: Mapping[tuple, np.ndarray], variant: str | None = None) -> pd.DataFrame:
    blocks = [((g, wt), maat, arr) for (g, wt, maat), arr in measures.items()]
    keeps = [~np.isnan(arr) for _, _, arr in blocks]
    if variant is not None and variant != prep.variant:
        prep = _with_variant(prep, variant)
    if blocks and all(k.any() for k in keeps):
        return _assemble_arrays(prep, blocks, keeps)
    return _assemble_frames(prep, blocks)


def _with_variant(prep: _Prepared, variant: str) -> _Prepared:
    import copy
    p = copy.copy(prep)
    p.variant = variant
    return p


def _assemble_arrays(prep: _Prepared, blocks: list, keeps: list) -> pd.DataFrame:
    """:func:`_assemble_frames` in one go: the rows of every block (non-NaN cells) are put in the
    order of the sort on ``DEMAND_KEYS`` with one ``np.lexsort`` on small integer codes, and the
    table is built once. The keys are unique, so the order is the stable sort's order."""
    G, Y = prep.shape
    variant = prep.variant
    groep = [g for (g, _), _, _ in blocks]
    soort = [CATALOGUE[g].soort for g in groep]
    eenheid = [CATALOGUE[g].eenheid_voor(wt) for (g, wt), _, _ in blocks]
    maat = [m for _, m, _ in blocks]
    woningtype = [wt for (_, wt), _, _ in blocks]

    def rank(names: list) -> np.ndarray:
        order = {n: i for i, n in enumerate(sorted(set(names)))}
        return np.array([order[n] for n in names], dtype=np.int64)

    cells = [np.flatnonzero(k) for k in keeps]
    cell = np.concatenate(cells)
    block = np.repeat(np.arange(len(blocks)), [len(c) for c in cells])
    waarde = np.concatenate([arr[k] for (_, _, arr), k in zip(blocks, keeps)]).astype("float64")
    gi, yi = cell // Y, cell % Y
    # DEMAND_KEYS: gemeentecode, groep, jaar, variant (one), soort (follows groep), eenheid, maat, woningtype
    order = np.lexsort((rank(woningtype)[block], rank(maat)[block], rank(eenheid)[block], rank(soort)[block],
                        yi, rank(groep)[block], gi))
    b = block[order]

    def text(names: list, codes: np.ndarray):
        # the text array pandas infers from these (object) values, built from the distinct ones
        return pd.Series(np.asarray(names, dtype=object)).array.take(codes)

    out = pd.DataFrame({
        "gemeentecode": text(prep.gemeenten, gi[order]), "groep": text(groep, b),
        "jaar": np.asarray(prep.years, dtype="int64")[yi[order]],
        "variant": text([variant], np.zeros(len(order), dtype=np.intp)),
        "soort": text(soort, b), "eenheid": text(eenheid, b), "maat": text(maat, b),
        "woningtype": text(woningtype, b), "waarde": waarde[order]})
    return out[list(DEMAND_COLUMNS)]


def _assemble_frames(prep: _Prepared, blocks: list) -> pd.DataFrame:
    codes, jaar = prep.codes, prep.jaar.astype("int64")
    frames = []
    for (g, wt), maat, arr in blocks:
        keep = ~np.isnan(arr)
        n = int(keep.sum())
        frames.append(pd.DataFrame({
            "gemeentecode": codes[keep], "groep": [g] * n, "jaar": jaar[keep], "variant": [prep.variant] * n,
            "soort": [CATALOGUE[g].soort] * n, "eenheid": [CATALOGUE[g].eenheid_voor(wt)] * n,
            "maat": [maat] * n, "woningtype": [wt] * n, "waarde": arr[keep].astype("float64")}))
    out = pd.concat(frames, ignore_index=True)
    return out[list(DEMAND_COLUMNS)].sort_values(list(DEMAND_KEYS), kind="mergesort").reset_index(drop=True)


def _removed_frame(prep: _Prepared, removed: Mapping[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    cols = ["gemeentecode", "jaar", "groep", "bij_groep", "waarde"]
    parts = [pd.DataFrame({"gemeentecode": prep.codes, "jaar": prep.jaar.astype("int64"), "groep": lo,
                           "bij_groep": hi, "waarde": arr}) for (lo, hi), arr in removed.items()]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    return out[out["waarde"] > 0].sort_values(cols[:4], kind="mergesort").reset_index(drop=True)


def _run(prep: _Prepared, values: Mapping[str, float],
         weight_values: Mapping[str, float]) -> tuple[pd.DataFrame, dict]:
    measures, removed, _ = _measures(prep, values, weight_values)
    return _assemble(prep, measures), removed


def demand_table(projection: pd.DataFrame, params: ParameterSet, variant: str, *,
                 nl_inwoners: float | None = None,
                 huishoudens: pd.DataFrame | None = None,
                 woningvoorraad: pd.DataFrame | None = None,
                 studenten_historie: pd.DataFrame | None = None,
                 aanbod: pd.DataFrame | None = None,
                 gebieden: pd.DataFrame | None = None,
                 local_figures: pd.DataFrame | None = None,
                 arbeidsmigranten_regiotype: Mapping[str, str] | None = None,
                 landelijke_gemeenten: Collection[str] | None = None,
                 groepen: Sequence[str] | None = None,
                 basisjaar: int = BASISJAAR,
                 tot_jaar: int | None = None,
                 demografie_variant: str | None = None,
                 return_overlap: bool = False,
                 methode: Mapping[str, str] | None = None,
                 ouderen_sleutel: pd.DataFrame | None = None,
                 realisaties: pd.DataFrame | None = None,
                 g4_gemeenten: Collection[str] | None = None,
                 onzekerheid: str = "montecarlo") -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Need, supply and task per gemeente × groep × woningtype × jaar for one variant.

    Inputs (docs/aandachtsgroepen.md, section "Invoer van demand_table"):

    - ``projection``: CONTRACTS forecast rows ``gemeentecode, jaar, geslacht, leeftijd_van,
      leeftijd_tot, variant, waarde``; the rows of ``demografie_variant`` (default: ``variant``)
      for every year ``basisjaar`` … ``tot_jaar`` (default: its last year) are used.
    - ``params``: a :class:`ParameterSet`; ``variant`` picks laag / waarde / hoog per parameter.
    - ``nl_inwoners``: inhabitants of the Netherlands on 1 January of ``basisjaar`` (statushouders).
    - ``huishoudens``: ``gemeentecode, waarde`` private households at ``basisjaar`` (urgenten,
      mantelzorg); later years move with the gemeente's population.
    - ``woningvoorraad``: ``gemeentecode, waarde`` dwellings at ``basisjaar`` (woonwagenbewoners).
    - ``studenten_historie``: ``gemeentecode, jaar, waarde`` uitwonende studenten, years ≤ basisjaar.
    - ``aanbod`` (optional): ``gebiedscode, jaar, woningtype, waarde`` (+ optional ``groep``),
      known supply on 1 January; ``gebiedscode`` is a gemeentecode or an area listed in
      ``gebieden`` (``gemeentecode, gebiedscode``, e.g. COROP CR38), whose supply is split over its
      gemeenten and the stand groups with that woningtype in proportion to their midden need.
    - ``local_figures``: from :func:`~woonzorg_lib.groups.usercsv.read_local_figures`.
    - ``arbeidsmigranten_regiotype``: ``{gemeentecode: agrarisch_logistiek|gemengd|stedelijk}``
      (default gemengd); ``landelijke_gemeenten``: where mantelzorgwoningen on the erf apply
      (default: all gemeenten); ``g4_gemeenten``: where mo_dakloos takes its G4 rate (default: the
      catalogue's G4). :func:`~.inputs.demand_inputs` reads all three from config/regionale_waarden.csv.
    - ``groepen``: subset of group codes (default all 14; a group whose input is not given raises).
      Data coverage: where a given input (huishoudens, woningvoorraad, studenten_historie) has no
      value for some gemeenten, the group that needs it is switched off for those gemeenten (no
      rows; :func:`~.data_coverage.coverage` lists them); the run does not fail.

    - ``methode``: ``{"ouderen": "behoefte" | "rijksopgave"}`` (default behoefte, see
      :mod:`.ouderen`); ``ouderen_sleutel``: the rijksopgave key (:func:`.ouderen.rijksopgave_key`);
      ``realisaties``: homes realised since 1-1-2022 (:func:`.usercsv.read_realisations`), subtracted
      from the rijksopgave share (without it the full share counts: flagged in the report).
    - ``onzekerheid``: ``montecarlo`` (default): laag/hoog are the 10th/90th percentile of each
      cell over a seeded Monte Carlo of the parameter ranges and the demographic interval
      (:mod:`.uncertainty`); ``uiterst``: every parameter at its low/high-need end (old method).

    Order: model need → local figures → overlap rule → supply → opgave. Stand groups: ``opgave``
    = vraag(jaar) − aanbod(basisjaar), or − vraag(basisjaar) where supply is unknown (growth only);
    stroom groups: ``toewijzing`` = Σ vraag basisjaar … jaar − 1 (lettings from the existing
    stock, never added to opgave). Supply is known (input ``aanbod``), estimated from national
    ratios at basisjaar, or local (maat aanbod in the local figures). Unrounded; sorted by key.
    With ``return_overlap=True`` also returns the amounts moved between groups by the overlap rule
    (``gemeentecode, jaar, groep, bij_groep, waarde``, see :mod:`.overlap`).
    """
    prep = _prepare(projection, params, variant, demografie_variant=demografie_variant, basisjaar=basisjaar,
                    tot_jaar=tot_jaar, groepen=groepen, nl_inwoners=nl_inwoners, huishoudens=huishoudens,
                    woningvoorraad=woningvoorraad, studenten_historie=studenten_historie, aanbod=aanbod,
                    gebieden=gebieden, local_figures=local_figures,
                    arbeidsmigranten_regiotype=arbeidsmigranten_regiotype,
                    landelijke_gemeenten=landelijke_gemeenten, methode=methode, ouderen_sleutel=ouderen_sleutel,
                    realisaties=realisaties, g4_gemeenten=g4_gemeenten)
    if onzekerheid not in ("montecarlo", "uiterst"):
        raise ValueError(f"onzekerheid '{onzekerheid}' is geen montecarlo of uiterst")
    if not prep.groepen:  # every requested group is off for lack of its input (see .data_coverage)
        table = pd.DataFrame({c: pd.Series(dtype="int64" if c == "jaar" else ("float64" if c == "waarde" else object))
                              for c in DEMAND_COLUMNS})
        if return_overlap:
            cols = ["gemeentecode", "jaar", "groep", "bij_groep", "waarde"]
            return table, pd.DataFrame(columns=cols)
        return table
    if variant == "midden" or onzekerheid == "uiterst" or demografie_variant is not None:
        table, removed = _run(prep, params.resolve(variant), params.resolve("midden"))
        return (table, _removed_frame(prep, removed)) if return_overlap else table
    from .uncertainty import monte_carlo_measures

    # The draws use the local figures that hold for every variant; a variant-specific figure is put
    # on the percentile series of its own variant afterwards (level local, change from the band).
    shared, specific = _split_local(local_figures, variant)
    kw = mc_inputs(basisjaar=basisjaar, tot_jaar=tot_jaar, groepen=groepen,
                   nl_inwoners=nl_inwoners, huishoudens=huishoudens, woningvoorraad=woningvoorraad,
                   studenten_historie=studenten_historie, aanbod=aanbod, gebieden=gebieden, local_figures=shared,
                   arbeidsmigranten_regiotype=arbeidsmigranten_regiotype, landelijke_gemeenten=landelijke_gemeenten,
                   methode=methode, ouderen_sleutel=ouderen_sleutel, realisaties=realisaties, g4_gemeenten=g4_gemeenten)
    measures = monte_carlo_measures(projection, params, **kw)[variant]
    if specific is not None and len(specific):
        measures = _overlay_local(prep, measures, shared, specific)
    table = _assemble(prep, measures, variant)
    if return_overlap:
        _, removed = _run(prep, params.resolve("midden"), params.resolve("midden"))
        return table, _removed_frame(prep, removed)
    return table


MC_INPUTS = ("basisjaar", "tot_jaar", "groepen", "nl_inwoners", "huishoudens", "woningvoorraad", "studenten_historie",
             "aanbod", "gebieden", "local_figures", "arbeidsmigranten_regiotype", "landelijke_gemeenten", "methode",
             "ouderen_sleutel", "realisaties", "g4_gemeenten")


def mc_inputs(**given) -> dict:
    """The keyword inputs of the Monte Carlo, complete and in one form, so that every caller (the
    demand table, the regional bands) meets the same cached draws. Unknown names raise."""
    bad = sorted(set(given) - set(MC_INPUTS))
    if bad:
        raise TypeError(f"onbekende invoer voor de Monte Carlo: {', '.join(bad)}")
    kw = {"demografie_variant": None, **{k: given.get(k) for k in MC_INPUTS}}
    if kw["basisjaar"] is None:
        kw["basisjaar"] = BASISJAAR
    return kw


def _split_local(local: pd.DataFrame | None, variant: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Local figures for every variant, and those given for ``variant`` only."""
    if local is None or not len(local) or "variant" not in local.columns:
        return local, None
    return local[local["variant"].isna()], local[local["variant"] == variant]


def _overlay_local(prep: _Prepared, measures: dict, shared: pd.DataFrame | None, specific: pd.DataFrame) -> dict:
    """Put variant-specific local vraag figures on the band's series and recompute that series'
    opgave (vraag − aanbod(basisjaar), or − vraag(basisjaar)) or toewijzing (Σ vraag before jaar)."""
    out = dict(measures)
    G, Y = prep.shape
    gpos = {c: i for i, c in enumerate(prep.gemeenten)}
    spec = specific[specific.get("maat", pd.Series("vraag", index=specific.index)).fillna("vraag") == "vraag"]
    for (code, g, wt), grp in spec.groupby(["gemeentecode", "groep", "woningtype"], sort=True):
        key = (g, wt, "vraag")
        if key not in out or code not in gpos:
            continue
        given = {}
        if shared is not None and len(shared):
            sh = shared[(shared["gemeentecode"] == code) & (shared["groep"] == g) & (shared["woningtype"] == wt)]
            if "maat" in sh.columns:
                sh = sh[sh["maat"].fillna("vraag") == "vraag"]
            given.update(zip(sh["jaar"].astype(int), sh["waarde"].astype(float)))
        given.update(zip(grp["jaar"].astype(int), grp["waarde"].astype(float)))
        if not any(y in given for y in prep.years):
            continue
        i = gpos[code]
        v = out[key].reshape(G, Y).copy()
        v[i] = _local_series(v[i], prep.years, given)
        out[key] = v.ravel()
        if CATALOGUE[g].soort == "stand" and (g, wt, "opgave") in out:
            a = out.get((g, wt, "aanbod"))
            ref = a.reshape(G, Y)[i, 0] if a is not None and not np.isnan(a.reshape(G, Y)[i, 0]) else v[i, 0]
            o = out[(g, wt, "opgave")].reshape(G, Y).copy()
            o[i] = v[i] - ref
            out[(g, wt, "opgave")] = o.ravel()
        elif (g, wt, "toewijzing") in out:
            t = out[(g, wt, "toewijzing")].reshape(G, Y).copy()
            t[i] = np.cumsum(v[i]) - v[i]
            out[(g, wt, "toewijzing")] = t.ravel()
    return out


def opgave_basis(demand: pd.DataFrame, basisjaar: int = BASISJAAR) -> pd.DataFrame:
    """Which opgave is netto (known or estimated supply at ``basisjaar``: tekort + groei), which bruto
    (growth only) and which a programme share (``programma``, rijksopgave): ``gemeentecode, groep,
    woningtype, soort, basis`` (stroom groups are always bruto: their toewijzing subtracts nothing)."""
    key = ["gemeentecode", "groep", "woningtype", "soort"]
    allk = demand[demand["maat"].isin(["vraag", "opgave", "toewijzing"])][key].drop_duplicates()
    has = demand[(demand["maat"] == "aanbod") & (demand["jaar"] == basisjaar)][key].drop_duplicates()
    vraag = demand[demand["maat"] == "vraag"][key].drop_duplicates().assign(_v=True)
    out = allk.merge(has.assign(basis="netto"), on=key, how="left").merge(vraag, on=key, how="left")
    out["basis"] = out["basis"].fillna("bruto")
    out.loc[out["_v"].isna(), "basis"] = "programma"  # rijksopgave: a programme share, no vraag/aanbod
    out = out.drop(columns="_v")
    return out.sort_values(key, kind="mergesort").reset_index(drop=True)
