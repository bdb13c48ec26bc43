"""Known supply (aanbod) on the grid and the opgave / toewijzing measures."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from .catalogue import CATALOGUE, WONINGTYPEN
from .grid import _CACHE, Series, _Prepared, n_draws
from . import fingerprint as _fast
from .need import _net_vraag


ESTIMATED = "schatting"
SOURCED = "bron"
LOCAL = "lokaal"


def _supply(prep: _Prepared, values: Mapping[str, float], vraag: Series,
            weight_values: Mapping[str, float]) -> tuple[Series, dict]:
    """Supply (aanbod) per (groep, woningtype) as grid arrays (NaN where unknown) and where each
    gemeente's figure comes from: ``{(groep, woningtype): array of "bron"/"schatting"/"lokaal"}``
    per gemeente. Sourced supply (input ``aanbod``), then estimates from national ratios (at
    basisjaar, labelled), then local counts (maat aanbod in the local figures) replace both. With
    drawn ``values`` (see :func:`~.grid.n_draws`) the arrays are draws × cells; the labels and the
    split of sourced supply do not depend on the draw."""
    out: Series = {}
    bron: dict = {}
    G, Y = prep.shape
    n = n_draws(values)
    lead = () if n is None else (n,)
    if prep.aanbod is not None and len(prep.aanbod):
        # Supply is split by the need under central parameter values, so its split does not change
        # between variants or sensitivity runs (the area total never does).
        wkey = ("aanbod", tuple(sorted(weight_values.items())))
        if wkey not in prep.cache:
            same = n is None and dict(weight_values) == dict(values)
            weights = vraag if same else _net_vraag(prep, weight_values)[0]
            prep.cache[wkey] = _apportion_supply(prep, weights)
        for k, arr in prep.cache[wkey].items():
            out[k] = np.array(np.broadcast_to(arr, lead + arr.shape))
            known = ~np.isnan(arr.reshape(G, Y)[:, 0])
            bron[k] = np.where(known, SOURCED, "")
    for k, base in _estimated_supply(prep, values, vraag).items():
        cur = prep.cells(out.setdefault(k, np.full(lead + (G * Y,), np.nan)))
        lab = bron.setdefault(k, np.full(G, "", dtype=object))
        first = cur[..., 0]  # a view: the basisjaar column
        fill = np.isnan(first)
        first[fill] = np.broadcast_to(base, fill.shape)[fill]
        lab[fill if n is None else fill.any(axis=0)] = ESTIMATED  # the same gemeenten in every draw
    ls = prep.local_supply
    if ls is not None and len(ls):
        gpos = {c: i for i, c in enumerate(prep.gemeenten)}
        for rec in ls[ls["jaar"] == prep.basisjaar].to_dict("records"):
            k = (rec["groep"], rec["woningtype"])
            if k not in vraag or rec["gemeentecode"] not in gpos or CATALOGUE[k[0]].soort != "stand":
                continue
            cur = prep.cells(out.setdefault(k, np.full(lead + (G * Y,), np.nan)))
            i = gpos[rec["gemeentecode"]]
            cur[..., i, 0] = float(rec["waarde"])
            bron.setdefault(k, np.full(G, "", dtype=object))[i] = LOCAL
    return out, bron


def _estimated_supply(prep: _Prepared, v: Mapping[str, float], vraag: Series) -> dict:
    """Supply at basisjaar per gemeente estimated from national ratios (labelled estimate)."""
    from .ouderen import STANDAARD_METHODE
    from .ouderen import WONINGTYPEN as OUDEREN_WT
    from .need import woonwagen_stock

    out = {}
    if "ouderen" in prep.groepen and prep.methode.get("ouderen", STANDAARD_METHODE) == "behoefte":
        for wt in OUDEREN_WT:
            out[("ouderen", wt)] = prep.cells(vraag[("ouderen", wt)])[..., 0] * v["ouderen.geschikt_aandeel"]
    if "studenten" in prep.groepen:
        out[("studenten", "studenteneenheid")] = (prep.cells(vraag[("studenten", "studenteneenheid")])[..., 0]
                                                  * (1 - v["studenten.tekort_aandeel"]))
    if "arbeidsmigranten" in prep.groepen:
        out[("arbeidsmigranten", "flex")] = (prep.cells(vraag[("arbeidsmigranten", "flex")])[..., 0]
                                             * (1 - v["arbeidsmigranten.tekort_aandeel"]))
    if "woonwagenbewoners" in prep.groepen:
        out[("woonwagenbewoners", "standplaats")] = woonwagen_stock(prep, v)
    return out


def _direct_opgave(prep: _Prepared, v: Mapping[str, float]) -> Series:
    """Opgave computed without vraag/aanbod: ouderen under *rijksopgave* (programme share)."""
    from .need import persons_75plus
    from .ouderen import WONINGTYPEN as OUDEREN_WT
    from .ouderen import rijksopgave_opgave

    if "ouderen" not in prep.groepen or prep.methode.get("ouderen") != "rijksopgave":
        return {}
    key = prep.ouderen_sleutel.set_index("gemeentecode")
    aandeel = key["aandeel"].reindex(prep.gemeenten).to_numpy(float)
    per_extra = float(prep.ouderen_sleutel.attrs.get("woningen_per_extra_75plus", 0.0))
    p75 = persons_75plus(prep)
    out = {("ouderen", wt): rijksopgave_opgave(aandeel, prep.years, p75, per_extra, wt) for wt in OUDEREN_WT}
    real = prep.realisaties
    if real is not None and len(real):
        # homes realised since 1-1-2022 (user CSV) count against the programme share in every year
        G, Y = prep.shape
        gpos = {c: i for i, c in enumerate(prep.gemeenten)}
        for rec in real.to_dict("records"):
            if rec["gemeentecode"] in gpos:
                arr = out[("ouderen", rec["woningtype"])].reshape(G, Y)
                arr[gpos[rec["gemeentecode"]], :] -= float(rec["gerealiseerd"])
    return out


def _apportion_supply(prep: _Prepared, weights: Series) -> Series:
    """Known supply per (groep, woningtype) as grid arrays (NaN where unknown), from gemeente or
    area (e.g. COROP) totals, split in proportion to ``weights`` (the midden need of that year)."""
    out: Series = {}
    for wt, waarde, cells in _supply_plan(prep):
        w = np.array([weights[(g, wt)][i] for g, i in cells])
        share = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
        for (g, i), sh in zip(cells, share):
            arr = out.setdefault((g, wt), np.full(len(prep.inw), np.nan))
            arr[i] = (0.0 if np.isnan(arr[i]) else arr[i]) + waarde * sh
    return out


def _supply_plan(prep: _Prepared) -> list[tuple[str, float, list[tuple[str, int]]]]:
    """The checked supply records that fall in the grid, each as ``(woningtype, waarde, cells)``
    with the (groep, cell) pairs it is split over; once per content of aanbod and gebieden,
    gemeenten, years and groups (it does not depend on the weights)."""
    akey = _fast.frame_key(prep.aanbod)
    gkey = b"-" if prep.gebieden is None else _fast.frame_key(prep.gebieden)
    key = (None if akey is None or gkey is None else
           ("supply_plan", akey, gkey, tuple(prep.gemeenten), tuple(prep.years), prep.groepen))
    return _CACHE.get_or_make(key, lambda: _make_supply_plan(prep))


def _make_supply_plan(prep: _Prepared) -> list[tuple[str, float, list[tuple[str, int]]]]:
    s = prep.aanbod
    need = {"gebiedscode", "jaar", "woningtype", "waarde"}
    if not need <= set(s.columns):
        raise ValueError(f"aanbod heeft kolommen {', '.join(sorted(need))} (en optioneel groep) nodig")
    if s["waarde"].isna().any() or (s["waarde"] < 0).any():
        raise ValueError("aanbod: lege of negatieve waarde")
    bad = sorted(set(s["woningtype"]) - set(WONINGTYPEN))
    if bad:
        raise ValueError(f"aanbod: onbekend woningtype {bad} ({', '.join(WONINGTYPEN)})")
    s = s[s["jaar"].isin(prep.years)]
    # Where each gebiedscode lies: a gemeente of the projection, or an area of ``gebieden``. Areas
    # and gemeenten wholly outside the projection are ignored (not this region's supply); an area
    # only partly inside cannot be split and is refused.
    members = {c: [c] for c in prep.gemeenten}
    if prep.gebieden is not None:
        for area, grp in prep.gebieden.groupby("gebiedscode"):
            codes = sorted(grp["gemeentecode"])
            inside = [c for c in codes if c in prep.gemeenten]
            if inside and len(inside) < len(codes) and area in set(s["gebiedscode"]):
                outside = [c for c in codes if c not in prep.gemeenten]
                raise ValueError(f"aanbod voor gebied {area}: gemeenten {', '.join(outside)} zitten niet in de "
                                 "projectie; het aanbod kan dan niet over de gemeenten verdeeld worden")
            members[area] = inside
    unplaced = sorted(c for c in set(s["gebiedscode"]) if c not in members and not str(c).startswith("GM"))
    if unplaced:
        raise ValueError(f"aanbod: gebied {', '.join(unplaced)} is geen gemeente en staat niet in gebieden")
    s = s[s["gebiedscode"].map(lambda c: bool(members.get(c)))]
    stand_groups = [g for g in prep.groepen if CATALOGUE[g].soort == "stand"]
    gpos = {c: i for i, c in enumerate(prep.gemeenten)}
    ypos = {y: i for i, y in enumerate(prep.years)}
    n_years = len(prep.years)
    plan = []
    for rec in s.to_dict("records"):
        area, wt, jaar = rec["gebiedscode"], rec["woningtype"], int(rec["jaar"])
        groups = [g for g in stand_groups if wt in CATALOGUE[g].woningtypen]
        if isinstance(rec.get("groep"), str):
            groups = [g for g in groups if g == rec["groep"]]
        cells = [(g, gpos[c] * n_years + ypos[jaar]) for g in groups for c in members[area]]
        if not cells:
            continue
        plan.append((wt, rec["waarde"], cells))
    return plan


def _opgave(prep: _Prepared, vraag: Series, aanbod: Series, direct: Series | None = None) -> dict:
    """CONTRACTS opgave (stand groups) and toewijzing (stroom groups) per (groep, woningtype):
    ``{key: (maat, array)}``. Never added together."""
    out: dict = {}
    for (g, wt), arr in vraag.items():
        m = prep.cells(arr)  # gemeenten × jaren (per draw: draws × gemeenten × jaren)
        if CATALOGUE[g].soort == "stand":
            # vraag(jaar) − aanbod(basisjaar), or − vraag(basisjaar) where supply is unknown (growth only).
            ref = m[..., 0].copy()
            if (g, wt) in aanbod:
                known = prep.cells(aanbod[(g, wt)])[..., 0]
                ref = np.where(np.isnan(known), ref, known)
            out[(g, wt)] = ("opgave", (m - ref[..., None]).reshape(arr.shape))
        else:
            # lettings from the existing stock: Σ vraag from basisjaar to jaar − 1.
            out[(g, wt)] = ("toewijzing", (_cumsum_years(m) - m).reshape(arr.shape))
    for k, arr in (direct or {}).items():
        out[k] = ("opgave", arr)
    return out


def _cumsum_years(m: np.ndarray) -> np.ndarray:
    """``np.cumsum(m, axis=-1)`` over the years; for draws × gemeenten × jaren as one addition per
    year over all draws and gemeenten (the same additions in the same order, without numpy's
    per-row loop over a short last axis)."""
    if m.ndim == 2:
        return np.cumsum(m, axis=1)
    out = np.empty_like(m)
    out[..., 0] = m[..., 0]
    for j in range(1, m.shape[-1]):
        np.add(out[..., j - 1], m[..., j], out=out[..., j])
    return out
