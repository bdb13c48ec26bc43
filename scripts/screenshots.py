"""Reviewer screenshots of the built reports: per region the first screen (1280 × 900), every
gemeente page (from its heading "Gemeente …" to the next chapter heading) and a print to PDF (A4),
written to build/screenshots/<region>/. Uses Debian's chromium through playwright, as the report
checks do (``woonzorg_lib.report.check``).

    python scripts/screenshots.py                 # every region folder under reports/
    python scripts/screenshots.py reports/twente  # one region
    make screenshots

(``chromium --screenshot file.html#anchor`` captures a blank page in headless mode; this script
scrolls the page itself.)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_PAGES_JS = """(() => [...document.querySelectorAll('main h2')]
  .filter(h => h.innerText.trim().startsWith('Gemeente ')).map(h => [h.id, h.innerText.trim()]))()"""

# the box of one gemeente page: from its h2 down to the next h2 (or the end of the chapter)
_BOX_JS = """(id) => { const h = document.getElementById(id); const top = h.getBoundingClientRect().top + window.scrollY;
  const all = [...document.querySelectorAll('main h2')]; const next = all[all.indexOf(h) + 1];
  const bottom = next ? next.getBoundingClientRect().top + window.scrollY
                      : h.closest('section, main').getBoundingClientRect().bottom + window.scrollY;
  return [top, bottom]; }"""


def shoot(folder: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from woonzorg_lib.report import check

    html = (folder / "index.html").resolve()
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=check.CHROMIUM, headless=True, args=check.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(html.as_uri())
            page.screenshot(path=str(out / "eerste-scherm.png"))
            made.append(out / "eerste-scherm.png")
            for anchor, heading in page.evaluate(_PAGES_JS):
                top, bottom = page.evaluate(_BOX_JS, anchor)
                name = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") + ".png"
                page.screenshot(path=str(out / name), full_page=True,
                                clip={"x": 0, "y": max(0, top - 16), "width": 1280,
                                      "height": max(200, min(bottom - top + 16, 4000))})
                made.append(out / name)
            page.emulate_media(media="print")
            page.pdf(path=str(out / f"{folder.name}.pdf"), format="A4", print_background=True,
                     display_header_footer=False, prefer_css_page_size=True)
            made.append(out / f"{folder.name}.pdf")
        finally:
            browser.close()
    return made


def main(argv: list[str]) -> int:
    from woonzorg_lib.report import check

    if not check.browser_available():
        print("chromium (Debian-pakket) of playwright ontbreekt: geen schermafdrukken gemaakt", file=sys.stderr)
        return 1
    folders = [Path(a) for a in argv] or sorted(p.parent for p in (ROOT / "reports").glob("*/index.html"))
    if not folders:
        print("geen rapporten gevonden onder reports/ (eerst: make report)", file=sys.stderr)
        return 1
    for folder in folders:
        made = shoot(folder, ROOT / "build" / "screenshots" / folder.name)
        print(f"{folder.name}: {len(made)} bestanden in build/screenshots/{folder.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
