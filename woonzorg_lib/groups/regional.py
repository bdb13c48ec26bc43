"""Region-dependent defaults from the user-editable file ``config/regionale_waarden.csv``.

Each row sets values for a ``gebied`` at a ``niveau``: ``gemeente`` (a gemeentecode), ``corop``
(COROP name) or ``provincie`` (province name). A gemeente takes the value of the most specific row
that sets it (gemeente > corop > provincie); otherwise the national default
(``arbeidsmigranten_regiotype`` gemengd, ``landelijk`` ja, ``dakloos_g4`` nee: the G4 rate of
mo_dakloos). Every row names its source and date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from ..errors import InputError
from .catalogue import ARBEIDSMIGRANTEN_REGIOTYPEN, ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "config" / "regionale_waarden.csv"
NIVEAUS = ("gemeente", "corop", "provincie")
_JA_NEE = {"ja": True, "nee": False, "true": True, "false": False, "1": True, "0": False}


def read_regional_values(path: str | Path | None = None) -> pd.DataFrame:
    """The checked file as a DataFrame (one clear :class:`InputError` on bad input)."""
    file = Path(path) if path is not None else DEFAULT_FILE
    try:
        df = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, pd.errors.ParserError) as exc:
        raise InputError(f"kan het bestand niet lezen: {exc}", file=file) from None
    need = ["gebied", "niveau", "arbeidsmigranten_regiotype", "landelijk", "bron", "datum"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise InputError(f"kolommen ontbreken: {', '.join(missing)}", file=file, column=missing[0])
    for i, rec in enumerate(df.to_dict("records"), start=2):
        if rec["niveau"] not in NIVEAUS:
            raise InputError(f"niveau '{rec['niveau']}' is geen {', '.join(NIVEAUS)}", file=file, column="niveau",
                             row=i)
        t = rec["arbeidsmigranten_regiotype"]
        if t and t not in ARBEIDSMIGRANTEN_REGIOTYPEN:
            raise InputError(f"onbekend regiotype '{t}' ({', '.join(ARBEIDSMIGRANTEN_REGIOTYPEN)})", file=file,
                             column="arbeidsmigranten_regiotype", row=i)
        for col in ("landelijk", "dakloos_g4"):
            if rec.get(col) and rec[col].lower() not in _JA_NEE:
                raise InputError(f"{col} '{rec[col]}' is geen ja/nee", file=file, column=col, row=i)
        if not rec["bron"].strip():
            raise InputError("elke regionale waarde noemt haar bron", file=file, column="bron", row=i)
    if df.duplicated(["gebied", "niveau"]).any():
        i = int(df.index[df.duplicated(["gebied", "niveau"])][0]) + 2
        raise InputError("dubbel gebied", file=file, column="gebied", row=i)
    return df


def regional_defaults(codes: Iterable[str], path: str | Path | None = None,
                      gemeenten: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per gemeente: ``gemeentecode, arbeidsmigranten_regiotype, landelijk, dakloos_g4, bron`` (the row that set
    the regiotype, or "landelijke standaard"). ``gemeenten``: ``gemeentecode, corop, provincie``
    (default: the processed gemeenten table)."""
    if gemeenten is None:
        from ..dataset import load
        gemeenten = load.table("gemeenten")
    vals = read_regional_values(path)
    g = gemeenten.set_index("gemeentecode")
    # (niveau, gebied) → its row (read_regional_values refuses a double gebied per niveau)
    by_area = {(r["niveau"], r["gebied"]): r for r in vals.to_dict("records")}
    rows = []
    for code in sorted(set(codes)):
        where = {"gemeente": code, "corop": g.at[code, "corop"] if code in g.index else None,
                 "provincie": g.at[code, "provincie"] if code in g.index else None}
        regiotype, bron, landelijk, g4 = ARBEIDSMIGRANTEN_STANDAARD_REGIOTYPE, "landelijke standaard", True, False
        for niveau in reversed(NIVEAUS):  # provincie first, the most specific last (wins)
            area = where[niveau]
            rec = by_area.get((niveau, area)) if isinstance(area, str) else None
            if rec is None:
                continue
            if rec["arbeidsmigranten_regiotype"]:
                regiotype, bron = rec["arbeidsmigranten_regiotype"], f"{rec['bron']} ({rec['datum']})"
            if rec["landelijk"]:
                landelijk = _JA_NEE[rec["landelijk"].lower()]
            if rec.get("dakloos_g4"):
                g4 = _JA_NEE[rec["dakloos_g4"].lower()]
        rows.append((code, regiotype, landelijk, g4, bron))
    return pd.DataFrame(rows, columns=["gemeentecode", "arbeidsmigranten_regiotype", "landelijk", "dakloos_g4", "bron"])
