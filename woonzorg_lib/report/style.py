"""House style: one palette, one figure size, one font, one stylesheet.

Figures are fixed-size PNGs laid out at 100 dpi (``FIGSIZE`` inches → 800 × 450 CSS pixels) and
drawn at ``RENDER_DPI`` (1.200 × 675 pixels) so they stay sharp in print, drawn with
matplotlib in a seaborn-like "whitegrid" look defined here, so no figure needs its own styling and
the report does not pay seaborn's import cost. The CSS is written once into every report.
"""

from __future__ import annotations

DPI = 100                     # layout: CSS pixels per inch (an 8-inch figure is 800 px wide on screen)
RENDER_DPI = 150              # pixels drawn per inch: 1,5 × denser, sharp in print and on high-density screens
FIGSIZE = (8.0, 4.5)          # inches; 800 × 450 px
FIGSIZE_TALL = (8.0, 6.0)     # pyramids, tornado charts with many bars, maps
FONT = "DejaVu Sans"          # ships with matplotlib: identical glyphs on every machine

# Colour-blind safe palette (Okabe–Ito), in a fixed order.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
GREY = "#7f7f7f"
DARK = "#222222"
PALETTE = [BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, GREY]

VARIANT_COLOURS = {"laag": SKY, "midden": BLUE, "hoog": VERMILION}
HISTORY_COLOUR = DARK
OFFICIAL_COLOUR = GREEN           # PBL/CBS regional prognosis, where present
SEX_COLOURS = {"man": BLUE, "vrouw": ORANGE}
SEQUENTIAL_CMAP = "Blues"         # choropleths of counts and rates
DIVERGING_CMAP = "RdBu_r"         # choropleths of differences around 0

RC = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#cccccc",
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titley": 1.0,                 # fixed title place: no automatic repositioning (costly per axes)
    "axes.labelsize": 10,
    "axes.prop_cycle": None,  # filled in by apply()
    "grid.color": "#e6e6e6",
    "grid.linewidth": 0.8,
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 10,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "lines.linewidth": 2.0,
    "svg.hashsalt": "woonzorg",
    "path.simplify": True,
}

_applied = False


def apply() -> None:
    """Set matplotlib's rcParams to the house style (idempotent; selects the Agg backend)."""
    global _applied
    if _applied:
        return
    import matplotlib

    matplotlib.use("Agg", force=True)
    from cycler import cycler

    rc = dict(RC)
    rc["axes.prop_cycle"] = cycler(color=PALETTE)
    matplotlib.rcParams.update(rc)
    _applied = True


CSS = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--accent:#0b5394;--bg-soft:#f6f8fa;--warn:#8a5a00}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);line-height:1.5;background:#fff}
.wz-page{display:grid;grid-template-columns:17rem minmax(0,1fr);gap:2rem;max-width:78rem;margin:0 auto;padding:1.5rem}
.wz-toc{position:sticky;top:1rem;align-self:start;max-height:calc(100vh - 2rem);overflow:auto;font-size:.9rem;border-right:1px solid var(--line);padding-right:1rem}
.wz-toc h2{font-size:1rem;margin:.2rem 0 .6rem}
.wz-toc ol{list-style:none;margin:0;padding:0}
.wz-toc li.l1{margin-top:.5rem;font-weight:600}
.wz-toc li.l2{padding-left:1rem;font-weight:400}
.wz-toc a{color:var(--accent);text-decoration:none}
.wz-toc li.wz-toc-gem>ol{padding-left:1rem;margin:.1rem 0 .3rem}
.wz-toc a:hover{text-decoration:underline}
main{min-width:0}
header.wz-head{grid-column:1/-1;border-bottom:3px solid var(--accent);margin-bottom:.5rem;padding-bottom:.5rem}
header.wz-head h1{margin:0;font-size:1.8rem;overflow-wrap:break-word}
header.wz-head p{margin:.25rem 0;color:var(--muted)}
h1,h2,h3{line-height:1.25;color:#102a43}
section.wz-chapter{border-top:1px solid var(--line);margin-top:2.5rem;padding-top:.5rem}
section.wz-chapter:first-of-type{border-top:0;margin-top:0}
a.anchor-link{display:none}
p,li{max-width:48rem;overflow-wrap:break-word}
figure.wz-fig{margin:1.25rem 0}
figure.wz-fig img{display:block;max-width:100%;height:auto;border:1px solid #eee}
figure.wz-fig figcaption,.wz-source{font-size:.82rem;color:var(--muted);margin-top:.3rem}
table.wz-table{border-collapse:collapse;margin:1rem 0;font-size:.88rem;font-variant-numeric:tabular-nums}
table.wz-table caption{caption-side:top;text-align:left;font-weight:600;padding-bottom:.35rem;color:#102a43}
table.wz-table th,table.wz-table td{padding:.3rem .45rem;border-bottom:1px solid var(--line);vertical-align:top}
table.wz-table thead th{border-bottom:2px solid #8c959f;text-align:left;background:var(--bg-soft)}
table.wz-table th{text-align:left;font-weight:600}
table.wz-table th.num,table.wz-table td.num{text-align:right}
table.wz-table td.num{white-space:nowrap}
table.wz-table td{overflow-wrap:break-word}
table.wz-table tr.total td,table.wz-table tr.total th{font-weight:700;border-top:2px solid #8c959f}
table.wz-table .unit{display:block;font-weight:400;color:var(--muted);font-size:.89em;white-space:nowrap}
@media screen{table.wz-table.wz-dense{font-size:.8rem}table.wz-table.wz-dense th,table.wz-table.wz-dense td{padding:.3rem .35rem}}
table.wz-table .unit.wz-same{display:none}
table.wz-table .unit-inline{font-weight:400;color:var(--muted);font-size:.89em}
.wz-table-wrap{overflow-x:auto;max-width:100%;clear:both}
.wz-locator{float:right;margin:.2rem 0 .6rem 1.2rem;width:170px}
.wz-locator svg{display:block;max-width:100%;height:auto}
.wz-locator .wz-locator-cap{font-size:.78rem;color:var(--muted);text-align:center;overflow-wrap:anywhere}
.wz-note{font-size:.82rem;color:var(--muted);margin:.2rem 0 1rem;max-width:48rem}
.wz-bruto{color:var(--warn);font-weight:600}
.wz-callout{background:var(--bg-soft);border-left:4px solid var(--accent);padding:.6rem 1rem;margin:1rem 0;max-width:48rem}
.wz-callout.warn{border-left-color:#bf8700}
p.wz-status{display:inline-block;margin:.4rem 0 0;padding:.1rem .6rem;border:1px solid var(--line);border-radius:3px;font-size:.85rem;color:var(--ink);background:var(--bg-soft)}
p.wz-status.wz-status-concept{border-color:#bf8700;color:var(--warn);background:#fff8e5}
.wz-legend{font-size:.82rem;color:var(--muted);margin:.2rem 0 1rem;max-width:48rem}
dl.wz-glossary dt{font-weight:700;margin-top:.6rem}
dl.wz-glossary dd{margin-left:1.2rem;max-width:46rem}
code,.wz-mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82em;word-break:break-all}
.jp-Cell,.jp-OutputArea,.jp-OutputArea-child,.jp-OutputArea-output,.jp-RenderedHTMLCommon{margin:0;padding:0}
footer.wz-foot{margin-top:3rem;border-top:1px solid var(--line);padding-top:.5rem;font-size:.8rem;color:var(--muted)}
@media (max-width:600px){header.wz-head h1{font-size:1.4rem}table.wz-table .unit{white-space:normal}.wz-locator{width:120px;margin-left:.8rem}}
@media (max-width:900px){.wz-page{grid-template-columns:minmax(0,1fr)}.wz-toc{position:static;max-height:none;border-right:0;border-bottom:1px solid var(--line)}
.wz-toc ol{display:flex;flex-wrap:wrap;gap:.15rem 1rem}.wz-toc li.l1,.wz-toc li.l2{padding-left:0;margin-top:0}
.wz-toc li.wz-toc-gem{flex-basis:100%}.wz-toc li.wz-toc-gem>ol{padding-left:0;gap:.1rem .8rem;font-size:.85rem}}
@media print{
  @page{size:A4;margin:18mm 15mm 18mm 15mm}
  html{font-size:10.5pt}
  .wz-page{display:block;max-width:none;padding:0}
  .wz-toc{position:static;max-height:none;overflow:visible;border:0;page-break-after:always}
  .wz-toc a{color:var(--ink)}
  section.wz-chapter{page-break-before:always;border-top:0}
  section.wz-chapter:first-of-type{page-break-before:auto}
  figure.wz-fig,table.wz-table,.wz-callout{page-break-inside:avoid;break-inside:avoid}
  h1,h2,h3{page-break-after:avoid;break-after:avoid}
  figure.wz-fig img{border:0;max-width:100%}
  a{color:var(--ink);text-decoration:none}
  .wz-table-wrap{overflow:visible}
  table.wz-table{font-size:7.5pt;width:100%;margin:.5rem 0}
  .wz-note{margin:.1rem 0 .45rem}
  table.wz-table th,table.wz-table td{padding:.15rem .3rem}
  header.wz-head{border-bottom:2px solid var(--ink)}
  table.wz-table td,table.wz-table th{overflow-wrap:break-word;word-break:normal}
  table.wz-table td.num{overflow-wrap:normal}
  @page wide{size:A4 landscape;margin:15mm 15mm 15mm 15mm}
  .wz-wide{page:wide}
  .wz-wide table.wz-table{font-size:7pt}
  h2.wz-gemeente-page{break-before:page;page-break-before:always}
  figure.wz-fig img{max-height:22cm;width:auto}
  p.wz-status{border:1px solid var(--ink)}
}
"""
