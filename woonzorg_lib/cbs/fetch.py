"""`woonzorg data fetch`: download the tables the pipeline uses for a region's gemeenten from CBS OData v3
(through ``cbsodata``), validate them, and swap them into ``data/raw/fetched/`` all at once.

Order of work (nothing under data/raw changes until the last step):

1. per table: ``TableInfos``, ``DataProperties``, the dimension endpoints (categories are chosen from
   these by verified key or title, never hard-coded unverified keys; an unknown period code stops the
   fetch), then ``TypedDataSet`` filtered on region and period (and short category lists), in chunks of at
   most ``MAX_FILTER_CLAUSES`` clauses; ``cbsodata`` follows ``odata.nextLink``; every request is retried
   with backoff by the transport; if 03759ned fails, 85644NED is fetched instead (``FALLBACK``);
2. the replies are parsed (padded keys stripped; a title where a key was expected is mapped back),
   checked (columns present, replies complete, men + women = total, bands sum to the total) and turned
   into rows of the fetched files (``builders``);
3. the rows are merged with what an earlier fetch left in data/raw/fetched/ (same key: the new row wins);
4. everything is written to a staging folder next to data/raw with a provenance sidecar per file
   (URL, query, retrieval date, sha256), checked with the real data build (raw + staged files; the caller
   passes it in as ``check``), and only then swapped in place of data/raw/fetched/ (``stage``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import requests

from .. import paths, provenance, regions
from ..errors import InputError, WoonzorgError
from . import transport
from .stage import (FETCHED, _as_text, _overlay_check, _read_fetched, _rel, _sidecar, _swap,  # noqa: F401
                    merge_rows)
from .odata import USED_KINDS, Dimension, DimensionError, PeriodError, clause_count, period, plan_filters
from .tables import (FALLBACK, FILE_KEYS, GROUPS, FetchError, SchemaChanged, TableSpec, population_spec,
                     resolve_measures, specs)

DEFAULT_FIRST_YEAR = 2014
MAX_FILTER_CHARS = 1800        # URL-encoded $filter per request (CBS runs on IIS: keep query strings short)
MAX_FILTER_CLAUSES = 20        # 'eq' clauses per $filter: ~24 has been seen to work, ~45 not (issue 16)
MAX_SELECT = 30               # longer column lists are not sent as $select (keeps the URL short): all columns come
MAX_FIXED_CLAUSES = 6          # server-side category filters (other than region and period) per request;
                               # longer category lists (e.g. 21 age bands) are filtered here instead


@dataclass
class Settings:
    """Transport settings; every field can be set from the environment (see docs/downloader.md)."""

    replay: str | None = None
    record: str | None = None
    retries: int = 4
    backoff: float = 1.0
    timeout: float = 120.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_env(cls, **over) -> "Settings":
        env = os.environ
        s = cls(replay=env.get("WOONZORG_CBS_REPLAY") or None, record=env.get("WOONZORG_CBS_RECORD") or None,
                retries=int(env.get("WOONZORG_CBS_RETRIES", 4)), backoff=float(env.get("WOONZORG_CBS_BACKOFF", 1.0)),
                timeout=float(env.get("WOONZORG_CBS_TIMEOUT", 120)))
        for k, v in over.items():
            if v is not None:
                setattr(s, k, v)
        return s


@dataclass
class Context:
    codes: list[str]
    names: dict[str, str]
    first: int
    last: int | None
    replay: transport.ReplayDir | None
    replay_label: str = ""
    warnings: list[str] = field(default_factory=list)

    def synthetic(self, table: str, code: str | None = None) -> bool:
        """True when replayed values of ``table`` (for region ``code``; None = any region) are synthetic."""
        if not self.replay:
            return False
        if code is None:
            codes = self.codes + ["NL01"]
            return any(self.synthetic(table, c) for c in codes)
        return not str(self.replay.values_note(table, code)).lower().startswith("real")

    def bron(self, table: str, code: str | None = None) -> str:
        """The ``bron`` of a row: 'CBS <table>', or for a replay a label that never claims CBS for synthetic values."""
        if not self.replay:
            return f"CBS {table}"
        name = Path(self.replay_label).name
        if self.synthetic(table, code or "default"):
            return f"SYNTHETISCH (replay-opname {name}), vorm van CBS {table}"
        return f"CBS {table} (replay-opname {name})"


@dataclass
class TableResult:
    spec: TableSpec
    title: str
    modified: str
    rows: int
    requests: list[dict]
    files: dict[str, pd.DataFrame]
    notes: list[str]
    periods: list[str]


class Client:
    """cbsodata calls with one place for error mapping (every message names the table)."""

    def __init__(self, settings: Settings, log: Callable[[str], None]):
        self.settings = settings
        self.log = log
        self.urls: list[str] = []
        inner = transport.ReplayAdapter(settings.replay) if settings.replay else transport.live_adapter()
        if settings.record:
            inner = transport.RecordingAdapter(inner, settings.record)
        self.adapter = transport.RetryAdapter(inner, retries=settings.retries,
                                              backoff=transport.Backoff(base=settings.backoff),
                                              sleep=settings.sleep, on_event=self._event)
        self.table = ("", "")

    def _event(self, kind: str, info: dict) -> None:
        if kind == "request":
            self.urls.append(info["url"])
        elif kind == "retry":
            self.log(f"    ! {self.table[0]}: poging {info['attempt']} mislukt ({info['reason']}); "
                     f"opnieuw over {info['delay']:.0f} s")

    def _call(self, what: str, fn):
        table, title = self.table
        try:
            return fn()
        except transport.TransportFailure as exc:
            raise FetchError(table, title, f"{what} ophalen mislukt: {exc}") from exc
        except transport.ReplayMiss as exc:
            raise FetchError(table, title, f"{what}: {exc}") from exc
        except requests.HTTPError as exc:
            raise FetchError(table, title, f"{what} ophalen mislukt: {exc}") from exc
        except requests.RequestException as exc:
            raise FetchError(table, title, f"{what} ophalen mislukt: {type(exc).__name__}: {exc}") from exc
        except (ValueError, KeyError) as exc:
            raise FetchError(table, title, f"{what}: onleesbaar antwoord ({type(exc).__name__}: {exc})") from exc

    def info(self, table: str) -> dict:
        import cbsodata

        return self._call("TableInfos", lambda: cbsodata.get_info(table, timeout=self.settings.timeout)) or {}

    def meta(self, table: str, name: str) -> list[dict]:
        import cbsodata

        return self._call(name, lambda: cbsodata.get_meta(table, name, timeout=self.settings.timeout))

    def data(self, table: str, filters: str, select: list[str] | None) -> list[dict]:
        import cbsodata

        return self._call("TypedDataSet", lambda: cbsodata.get_meta(table, "TypedDataSet", filters=filters,
                                                                    select=select, timeout=self.settings.timeout))


# ------------------------------------------------------------------------------------------------


def parse_years(text: str | None) -> tuple[int, int | None]:
    """'2014-2024' | '2019-' | '2024' | None -> (first, last or None = latest available)."""
    if not text:
        return DEFAULT_FIRST_YEAR, None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})?\s*)?", text)
    if not m:
        raise InputError(f"'{text}' is geen jaarbereik (vorm 2014-2024, 2019- of 2024)", column="--years")
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else (None if "-" in text else first)
    if last is not None and last < first:
        raise InputError(f"jaarbereik {text}: het eerste jaar ligt na het laatste", column="--years")
    if first < 1988 or (last or first) > 2100:
        raise InputError(f"jaarbereik {text} valt buiten 1988-2100", column="--years")
    return first, last


def _select_periods(spec: TableSpec, dim: Dimension, ctx: Context, title: str) -> dict[str, tuple[int, str]]:
    """The period keys to fetch -> (year, peildatum). Known kinds that are not used (quarters, months,
    five-year periods) are left out on purpose; an unknown period code stops the fetch."""
    out: dict[str, tuple[int, str]] = {}
    wanted = ("januari", "december") if spec.periods == "jan_dec" else ("jaar",)
    for k in dim.by_key:
        try:
            year, kind, peil = period(dim.padded[k], dim.title(k))
        except PeriodError as exc:
            raise SchemaChanged(spec.id, title, f"dimensie {spec.period_dim}: {exc} — heeft CBS de tabel gewijzigd? "
                                f"Bekend zijn: {', '.join(USED_KINDS)} en kwartalen, maanden, meerjarige perioden")
        if kind not in wanted:
            continue
        if spec.periods != "all" and (year < ctx.first or (ctx.last is not None and year > ctx.last)):
            continue
        out[k] = (year, peil)
    return out


def fetch_table(client: Client, spec: TableSpec, ctx: Context, log: Callable[[str], None]) -> TableResult:
    client.table = (spec.id, spec.title)
    start = len(client.urls)
    info = client.info(spec.id)
    title = str(info.get("Title") or spec.title)
    client.table = (spec.id, title)
    if str(info.get("OutputStatus", "")).lower().startswith("gediscontinueerd"):
        ctx.warnings.append(f"{spec.id}: CBS meldt de tabel als gediscontinueerd")
    props = client.meta(spec.id, "DataProperties")
    dim_names = [str(p.get("Key")) for p in props if "Dimension" in str(p.get("Type", ""))]
    need = [d for d in [spec.region_dim, *spec.dims, spec.period_dim] if d]
    missing = [d for d in need if d not in dim_names]
    if missing:
        raise SchemaChanged(spec.id, title, f"dimensie '{missing[0]}' ontbreekt — heeft CBS de tabel gewijzigd? "
                            f"Dimensies: {', '.join(dim_names)}")
    measures, notes = resolve_measures(spec, props)
    # --- dimensions and selections --------------------------------------------------------------
    dims: dict[str, Dimension] = {}
    for d in need:
        dims[d] = Dimension(d, client.meta(spec.id, d))
    labels: dict[str, dict[str, str]] = {d: sel(dims[d], spec) for d, sel in spec.dims.items()}
    periods = _select_periods(spec, dims[spec.period_dim], ctx, title)
    if not periods:
        what = (f"geen perioden in {ctx.first}-{ctx.last or 'nu'} in deze tabel "
                f"(perioden: {', '.join(list(dims[spec.period_dim].by_key)[:6])} …)")
        if spec.group == "bevolking":
            raise FetchError(spec.id, title, what)
        ctx.warnings.append(f"{spec.id}: {what}; tabel overgeslagen")
        return TableResult(spec, title, str(info.get("Modified", "")), 0, [], {}, notes, [])
    region_keys: list[str] = []
    if spec.region_dim:
        rdim = dims[spec.region_dim]
        wanted = (ctx.codes if spec.gemeenten else []) + (["NL01"] if spec.national else [])
        absent = [c for c in wanted if not rdim.has(c)]
        absent_gm = [c for c in absent if c.startswith("GM")]
        if absent_gm and spec.required:
            raise FetchError(spec.id, title, f"gemeente(n) {', '.join(absent_gm)} niet in de regio-indeling van "
                             "deze tabel (nieuwe gemeentecode of gewijzigde indeling?)")
        for c in absent:
            ctx.warnings.append(f"{spec.id}: {c} ({ctx.names.get(c, c)}) staat niet in deze tabel; overgeslagen")
        region_keys = [rdim.padded[c] for c in wanted if rdim.has(c)]
        if not region_keys:
            ctx.warnings.append(f"{spec.id}: geen van de gemeenten staat in deze tabel; tabel overgeslagen")
            return TableResult(spec, title, str(info.get("Modified", "")), 0, [], {}, notes, [])
    # server-side filter on the regions, the periods and the short category selections (smallest first,
    # at most MAX_FIXED_CLAUSES clauses); longer selections are applied to the rows below. The requests
    # are chunked so that no filter has more than MAX_FILTER_CLAUSES clauses (or MAX_FILTER_CHARS).
    fixed: dict[str, list[str]] = {}
    for d, lab in sorted(labels.items(), key=lambda kv: len(kv[1])):
        if len(lab) < len(dims[d].by_key) and clause_count(fixed) + len(lab) <= MAX_FIXED_CLAUSES:
            fixed[d] = [dims[d].padded[k] for k in lab]
    period_keys = [dims[spec.period_dim].padded[k] for k in periods]
    splits = [(spec.period_dim, period_keys)] + ([(spec.region_dim, region_keys)] if spec.region_dim else [])
    select = [*(d for d in need), *measures.values()]
    select_param = select if len(select) <= MAX_SELECT else None
    filters = plan_filters(fixed, splits, max_clauses=MAX_FILTER_CLAUSES, max_len=MAX_FILTER_CHARS)
    # --- data -----------------------------------------------------------------------------------
    raw_rows: list[dict] = []
    for f in filters:
        raw_rows.extend(client.data(spec.id, f, select_param))
    records = []
    for i, r in enumerate(raw_rows):
        absent_cols = [c for c in select if c not in r]
        if absent_cols:
            raise SchemaChanged(spec.id, title, f"kolom '{absent_cols[0]}' ontbreekt in TypedDataSet (rij {i + 1}) — "
                                "heeft CBS de tabel gewijzigd?")
        rec: dict = {}
        try:
            for d in need:
                rec[d] = dims[d].key_of(r[d])
        except DimensionError as exc:
            raise FetchError(spec.id, title, f"onbekende categorie in het antwoord: {exc}") from exc
        pk = rec[spec.period_dim]
        if pk not in periods:
            continue
        ok = True
        for d, lab in labels.items():
            if rec[d] not in lab:
                ok = False
                break
            rec[d] = lab[rec[d]]
        if not ok:
            continue
        rec["regio"] = rec.pop(spec.region_dim) if spec.region_dim else "NL01"
        if spec.region_dim and rec["regio"] not in ctx.codes + ["NL01"]:
            continue
        rec["jaar"], rec["peildatum"] = periods[pk]
        for var, key in measures.items():
            v = r[key]
            if v is not None and not isinstance(v, (int, float)):
                try:
                    v = float(str(v).strip())
                except ValueError:
                    raise FetchError(spec.id, title, f"kolom {key}: geen getal ({v!r})") from None
            rec[var] = v
        records.append(rec)
    cols = ["regio", "jaar", "peildatum", *(d for d in need if d not in (spec.region_dim, spec.period_dim)),
            *measures]
    df = pd.DataFrame.from_records(records, columns=cols)
    for var in measures:
        df[var] = pd.to_numeric(df[var], errors="coerce")
    if df.empty:
        raise FetchError(spec.id, title, "leeg antwoord: geen rijen voor de gevraagde gemeenten en perioden")
    if spec.region_dim and spec.gemeenten:
        got = set(df["regio"])
        lost = [c for c in ctx.codes if c not in got and rdim.has(c)]
        if lost and spec.required:
            raise FetchError(spec.id, title, f"geen rijen voor {', '.join(lost)} (onvolledig antwoord?)")
        years_asked = sorted({y for y, _ in periods.values()})
        for c in ctx.codes:
            have = set(df.loc[df["regio"] == c, "jaar"])
            gap = [y for y in years_asked if y not in have]
            if have and gap:
                ctx.warnings.append(f"{spec.id}: geen cijfers voor {c} ({ctx.names.get(c, c)}) in "
                                    f"{_span(gap)} (gemeente bestond toen nog niet onder deze code?)")
    files = spec.build(df, ctx, spec)
    reqs = [u for u in client.urls[start:]]
    log(f"  {spec.id:<9} {title[:60]:<60} {len(raw_rows):>6} rijen, {len(reqs)} verzoeken")
    return TableResult(spec, title, str(info.get("Modified", "")), len(raw_rows),
                       _request_log(spec.id, reqs), files, notes, sorted({str(v[0]) for v in periods.values()}))


def _fetch_with_fallback(client: Client, spec: TableSpec, ctx: Context, log: Callable[[str], None]) -> TableResult:
    """fetch_table; when a table with a FALLBACK fails (03759ned), the same figures from the other table."""
    try:
        return fetch_table(client, spec, ctx, log)
    except FetchError as exc:
        other = FALLBACK.get(spec.id)
        if not other:
            raise
        log(f"  {spec.id}: mislukt ({exc.detail}); terugval op {other}")
        try:
            res = fetch_table(client, population_spec(other), ctx, log)
        except FetchError as exc2:
            raise FetchError(spec.id, exc.title, f"{exc.detail}; ook de terugval op CBS-tabel {other} mislukte: "
                             f"{exc2.detail}") from exc2
        ctx.warnings.append(f"{other}: gebruikt in plaats van {spec.id}, dat mislukte ({exc.detail})")
        return res


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else (f"{years[0]}-{years[-1]}" if years[-1] - years[0] == len(years) - 1
                                                   else ", ".join(map(str, years)))


def _request_log(table: str, urls: list[str]) -> list[dict]:
    """The queries sent (first pages only; pages that follow odata.nextLink are counted)."""
    from urllib.parse import parse_qsl, urlsplit

    out: list[dict] = []
    for u in urls:
        parts = urlsplit(u)
        q = dict(parse_qsl(parts.query))
        endpoint = parts.path.rstrip("/").split("/")[-1]
        if "$skip" in q or "$skiptoken" in q:
            if out:
                out[-1]["paginas"] = out[-1].get("paginas", 1) + 1
            continue
        entry = {"tabel": table, "endpoint": endpoint, "url": f"{parts.scheme}://{parts.netloc}{parts.path}"}
        if endpoint in ("TypedDataSet", "UntypedDataSet"):
            entry["verzoek"] = u
        if "$filter" in q:
            entry["filter"] = q["$filter"]
        if "$select" in q:
            entry["select"] = q["$select"]
        out.append(entry)
    return out


@dataclass
class FetchReport:
    region: str
    tables: list[str]
    files: dict[str, int]
    warnings: list[str]
    fetched_dir: Path


def fetch(region_arg: str | Path, *, years: str | None = None, groups: list[str] | None = None,
          population_table: str = "03759ned", settings: Settings | None = None,
          raw: Path | None = None, log: Callable[[str], None] = print,
          check: Callable[[Path], None] | None = None) -> FetchReport:
    """Fetch, validate and swap in the tables of ``groups`` for a region (see the module docstring).

    ``check(raw_dir)`` is the data layer's build on a raw folder (raises a WoonzorgError, writes nothing);
    the CLI passes it (woonzorg_lib/commands/data.py). ``None`` skips that last check.
    """
    settings = settings or Settings.from_env()
    raw = Path(raw or paths.raw_dir())
    region = regions.load_region(region_arg, require_data=False)
    names = regions.known_gemeenten().set_index("gemeentecode")["gemeentenaam"].to_dict()
    first, last = parse_years(years)
    chosen = list(groups or GROUPS)
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        raise InputError(f"onbekende tabelgroep '{unknown[0]}'; kies uit {', '.join(GROUPS)}", column="--tables")
    replay = None
    if settings.replay:
        try:
            replay = transport.ReplayDir(settings.replay)
        except FileNotFoundError as exc:
            raise InputError(str(exc), file=settings.replay) from exc
    ctx = Context(codes=list(region.gemeenten), names=names, first=first, last=last, replay=replay,
                  replay_label=_rel(settings.replay) if settings.replay else "")
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    log(f"CBS ophalen voor {region.naam} ({len(region.gemeenten)} gemeenten), jaren {first}-{last or 'laatste'}"
        + (f" — REPLAY uit {ctx.replay_label}" if replay else ""))
    client = Client(settings, log)
    results: list[TableResult] = []
    with transport.installed(client.adapter):
        for spec in specs(population_table):
            if spec.group in chosen:
                results.append(_fetch_with_fallback(client, spec, ctx, log))
    # --- combine per file, merge with earlier fetches ----------------------------------------------
    fdir = raw / FETCHED
    new_files: dict[str, pd.DataFrame] = {}
    for r in results:
        for fname, df in r.files.items():
            if df is None or df.empty:
                continue
            new_files[fname] = pd.concat([new_files[fname], df], ignore_index=True) if fname in new_files else df
    if not new_files:
        raise FetchError("(alle)", "", "geen enkele tabel leverde rijen op")
    stage = Path(tempfile.mkdtemp(prefix=".fetch-stage-", dir=raw.parent))
    try:
        if fdir.exists():
            shutil.copytree(fdir, stage, dirs_exist_ok=True)
        counts = {}
        for fname, df in sorted(new_files.items()):
            key = FILE_KEYS[fname]
            dup = _as_text(df).duplicated(subset=key)
            if dup.any():
                row = df[dup.to_numpy()].iloc[0]
                raise FetchError("(alle)", "", f"{fname}: dubbele sleutel {tuple(row[key])} in de opgehaalde rijen")
            merged = merge_rows(_read_fetched(fdir / fname), df, key)
            target = stage / fname
            merged.to_csv(target, index=False, lineterminator="\n", encoding="utf-8")
            old_meta = None
            sc = provenance.sidecar_path(fdir / fname)
            if sc.exists():
                import yaml

                old_meta = yaml.safe_load(sc.read_text(encoding="utf-8"))
            meta = _sidecar(fname, merged, results, ctx, region, settings, when, old_meta)
            meta["sha256"] = provenance.sha256_of(target)
            meta["bytes"] = target.stat().st_size
            provenance.sidecar_path(target).write_text(
                __import__("yaml").safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
            counts[fname] = len(merged)
        if check is not None:
            _overlay_check(raw, stage, check)
        _swap(raw, stage)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)
    try:
        regions._snapshot_codes.cache_clear()
    except AttributeError:  # pragma: no cover
        pass
    for w in ctx.warnings:
        log(f"  let op: {w}")
    if replay and any(ctx.synthetic(r.spec.id) for r in results) and \
            raw.resolve() == (paths.root() / "data" / "raw").resolve():
        log("  LET OP: data/raw/fetched/ bevat nu SYNTHETISCHE testwaarden (replay). Verwijder ze met "
            "`rm -r data/raw/fetched` en bouw opnieuw (`woonzorg data build`).")
    return FetchReport(region.slug, [r.spec.id for r in results], counts, ctx.warnings, fdir)
