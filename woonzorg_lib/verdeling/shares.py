"""From indicator values to shares: the transformation rule of a verdeelsleutel (see
:mod:`.keys` for the rule in words), and the derived indicators (distance to the 30 % norm,
lettings capacity, effort index)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from woonzorg_lib.errors import InputError

# ``indicator`` / ``key`` arguments are :class:`.keys.Indicator` / :class:`.keys.Verdeelsleutel`;
# typed ``Any`` here because keys imports this module (no import cycle, not even for type hints).
__all__ = ["derive_indicators", "indicator_shares", "key_shares"]


def _numeric_column(table: pd.DataFrame, col: str, source: str, *,
                    non_negative: bool = False) -> pd.Series:
    if col not in table.columns:
        raise InputError(f"kolom '{col}' ontbreekt in de indicatortabel (nodig voor de sleutel)",
                         file=source, column=col, row=1)
    s = pd.to_numeric(table[col], errors="coerce").astype("float64")
    bad = s[~np.isfinite(s.to_numpy())]
    if len(bad):
        raise InputError(f"waarde ontbreekt of is geen getal ({table[col].loc[bad.index[0]]!r})",
                         file=source, column=col, row=bad.index[0])
    if non_negative and (s < 0).any():
        lab = s.index[(s < 0).to_numpy()][0]
        raise InputError(f"waarde mag niet negatief zijn ({s.loc[lab]:g})", file=source,
                         column=col, row=lab)
    return s


def _normalise(score: pd.Series) -> pd.Series | None:
    total = math.fsum(score.to_numpy().tolist())
    if total <= 0:
        return None
    return score / total


def _check_table(table: pd.DataFrame, source: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise InputError("de indicatoren moeten een tabel zijn (index gemeentecode)", file=source,
                         column="gemeentecode")
    if len(table) == 0:
        raise InputError("de indicatortabel heeft geen gemeenten", file=source,
                         column="gemeentecode", row=1)
    if table.index.has_duplicates:
        dup = table.index[table.index.duplicated()][0]
        raise InputError("gemeente staat dubbel in de indicatortabel", file=source,
                         column="gemeentecode", row=dup)


def indicator_shares(indicator: Any, indicatoren: pd.DataFrame, *,
                     source: str = "<indicatoren>") -> pd.Series:
    """Shares (sum 1) per gemeente from one indicator; see the module docstring for the rule."""
    _check_table(indicatoren, source)
    x = _numeric_column(indicatoren, indicator.naam, source)
    if indicator.clip_min is not None or indicator.clip_max is not None:
        x = x.clip(lower=indicator.clip_min, upper=indicator.clip_max)
    if indicator.transformatie == "rang":
        score = x.rank(method="average", ascending=indicator.richting == "meer_is_meer")
    elif indicator.richting == "meer_is_meer":
        if (x < 0).any():
            lab = x.index[(x < 0).to_numpy()][0]
            raise InputError(f"negatieve waarde ({x.loc[lab]:g}) bij richting meer_is_meer; zet "
                             "clip_min: 0 in de sleutel of corrigeer de invoer", file=source,
                             column=indicator.naam, row=lab)
        score = x
    else:
        score = x.max() - x
    if indicator.schaal is not None:
        score = score * _numeric_column(indicatoren, indicator.schaal, source, non_negative=True)
    shares = _normalise(score)
    if shares is None:
        if indicator.nul_regel == "gelijk":
            shares = pd.Series(1.0 / len(score), index=score.index)
        elif indicator.nul_regel == "inwoners":
            inw = _numeric_column(indicatoren, "inwoners", source, non_negative=True)
            shares = _normalise(inw)
            if shares is None:
                raise InputError(f"alle scores van '{indicator.naam}' zijn 0 en de terugval op "
                                 "inwoners kan niet: alle inwoners zijn 0", file=source,
                                 column="inwoners", row="alle gemeenten")
        else:
            raise InputError(f"alle scores van '{indicator.naam}' zijn 0 (nul_regel: fout); geen "
                             "enkele gemeente krijgt een aandeel", file=source,
                             column=indicator.naam, row="alle gemeenten")
    return shares.astype("float64").rename(indicator.naam)


def _memo_shares(ind: Any, indicatoren: pd.DataFrame, source: str, memo: dict | None,
                 varying: frozenset[str]) -> pd.Series:
    if memo is None or ind.naam in varying or ind.schaal in varying or \
            (ind.nul_regel == "inwoners" and "inwoners" in varying):
        return indicator_shares(ind, indicatoren, source=source)
    if ind not in memo:
        memo[ind] = indicator_shares(ind, indicatoren, source=source)
    return memo[ind]


def key_shares(key: Any, indicatoren: pd.DataFrame, *, groep: str | None = None,
               source: str = "<indicatoren>", memo: dict | None = None,
               varying: frozenset[str] = frozenset()) -> pd.Series:
    """The key's share per gemeente (``aandeel``, sums to 1) for ``groep``.

    ``indicatoren``: index gemeentecode, one column per indicator (plus any ``schaal`` columns).
    Index of the result: as in ``indicatoren``.

    ``memo`` (optional, one dict per base indicator table): remembers the shares of every
    indicator that reads none of the ``varying`` columns (those the caller sets per task, e.g.
    ``vraag``), so several keys and tasks over the same table compute each indicator once.
    """
    _check_table(indicatoren, source)
    mix = pd.Series(0.0, index=indicatoren.index)
    for ind in key.indicatoren_voor(groep):
        if ind.gewicht == 0:
            continue
        mix = mix + ind.gewicht * _memo_shares(ind, indicatoren, source, memo, varying)
    out = _normalise(mix)
    assert out is not None  # every indicator share sums to 1 and the weights sum to 1
    return out.rename("aandeel")


def derive_indicators(basis: pd.DataFrame, *, norm: float = 0.30, mutatiegraad: float = 0.065,
                      aandeel_aandachtsgroepen: float = 0.30,
                      source: str = "<indicatoren>") -> pd.DataFrame:
    """Add the derived indicator columns that are missing; never overwrites a given column.

    From ``sociale_huur`` and ``woningvoorraad``: ``afstand_30pct_norm = norm − sociale_huur /
    woningvoorraad`` (raw; the key clips at 0). From ``sociale_huur``: ``verhuurcapaciteit =
    sociale_huur × mutatiegraad × aandeel_aandachtsgroepen`` (per year; a ``mutatiegraad`` column
    per gemeente wins over the argument). From ``aandachtsgroep_huishoudens`` and ``inwoners``:
    ``huidige_inspanning`` = housed aandachtsgroep-huishoudens per 1000 inwoners.
    Defaults (rates.md (e)): mutatiegraad 6.5 % re-lets, 30 % of lettings to aandachtsgroepen.
    """
    _check_table(basis, source)
    out = basis.copy()
    cols = set(out.columns)
    if "afstand_30pct_norm" not in cols and {"sociale_huur", "woningvoorraad"} <= cols:
        sh = _numeric_column(out, "sociale_huur", source, non_negative=True)
        wv = _numeric_column(out, "woningvoorraad", source, non_negative=True)
        if (wv <= 0).any():
            lab = wv.index[(wv <= 0).to_numpy()][0]
            raise InputError("woningvoorraad moet positief zijn om het aandeel sociale huur te "
                             "berekenen", file=source, column="woningvoorraad", row=lab)
        if (sh > wv).any():
            lab = sh.index[(sh > wv).to_numpy()][0]
            raise InputError("meer sociale huurwoningen dan woningen", file=source,
                             column="sociale_huur", row=lab)
        out["afstand_30pct_norm"] = norm - sh / wv
    if "verhuurcapaciteit" not in cols and "sociale_huur" in cols:
        sh = _numeric_column(out, "sociale_huur", source, non_negative=True)
        if "mutatiegraad" in cols:
            mg = _numeric_column(out, "mutatiegraad", source, non_negative=True)
        else:
            mg = pd.Series(float(mutatiegraad), index=out.index)
        out["verhuurcapaciteit"] = sh * mg * float(aandeel_aandachtsgroepen)
    if "huidige_inspanning" not in cols and {"aandachtsgroep_huishoudens", "inwoners"} <= cols:
        hh = _numeric_column(out, "aandachtsgroep_huishoudens", source, non_negative=True)
        inw = _numeric_column(out, "inwoners", source, non_negative=True)
        if (inw <= 0).any():
            lab = inw.index[(inw <= 0).to_numpy()][0]
            raise InputError("inwoners moet positief zijn", file=source, column="inwoners",
                             row=lab)
        out["huidige_inspanning"] = hh / inw * 1000.0
    return out
