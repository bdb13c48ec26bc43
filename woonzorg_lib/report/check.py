"""Checks a reader (and a reviewer) would make of a published report.

``static_problems(html)``: no code, no stderr/warnings/tracebacks/temp paths, no external URLs or
scripts, a real title, alt text on every image and embedded images only, a source line with
reference date under every chart, a caption on every table and a unit on every numeric column,
Dutch percentages, size within budget.

``text_problems(text)``: snake_case codes, file paths, English words or "inf"/"nan" in text a
reader sees (:func:`visible_text` of the HTML; every text cell of the workbook except its code
columns). ``workbook_problems(path)``: the workbook as staff use it (headers in row 1 as one Excel
table with filters per sheet, numbers never stored as text, no ``<5`` or ``inf``, plain Dutch).
``soffice_problems(path)``: LibreOffice (headless) opens the workbook and exports every sheet.

``browser_problems(path)``: opens the file in headless Chromium (Debian ``/usr/bin/chromium`` via
Playwright) and reports console errors, JS errors, external requests, broken images, images
without alt text and visible code; it also returns the strong text on the first screen (the
Kernboodschap's key numbers) and, per gemeente page, its tables and whether its locator map is
drawn. ``python -m woonzorg_lib.report.check FILE…`` runs both.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MAX_BYTES = 1_500_000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

_FORBIDDEN = [
    ("Traceback", "traceback"), ("Error:", None), ("Warning:", "waarschuwing"), ("warnings.warn", None),
    ("/tmp/", "tijdelijk pad"), ("ipykernel", "kernelpad"), ("site-packages", "pakketpad"),
    ("DeprecationWarning", None), ("FutureWarning", None), ("UserWarning", None), ("RuntimeWarning", None),
    ("stderr", None), ("NaN", "NaN in de tekst"), ("nan%", None), ("<pre", "codeblok"), ("<code", "code"),
    ("jp-InputArea", "code-invoer"), ("input_area", "code-invoer"), ("highlight", "code-opmaak"),
    ("<script", "script"), ("&lt;Figure", "figuur-repr"), ("<Figure", "figuur-repr"), ("Out[", "uitvoerprompt"),
    ("In&nbsp;[", "invoerprompt"),
]


def static_problems(html: str, *, max_bytes: int = MAX_BYTES) -> list[str]:
    problems = []
    size = len(html.encode("utf-8"))
    if size > max_bytes:
        problems.append(f"te groot: {size} bytes > {max_bytes}")
    titles = re.findall(r"<title>(.*?)</title>", html, re.S)
    if len(titles) != 1 or not titles[0].strip() or titles[0].strip().lower() in ("notebook", "index"):
        problems.append(f"geen echte <title>: {titles!r}")
    # strip the embedded images before text checks (base64 can contain any letters)
    text = re.sub(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', 'src="data:"', html)
    for needle, what in _FORBIDDEN:
        if needle in text:
            i = text.index(needle)
            problems.append(f"verboden inhoud {what or needle!r}: …{text[max(0, i - 60):i + 60]!r}…")
    for m in re.finditer(r'(?:src|href)\s*=\s*"(https?:)?//', text):
        ctx = text[m.start():m.start() + 120]
        if m.group(0).startswith("src") or "<link" in text[max(0, m.start() - 40):m.start()]:
            problems.append(f"externe bron: {ctx!r}")
    m = re.search(r"<(a|div|span|p|section|table|td|th|tr|h[1-6]|figure|main|nav)\b[^>]*/>", text)
    if m:
        problems.append(f"zelfsluitende HTML-tag (browsers sluiten die niet): {m.group(0)[:100]!r}")
    if re.search(r"url\(\s*['\"]?https?:", text) or "@import" in text:
        problems.append("externe CSS-bron")
    imgs = re.findall(r"<img\b[^>]*>", text)
    for tag in imgs:
        alt = re.search(r'\balt="([^"]*)"', tag)
        if not alt or len(alt.group(1).strip()) < 10 or alt.group(1).startswith("No description"):
            problems.append(f"afbeelding zonder echte alt-tekst: {tag[:120]!r}")
        if 'src="data:"' not in tag:
            problems.append(f"afbeelding niet ingebed: {tag[:120]!r}")
    figs = re.findall(r'<figure class="wz-fig">.*?</figure>', text, re.S)
    if len(figs) != len(imgs):
        problems.append(f"{len(imgs)} afbeeldingen maar {len(figs)} figuren met bronregel")
    for f in figs:
        cap = re.search(r"<figcaption>(.*?)</figcaption>", f, re.S)
        if not cap or not cap.group(1).startswith("Bron:") or "Peildatum" not in cap.group(1):
            problems.append(f"figuur zonder bron en peildatum: {f[-200:]!r}")
    for t in re.findall(r"<table\b.*?</table>", text, re.S):
        if "<caption>" not in t:
            problems.append(f"tabel zonder bijschrift: {t[:120]!r}")
        row_unit = bool(re.match(r'<table class="wz-table[^"]*" data-eenheid="rij">', t)) and ">Eenheid<" in t
        for th in re.findall(r'<th (?:scope="col" )?class="num"[^>]*>.*?</th>', t, re.S):
            if '<span class="unit' not in th and not row_unit:
                problems.append(f"kolom zonder eenheid: {th[:120]!r}")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", text, flags=re.S))
    m = re.search(r"\b\d+\.\d+\s?%", visible)
    if m:
        problems.append(f"percentage niet in Nederlandse notatie: {m.group(0)!r}")
    return problems + marker_problems(text) + total_problems(text)


def _cell_text(cell: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def marker_problems(html: str) -> list[str]:
    """'bruto' or 'schatting' written beside a number in a table cell: said once per table in its
    legend, never per cell (a text column that explains a term, e.g. a parameter's description, may use the word)."""
    problems = []
    for t in re.findall(r"<table\b.*?</table>", html, re.S):
        body = "".join(re.findall(r"<t(?:body|foot)>(.*?)</t(?:body|foot)>", t, re.S))
        for cell in re.findall(r'<td class="num">(.*?)</td>', body, re.S):  # a number's cell; text columns may explain
            if re.search(r"\b(bruto|schatting)\b", _cell_text(cell), re.I):
                cap = re.search(r"<caption>(.*?)</caption>", t, re.S)
                problems.append(f"‘bruto’/‘schatting’ in een cel in plaats van in de legenda: {_cell_text(cell)!r} "
                                f"(tabel {cap.group(1) if cap else '?'!r})")
                break
    return problems


def region_totals(html: str) -> dict[tuple[str, str], set[str]]:
    """The totals rows of every table: (column header, unit) → the values printed for it."""
    out: dict[tuple[str, str], set[str]] = {}
    for t in re.findall(r"<table\b.*?</table>", html, re.S):
        head = re.search(r"<thead>(.*?)</thead>", t, re.S)
        foot = re.search(r'<tr class="total">(.*?)</tr>', t, re.S)
        if not head or not foot:
            continue
        keys = []
        for th in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(1), re.S):
            unit = re.search(r'<span class="unit(?: wz-same)?">(.*?)</span>', th, re.S)
            label = _cell_text(re.sub(r'<span class="unit(?: wz-same)?">.*?</span>', "", th, flags=re.S))
            keys.append((label, _cell_text(unit.group(1)) if unit else ""))
        cells = [_cell_text(c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", foot.group(1), re.S)]
        for key, value in zip(keys[1:], cells[1:]):
            if value and key[1] not in ("", "%") and re.search(r"\d", value):
                out.setdefault(key, set()).add(value)
    return out


def total_problems(html: str) -> list[str]:
    """The same region total (same column header and unit) printed with two different values."""
    return [f"totaal ‘{label}’ ({unit}) staat er met verschillende waarden: {sorted(values)}"
            for (label, unit), values in sorted(region_totals(html).items()) if len(values) > 1]


# ----------------------------------------------------------------------------------------------
# Plain Dutch: no codes, paths or English in what a reader sees
SNAKE_RE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")
PATH_RE = re.compile(r"(?:\b[\w.-]+/)*\b[\w-]+\.(?:ya?ml|csv|py|json|ipynb|md|geojson|parquet|pkl|txt)\b"
                     r"|\b(?:config|data|notebooks|reports|regions|woonzorg_lib)/[\w./-]+")
URL_RE = re.compile(r"\b(?:https?://|www\.)\S+")
# English words that are not also Dutch words (so "of", "is", "in", "data", "trend" are allowed)
ENGLISH = frozenset("""the and with which from this that these those should would could been have has were there
their where when into only about between because than assumption assumptions interpolated missing error warning
none true false not are for by to on at it its be see used using value values total rate rates share
shares per_cent""".split())
NON_NUMBERS = ("inf", "-inf", "nan", "NaN", "None", "null")


def visible_text(html: str) -> str:
    """The text a reader sees: no CSS, no tags, no embedded images, entities decoded."""
    import html as _h

    t = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    t = re.sub(r"<[^>]+>", " ", t)
    return _h.unescape(t)


def text_problems(text: str, *, where: str = "") -> list[str]:
    """snake_case codes, file paths, English words and non-numbers in reader-facing ``text`` (URLs
    are allowed: a source may be a link)."""
    t = URL_RE.sub(" ", text)
    out = []
    pre = f"{where}: " if where else ""

    def around(m) -> str:
        return t[max(0, m.start() - 50):m.end() + 50].replace("\n", " ")

    for m in SNAKE_RE.finditer(t):
        out.append(f"{pre}code {m.group(0)!r} in de tekst: …{around(m)}…")
    for m in PATH_RE.finditer(t):
        out.append(f"{pre}bestandspad {m.group(0)!r} in de tekst: …{around(m)}…")
    for m in re.finditer(r"\b[A-Za-z]+\b", t):
        w = m.group(0)
        if w.lower() in ENGLISH and not w.isupper():
            out.append(f"{pre}Engels woord {w!r}: …{around(m)}…")
    for m in re.finditer(r"(?<![\w.-])(?:-?inf|nan|NaN|None)(?![\w.-])", t):
        out.append(f"{pre}geen getal {m.group(0)!r}: …{around(m)}…")
    return out


def html_text_problems(html: str) -> list[str]:
    """Problems in the reader-facing HTML text; literature titles (``<cite>``) are quoted as
    published (often in English) and are not checked."""
    return text_problems(visible_text(re.sub(r"<cite\b[^>]*>.*?</cite>", " ", html, flags=re.S)), where="HTML")


CODE_HEADER = "(code)"


def workbook_problems(path: str | Path) -> list[str]:
    """What a staff member would trip over in the workbook (see the module docstring)."""
    from openpyxl import load_workbook

    problems = []
    wb = load_workbook(path)  # raises on a workbook openpyxl cannot read
    names = [ws.title for ws in wb.worksheets]
    if not names or names[0] != "Lees mij":
        problems.append(f"het eerste blad is niet 'Lees mij': {names[:3]}")
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            problems.append(f"{ws.title}: leeg blad")
            continue
        header = list(rows[0])
        if any(not isinstance(h, str) or not h.strip() for h in header):
            problems.append(f"{ws.title}: rij 1 is geen kopregel: {header}")
        tables = list(ws.tables.values())
        ref = f"A1:{ws.cell(1, len(header)).column_letter}{max(2, len(rows))}"
        if len(tables) != 1 or tables[0].ref != ref or tables[0].autoFilter is None:
            problems.append(f"{ws.title}: geen Excel-tabel met filters over {ref}: "
                            f"{[(t.ref, t.autoFilter is not None) for t in tables]}")
        for j, h in enumerate(header):
            is_code = isinstance(h, str) and h.endswith(CODE_HEADER)
            values = [r[j] for r in rows[1:] if j < len(r) and r[j] is not None]
            nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
            texts = [v for v in values if isinstance(v, str)]
            if nums and texts:
                problems.append(f"{ws.title}, kolom {h!r}: getallen en tekst door elkaar (bv. {texts[0]!r})")
            for v in nums:
                if v != v or v in (float("inf"), float("-inf")):
                    problems.append(f"{ws.title}, kolom {h!r}: {v!r} als getal")
                    break
            for v in dict.fromkeys(texts):
                if re.fullmatch(r"\s*[<>≤]\s*\d+\s*", v) or v.strip() in NON_NUMBERS:
                    problems.append(f"{ws.title}, kolom {h!r}: {v!r} als tekst in plaats van een getal of lege cel")
            if not is_code:
                for v in dict.fromkeys([str(h)] + texts):
                    found = text_problems(v, where=f"{ws.title}, kolom {h!r}")
                    problems += found[:1]
    return problems


def soffice_path() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def _same_number(text: str, y: float) -> bool:
    """LibreOffice's CSV export of a raw value (a percentage keeps its format: '7.2%')."""
    t = text.strip()
    scale = 1.0
    if t.endswith("%"):
        t, scale = t[:-1], 0.01
    try:
        x = float(t) * scale
    except ValueError:
        return False
    return abs(x - float(y)) <= 1e-9 * max(1.0, abs(float(y)))


def soffice_problems(path: str | Path, workdir: str | Path) -> list[str]:
    """Let LibreOffice (headless) open the workbook and export every sheet as CSV; compare the
    sheets and the numbers with what openpyxl reads."""
    import csv
    import subprocess

    from openpyxl import load_workbook

    exe = soffice_path()
    if not exe:
        raise FileNotFoundError("soffice (LibreOffice) ontbreekt")
    path, workdir = Path(path).resolve(), Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    proc = subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation={(workdir / 'profiel').as_uri()}",
                           "--convert-to", filt, "--outdir", str(workdir), str(path)],
                          capture_output=True, text=True, timeout=300)
    wb = load_workbook(path, read_only=True)
    problems = []
    if proc.returncode != 0:
        problems.append(f"soffice stopte met code {proc.returncode}: {proc.stderr.strip()[:300]}")
    for ws in wb.worksheets:
        f = workdir / f"{path.stem}-{ws.title}.csv"
        if not f.exists():
            problems.append(f"LibreOffice heeft blad {ws.title!r} niet geëxporteerd ({proc.stdout.strip()[-200:]})")
            continue
        lo = list(csv.reader(f.read_text(encoding="utf-8").splitlines()))
        ours = [r for r in ws.iter_rows(values_only=True)]
        if len(lo) != len(ours):
            problems.append(f"{ws.title}: LibreOffice leest {len(lo)} rijen, openpyxl {len(ours)}")
            continue
        bad = [(i, x, y) for i, (a, b) in enumerate(zip(lo, ours)) for x, y in zip(a, b)
               if isinstance(y, (int, float)) and not isinstance(y, bool) and not _same_number(x, y)]
        if bad:
            i, x, y = bad[0]
            problems.append(f"{ws.title}: {len(bad)} getal(len) anders gelezen, bv. rij {i + 1}: "
                            f"LibreOffice {x!r}, openpyxl {y!r}")
    wb.close()
    return problems


def browser_available() -> bool:
    if not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


# Per gemeente page (h2 "Gemeente …" up to the next h2): its tables, and whether its locator map
# is drawn — the svg has a size and the highlighted gemeente (a <use> of a shape in the shared
# <defs>) has a non-empty box, i.e. the shape it refers to exists in the document.
_GEMEENTE_PAGES_JS = """(() => {
  const out = []; let cur = null;
  for (const e of document.querySelectorAll('main h2, main table.wz-table, main .wz-locator')) {
    if (e.tagName === 'H2') {
      cur = e.innerText.trim().startsWith('Gemeente ') ? {heading: e.innerText.trim(), tables: 0, locator: false,
             caption: ''} : null;
      if (cur) out.push(cur);
      continue;
    }
    if (!cur) continue;
    if (e.tagName === 'TABLE') { cur.tables += 1; continue; }
    const svg = e.querySelector('svg'), uses = svg ? svg.querySelectorAll('use') : [];
    const focus = uses.length ? uses[uses.length - 1] : null;
    const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const target = focus ? document.getElementById((focus.getAttribute('href') || '').slice(1)) : null;
    cur.locator = !!(target && r.width > 50 && r.height > 50 && focus.getBBox().width > 0);
    cur.caption = (e.innerText || '').trim();
  }
  return out;
})()"""


PHONE_WIDTH = 400
# Elements that stick out of a phone-wide page (or whose text runs out of their box), other than a table in its
# horizontally scrollable wrapper.
_TOO_WIDE_JS = """(() => { const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')].filter(e => !e.closest('.wz-table-wrap') &&
    e.getBoundingClientRect().width > 0 && (e.getBoundingClientRect().right > w + 1 ||
    (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')))
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')); })()"""


def browser_problems(path: str | Path, *, screenshot: str | Path | None = None) -> dict:
    """Open ``path`` in headless Chromium; returns a dict with the findings and ``problems``."""
    from playwright.sync_api import sync_playwright

    path = Path(path).resolve()
    problems, external = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"js: {e}"))
            page.on("request", lambda r: (not r.url.startswith(("data:", "file:", "about:"))) and external.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
            noalt = page.evaluate("[...document.images].filter(i => !i.alt || i.alt.trim().length < 10 "
                                  "|| i.alt.startsWith('No description')).length")
            n_images = page.evaluate("document.images.length")
            code = page.evaluate("document.querySelectorAll('pre, code, .jp-InputArea, .input_area, "
                                 ".jp-CodeCell .jp-Editor, .highlight').length")
            title = page.title()
            toc = page.evaluate("document.querySelectorAll('nav.wz-toc a').length")
            hidden = page.evaluate("[...document.querySelectorAll('section.wz-chapter')].filter("
                                   "s => s.innerText.trim().length < 200 || s.getBoundingClientRect().height < 150).length")
            unclosed = page.evaluate("[...document.querySelectorAll('a')].filter(a => a.querySelector('p, table, "
                                     "figure, div, section')).length")
            bad_links = page.evaluate("[...document.querySelectorAll('nav.wz-toc a')].filter("
                                      "a => !document.getElementById(a.getAttribute('href').slice(1))).length")
            first = page.evaluate("(() => { const h = document.querySelector('main h2'); if (!h) return null; "
                                  "const r = h.getBoundingClientRect(); return {text: h.innerText.trim(), "
                                  "top: r.top + window.scrollY}; })()")
            gemeenten = page.evaluate("[...document.querySelectorAll('main h2')].map(h => h.innerText.trim())"
                                      ".filter(t => t.startsWith('Gemeente '))")
            viewport = page.viewport_size or {"height": 720}
            first_screen = page.evaluate(
                "(() => { const h = window.innerHeight; return [...document.querySelectorAll('main strong')]"
                ".filter(e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.bottom <= h; })"
                ".map(e => e.innerText.trim()); })()")
            pages = page.evaluate(_GEMEENTE_PAGES_JS)
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
            page.set_viewport_size({"width": PHONE_WIDTH, "height": 900})  # a phone: nothing sticks out but tables
            too_wide = page.evaluate(_TOO_WIDE_JS)
            page.emulate_media(media="print")
            wide = page.evaluate("[...document.querySelectorAll('.wz-wide')].map(e => getComputedStyle(e).page)")
            gem_breaks = page.evaluate("[...document.querySelectorAll('h2.wz-gemeente-page')].filter("
                                       "h => getComputedStyle(h).breakBefore === 'page').length")
        finally:
            browser.close()
    if external:
        problems.append(f"externe verzoeken: {external[:5]}")
    if too_wide:
        problems.append(f"{len(too_wide)} element(en) breder dan een telefoonscherm van {PHONE_WIDTH} px "
                        f"(buiten een scrollbare tabel): {too_wide[:3]}")
    if broken:
        problems.append(f"{broken} kapotte afbeelding(en)")
    if noalt:
        problems.append(f"{noalt} afbeelding(en) zonder alt-tekst")
    if code:
        problems.append(f"{code} zichtbare code-element(en)")
    if not title.strip():
        problems.append("lege titel")
    if bad_links:
        problems.append(f"{bad_links} inhoudsopgave-link(s) zonder doel")
    if hidden:
        problems.append(f"{hidden} hoofdstuk(ken) zonder zichtbare inhoud")
    if unclosed:
        problems.append(f"{unclosed} link(s) die tekst of tabellen omvatten (niet gesloten <a>)")
    return {"file": str(path), "title": title, "first_h2": (first or {}).get("text"),
            "first_h2_on_first_screen": bool(first) and first["top"] < viewport["height"],
            "gemeente_pages": gemeenten, "gemeente_page_breaks": gem_breaks,
            "first_screen_strong": first_screen, "gemeente_page_content": pages,
            "wide_tables": len(wide), "wide_tables_landscape": sum(w == "wide" for w in wide),
            "phone_too_wide": too_wide, "images": n_images, "images_broken": broken,
            "images_without_alt": noalt, "code_elements": code, "external_requests": external,
            "toc_links": toc, "problems": problems}


def report_problems(path: str | Path, *, use_browser: bool) -> list[str]:
    """Every problem of one report file: the static checks, plus the headless browser if asked."""
    probs = static_problems(Path(path).read_text(encoding="utf-8"))
    if use_browser:
        probs += browser_problems(path)["problems"]
    return probs


def main(argv: list[str]) -> int:
    bad = 0
    use_browser = browser_available()
    if not use_browser:
        print("WAARSCHUWING: /usr/bin/chromium (of playwright) ontbreekt: de browsercontrole is OVERGESLAGEN",
              file=sys.stderr)
    for f in argv:
        probs = report_problems(f, use_browser=use_browser)
        print(f"{f}: {'OK' if not probs else 'FOUT'} ({Path(f).stat().st_size // 1024} kB)")
        for p in probs:
            print(f"  - {p}")
        bad += bool(probs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
