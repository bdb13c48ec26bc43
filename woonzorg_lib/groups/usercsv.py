"""Read CSV files that users write (local figures and other user tables) strictly.

Accepted: comma- OR semicolon-separated, decimal comma (in semicolon files, as Dutch Excel writes
them) or decimal point, UTF-8 with or without BOM, CRLF or LF, column names in any letter case.
Refused, always with an :class:`InputError` naming file, column and row (header = row 1):
anything that cannot be read unambiguously — both ``,`` and ``;`` in the header, a row with the
wrong number of fields, undecodable bytes, unknown or missing columns (the closest known name is
suggested), non-numbers, empty cells / NaN / inf in required columns, negative counts, numbers
with thousands separators (``1.234`` in a semicolon file, ``1.234,5``), a decimal comma in a
comma-separated file, decimal comma and decimal point mixed in one file, duplicate keys, and
gemeentecodes that are not in the given set of known codes.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterable, Sequence

import pandas as pd

from ..errors import InputError
from .catalogue import CATALOGUE, EENHEDEN, GROUP_CODES, VARIANTEN, WONINGTYPEN

_NA = {"", "nan", "na", "n/a", "#n/a", "#n/b", "null", "none", "-", "inf", "-inf", "+inf", "infinity"}
_INT = re.compile(r"^[+-]?\d+$")
_POINT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)$")
_COMMA = re.compile(r"^[+-]?(\d+,\d*|,\d+)$")
_GROUPED_POINT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


@dataclass(frozen=True)
class Column:
    """One expected column. ``kind``: text, int, number (any real) or count (real ≥ 0)."""

    name: str
    kind: str = "text"
    required: bool = True
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    pattern_hint: str = ""
    case: str | None = None  # "upper" / "lower": normalise text before checking


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" Bedoelt u '{close[0]}'?" if close else ""


def _decode(raw: bytes, file: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("bestand is UTF-16; sla het op als 'CSV UTF-8'", file=file, column="<bestand>", row=1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        prefix = raw[line_start: exc.start].decode("utf-8", errors="replace")
        header = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        delim = ";" if header.count(";") > header.count(",") else ","
        names = [h.strip() for h in header.split(delim)]
        idx = prefix.count(delim)
        column = names[idx] if line_no > 1 and idx < len(names) else "<kop>"
        raise InputError(f"byte 0x{raw[exc.start]:02x} is geen geldige UTF-8; sla het bestand op als "
                         "'CSV UTF-8 (door komma's gescheiden)'", file=file, column=column, row=line_no) from None


def _detect_delimiter(text: str, file: Path) -> str:
    header = text.split("\n", 1)[0].rstrip("\r")
    commas, semis = header.count(","), header.count(";")
    if commas and semis:
        raise InputError("de kopregel bevat zowel ',' als ';': gebruik één scheidingsteken", file=file,
                         column="<kop>", row=1)
    if not commas and not semis:
        hint = " (tabs worden niet ondersteund)" if "\t" in header else ""
        raise InputError(f"geen scheidingsteken gevonden in de kopregel; gebruik ',' of ';'{hint}", file=file,
                         column=header.strip() or "<kop>", row=1)
    return "," if commas else ";"


def _parse_number(s: str, delim: str, file: Path, column: str, row: int) -> tuple[float, str | None]:
    """Parse one numeric cell; return (value, decimal style 'komma' / 'punt' / None)."""
    if _INT.match(s):
        return float(s), None
    if "," in s and "." in s:
        raise InputError(f"'{s}' bevat zowel '.' als ',': schrijf getallen zonder duizendtalscheiding",
                         file=file, column=column, row=row)
    if _COMMA.match(s):
        if delim == ",":
            raise InputError(f"'{s}': een decimale komma in een bestand met ',' als scheidingsteken is "
                             "dubbelzinnig; gebruik ';' als scheidingsteken of een decimale punt",
                             file=file, column=column, row=row)
        return float(s.replace(",", ".")), "komma"
    if _POINT.match(s):
        if delim == ";" and _GROUPED_POINT.match(s):
            raise InputError(f"'{s}' is dubbelzinnig (duizendtalscheiding of decimale punt?); schrijf het "
                             "getal zonder punt, of met een decimale komma", file=file, column=column, row=row)
        return float(s), "punt"
    raise InputError(f"'{s}' is geen getal", file=file, column=column, row=row)


def read_user_csv(path: str | Path, columns: Sequence[Column], *, key: Sequence[str] = (),
                  known_gemeenten: Collection[str] | None = None,
                  gemeente_column: str = "gemeentecode") -> pd.DataFrame:
    """Read a user CSV against a column spec; return a DataFrame with the spec's columns (optional
    columns that are absent are filled with missing values) plus ``regel`` (the 1-based line)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise InputError("bestand bestaat niet", file=file, column="<bestand>", row=1) from None
    text = _decode(raw, file)
    if not text.strip():
        raise InputError("bestand is leeg", file=file, column="<bestand>", row=1)
    delim = _detect_delimiter(text, file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"', strict=True)
    spec = {c.name: c for c in columns}
    try:
        header = next(reader)
        names = [h.strip().lower() for h in header]
        for i, n in enumerate(names):
            if not n:
                raise InputError(f"kolom {i + 1} heeft geen naam", file=file, column=f"<kolom {i + 1}>", row=1)
            if n in names[:i]:
                raise InputError(f"kolom '{n}' komt twee keer voor", file=file, column=n, row=1)
            if n not in spec:
                raise InputError(f"onbekende kolom '{header[i].strip()}'.{_suggest(n, spec)} "
                                 f"Verwacht: {', '.join(spec)}", file=file, column=header[i].strip(), row=1)
        for c in columns:
            if c.required and c.name not in names:
                raise InputError(f"kolom '{c.name}' ontbreekt (kop: {', '.join(names)})", file=file,
                                 column=c.name, row=1)
        records: list[dict] = []
        style_seen: dict[str, int] = {}
        seen_keys: dict[tuple, int] = {}
        for fields in reader:
            row = reader.line_num
            if all(not f.strip() for f in fields):
                continue
            if len(fields) != len(names):
                hint = ""
                if delim == "," and any(";" in f for f in fields):
                    hint = " (gemengde scheidingstekens ',' en ';'?)"
                elif delim == ",":
                    hint = " (een decimale komma? Gebruik dan ';' als scheidingsteken)"
                elif delim == ";" and any("," in f for f in fields) and len(fields) == 1:
                    hint = " (gemengde scheidingstekens ',' en ';'?)"
                col = names[min(len(fields), len(names)) - 1] if fields else names[0]
                raise InputError(f"regel heeft {len(fields)} velden, de kop heeft er {len(names)}{hint}",
                                 file=file, column=col, row=row)
            rec: dict = {"regel": row}
            for name, cell in zip(names, fields):
                c = spec[name]
                s = cell.strip()
                if s.lower() in _NA:
                    if c.required:
                        what = "is leeg" if not s else f"'{s}' is geen geldige waarde"
                        raise InputError(f"verplichte waarde {what}", file=file, column=name, row=row)
                    rec[name] = None
                    continue
                if c.kind == "text":
                    if delim == "," and ";" in s and (c.allowed or c.pattern):
                        raise InputError(f"'{s}' bevat ';' in een bestand met ',' als scheidingsteken "
                                         "(gemengde scheidingstekens)", file=file, column=name, row=row)
                    if c.case == "upper":
                        s = s.upper()
                    elif c.case == "lower":
                        s = s.lower()
                    if c.pattern and not re.fullmatch(c.pattern, s):
                        raise InputError(f"'{cell.strip()}' is ongeldig{c.pattern_hint}", file=file,
                                         column=name, row=row)
                    if c.allowed is not None and s not in c.allowed:
                        raise InputError(f"onbekende waarde '{s}'.{_suggest(s, c.allowed)} "
                                         f"Toegestaan: {', '.join(c.allowed)}", file=file, column=name, row=row)
                    rec[name] = s
                elif c.kind == "int":
                    if not _INT.match(s):
                        raise InputError(f"'{s}' is geen geheel getal", file=file, column=name, row=row)
                    rec[name] = int(s)
                else:
                    value, style = _parse_number(s, delim, file, name, row)
                    if style:
                        other = "punt" if style == "komma" else "komma"
                        if other in style_seen:
                            raise InputError(f"decimale {style} hier, maar decimale {other} op regel "
                                             f"{style_seen[other]}: gebruik één decimaalteken", file=file,
                                             column=name, row=row)
                        style_seen.setdefault(style, row)
                    if c.kind == "count" and value < 0:
                        raise InputError(f"'{s}' is negatief; een aantal kan niet negatief zijn", file=file,
                                         column=name, row=row)
                    rec[name] = value
            if known_gemeenten is not None and rec.get(gemeente_column) is not None:
                code = rec[gemeente_column]
                if code not in known_gemeenten:
                    raise InputError(f"gemeentecode '{code}' is onbekend in deze regio/momentopname."
                                     f"{_suggest(code, sorted(known_gemeenten))}", file=file,
                                     column=gemeente_column, row=row)
            if key:
                k = tuple(rec.get(n) for n in key)
                if k in seen_keys:
                    raise InputError(f"dubbele sleutel ({', '.join(f'{n}={v}' for n, v in zip(key, k))}); "
                                     f"ook op regel {seen_keys[k]}", file=file, column=key[-1], row=row)
                seen_keys[k] = row
            records.append(rec)
    except csv.Error as exc:
        raise InputError(f"kan de regel niet lezen: {exc}", file=file, column="<regel>",
                         row=reader.line_num) from None
    if not records:
        raise InputError("bestand bevat alleen een kopregel", file=file, column="<bestand>", row=2)
    cols = [c.name for c in columns] + ["regel"]
    df = pd.DataFrame.from_records(records, columns=cols)
    for c in columns:
        if c.kind == "int" and c.required:
            df[c.name] = df[c.name].astype("int64")
        elif c.kind in ("number", "count"):
            df[c.name] = df[c.name].astype("float64")
    return df


# ---- local figures ------------------------------------------------------------------------------
LOCAL_FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("gemeentecode", pattern=r"GM\d{4}", case="upper",
           pattern_hint=": verwacht een CBS-gemeentecode zoals GM0957 (Excel haalt voorloopnullen weg: "
                        "maak de kolom tekst)"),
    Column("groep", allowed=GROUP_CODES, case="lower"),
    Column("jaar", kind="int"),
    Column("waarde", kind="count"),
    Column("woningtype", required=False, allowed=WONINGTYPEN, case="lower"),
    Column("variant", required=False, allowed=VARIANTEN, case="lower"),
    Column("eenheid", required=False, allowed=EENHEDEN, case="lower"),
    Column("gemeentenaam", required=False),
    Column("bron", required=False),
    Column("opmerking", required=False),
    Column("maat", required=False, allowed=("vraag", "aanbod"), case="lower"),
)
LOCAL_FIGURE_KEY = ("gemeentecode", "groep", "woningtype", "maat", "jaar", "variant")


def read_local_figures(path: str | Path, *, known_gemeenten: Collection[str] | None = None,
                       basisjaar: int = 2024, tot_jaar: int = 2100) -> pd.DataFrame:
    """Read a local-figures CSV (schema: docs/aandachtsgroepen.md, example in config/examples/).

    One row per gemeente × groep × jaar (× woningtype, × maat, × variant): ``waarde`` is the group's
    *vraag* (``maat`` empty or ``vraag``) or its current supply (``maat`` ``aanbod``: stand groups,
    basisjaar only; replaces the estimate) in the catalogue unit for that woningtype (e.g. woningen per jaar for a stroom group,
    plaatsen on 1 January for ouderen/intramuraal). ``woningtype`` may be empty for groups with one
    woningtype; ``variant`` empty = all variants. Returns ``gemeentecode, groep, woningtype, jaar,
    variant, waarde`` (variant missing = all) sorted by key, with ``attrs['bestand']``.
    """
    file = Path(path)
    df = read_user_csv(file, LOCAL_FIGURE_COLUMNS, known_gemeenten=known_gemeenten)
    out_rows = []
    seen: dict[tuple, int] = {}
    for rec in df.to_dict("records"):
        row = int(rec["regel"])
        group = CATALOGUE[rec["groep"]]
        wt = rec["woningtype"] if isinstance(rec["woningtype"], str) else None
        if wt is None:
            if len(group.woningtypen) > 1:
                raise InputError(f"groep {group.code} heeft meerdere woningtypen "
                                 f"({', '.join(group.woningtypen)}); vul de kolom woningtype in",
                                 file=file, column="woningtype", row=row)
            wt = next(iter(group.woningtypen))
        elif wt not in group.woningtypen:
            raise InputError(f"woningtype '{wt}' hoort niet bij groep {group.code} "
                             f"(wel: {', '.join(group.woningtypen)})", file=file, column="woningtype", row=row)
        eenheid = rec["eenheid"] if isinstance(rec["eenheid"], str) else None
        if eenheid is not None and eenheid != group.eenheid_voor(wt):
            raise InputError(f"groep {group.code} / {wt} wordt geteld in {group.eenheid_voor(wt)}, niet in "
                             f"{eenheid}; reken het cijfer om", file=file, column="eenheid", row=row)
        if not basisjaar <= rec["jaar"] <= tot_jaar:
            raise InputError(f"jaar {rec['jaar']} ligt buiten {basisjaar}–{tot_jaar} (lokale cijfers gelden "
                             f"vanaf het basisjaar {basisjaar})", file=file, column="jaar", row=row)
        variant = rec["variant"] if isinstance(rec["variant"], str) else None
        maat = rec.get("maat") if isinstance(rec.get("maat"), str) else "vraag"
        if maat == "aanbod" and isinstance(rec["variant"], str):
            raise InputError("lokaal aanbod geldt voor alle varianten (het huidige aanbod); laat variant leeg",
                             file=file, column="variant", row=row)
        if maat == "aanbod" and (group.soort != "stand" or rec["jaar"] != basisjaar):
            raise InputError(f"lokaal aanbod kan alleen voor standgroepen op 1 januari {basisjaar} (het basisjaar); "
                             f"{group.code} is {group.soort}, jaar {rec['jaar']}", file=file, column="maat", row=row)
        k = (rec["gemeentecode"], group.code, wt, maat, rec["jaar"])
        for v in ([variant] if variant else list(VARIANTEN)):
            if (k, v) in seen:
                raise InputError(f"dubbele sleutel ({rec['gemeentecode']}, {group.code}, {wt}, {rec['jaar']}, "
                                 f"variant {v}); ook op regel {seen[(k, v)]}", file=file,
                                 column="variant" if variant else "jaar", row=row)
            seen[(k, v)] = row
        out_rows.append({"gemeentecode": rec["gemeentecode"], "groep": group.code, "woningtype": wt, "maat": maat,
                         "jaar": int(rec["jaar"]), "variant": variant, "waarde": float(rec["waarde"])})
    out = pd.DataFrame(out_rows, columns=["gemeentecode", "groep", "woningtype", "maat", "jaar", "variant", "waarde"])
    out = out.sort_values(["gemeentecode", "groep", "woningtype", "maat", "jaar", "variant"], na_position="first",
                          kind="mergesort").reset_index(drop=True)
    out.attrs["bestand"] = str(file)
    return out


#: Realisations CSV (CONTRACTS "Files a user writes"): homes for ouderen realised since 1-1-2022.
REALISATION_COLUMNS: tuple[Column, ...] = (
    Column("gemeentecode", pattern=r"GM\d{4}", case="upper",
           pattern_hint=": verwacht een CBS-gemeentecode zoals GM0957"),
    Column("woningtype", allowed=("nultreden", "geclusterd", "zorggeschikt"), case="lower"),
    Column("gerealiseerd", kind="count"),
    Column("gepland", kind="count", required=False),
    Column("gemeentenaam", required=False),
    Column("bron", required=False),
    Column("opmerking", required=False),
)


def read_realisations(path: str | Path, *, known_gemeenten: Collection[str] | None = None) -> pd.DataFrame:
    """Read a realisations CSV: per gemeente × woningtype (nultreden, geclusterd, zorggeschikt) the
    homes for ouderen ``gerealiseerd`` from 1-1-2022 up to 1-1-2024 (and optionally ``gepland``,
    shown, not subtracted). Used by the *rijksopgave* method: opgave = programme share −
    gerealiseerd. Returns ``gemeentecode, woningtype, gerealiseerd, gepland`` sorted by key."""
    df = read_user_csv(path, REALISATION_COLUMNS, key=("gemeentecode", "woningtype"),
                       known_gemeenten=known_gemeenten)
    out = df[["gemeentecode", "woningtype", "gerealiseerd", "gepland"]].sort_values(
        ["gemeentecode", "woningtype"], kind="mergesort").reset_index(drop=True)
    out.attrs["bestand"] = str(path)
    return out
