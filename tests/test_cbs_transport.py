"""The transport under cbsodata: replayed OData v3 pages, retries with (injectable) backoff, body checks.

Replies are served from tests/fixtures/cbs/noord-limburg/, recorded-style CBS OData v3 ``ODataFeed`` replies
whose shape follows docs/cbs_odata.md §1.1 and OData v3 JSON (``{"odata.metadata", "value", "odata.nextLink"}``);
their values are SYNTHETIC (see tests/fixtures/cbs/make_fixtures.py). The real cbsodata code paths run: only
the ``requests.Session`` it builds gets our adapter mounted.
"""

from __future__ import annotations

import json
from pathlib import Path

import cbsodata
import pytest
import requests
from requests.adapters import BaseAdapter

from woonzorg_lib.cbs import transport
from woonzorg_lib.cbs.transport import Backoff, ReplayAdapter, RetryAdapter, TransportFailure, _make_response

FIX = Path(__file__).resolve().parent / "fixtures" / "cbs"
BASE = FIX / "noord-limburg"


def test_replayed_data_set_is_paged_with_nextlink_exactly_like_odatafeed():
    adapter = ReplayAdapter(BASE)               # page_size 100 in _replay.json
    flt = "(RegioS eq 'GM0983  ') and (Perioden eq '2024JJ00' or Perioden eq '2023JJ00')"
    with transport.installed(adapter):
        rows = cbsodata.get_meta("03759ned", "TypedDataSet", filters=flt,
                                 select=["RegioS", "Perioden", "Geslacht", "Leeftijd", "BevolkingOp1Januari_1"])
        dims = cbsodata.get_meta("03759ned", "RegioS")
        info = cbsodata.get_info("03759ned")
    assert len(rows) == 2 * 3 * 21              # 2 years × 3 sexes × (20 bands + total) recorded
    assert {r["RegioS"] for r in rows} == {"GM0983  "}               # padded keys, not titles
    assert set(rows[0]) == {"RegioS", "Perioden", "Geslacht", "Leeftijd", "BevolkingOp1Januari_1"}
    pages = [u for u in adapter.log if "TypedDataSet" in u]
    assert len(pages) == 2 and "$skip=100" in pages[1]               # cbsodata followed odata.nextLink
    assert {"Key", "Title", "Description", "CategoryGroupID"} <= set(dims[0])
    assert info["Identifier"] == "03759ned"
    # the raw first page has the OData v3 JSON shape
    req = requests.Request("GET", "https://opendata.cbs.nl/ODataFeed/odata/03759ned/TypedDataSet",
                           params={"$format": "json", "$filter": flt}).prepare()
    doc = json.loads(adapter.send(req).content)
    assert list(doc) == ["odata.metadata", "value", "odata.nextLink"] and len(doc["value"]) == 100
    assert doc["odata.metadata"].endswith("/03759ned/$metadata#Cbs.OData.WebAPI.TypedDataSet")


class Scripted(BaseAdapter):
    """Inner adapter that plays a script: 'timeout', 'conn', a status code, 'truncated', 'badjson' or 'ok'."""

    def __init__(self, script):
        super().__init__()
        self.script = list(script)
        self.calls = 0

    def send(self, request, **kw):
        self.calls += 1
        step = self.script.pop(0) if self.script else "ok"
        body = b'{"odata.metadata":"m","value":[{"ID":0}]}'
        if step == "timeout":
            raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=1)")
        if step == "conn":
            raise requests.exceptions.ConnectionError("Connection reset by peer")
        if isinstance(step, int):
            return _make_response(request, step, b'{"odata.error":{}}', {"Retry-After": "3"} if step == 429 else None)
        if step == "truncated":
            return _make_response(request, 200, body[:20], {"Content-Length": str(len(body))})
        if step == "badjson":
            return _make_response(request, 200, b"<html>proxy error</html>")
        return _make_response(request, 200, body)

    def close(self):
        pass


def _get(adapter):
    s = requests.Session()
    s.mount("https://", adapter)
    return s.get("https://opendata.cbs.nl/ODataFeed/odata/03759ned/TableInfos")


def test_retries_back_off_exponentially_and_the_sleep_is_injectable():
    slept = []
    inner = Scripted(["timeout", 500, "truncated", "conn", "ok"])
    r = _get(RetryAdapter(inner, retries=4, backoff=Backoff(base=1.0), sleep=slept.append))
    assert r.status_code == 200 and inner.calls == 5
    assert slept == [1.0, 2.0, 4.0, 8.0]
    slept.clear()
    _get(RetryAdapter(Scripted([429, "ok"]), retries=2, backoff=Backoff(base=1.0), sleep=slept.append))
    assert slept == [3.0]                        # Retry-After honoured
    assert Backoff(base=0).delay(5, retry_after=30) == 0.0   # WOONZORG_CBS_BACKOFF=0: no waiting in tests
    assert Backoff(base=1, cap=30).delay(10) == 30.0


@pytest.mark.parametrize("step,reason", [("timeout", "time-out"), (503, "HTTP 503"), ("truncated", "afgekapt"),
                                         ("badjson", "geen geldige JSON"), ("conn", "verbindingsfout")])
def test_persistent_failure_names_the_failure_and_attempts(step, reason):
    slept = []
    with pytest.raises(TransportFailure) as e:
        _get(RetryAdapter(Scripted([step] * 10), retries=3, backoff=Backoff(base=0.5), sleep=slept.append))
    assert reason in str(e.value) and "na 4 pogingen" in str(e.value)
    assert "03759ned/TableInfos" in str(e.value)
    assert slept == [0.5, 1.0, 2.0]


def test_client_errors_are_not_retried():
    inner = Scripted([404])
    r = _get(RetryAdapter(inner, retries=4, backoff=Backoff(base=0), sleep=lambda s: None))
    assert r.status_code == 404 and inner.calls == 1


def test_recording_then_replaying_gives_the_same_rows(tmp_path):
    flt = "(RegioS eq 'GM0984  ') and (Perioden eq '2024JJ00')"
    rec = transport.RecordingAdapter(ReplayAdapter(BASE), tmp_path)
    with transport.installed(RetryAdapter(rec, backoff=Backoff(base=0))):
        a = cbsodata.get_meta("03759ned", "TypedDataSet", filters=flt)
        cbsodata.get_meta("03759ned", "DataProperties")
    assert (tmp_path / "03759ned" / "TypedDataSet.json").exists()
    with transport.installed(ReplayAdapter(tmp_path)):
        b = cbsodata.get_meta("03759ned", "TypedDataSet", filters=flt)
    assert a == b and len(a) == 3 * 21


def test_recorder_keeps_every_row_of_a_paged_chunked_reply(tmp_path):
    """Two filter chunks, each paged by odata.nextLink (pages of 100), with a $select without ID (as woonzorg
    sends it): the recording holds every row of every page (the old recorder kept the first 100), a repeated
    request is not stored twice, and replaying the recording gives the same rows."""
    select = ["Geslacht", "Leeftijd", "BurgerlijkeStaat", "RegioS", "Perioden", "BevolkingOp1Januari_1"]
    chunks = ["(RegioS eq 'GM0983  ' or RegioS eq 'GM0984  ') and (Perioden eq '2024JJ00' or Perioden eq '2023JJ00')",
              "(RegioS eq 'GM1507  ') and (Perioden eq '2024JJ00' or Perioden eq '2023JJ00')"]
    inner = ReplayAdapter(BASE)
    rec = transport.RecordingAdapter(inner, tmp_path)
    fetched = []
    with transport.installed(RetryAdapter(rec, backoff=Backoff(base=0))):
        for f in chunks + chunks[:1]:                       # the first chunk twice: stored once
            fetched.append(cbsodata.get_meta("03759ned", "TypedDataSet", filters=f, select=select))
    pages = [u for u in inner.log if "TypedDataSet" in u]
    assert [len(x) for x in fetched] == [252, 126, 252] and len(pages) == 3 + 2 + 3     # paged: 100 per page
    doc = json.loads((tmp_path / "03759ned" / "TypedDataSet.json").read_text(encoding="utf-8"))
    assert "ID" not in doc["value"][0]
    assert len(doc["value"]) == 252 + 126                  # every row of every page, nothing twice
    assert len(doc[transport.PAGES_KEY]) == 5
    replay = ReplayAdapter(tmp_path)
    with transport.installed(replay):
        again = [cbsodata.get_meta("03759ned", "TypedDataSet", filters=f, select=select) for f in chunks]
    assert again == fetched[:2]
    req = requests.Request("GET", "https://opendata.cbs.nl/ODataFeed/odata/03759ned/TypedDataSet",
                           params={"$format": "json", "$filter": chunks[1]}).prepare()
    assert transport.PAGES_KEY not in json.loads(replay.send(req).content)   # bookkeeping is not served
