"""HTTP transport under ``cbsodata``: retries with backoff, body checks, replay and recording.

``cbsodata`` (1.3.5) builds a new ``requests.Session()`` for every request it sends (see
``cbsodata/cbsodata3.py::_download_metadata``) and follows ``odata.nextLink`` itself. We leave its code
paths intact and only swap the ``Session`` it constructs for one with our adapter mounted
(:func:`installed`). The adapter stack is::

    RetryAdapter( RecordingAdapter? ( HTTPAdapter  |  ReplayAdapter(fixture dir) ) )

* :class:`RetryAdapter` retries one request (one page) on time-outs, connection errors, HTTP 429/5xx
  and bodies that are cut short or not valid JSON, waiting ``Backoff`` between attempts (the sleep
  function is injectable; ``WOONZORG_CBS_BACKOFF=0`` makes it zero). After the last attempt it raises
  :class:`TransportFailure` naming the URL, the failure and the number of attempts.
* :class:`ReplayAdapter` answers from a directory of recorded OData v3 replies (no network), see
  docs/downloader.md. It evaluates ``$filter``/``$select`` on the recorded rows and pages the data set
  with ``odata.nextLink`` exactly as the ODataFeed does, and can inject faults (time-out, HTTP 500,
  truncated body, renamed column) from the directory's ``_replay.json``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict

from .ofilter import FilterSyntaxError, compile_filter

RETRY_STATUS = {429, 500, 502, 503, 504}
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


class TransportFailure(requests.RequestException):
    """A request that kept failing after every retry."""

    def __init__(self, url: str, reason: str, attempts: int):
        self.url = url
        self.reason = reason
        self.attempts = attempts
        super().__init__(f"{reason} (na {attempts} poging{'en' if attempts != 1 else ''}; {short_url(url)})")


def short_url(url: str) -> str:
    """The URL without its (long) query, plus the page offset when it is a follow-up page."""
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query))
    skip = q.get("$skip") or q.get("$skiptoken")
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + (f", vervolgpagina {skip}" if skip else "")


class ReplayMiss(requests.RequestException):
    """The replay directory has no recording for a request."""


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: base · factor^(attempt-1), capped; a Retry-After header is honoured (capped)."""

    base: float = 1.0
    factor: float = 2.0
    cap: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if self.base <= 0:
            return 0.0
        d = self.base * self.factor ** max(attempt - 1, 0)
        if retry_after:
            d = max(d, retry_after)
        return float(min(self.cap, d))


def _retry_after(resp: requests.Response) -> float | None:
    v = resp.headers.get("Retry-After")
    if not v:
        return None
    try:
        return float(v)
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(v).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def body_problem(resp: requests.Response) -> str | None:
    """Why a 2xx body is unusable (cut short, not JSON, no 'value'), or None."""
    content = resp.content or b""
    declared = resp.headers.get("Content-Length")
    if declared and not resp.headers.get("Content-Encoding"):
        try:
            n = int(declared)
        except ValueError:
            n = None
        if n is not None and n != len(content):
            return f"afgekapt antwoord ({len(content)} van {n} bytes ontvangen)"
    try:
        doc = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"afgekapt of ongeldig antwoord (geen geldige JSON: {exc})"
    if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
        return "onverwacht antwoord (geen OData-lijst 'value')"
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return f"time-out ({exc})"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"afgekapt antwoord ({exc})"
    if isinstance(exc, requests.ConnectionError):
        return f"verbindingsfout ({exc})"
    return f"{type(exc).__name__}: {exc}"


class RetryAdapter(BaseAdapter):
    def __init__(self, inner: BaseAdapter, *, retries: int = 4, backoff: Backoff = Backoff(),
                 sleep: Callable[[float], None] = time.sleep,
                 on_event: Callable[[str, dict], None] | None = None):
        super().__init__()
        self.inner = inner
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.sleep = sleep
        self.on_event = on_event or (lambda kind, info: None)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        attempts = self.retries + 1
        reason = ""
        self.on_event("request", {"url": request.url})
        for attempt in range(1, attempts + 1):
            retry_after = None
            try:
                resp = self.inner.send(request, stream=stream, timeout=timeout, verify=verify, cert=cert,
                                       proxies=proxies)
                if resp.status_code in RETRY_STATUS:
                    reason = f"HTTP {resp.status_code} {resp.reason or REASONS.get(resp.status_code, '')}".strip()
                    retry_after = _retry_after(resp)
                elif resp.status_code >= 400:
                    return resp            # 4xx: not retried; cbsodata raises HTTPError naming the table
                else:
                    problem = body_problem(resp)  # reads the body: may raise ChunkedEncodingError
                    if problem is None:
                        return resp
                    reason = problem
            except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                reason = _describe(exc)
            self.on_event("failure", {"url": request.url, "attempt": attempt, "reason": reason})
            if attempt < attempts:
                d = self.backoff.delay(attempt, retry_after)
                self.on_event("retry", {"url": request.url, "attempt": attempt, "delay": d, "reason": reason})
                self.sleep(d)
        raise TransportFailure(request.url, reason, attempts)

    def close(self):
        self.inner.close()


# ----------------------------------------------------------------------------------------------
# replay


PAGES_KEY = "woonzorg.recorded_pages"   # in a recorded TypedDataSet.json: the pages it holds (not served)


def page_identity(url: str) -> str:
    """A data set page: its $filter, $select and $skip/$skiptoken (order-independent; $format ignored)."""
    q = sorted((k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k != "$format")
    return urlencode(q)


def _split_feed_path(url: str) -> tuple[str, str]:
    """('03759ned', 'TypedDataSet') from https://host/ODataFeed/odata/03759ned/TypedDataSet."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    low = [p.lower() for p in parts]
    if "odata" not in low:
        raise ReplayMiss(f"geen OData-pad: {url}")
    i = low.index("odata")
    table = parts[i + 1] if len(parts) > i + 1 else ""
    endpoint = "/".join(parts[i + 2:])
    return table, endpoint


def _make_response(request, status: int, body: bytes, headers: dict | None = None) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r.reason = REASONS.get(status, "")
    r._content = body
    r._content_consumed = True
    h = {"Content-Type": "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
         "Content-Length": str(len(body))}
    h.update(headers or {})
    r.headers = CaseInsensitiveDict(h)
    r.url = request.url
    r.request = request
    r.encoding = "utf-8"
    return r


class ReplayDir:
    """A replay directory: ``<TABLE>/<Endpoint>.json`` files plus an optional ``_replay.json``
    (``description``, ``base`` = another replay dir whose files are used when missing here,
    ``page_size``, ``faults``, ``values``)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"replay-map bestaat niet: {root}")
        cfg_file = self.root / "_replay.json"
        self.config = json.loads(cfg_file.read_text(encoding="utf-8")) if cfg_file.exists() else {}
        self.base = ReplayDir(self.root / self.config["base"]) if self.config.get("base") else None

    def chain(self) -> list["ReplayDir"]:
        return [self] + (self.base.chain() if self.base else [])

    def find(self, table: str, endpoint: str) -> Path | None:
        for d in self.chain():
            for sub in d.root.iterdir():
                if sub.is_dir() and sub.name.lower() == table.lower():
                    f = sub / f"{endpoint}.json"
                    if f.exists():
                        return f
        return None

    def endpoints(self, table: str) -> list[str]:
        names: set[str] = set()
        for d in self.chain():
            for sub in d.root.iterdir():
                if sub.is_dir() and sub.name.lower() == table.lower():
                    names |= {f.stem for f in sub.glob("*.json")}
        return sorted(names)

    def setting(self, key: str, default=None):
        for d in self.chain():
            if key in d.config:
                return d.config[key]
        return default

    def faults(self) -> list[dict]:
        return list(self.config.get("faults", []))  # faults are not inherited from the base

    def values_note(self, table: str, code: str | None = None) -> str:
        """What the recorded values of ``table`` are (``values`` in _replay.json: a text per table, or a
        mapping region code -> text with a ``default``), e.g. 'synthetic …' or 'real: copied from …'."""
        for d in self.chain():
            vals = d.config.get("values", {})
            for k, v in vals.items():
                if k.lower() == table.lower():
                    if isinstance(v, dict):
                        return str(v.get(code, v.get("default", ""))) if code else "; ".join(
                            f"{c}: {t}" for c, t in v.items())
                    return str(v)
        return str(self.setting("default_values", "onbekend"))


class ReplayAdapter(BaseAdapter):
    """Serve recorded CBS OData v3 replies from a :class:`ReplayDir` (see the module docstring)."""

    def __init__(self, root: str | Path):
        super().__init__()
        self.dir = ReplayDir(root)
        self.page_size = int(self.dir.setting("page_size", 10000))
        self._faults = [dict(f, _fired=0) for f in self.dir.faults()]
        self._lock = threading.Lock()
        self._cache: dict[tuple, list] = {}
        self.log: list[str] = []

    # -- faults --------------------------------------------------------------------------------
    def _fault_for(self, table: str, endpoint: str, page: int) -> dict | None:
        with self._lock:
            for f in self._faults:
                if f.get("table", "").lower() not in ("", table.lower()):
                    continue
                if f.get("endpoint") and f["endpoint"] != endpoint:
                    continue
                if f.get("page") and int(f["page"]) != page:
                    continue
                if f["kind"] == "rename_column":
                    return f
                times = f.get("times")
                if times is not None and f["_fired"] >= int(times):
                    continue
                f["_fired"] += 1
                return f
        return None

    # -- serving -------------------------------------------------------------------------------
    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = request.url
        self.log.append(url)
        table, endpoint = _split_feed_path(url)
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        skip = int(params.get("$skip", "0") or 0)
        paged = endpoint in ("TypedDataSet", "UntypedDataSet")
        page = skip // self.page_size + 1 if paged else 1
        fault = self._fault_for(table, endpoint, page)
        if fault and fault["kind"] == "timeout":
            raise requests.exceptions.ReadTimeout(
                f"HTTPSConnectionPool(host='{parts.hostname}', port=443): Read timed out. "
                f"(read timeout={timeout if timeout is not None else 'None'})", request=request)
        if fault and fault["kind"] == "http_status":
            status = int(fault.get("status", 500))
            body = json.dumps({"odata.error": {"code": "", "message": {
                "lang": "en-US", "value": fault.get("message", "An error has occurred.")}}}).encode()
            return _make_response(request, status, body)
        if endpoint == "":
            doc = {"odata.metadata": f"{parts.scheme}://{parts.netloc}/ODataFeed/OData/{table}/$metadata",
                   "value": [{"name": e, "url": f"{parts.scheme}://{parts.netloc}/ODataFeed/odata/{table}/{e}"}
                             for e in self.dir.endpoints(table)]}
            if not doc["value"]:
                return _make_response(request, 404, b'{"odata.error":{"code":"","message":{"lang":"en-US",'
                                                    b'"value":"Table not found."}}}')
        else:
            f = self.dir.find(table, endpoint)
            if f is None:
                raise ReplayMiss(f"geen opname voor tabel {table}, endpoint {endpoint or '(root)'} in "
                                 f"{self.dir.root} (verzoek {url})")
            doc = json.loads(f.read_text(encoding="utf-8"))
            ck = (str(f), params.get("$filter"), params.get("$select"))
            rows = self._cache.get(ck)
            if rows is None:
                rows = doc.get("value", [])
                if "$filter" in params:
                    try:
                        pred = compile_filter(params["$filter"])
                    except FilterSyntaxError as exc:
                        return _make_response(request, 400, json.dumps({"odata.error": {"code": "", "message": {
                            "lang": "en-US", "value": str(exc)}}}).encode())
                    rows = [r for r in rows if pred(r)]
                if "$select" in params:
                    cols = [c.strip() for c in params["$select"].split(",") if c.strip()]
                    rows = [{c: r[c] for c in cols if c in r} for r in rows]
                self._cache[ck] = rows
            # woonzorg's own bookkeeping and labels ("woonzorg.*") are never served
            doc = {k: v for k, v in doc.items() if k not in ("value", "odata.nextLink") and not k.startswith("woonzorg.")}
            if paged:
                chunk = rows[skip: skip + self.page_size]
                doc["value"] = chunk
                if skip + self.page_size < len(rows):
                    q = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "$skip"]
                    q.append(("$skip", str(skip + self.page_size)))
                    doc["odata.nextLink"] = urlunsplit((parts.scheme, parts.netloc, parts.path,
                                                        urlencode(q, safe="$,'()"), ""))
            else:
                doc["value"] = rows
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if fault and fault["kind"] == "rename_column":
            # a changed table: the name (or value) differs in what the server sends
            body = body.replace(json.dumps(fault["from"]).encode(), json.dumps(fault["to"]).encode())
        if fault and fault["kind"] == "truncate":
            keep = int(fault.get("bytes", len(body) // 2))
            return _make_response(request, 200, body[:keep], {"Content-Length": str(len(body))})
        return _make_response(request, 200, body)

    def close(self):
        pass


class RecordingAdapter(BaseAdapter):
    """Pass requests to ``inner`` and store every good JSON reply under ``root`` in the replay layout.

    Metadata endpoints are stored verbatim. Data set pages are appended to one file **with every row**:
    rows carry no usable identity (woonzorg's ``$select`` leaves out ``ID``, and two observations may agree
    on every selected column), so rows are never de-duplicated. Only a page that was already recorded (the
    same ``$filter``, ``$select`` and ``$skip``, e.g. a repeated fetch into the same directory) is not
    stored twice; the pages held are listed under ``woonzorg.recorded_pages`` in the file.
    """

    def __init__(self, inner: BaseAdapter, root: str | Path):
        super().__init__()
        self.inner = inner
        self.root = Path(root)
        self._lock = threading.Lock()

    def send(self, request, **kw):
        resp = self.inner.send(request, **kw)
        if resp.status_code != 200 or body_problem(resp):
            return resp
        table, endpoint = _split_feed_path(request.url)
        if not endpoint:
            return resp
        doc = json.loads(resp.content.decode("utf-8"))
        doc.pop("odata.nextLink", None)
        target = self.root / table / f"{endpoint}.json"
        with self._lock:
            target.parent.mkdir(parents=True, exist_ok=True)
            if endpoint in ("TypedDataSet", "UntypedDataSet"):
                page = page_identity(request.url)
                old = json.loads(target.read_text(encoding="utf-8")) if target.exists() else None
                pages = list(old.get(PAGES_KEY, [])) if old else []
                if page in pages:
                    return resp
                rows = (old["value"] if old else []) + doc["value"]
                doc = {k: v for k, v in (old or doc).items() if k not in ("value", PAGES_KEY)}
                doc[PAGES_KEY] = pages + [page]
                doc["value"] = rows
            lines = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in doc["value"])
            head = {k: v for k, v in doc.items() if k != "value"}
            text = json.dumps(head, ensure_ascii=False)[:-1] + (", " if head else "") + '"value": [\n' + lines + "\n]}\n"
            target.write_text(text, encoding="utf-8")
        return resp

    def close(self):
        self.inner.close()


@contextlib.contextmanager
def installed(adapter: BaseAdapter) -> Iterator[None]:
    """Make ``cbsodata`` send every request through ``adapter`` (restored afterwards)."""
    import cbsodata.cbsodata3 as c3

    original = c3.Session

    def session_factory() -> requests.Session:
        s = original()
        s.mount("https://", adapter)
        s.mount("http://", adapter)
        return s

    c3.Session = session_factory
    try:
        yield
    finally:
        c3.Session = original


def live_adapter() -> BaseAdapter:
    return HTTPAdapter(pool_connections=2, pool_maxsize=4)
