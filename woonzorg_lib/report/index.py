"""``reports/index.html``: one page listing every built report (region and scenarios), built from
the stamps the runner leaves in each report folder (deterministic: sorted, no clock)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from . import style

STAMP = ".woonzorg-build.json"


def _stamps(out: Path) -> list[tuple[Path, dict]]:
    found = []
    for f in sorted(out.glob(f"*/{STAMP}")) + sorted(out.glob(f"*/*/{STAMP}")):
        try:
            found.append((f.parent, json.loads(f.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return found


def render_index(out: Path) -> str:
    regions: dict[str, dict] = {}
    for folder, st in _stamps(out):
        rel = folder.relative_to(out).as_posix()
        slug = st.get("slug") or rel.split("/")[0]
        entry = regions.setdefault(slug, {"naam": st.get("naam", slug), "main": None, "scenarios": []})
        item = {"rel": rel, "title": st.get("title", rel), "excel": st.get("excel"), "params": st.get("params", {}),
                "scenario": st.get("scenario", "")}
        if st.get("scenario"):
            entry["scenarios"].append(item)
        else:
            entry["main"] = item
    rows = []
    for slug in sorted(regions):
        e = regions[slug]
        links = []
        if e["main"]:
            m = e["main"]
            p = m["params"]
            links.append(f'<a href="{html.escape(m["rel"])}/index.html">rapport</a>')
            if m["excel"]:
                links.append(f'<a href="{html.escape(m["rel"])}/{html.escape(m["excel"])}">Excel</a>')
            detail = f"variant {html.escape(str(p.get('variant', '')))}, horizon {html.escape(str(p.get('until', p.get('horizon', ''))))}"
        else:
            detail = "alleen scenario's"
        scen = "".join(
            f'<li>scenario <a href="{html.escape(s["rel"])}/index.html">{html.escape(s["scenario"])}</a>'
            + (f' · <a href="{html.escape(s["rel"])}/{html.escape(s["excel"])}">Excel</a>' if s["excel"] else "")
            + "</li>" for s in sorted(e["scenarios"], key=lambda s: s["rel"]))
        rows.append(f"<tr><th scope=\"row\">{html.escape(e['naam'])}</th><td>{' · '.join(links)}</td>"
                    f"<td>{detail}</td><td>{'<ul>' + scen + '</ul>' if scen else ''}</td></tr>")
    css = re.sub(r"\n\s*", "", style.CSS.strip())
    body = ("<div class=\"wz-table-wrap\"><table class=\"wz-table\"><caption>Rapporten per regio</caption>"
            "<thead><tr><th scope=\"col\">Regio</th>"
            "<th scope=\"col\">Rapport</th><th scope=\"col\">Instellingen</th><th scope=\"col\">Scenario's</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>") if rows else "<p>Nog geen rapporten gebouwd.</p>"
    return ("<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>Woonzorganalyses: overzicht</title>\n<style>{css}</style>\n</head>\n<body>\n"
            "<div class=\"wz-page\" style=\"display:block;max-width:60rem\">\n<main>\n"
            "<header class=\"wz-head\"><h1>Woonzorganalyses</h1><p>Eén rapport per regio: demografie, "
            "aandachtsgroepen, woonbehoefte en verdeling. Elk rapport is één bestand dat u kunt mailen of "
            "afdrukken; de Excel-werkmap bevat dezelfde cijfers.</p></header>\n"
            f"{body}\n</main>\n</div>\n</body>\n</html>\n")


def write_index(out: Path) -> Path:
    target = Path(out) / "index.html"
    text = render_index(Path(out))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        from .excel import publish_bytes

        publish_bytes(target, text.encode("utf-8"))
    return target
