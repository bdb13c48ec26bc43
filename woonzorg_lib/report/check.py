"""Checks a reader (and a reviewer) would make of a published report.

``static_problems(html)``: no code, no stderr/warnings/tracebacks/temp paths, no external URLs or
scripts, a real title, alt text on every image and embedded images only, a source line with
reference date under every chart, a caption on every table and a unit on every numeric column,
Dutch percentages, size within budget.

``browser_problems(path)``: opens the file in headless Chromium (Debian ``/usr/bin/chromium`` via
Playwright) and reports console errors, JS errors, external requests, broken images, images
without alt text and visible code. ``python -m woonzorg_lib.report.check FILE…`` runs both.
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
        for th in re.findall(r'<th class="num"[^>]*>.*?</th>', t, re.S):
            if '<span class="unit">' not in th:
                problems.append(f"kolom zonder eenheid: {th[:120]!r}")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", text, flags=re.S))
    m = re.search(r"\b\d+\.\d+\s?%", visible)
    if m:
        problems.append(f"percentage niet in Nederlandse notatie: {m.group(0)!r}")
    return problems


def browser_available() -> bool:
    if not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


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
            if screenshot:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    if external:
        problems.append(f"externe verzoeken: {external[:5]}")
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
    return {"file": str(path), "title": title, "images": n_images, "images_broken": broken,
            "images_without_alt": noalt, "code_elements": code, "external_requests": external,
            "toc_links": toc, "problems": problems}


def main(argv: list[str]) -> int:
    bad = 0
    use_browser = browser_available()
    if not use_browser:
        print("WAARSCHUWING: /usr/bin/chromium (of playwright) ontbreekt: de browsercontrole is OVERGESLAGEN",
              file=sys.stderr)
    for f in argv:
        html = Path(f).read_text(encoding="utf-8")
        probs = static_problems(html)
        if use_browser:
            probs += browser_problems(f)["problems"]
        print(f"{f}: {'OK' if not probs else 'FOUT'} ({len(html.encode()) // 1024} kB)")
        for p in probs:
            print(f"  - {p}")
        bad += bool(probs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
