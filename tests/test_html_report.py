"""The published HTML a staff member reads: static checks, deterministic rendering, and a headless
Chromium check (console errors, external requests, broken images, alt text, visible code)."""

from __future__ import annotations

import re
import warnings

import pytest

from tests.report_build import REGION, build_once
from woonzorg_lib.report import check, render, terms


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    b = build_once(tmp_path_factory.mktemp("report"))
    assert b["rc"] == 0, "\n".join(b["lines"])
    return b


@pytest.fixture(scope="module")
def html(built):
    return built["html"].read_text(encoding="utf-8")


def test_static_checks_pass(html):
    assert check.static_problems(html) == []


def test_title_toc_sections_and_css_once(html):
    assert "<title>Woonzorganalyse Midden-Limburg 2024–2030</title>" in html
    assert html.count("<style>") == 1 and html.count('<nav class="wz-toc"') == 1
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "dubbele id's"
    for target in re.findall(r'<a href="#([^"]+)"', html):
        assert target in ids
    for chapter in ("Data en bronnen", "Bevolking en huishoudens", "Methoden", "Begrippenlijst",
                    "Bronnen en aannames"):
        assert f">{chapter}</a>" in html
    assert "@media print" in html


def test_dutch_numbers_and_sources(html):
    assert re.search(r"\b\d{1,3}(\.\d{3})+\b", html), "duizendtallen met een punt"
    assert re.search(r"\d+,\d%", html), "percentages met een komma"
    assert html.count("<figure") == html.count("<figcaption>Bron: CBS") > 0
    assert "Peildatum" in html


def test_bronnen_en_aannames_has_provenance_version_parameters(html):
    """Sources, code version and every parameter in plain Dutch (codes, file names and checksums are
    in the workbook's code columns, not in the HTML: CONTRACTS "Reports")."""
    body = html.split('id="h-09-bronnen-en-aannames"', 1)[1] if 'id="h-09-bronnen-en-aannames"' in html else html
    assert "85644NED" in body
    assert "Vingerafdruk gegevens" in body
    assert terms.parameter("ouderen.intramuraal_per_1000_75_84") in body, "parameters met Nederlandse naam"
    assert "variant" in body and "afschermdrempel" in body


def test_no_codes_paths_or_english_in_the_html(html):
    """What a reader sees is plain Dutch: no snake_case code, no file path, no English word, no
    'inf'/'nan' (CONTRACTS "Reports"; issue 15 item 4)."""
    problems = check.html_text_problems(html)
    assert problems == [], f"{len(problems)} plekken, bv.:\n" + "\n".join(problems[:15])


def test_headings_kernboodschap_first_and_a_page_per_gemeente(html):
    """CONTRACTS "Reports": the title is the only h1; the first h2 after the table of contents is
    "Kernboodschap"; every gemeente has a page with an h2 "Gemeente <CBS name>"."""
    assert html.count("<h1") == 1
    main = html.split("<main>", 1)[1]
    first = re.search(r"<h2\b[^>]*>(.*?)</h2>", main, re.S)
    assert first and check.visible_text(first.group(1)).strip() == "Kernboodschap", first and first.group(1)
    names = {"Echt-Susteren", "Leudal", "Maasgouw", "Nederweert", "Roerdalen", "Roermond", "Weert"}
    pages = {check.visible_text(h).strip() for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", main, re.S)}
    assert {f"Gemeente {n}" for n in names} <= pages, sorted(pages)
    assert html.count('class="wz-gemeente-page"') == len(names)


def test_print_header_status_and_run_date():
    """render.page: the run date and status (run parameters; None = not shown) in the title block
    and the running header of every printed page, with page numbers."""
    sections = [("h-a", '<h2 id="h-a-x">Kernboodschap</h2><p>tekst</p>')]
    with_run = render.page(title="Woonzorganalyse X 2024–2030", sections=sections, toc=[], status="concept",
                           rundatum="2026-12-03")
    assert '<p class="wz-status wz-status-concept">Concept · rundatum 3 december 2026</p>' in with_run
    css = re.search(r"<style>(.*?)</style>", with_run, re.S).group(1)
    assert '@top-left{content:"Woonzorganalyse X 2024–2030 · Concept · rundatum 3 december 2026"' in css
    assert 'counter(page) " van " counter(pages)' in css and "@page wide{size:A4 landscape" in css
    plain = render.page(title="T", sections=sections, toc=[])
    assert "wz-status" not in plain.split("</style>", 1)[1] and "rundatum" not in plain
    wide = render.page(title="T", toc=[], sections=[("h-a", '<div class="wz-table-wrap"><table><thead><tr>'
                                                    + "<th>k</th>" * 9 + "</tr></thead></table></div>")])
    assert '<div class="wz-table-wrap wz-wide">' in wide


def test_every_paragraph_of_the_notebooks_reaches_the_page(html):
    """Guards against a rendering step silently swallowing content (e.g. an unclosed tag)."""
    import html as html_mod
    import json as json_mod

    from tests.test_notebooks_static import NOTEBOOKS

    visible = html_mod.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S)))
    visible = re.sub(r"\s+", " ", re.sub(r"[*_#`>\[\]()-]", " ", visible))
    checked = 0
    for path in NOTEBOOKS:
        nb = json_mod.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            src = "".join(cell["source"])
            for para in src.split("\n\n"):
                words = re.sub(r"[*_#`>\[\]()-]", " ", para)
                words = re.sub(r"\s+", " ", words).strip()
                if len(words) < 30 or words.startswith("|"):
                    continue
                probe = " ".join(words.split()[:6])
                assert probe in visible, f"{path.name}: tekst ontbreekt in de HTML: {probe!r}"
                checked += 1
    assert checked > 40


def test_bruto_and_schatting_once_per_table_never_in_a_cell(html):
    """Issue 15 item 4: "bruto"/"schatting" is said once per table, in the legend under it."""
    assert check.marker_problems(html) == []
    assert 'class="wz-bruto"' not in html
    legends = re.findall(r'<p class="wz-note">([^<]*Bruto \(het aanbod is niet bekend[^<]*)</p>', html)
    assert legends, "the bruto legend is under the tables that hold bruto figures"
    assert all(n.count("Bruto (") == 1 for n in legends)


def test_model_figures_rounded_and_totals_agree_across_chapters(html):
    """One rounding policy: the same region total prints the same wherever it appears; the
    Kernboodschap's headline number is its table's total; each gemeente page repeats its row of
    the Kernboodschap table (issue 15 item 4; the 11.369 vs 11.370 defect)."""
    assert check.total_problems(html) == []
    totals = check.region_totals(html)
    extra = [v for (label, unit), v in totals.items() if label.startswith("Extra woningen") and unit == "woningen"]
    assert len(extra) == 1 and len(extra[0]) == 1
    headline = re.search(r"<strong>([\d.]+) woningen extra</strong>", html)
    assert headline and {headline.group(1)} == extra[0], (headline and headline.group(1), extra)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", headline.group(1)) and headline.group(1).endswith("0")
    kb = re.search(r"<caption>Per gemeente van .*?</table>", html, re.S).group(0)
    rows = {check.visible_text(n).strip(): v for n, v in
            re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td>', kb)}
    assert len(rows) == 7
    for naam, value in rows.items():
        page = re.search(rf"naar schatting ([\d.]+|minder dan 5) woningen extra nodig", html.split(
            f">Gemeente {naam}</h2>", 1)[1])
        assert page and page.group(1) == value, (naam, value, page and page.group(1))


def test_scan_finds_a_per_cell_marker_and_a_total_with_two_values():
    """The two checks above catch the defects they are for (synthetic tables)."""
    def table(caption, value, extra=""):
        return (f'<table class="wz-table"><caption>{caption}</caption><thead><tr><th scope="col">Gemeente</th>'
                f'<th scope="col" class="num">Opgave<span class="unit">woningen</span></th></tr></thead><tbody>'
                f'<tr><th scope="row">A</th><td class="num">5 {extra}</td></tr></tbody><tfoot><tr class="total">'
                f'<th scope="row">Totaal</th><td class="num">{value}</td></tr></tfoot></table>')
    bad = table("Een", "11.369", '<span class="wz-bruto">bruto</span>') + table("Twee", "11.370")
    assert len(check.marker_problems(bad)) == 1
    assert len(check.total_problems(bad)) == 1 and "11.369" in check.total_problems(bad)[0]
    good = table("Een", "11.400") + table("Twee", "11.400")
    assert check.marker_problems(good) == [] and check.total_problems(good) == []


def test_no_self_closing_tags_and_chapters_have_content(html):
    assert not re.search(r"<(a|div|span|p|section)\b[^>]*/>", html)
    for sec in re.findall(r'<section class="wz-chapter".*?</section>', html, re.S):
        assert len(re.sub(r"<[^>]+>", "", sec).strip()) > 200


def test_size_budget(built):
    assert built["html"].stat().st_size <= check.MAX_BYTES


def test_rendering_is_deterministic(built):
    job = built["job"]
    executed = render._nbformat().read(job["executed"], as_version=4)
    kw = dict(title=job["title"], header_html=job["header_html"], footer_html=job["footer_html"],
              status=job.get("status"), rundatum=job.get("rundatum"))
    a = render.render(executed, **kw)
    b = render.render(executed, **kw)
    assert a == b == built["html"].read_text(encoding="utf-8")


def test_index_page_links_the_report(built):
    idx = (built["out"] / "index.html").read_text(encoding="utf-8")
    assert f'href="{REGION}/index.html"' in idx and f'href="{REGION}/{REGION}.xlsx"' in idx
    assert check.static_problems(idx) == []


def test_headless_browser(built, tmp_path):
    if not check.browser_available():
        msg = ("BROWSER CHECK SKIPPED: /usr/bin/chromium (Debian package 'chromium') or playwright is missing; "
               "install it with `apt-get install -y chromium` to run this check")
        warnings.warn(msg)
        pytest.skip(msg)
    for page in (built["html"], built["out"] / "index.html"):
        r = check.browser_problems(page, screenshot=tmp_path / f"{page.parent.name}.png")
        assert r["problems"] == [], r
        assert r["title"].strip()
    r = check.browser_problems(built["html"])
    assert r["images"] >= 5 and r["toc_links"] >= 10
    assert r["wide_tables"] == r["wide_tables_landscape"], "brede tabellen liggen in print op een liggende pagina"


def test_headless_browser_first_screen_and_gemeente_pages(built):
    """The first screen a wethouder sees starts with the Kernboodschap; each gemeente page starts a
    new printed page (CONTRACTS "Reports"; issue 15 items 1, 2 and 8)."""
    if not check.browser_available():
        msg = ("BROWSER CHECK SKIPPED: /usr/bin/chromium (Debian package 'chromium') or playwright is missing; "
               "install it with `apt-get install -y chromium` to run this check")
        warnings.warn(msg)
        pytest.skip(msg)
    r = check.browser_problems(built["html"])
    assert r["problems"] == [], r["problems"]  # no console errors, no external requests
    assert r["first_h2"] == "Kernboodschap" and r["first_h2_on_first_screen"], r
    # the key numbers are visible without scrolling (1280 × 720): extra homes and lettings per year
    strong = r["first_screen_strong"]
    assert any(re.fullmatch(r"[\d.]+ woningen extra", t) for t in strong), strong
    assert any(re.fullmatch(r"[\d.]+ vrijkomende woningen", t) for t in strong), strong
    assert len(r["gemeente_pages"]) == 7 and r["gemeente_page_breaks"] == 7, r
    pages = r["gemeente_page_content"]
    assert [p["heading"] for p in pages] == r["gemeente_pages"]
    for p in pages:  # each page: its heading, its tables and its drawn locator map
        naam = p["heading"].removeprefix("Gemeente ")
        assert p["tables"] >= 3 and p["locator"] and p["caption"] == f"{naam} in Midden-Limburg", p


def test_browser_check_sees_a_missing_locator_shape(tmp_path):
    """The locator check fails when the highlighted shape is not in the document (synthetic page)."""
    if not check.browser_available():
        pytest.skip("BROWSER CHECK SKIPPED: /usr/bin/chromium or playwright is missing")
    from woonzorg_lib.report import locator

    defs = '<svg width="0" height="0"><defs><g id="wz-loc-regio"><path id="wz-loc-GM0001" d="M0 0l100 0 0 100z"/></g></defs></svg>'
    page = ("<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Proef</title></head><body><main>" + defs
            + "<h2>Gemeente A</h2>" + locator.locator_svg("GM0001", "A", "Regio", (100, 100))
            + "<table class='wz-table'><caption>t</caption></table>"
            + "<h2>Gemeente B</h2>" + locator.locator_svg("GM0002", "B", "Regio", (100, 100)) + "</main></body></html>")
    f = tmp_path / "proef.html"
    f.write_text(page, encoding="utf-8")
    got = {p["heading"]: p for p in check.browser_problems(f)["gemeente_page_content"]}
    assert got["Gemeente A"]["locator"] and got["Gemeente A"]["tables"] == 1
    assert not got["Gemeente B"]["locator"] and got["Gemeente B"]["tables"] == 0
