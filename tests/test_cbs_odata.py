"""CBS OData v3 helpers without network: filters, keys and titles, periods, age titles, URL-length chunks.

Facts the tests rely on come from docs/cbs_odata.md (= shared/data/CBS_ODATA.md): keys in TypedDataSet are
space-padded (``'GM0957  '``); ``get_data()`` returns titles such as ``'Utrecht (gemeente)'`` and
``'Hengelo (O.)'``; period keys look like ``2024JJ00``; 85980NED periods are titled ``'2018 januari'`` /
``'2018 december'``; age categories are titled ``'0 tot 5 jaar'`` … ``'95 jaar of ouder'``.
"""

from urllib.parse import quote

import pytest

from woonzorg_lib.cbs.odata import (Dimension, DimensionError, PeriodError, age_band, build_filter, chunk_filters,
                                   period, plan_filters)
from woonzorg_lib.cbs.ofilter import FilterSyntaxError, compile_filter

ROWS = [{"RegioS": "GM0957  ", "Perioden": "2024JJ00", "Geslacht": "T001038"},
        {"RegioS": "GM0988  ", "Perioden": "2023JJ00", "Geslacht": "3000   "},
        {"RegioS": "NL01    ", "Perioden": "2024JJ00", "Geslacht": "T001038"}]


def _match(f):
    p = compile_filter(f)
    return [r["RegioS"].strip() for r in ROWS if p(r)]


def test_filter_compares_padded_keys_exactly_like_the_server():
    assert _match("RegioS eq 'GM0957'") == []                      # unpadded key: no match (CBS_ODATA.md §1.1)
    assert _match("RegioS eq 'GM0957  '") == ["GM0957"]
    assert _match("substringof('GM',RegioS)") == ["GM0957", "GM0988"]
    assert _match("startswith(RegioS,'NL')") == ["NL01"]
    assert _match("(RegioS eq 'GM0957  ' or RegioS eq 'NL01    ') and (Perioden eq '2024JJ00')") == ["GM0957", "NL01"]
    assert _match("not (Geslacht eq 'T001038')") == ["GM0988"]
    with pytest.raises(FilterSyntaxError):
        compile_filter("RegioS eq")


def test_titles_map_back_to_keys():
    d = Dimension("RegioS", [{"Key": "GM0344  ", "Title": "Utrecht (gemeente)"},
                             {"Key": "PV26    ", "Title": "Utrecht (PV)"},
                             {"Key": "CR17    ", "Title": "Utrecht (CR)"},
                             {"Key": "GM0164  ", "Title": "Hengelo (O.)"},
                             {"Key": "GM0957  ", "Title": "Roermond"}])
    assert d.key_of("GM0344  ") == "GM0344"          # padded key
    assert d.key_of("GM0344") == "GM0344"
    assert d.key_of("Utrecht (gemeente)") == "GM0344"  # a title as get_data() returns it
    assert d.key_of("Utrecht (PV)") == "PV26"
    assert d.key_of("Utrecht") == "GM0344"            # bare name: the one municipality with a qualifier
    assert d.key_of("Hengelo (O.)") == "GM0164"
    assert d.key_of("Hengelo") == "GM0164"
    assert d.key_of("Roermond") == "GM0957"
    assert d.padded["GM0957"] == "GM0957  "
    with pytest.raises(DimensionError, match="Roermond"):
        d.key_of("Roermnd")


def test_period_and_age_titles():
    assert period("2024JJ00") == (2024, "jaar", "")
    assert period("2018MM01") == (2018, "januari", "2018-01-01")
    assert period("2018MM12") == (2018, "december", "2018-12-31")
    assert period("XYZ", "2018 december") == (2018, "december", "2018-12-31")
    assert period("2024KW01") == (2024, "kwartaal", "") and period("2019G500") == (2019, "meerjarig", "")
    assert period("2018MM06") == (2018, "maand", "")
    assert period("XYZ", "2024") == (2024, "jaar", "")                 # unverified key, title decides
    assert period("1861G5  ", "1861 tot 1866")[1] == "meerjarig"       # 37360ned's five-year periods
    for key, title in (("2024JJ01", "2024"), ("2024XX00", ""), ("P2024", "peiljaar"), ("2024MM13", "")):
        with pytest.raises(PeriodError, match="onbekende periodecode"):
            period(key, title)
    assert age_band("0 tot 5 jaar") == (0, 4)
    assert age_band("95 jaar of ouder") == (95, None)
    assert age_band("0 jaar") == (0, 0)
    assert age_band("Totaal") == "totaal"
    assert age_band("Jonger dan 20 jaar") is None


def test_long_region_lists_are_split_so_urls_stay_short():
    keys = [f"GM{i:04d}  " for i in range(300)]
    fixed = {"Perioden": [f"{y}JJ00" for y in range(2014, 2025)]}
    filters = chunk_filters(fixed, "RegioS", keys, max_len=1500)
    assert len(filters) > 5
    assert all(len(quote(f, safe="")) <= 1500 for f in filters)
    assert all("Perioden eq '2024JJ00'" in f for f in filters)
    covered = [k for f in filters for k in keys if f"RegioS eq '{k}'" in f]
    assert sorted(covered) == sorted(keys)
    assert build_filter({"A": ["x"], "B": []}) == "(A eq 'x')"


def test_filters_are_chunked_to_a_conservative_clause_count():
    """No request carries more than 20 'eq' clauses (~24 has been seen to work at CBS, ~45 not); together the
    requests cover every period × region combination exactly once."""
    regions = [f"GM{i:04d}  " for i in range(342)]
    years = [f"{y}JJ00" for y in range(2014, 2025)]
    fixed = {"Geslacht": ["T001038", "3000   ", "4000   "], "BurgerlijkeStaat": ["T001019"]}
    filters = plan_filters(fixed, [("Perioden", years), ("RegioS", regions)], max_clauses=20, max_len=10_000)
    assert max(f.count(" eq ") for f in filters) <= 20
    pred = [compile_filter(f) for f in filters]
    for r in regions[:40] + regions[-5:]:
        for y in years:
            row = {"RegioS": r, "Perioden": y, "Geslacht": "3000   ", "BurgerlijkeStaat": "T001019"}
            assert sum(p(row) for p in pred) == 1
    one = plan_filters({}, [("Perioden", years)], max_clauses=20)          # no region dimension (37360ned)
    assert one == [build_filter({"Perioden": years})]
    with pytest.raises(ValueError):
        plan_filters({"A": [str(i) for i in range(20)]}, [("Perioden", years)], max_clauses=20)
