"""Check every built report as a reviewer would: each reports/<region>/index.html (static checks:
one self-contained file, headings, plain Dutch without code names, paths, English, 'inf'/'nan';
plus the headless browser when Debian chromium is installed) and each workbook (openpyxl: numbers
numeric, no '<5' text in number cells, no inf/nan, tables with headers in row 1; LibreOffice headless
when soffice is installed).

    python scripts/check_reports.py            # every region folder under reports/
    python scripts/check_reports.py reports/twente

Exit status 1 when any file has a problem; a check that cannot run (no chromium, no soffice) is
named as skipped, never passed silently.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from woonzorg_lib.report import check

    folders = [Path(a) for a in argv] or sorted(p.parent for p in (ROOT / "reports").glob("*/index.html"))
    if not folders:
        print("geen rapporten gevonden onder reports/ (eerst: make report)", file=sys.stderr)
        return 1
    browser, soffice = check.browser_available(), check.soffice_path()
    if not browser:
        print("OVERGESLAGEN: browsercontrole (chromium ontbreekt)")
    if not soffice:
        print("OVERGESLAGEN: LibreOffice-controle van de werkmappen (soffice ontbreekt)")
    bad = 0
    for folder in folders:
        html = folder / "index.html"
        probs = check.report_problems(html, use_browser=browser)
        for xlsx in sorted(folder.glob("*.xlsx")):
            probs += [f"{xlsx.name}: {p}" for p in check.workbook_problems(xlsx)]
            if soffice:
                with tempfile.TemporaryDirectory() as td:
                    probs += [f"{xlsx.name} (LibreOffice): {p}" for p in check.soffice_problems(xlsx, td)]
        print(f"{folder.name}: {'OK' if not probs else 'FOUT'} ({html.stat().st_size // 1024} kB HTML)")
        for p in probs:
            print(f"  - {p}")
        bad += bool(probs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
