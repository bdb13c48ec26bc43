"""The page frame a reader sees first (render.page): the table of contents groups the gemeente pages,
so on a phone the Kernboodschap is on the first screen; names read well inside a sentence."""

from __future__ import annotations

import re

from woonzorg_lib.chapters import kernboodschap, labels
from woonzorg_lib.report import render, style


def _toc(n: int) -> list[tuple[int, str, str]]:
    gem = [(2, f"h-06-gemeenten-gemeente-g{i}", f"Gemeente G{i}") for i in range(n)]  # synthetic names
    return ([(2, "h-00-kernboodschap-kernboodschap", "Kernboodschap"), (2, "h-06-gemeenten-per-gemeente", "Per gemeente")]
            + gem + [(2, "h-08-methoden-methoden", "Methoden")])


def test_gemeente_pages_are_one_compact_group_in_the_table_of_contents():
    html = render.page(title="T", sections=[("a", "<h2 id='x'>x</h2>")], toc=_toc(26))
    nav = re.search(r'<nav class="wz-toc".*?</nav>', html, re.S).group(0)
    group = re.search(r'<li class="l2 wz-toc-gem"><ol>(.*?)</ol></li>', nav, re.S)
    assert group and group.group(1).count("<li>") == 26
    assert ">G0</a>" in group.group(1) and 'aria-label="Gemeente G0"' in group.group(1)
    assert nav.index("Per gemeente") < nav.index("wz-toc-gem") < nav.index("Methoden")  # order kept
    assert nav.count("<a ") == 26 + 3  # every page still has its link
    # on a narrow screen the entries flow side by side instead of one per line
    narrow = re.search(r"@media \(max-width:900px\)\{(.*?)\}\s*(?:@media|$)", style.CSS, re.S).group(1)
    assert ".wz-toc ol{display:flex;flex-wrap:wrap" in narrow


def test_region_names_read_well_inside_a_sentence():
    assert labels.region_in_sentence("Provincie Utrecht") == "de provincie Utrecht"
    assert labels.region_in_sentence("Centrumgemeenteregio Enschede") == "de centrumgemeenteregio Enschede"
    assert labels.region_in_sentence("Midden-Limburg") == "Midden-Limburg"
    names = [f"G{i:02d}" for i in range(26)]
    assert labels.names_in_sentence(names[:22], names) == "alle behalve G22, G23, G24 en G25"
    assert labels.names_in_sentence(names[:5], names) == "G00, G01, G02, G03 en G04"
    assert kernboodschap._assumption("Ouderen: deel van de ouderen met een beperking dat al geschikt woont") == \
        "deel van de ouderen met een beperking dat al geschikt woont"
    assert kernboodschap._assumption("Urgenten: urgentieverklaringen per 1.000 huishoudens") == \
        "urgentieverklaringen per 1.000 huishoudens (urgenten)"


def test_nothing_but_a_table_sticks_out_of_a_phone_screen(tmp_path):
    """At 400 px the page is one column whose width is the screen: a wide table scrolls inside its
    wrapper, text and the locator stay inside (the narrow grid was '1fr', which grew to the widest
    table, so every paragraph ran off the screen). The browser check reports what sticks out."""
    import pytest

    from woonzorg_lib.report import check, tables
    from woonzorg_lib.report.tables import Col
    import pandas as pd

    if not check.browser_available():
        pytest.skip("chromium/playwright ontbreekt: de telefoonbreedte-controle is NIET uitgevoerd")
    wide = pd.DataFrame({"gemeente": ["Centrumgemeenteregio-achtig-lange-naam"], **{f"k{i}": [1234.0] for i in range(9)}})
    t = tables.table(wide, [Col("gemeente", "Gemeente")] + [Col(f"k{i}", f"Kolom {i}", "personen op 1 januari", "int")
                                                            for i in range(9)], caption="Breed (synthetisch)")
    body = "<h2 id='x'>Kop</h2><p>" + "Een gewone zin voor een wethouder. " * 20 + "</p>" + t.html
    html = render.page(title="Woonzorganalyse Centrumgemeenteregio Enschede 2024–2030", sections=[("a", body)],
                       toc=[(2, "x", "Kop")])
    ok = tmp_path / "ok.html"
    ok.write_text(html, encoding="utf-8")
    assert check.browser_problems(ok)["phone_too_wide"] == []
    def without(*parts):
        out = html
        for a, b in parts:
            assert a in out, a
            out = out.replace(a, b)
        return out

    big_title = (("header.wz-head h1{font-size:1.4rem}", ""), (";overflow-wrap:break-word}", "}"))
    bad = tmp_path / "bad.html"  # the former narrow grid: the long title word widens the page, all text runs off
    bad.write_text(without(*big_title, (".wz-page{grid-template-columns:minmax(0,1fr)}",
                                        ".wz-page{grid-template-columns:1fr}")), encoding="utf-8")
    r = check.browser_problems(bad)
    assert len(r["phone_too_wide"]) > 3 and any("telefoonscherm" in p for p in r["problems"])
    big = tmp_path / "big.html"  # the title at its desktop size: the long word runs out of its box
    big.write_text(without(*big_title), encoding="utf-8")
    assert "h1" in check.browser_problems(big)["phone_too_wide"]
