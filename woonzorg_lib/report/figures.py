"""Charts in the house style: fixed-size 100-dpi PNGs embedded in the report with alt text, source
line and reference date.

Every plot function takes tidy data prepared by the library and only draws; ``show(fig, alt=…,
source=…, peildatum=…)`` adds the source line to the image, encodes it (base64, no external file),
closes the figure and displays a ``<figure>`` with ``<img alt>`` and a caption. PNG bytes are
deterministic (no timestamps; DejaVu Sans; the software tag is dropped).
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import textwrap
from functools import lru_cache

from . import fmt, style

style.apply()

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

SOURCE_FONTSIZE = 7.5


# ----------------------------------------------------------------------------------------------
# Figure creation and embedding
def new(figsize=style.FIGSIZE, nrows: int = 1, ncols: int = 1, *, left: float = 0.1, right: float = 0.97,
        top: float | None = None, axis_room: float = 0.5, title_room: float = 0.5, **kw):
    """A figure in the house style. Layout is fixed (no layout engine: fast and identical every
    run): ``left``/``right``/``top`` are fractions of the figure; ``axis_room`` is the space below
    the axes for tick labels and the x label, in inches; the source line gets its own room in
    :func:`show`."""
    if top is None:
        top = 1 - title_room / figsize[1]  # room for the title, in inches
    fig, ax = plt.subplots(nrows, ncols, figsize=figsize, dpi=style.DPI, **kw)
    fig._wz_layout = {"left": left, "right": right, "top": top, "axis_room": axis_room}
    fig.subplots_adjust(left=left, right=right, top=top)
    return fig, ax


def to_png(fig) -> bytes:
    """PNG bytes of ``fig``: rendered by Agg, reduced to a 256-colour palette (median cut, no
    dithering: faithful for charts, about a third of the size) and encoded by Pillow without any
    timestamp, so the bytes are identical on every run."""
    from PIL import Image

    fig.canvas.draw()
    w, h = fig.canvas.get_width_height()
    im = Image.frombuffer("RGBA", (w, h), bytes(fig.canvas.buffer_rgba()), "raw", "RGBA", 0, 1).convert("RGB")
    plt.close(fig)
    pal = im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    pal.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def figure_html(png: bytes, *, alt: str, caption: str, width: int, height: int) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return (f'<figure class="wz-fig"><img src="data:image/png;base64,{b64}" width="{width}" height="{height}" '
            f'alt="{html.escape(alt, quote=True)}"><figcaption>{html.escape(caption)}</figcaption></figure>')


def show(fig, *, alt: str, source: str, peildatum: str, title: str | None = None) -> None:
    """Embed ``fig`` in the report. ``alt``: what the chart shows, for screen readers (required);
    ``source``: "Bron: CBS, tabel …; bewerking woonzorg"; ``peildatum``: the reference date(s)."""
    from IPython.display import HTML, display

    display(HTML(render(fig, alt=alt, source=source, peildatum=peildatum, title=title)))


def render(fig, *, alt: str, source: str, peildatum: str, title: str | None = None) -> str:
    """The ``<figure>`` HTML for ``fig`` (see :func:`show`)."""
    if not alt or not alt.strip():
        raise ValueError("every figure needs alt text")
    if not source.startswith("Bron:"):
        raise ValueError("the source line starts with 'Bron:'")
    if not peildatum:
        raise ValueError("every figure needs its reference date")
    _title(fig, title or "")
    line = f"{source}. Peildatum: {peildatum}."
    wrapped = textwrap.wrap(line, 128)
    fig_h = fig.get_size_inches()[1]
    line_h = SOURCE_FONTSIZE * 1.3 / 72.0 / fig_h          # one text line as a fraction of the height
    bottom = 0.012 + len(wrapped) * line_h + 0.012
    lay = getattr(fig, "_wz_layout", None)
    if lay is not None:
        fig.subplots_adjust(bottom=bottom + lay["axis_room"] / fig_h, top=lay["top"])
    fig.text(0.01, 0.012, "\n".join(wrapped), fontsize=SOURCE_FONTSIZE, color=style.GREY, ha="left", va="bottom")
    w, h = (int(round(v * style.DPI)) for v in fig.get_size_inches())
    return figure_html(to_png(fig), alt=alt.strip(), caption=line, width=w, height=h)


def _title(fig, title: str) -> None:
    """Chart title at the top left of the figure (never cut off by a wide left margin)."""
    if title:
        fig.text(0.02, 1 - 0.12 / fig.get_size_inches()[1], title, fontsize=12, fontweight="bold",
                 ha="left", va="top")


def _finish_horizontal(fig, ax, xlabel: str, title: str, *, percent: bool = False, legend_title=None):
    """Common finish of the horizontal charts: thousands (or %) on x, vertical grid only, x label,
    legend bottom right, title."""
    _thousands(ax, "x", percent=percent)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right", fontsize=8, title=legend_title)
    _title(fig, title)
    return fig


def wrap_label(text, width: int = 30) -> str:
    """Long category labels on two (or more) lines."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def label_room(labels, fontsize: float = 9.0, width_in: float = 8.0) -> float:
    """Left margin (fraction) that fits the longest tick label (longest line) of a horizontal bar chart."""
    longest = max((len(line) for x in labels for line in wrap_label(x).split("\n")), default=8)
    inches = longest * fontsize * 0.6 / 72.0 + 0.25
    return min(0.45, max(0.1, inches / width_in))


def _thousands(ax, axis: str = "y", digits: int = 0, percent: bool = False):
    f = fmt.tick_formatter(digits, percent)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def age_label(van, tot) -> str:
    import pandas as pd

    if tot is None or pd.isna(tot):
        return f"{int(van)}+"
    return f"{int(van)}–{int(tot)}"


# ----------------------------------------------------------------------------------------------
# Demography
def pyramid(df, *, year_a: int, year_b: int, title: str = ""):
    """Population pyramid. ``df``: jaar, geslacht (man/vrouw), leeftijd_van, leeftijd_tot, waarde.
    ``year_a`` as bars, ``year_b`` as an outline."""
    fig, ax = new(style.FIGSIZE_TALL, left=0.1)
    d = df[df["geslacht"].isin(["man", "vrouw"])]
    ages = sorted(d["leeftijd_van"].unique())
    labels = {}
    for _, r in d.drop_duplicates("leeftijd_van").iterrows():
        labels[r["leeftijd_van"]] = age_label(r["leeftijd_van"], r["leeftijd_tot"])
    y = np.arange(len(ages))
    for sex, sign in (("man", -1), ("vrouw", 1)):
        for year, kind in ((year_a, "bar"), (year_b, "line")):
            s = (d[(d["geslacht"] == sex) & (d["jaar"] == year)].groupby("leeftijd_van")["waarde"].sum()
                 .reindex(ages).fillna(0).to_numpy())
            if kind == "bar":
                ax.barh(y, sign * s, height=0.85, color=style.SEX_COLOURS[sex], alpha=0.75,
                        label=f"{'mannen' if sex == 'man' else 'vrouwen'} {year}")
            else:
                ax.step(np.r_[sign * s, sign * s[-1:]], np.r_[y - 0.5, y[-1:] + 0.5], where="post",
                        color=style.DARK, linewidth=1.3, label=f"{year}" if sex == "man" else None)
    ax.set_yticks(y, [labels[a] for a in ages])
    ax.axvline(0, color=style.DARK, linewidth=0.8)
    lim = ax.get_xlim()
    m = max(abs(lim[0]), abs(lim[1]))
    ax.set_xlim(-m, m)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: fmt.n(abs(v))))
    ax.set_xlabel("personen (mannen links, vrouwen rechts)")
    ax.set_ylabel("leeftijd (jaren)")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper right", ncols=1)
    _title(fig, title)
    return fig


def timeseries(history, forecast=None, *, official=None, title: str = "", ylabel: str = "personen",
               base_year: int | None = None, official_label: str = "PBL/CBS-prognose"):
    """History (jaar, waarde) as a line; forecast (jaar, variant, waarde) as midden line + laag–hoog band;
    an official prognosis (jaar, waarde[, variant]) dashed beside it."""
    fig, ax = new(left=0.115)
    ax.plot(history["jaar"], history["waarde"], color=style.HISTORY_COLOUR, label="waargenomen")
    if forecast is not None and len(forecast):
        piv = forecast.pivot_table(index="jaar", columns="variant", values="waarde", aggfunc="sum").sort_index()
        if {"laag", "hoog"} <= set(piv.columns):
            ax.fill_between(piv.index, piv["laag"], piv["hoog"], color=style.VARIANT_COLOURS["midden"], alpha=0.18,
                            linewidth=0, label="laag–hoog")
        if "midden" in piv.columns:
            ax.plot(piv.index, piv["midden"], color=style.VARIANT_COLOURS["midden"], label="prognose midden")
    if official is not None and len(official):
        o = official.sort_values("jaar")
        ax.plot(o["jaar"], o["waarde"], color=style.OFFICIAL_COLOUR, linestyle="--", label=official_label)
        if {"ondergrens", "bovengrens"} <= set(o.columns):
            ax.plot(o["jaar"], o["ondergrens"], color=style.OFFICIAL_COLOUR, linestyle=":", linewidth=1.2,
                    label=f"{official_label}, 67%-interval")
            ax.plot(o["jaar"], o["bovengrens"], color=style.OFFICIAL_COLOUR, linestyle=":", linewidth=1.2)
    if base_year is not None:
        ax.axvline(base_year, color=style.GREY, linestyle=":", linewidth=1)
    _thousands(ax)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("jaar (stand op 1 januari)")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.legend(loc="best")
    _title(fig, title)
    return fig


def backtest(df, *, x: str, y: str, hue: str | None = None, title: str = "", ylabel: str = "", percent: bool = True):
    """Back-test errors, e.g. x = horizon (years ahead), y = error as a fraction, hue = method."""
    fig, ax = new(left=0.1)
    groups = [(None, df)] if hue is None else list(df.groupby(hue, sort=True))
    for i, (name, g) in enumerate(groups):
        g = g.sort_values(x)
        ax.plot(g[x], g[y], marker="o", color=style.PALETTE[i % len(style.PALETTE)],
                label=None if name is None else str(name))
    ax.axhline(0, color=style.DARK, linewidth=0.8)
    _thousands(ax, digits=0 if not percent else 0, percent=percent)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(x.replace("_", " "))
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    if hue is not None:
        ax.legend(loc="best")
    _title(fig, title)
    return fig


# ----------------------------------------------------------------------------------------------
# Groups and housing need
def small_multiples(df, *, facet: str, x: str = "jaar", y: str = "midden", lo: str | None = "laag",
                    hi: str | None = "hoog", facet_labels: dict | None = None, ncols: int = 3, ylabel: str = "",
                    title: str = ""):
    """One small panel per ``facet`` value: a line (``y``) with an interval band (``lo``–``hi``)."""
    keys = list(dict.fromkeys(df[facet]))
    nrows = max(1, math.ceil(len(keys) / ncols))
    fig, axes = new((8.0, 1.9 * nrows + 0.9), nrows=nrows, ncols=ncols, squeeze=False, sharex=True, left=0.09,
                    axis_room=0.3, title_room=0.55)
    fig.subplots_adjust(wspace=0.42, hspace=0.55)
    for i, ax in enumerate(axes.flat):
        if i >= len(keys):
            ax.set_visible(False)
            continue
        g = df[df[facet] == keys[i]].sort_values(x)
        if lo and hi:
            ax.fill_between(g[x], g[lo], g[hi], color=style.BLUE, alpha=0.18, linewidth=0)
        ax.plot(g[x], g[y], color=style.BLUE, linewidth=1.6)
        ax.set_title((facet_labels or {}).get(keys[i], str(keys[i])), fontsize=8, fontweight="bold", loc="left")
        _thousands(ax)
        ax.tick_params(labelsize=7.5)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mticker.MaxNLocator(3, integer=True))
    if ylabel:
        fig.supylabel(ylabel, fontsize=9)
    _title(fig, title)
    return fig


def stacked_bars(df, *, category: str, stack: str, value: str, title: str = "", xlabel: str = "",
                 stack_labels: dict | None = None, order: list | None = None):
    """Horizontal stacked bars: one bar per ``category`` (e.g. gemeente), stacked by ``stack``."""
    piv = df.pivot_table(index=category, columns=stack, values=value, aggfunc="sum", fill_value=0)
    piv = piv.loc[order] if order is not None else piv.loc[piv.sum(axis=1).sort_values().index]
    fig, ax = new((8.0, max(3.2, 0.32 * len(piv) + 1.6)), left=label_room(piv.index))
    left = np.zeros(len(piv))
    for i, col in enumerate(piv.columns):
        vals = piv[col].to_numpy(dtype=float)
        pos = np.clip(vals, 0, None)
        ax.barh(np.arange(len(piv)), pos, left=left, color=style.PALETTE[i % len(style.PALETTE)],
                label=(stack_labels or {}).get(col, str(col)), height=0.7)
        left += pos
    ax.set_yticks(np.arange(len(piv)), [str(c) for c in piv.index])
    return _finish_horizontal(fig, ax, xlabel, title)


def tornado(df, *, label: str, low: str, high: str, base: float = 0.0, title: str = "", xlabel: str = "",
            low_label: str = "parameter laag", high_label: str = "parameter hoog", percent: bool = False):
    """Tornado: per row the outcome with the parameter at its low and high end, around ``base``."""
    d = df.assign(_span=(df[high] - df[low]).abs()).sort_values("_span")
    fig, ax = new((8.0, max(3.2, 0.34 * len(d) + 1.6)), left=label_room(d[label]))
    y = np.arange(len(d))
    ax.barh(y, d[low] - base, left=base, color=style.SKY, label=low_label, height=0.7)
    ax.barh(y, d[high] - base, left=base, color=style.VERMILION, label=high_label, height=0.7)
    ax.axvline(base, color=style.DARK, linewidth=1)
    ax.set_yticks(y, [wrap_label(v) for v in d[label]])
    return _finish_horizontal(fig, ax, xlabel, title, percent=percent)


# ----------------------------------------------------------------------------------------------
# Verdeling
def dumbbell(df, *, label: str, a: str, b: str, a_label: str, b_label: str, title: str = "",
             xlabel: str = "aandeel", percent: bool = True, extra: str | None = None, extra_label: str = ""):
    """Per row two (or three) values on one line: e.g. fair share vs current effort (vs lettings capacity)."""
    d = df.sort_values(a)
    fig, ax = new((8.0, max(3.2, 0.34 * len(d) + 1.6)), left=label_room(d[label]))
    y = np.arange(len(d))
    ax.hlines(y, d[[a, b]].min(axis=1), d[[a, b]].max(axis=1), color="#bbbbbb", linewidth=2)
    ax.scatter(d[b], y, color=style.GREY, zorder=3, label=b_label, s=36)
    ax.scatter(d[a], y, color=style.BLUE, zorder=4, label=a_label, s=36)
    if extra:
        ax.scatter(d[extra], y, color=style.ORANGE, marker="D", zorder=4, label=extra_label, s=30)
    ax.set_yticks(y, [str(v) for v in d[label]])
    return _finish_horizontal(fig, ax, xlabel, title, percent=percent)


def dotplot(df, *, label: str, series: str, value: str, title: str = "", xlabel: str = "aandeel",
            percent: bool = True, order: list | None = None, legend_title: str | None = None):
    """Per row one dot per ``series`` (e.g. the share of each gemeente under each verdeelsleutel)."""
    rows = order or sorted(df[label].unique(), key=str)
    pos = {r: i for i, r in enumerate(rows)}
    fig, ax = new((8.0, max(3.2, 0.34 * len(rows) + 1.6)), left=label_room(rows))
    keys = list(dict.fromkeys(df[series]))
    markers = ["o", "s", "D", "^", "v", "P", "X", "*"]
    for i, k in enumerate(keys):
        g = df[df[series] == k]
        ax.scatter(g[value], [pos[r] + (i - (len(keys) - 1) / 2) * 0.12 for r in g[label]],
                   color=style.PALETTE[i % len(style.PALETTE)], marker=markers[i % len(markers)], label=str(k),
                   s=28, zorder=3)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    return _finish_horizontal(fig, ax, xlabel, title, percent=percent, legend_title=legend_title)


# ----------------------------------------------------------------------------------------------
# Maps: CBS municipal boundaries (data/processed/gemeenten.geojson), drawn with matplotlib only
@lru_cache(maxsize=2)
def _geojson(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def boundaries() -> dict:
    """The GeoJSON FeatureCollection of gemeente boundaries shipped with the snapshot."""
    from .. import paths

    f = paths.processed_dir() / "gemeenten.geojson"
    if not f.exists():
        from ..dataset import load

        f = load.ensure_built() / "gemeenten.geojson"
    return _geojson(str(f))


def _rings(geom: dict):
    if geom["type"] == "Polygon":
        yield from geom["coordinates"][:1]
    elif geom["type"] == "MultiPolygon":
        for poly in geom["coordinates"]:
            yield poly[0]


def _round_sig(x: float, sig: int = 2) -> float:
    if x == 0 or not np.isfinite(x):
        return 0.0
    return float(round(x, -int(math.floor(math.log10(abs(x)))) + (sig - 1)))


def quantile_bounds(values, k: int = 5) -> np.ndarray:
    """Class bounds for a sequential choropleth: quantiles (equal numbers of gemeenten per class),
    rounded to two significant digits, at most ``k`` classes; the ends enclose every value."""
    v = np.sort(np.asarray(values, dtype=float))
    if len(v) == 0:
        return np.array([0.0, 1.0])
    k = max(1, min(k, len(v) // 2 or 1))
    inner = [_round_sig(q) for q in np.quantile(v, np.linspace(0, 1, k + 1)[1:-1])] if k > 1 else []
    lo, hi = float(v[0]), float(v[-1])
    step = abs(hi - lo) or abs(hi) or 1.0
    lo_b = _round_sig(lo - 0.005 * step) if lo > 0 else lo - 0.005 * step
    lo_b = min(lo_b, lo)
    hi_b = max(_round_sig(hi + 0.005 * step), hi)
    b = sorted(set([lo_b, *[x for x in inner if lo_b < x < hi_b], hi_b]))
    return np.array(b if len(b) > 1 else [lo_b, lo_b + 1.0])


def choropleth(values: dict, *, title: str = "", label: str = "", names: dict | None = None,
               percent: bool = False, digits: int = 0, cmap: str | None = None, diverging: bool = False,
               annotate: bool = True):
    """Choropleth of the region's gemeenten. ``values``: gemeentecode → value (codes not in the
    boundary file are listed under the map). ``names``: code → label drawn at the polygon's centre."""
    import matplotlib as mpl

    geo = boundaries()
    feats = [f for f in geo["features"] if f["properties"].get("gemeentecode") in values]
    codes = [f["properties"]["gemeentecode"] for f in feats]
    vals = np.array([float(values[c]) if values[c] is not None else np.nan for c in codes])
    fig, ax = new(style.FIGSIZE_TALL, left=0.02, right=0.98, axis_room=0.15)
    finite = vals[np.isfinite(vals)]
    if diverging:
        m = float(np.max(np.abs(finite))) if len(finite) else 1.0
        bounds = mticker.MaxNLocator(nbins=8, symmetric=True).tick_values(-(m or 1.0), m or 1.0)
        cm = mpl.colormaps[cmap or style.DIVERGING_CMAP]
    else:
        bounds = quantile_bounds(finite)
        base = mpl.colormaps[cmap or style.SEQUENTIAL_CMAP]
        # start above white so the lowest class stays visible against the page
        cm = mpl.colors.ListedColormap(base(np.linspace(0.18, 1.0, 256)))
    # classified map: a few classes read better than a continuous scale and print the same
    norm = mpl.colors.BoundaryNorm(bounds, ncolors=cm.N)
    polys, colours, centres, fills = [], [], [], {}
    lats = []
    for f, v in zip(feats, vals):
        rings = list(_rings(f["geometry"]))
        best = max(rings, key=len)
        colour = "#dddddd" if not np.isfinite(v) else cm(norm(v))
        fills[f["properties"]["gemeentecode"]] = mpl.colors.to_rgb(colour)
        for ring in rings:
            polys.append(np.asarray(ring))
            colours.append(colour)
        arr = np.asarray(best)
        lats.append(arr[:, 1].mean())
        centres.append((f["properties"]["gemeentecode"], arr[:, 0].mean(), arr[:, 1].mean()))
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.8))
    ax.autoscale_view()
    ax.set_aspect(1.0 / math.cos(math.radians(float(np.mean(lats)) if lats else 52.0)))
    ax.set_axis_off()
    if annotate and names:
        fs = 8 if len(centres) <= 15 else 6.5
        for code, x, y in centres:
            r, g_, b = fills.get(code, (1, 1, 1))
            dark_fill = 0.2126 * r + 0.7152 * g_ + 0.0722 * b < 0.5
            ax.text(x, y, names.get(code, code), ha="center", va="center", fontsize=fs,
                    color="white" if dark_fill else style.DARK)
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cm)
    cb = fig.colorbar(sm, ax=ax, shrink=0.7, pad=0.02, spacing="proportional" if diverging else "uniform",
                      ticks=bounds)
    cb.ax.yaxis.set_major_formatter(fmt.tick_formatter(digits, percent))
    cb.outline.set_visible(False)
    if label:
        cb.set_label(label)
    _title(fig, title)
    missing = sorted(set(values) - set(codes))
    if missing:
        ax.text(0, -0.02, "Geen grens in het bestand: " + ", ".join((names or {}).get(c, c) for c in missing),
                transform=ax.transAxes, fontsize=7, color=style.GREY, va="top")
    return fig
