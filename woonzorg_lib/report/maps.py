"""Maps of the region's gemeenten from the shipped CBS boundaries, drawn with matplotlib only.

Classed scales whose breaks mean something to a reader:

* ``scale="average"``: five classes relative to the regional average (below 80%, 80–90%, around
  the average 90–110%, 110–120%, above 120%) on a diverging palette, so a small spread stays
  pale instead of being stretched to the darkest and lightest colour;
* ``scale="diverging"``: classes symmetric around ``center`` (0 for a change), at rounded breaks;
* ``scale="sequential"``: equal classes from 0 at rounded breaks (counts such as inwoners);
* ``scale="quantile"``: equal numbers of gemeenten per class (kept for callers that want it).

The legend names every class in Dutch numbers. Gemeente names get a white halo and are placed at
an interior point of the largest part; a name that would overlap another or leave the figure is
replaced by a number, explained in a key under the map (Utrecht's 26 gemeenten are the hard case).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import numpy as np

from . import fmt, style
from .figcore import _title, gc_paused, new

from matplotlib.collections import PolyCollection  # noqa: E402  (after figcore applied the style)

AVERAGE_RATIOS = (0.8, 0.9, 1.1, 1.2)
NO_DATA = "#ffffff"          # no figure: white, hatched (HATCH) so it never reads as a class
HATCH = "////"
#: the middle class (around the average / no change): a light grey that stays apart from the white
#: background in the 256-colour PNG (a paler grey, #f0f0f0, is merged with white by the quantiser)
MIDDLE_CLASS = (0.902, 0.902, 0.902, 1.0)  # #e6e6e6


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
    """Class bounds with equal numbers of gemeenten per class, rounded to two significant digits, at
    most ``k`` classes; the ends enclose every value."""
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


def _nice_step(span: float, n: int) -> float:
    raw = span / max(1, n)
    if raw <= 0 or not np.isfinite(raw):
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def class_bounds(values, *, scale: str = "sequential", average: float | None = None, center: float = 0.0,
                 k: int = 5) -> np.ndarray:
    """Inner class breaks (ascending) for ``scale`` (see the module docstring); the classes are
    (−∞, b0), [b0, b1), …, [b_last, ∞)."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], dtype=float)
    if scale == "average":
        avg = float(average) if average is not None else (float(v.mean()) if len(v) else 1.0)
        return np.array([avg * r for r in AVERAGE_RATIOS])
    if scale == "quantile":
        return quantile_bounds(v, k)[1:-1]
    if scale == "diverging":
        m = float(np.max(np.abs(v - center))) if len(v) else 1.0
        step = _nice_step(m, 2) if m else 1.0
        return np.array([center - 1.5 * step, center - 0.5 * step, center + 0.5 * step, center + 1.5 * step]) \
            if m > step else np.array([center - step / 2, center + step / 2])
    if scale == "sequential":
        hi = float(v.max()) if len(v) else 1.0
        lo = min(0.0, float(v.min())) if len(v) else 0.0
        step = _nice_step(hi - lo, k)
        return np.arange(lo + step, hi, step)[: k - 1] if hi > lo + step else np.array([lo + step])
    raise ValueError(f"unknown map scale {scale!r}; known: average, diverging, sequential, quantile")


def _palette(n: int, scale: str) -> list:
    import matplotlib as mpl

    if scale in ("average", "diverging"):
        cm = mpl.colormaps[style.DIVERGING_CMAP]
        xs = np.linspace(0.12, 0.88, n)
        cols = [cm(x) for x in xs]
        if n % 2:
            cols[n // 2] = MIDDLE_CLASS  # the middle class: around the average / no change
        return cols
    cm = mpl.colormaps[style.SEQUENTIAL_CMAP]
    return [cm(x) for x in np.linspace(0.2, 0.95, n)]


def _class_labels(bounds, *, scale: str, percent: bool, digits: int, average: float | None) -> list[str]:
    f = (lambda x: fmt.pct(x, digits)) if percent else (lambda x: fmt.dec(x, digits))
    if scale == "average":
        a, b, c, d = bounds
        return [f"onder {f(a)} (minder dan 80% van het regiogemiddelde)", f"{f(a)} tot {f(b)}",
                f"{f(b)} tot {f(c)} (rond het gemiddelde van {f(average)})" if average is not None
                else f"{f(b)} tot {f(c)} (rond het gemiddelde)",
                f"{f(c)} tot {f(d)}", f"{f(d)} of meer (meer dan 120% van het gemiddelde)"]
    out = [f"onder {f(bounds[0])}"]
    out += [f"{f(x)} tot {f(y)}" for x, y in zip(bounds[:-1], bounds[1:])]
    out.append(f"{f(bounds[-1])} of meer")
    return out


def _interior_point(ring) -> tuple[float, float]:
    """A point inside the polygon, near its visual centre (area centroid if inside, else the
    interior grid point farthest from the boundary)."""
    from matplotlib.path import Path

    a = np.asarray(ring, dtype=float)
    x, y = a[:, 0], a[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2.0
    path = Path(a)
    if area:
        cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
        cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
        if path.contains_point((cx, cy)):
            return float(cx), float(cy)
    gx, gy = np.meshgrid(np.linspace(x.min(), x.max(), 25), np.linspace(y.min(), y.max(), 25))
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    inside = pts[path.contains_points(pts)]
    if not len(inside):
        return float(x.mean()), float(y.mean())
    d = np.min(np.hypot(inside[:, None, 0] - x[None, :], inside[:, None, 1] - y[None, :]), axis=1)
    best = inside[int(np.argmax(d))]
    return float(best[0]), float(best[1])


def _ring_area(ring) -> float:
    a = np.asarray(ring, dtype=float)
    return abs(float((a[:-1, 0] * a[1:, 1] - a[1:, 0] * a[:-1, 1]).sum()) / 2.0)


def _place_labels(fig, ax, centres, names, fontsize) -> list[tuple[int, str]]:
    """Draw each name at its point; a name that overlaps an earlier one or leaves the figure becomes
    a number. Returns the numbered (number, name) pairs for the key under the map."""
    import matplotlib.patheffects as pe

    halo = [pe.withStroke(linewidth=2.6, foreground="white")]
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    placed, numbered = [], []
    order = sorted(centres, key=lambda c: -c[3])  # largest gemeente first
    for code, x, y, _area in order:
        name = names.get(code, code)
        t = ax.text(x, y, name, ha="center", va="center", fontsize=fontsize, color=style.DARK,
                    path_effects=halo, clip_on=False)
        bb = t.get_window_extent(renderer).expanded(1.04, 1.1)
        inside = bb.x0 >= fig_box.x0 and bb.x1 <= fig_box.x1 and bb.y0 >= fig_box.y0 and bb.y1 <= fig_box.y1
        if inside and not any(bb.overlaps(o) for o in placed):
            placed.append(bb)
            continue
        t.remove()
        numbered.append((code, x, y, name))
    keys = []
    for i, (code, x, y, name) in enumerate(sorted(numbered, key=lambda r: r[3]), start=1):
        t = ax.text(x, y, str(i), ha="center", va="center", fontsize=fontsize, fontweight="bold", color=style.DARK,
                    path_effects=halo, clip_on=False)
        placed.append(t.get_window_extent(renderer))
        keys.append((i, name))
    return keys


@gc_paused
def choropleth(values: dict, *, title: str = "", label: str = "", names: dict | None = None,
               percent: bool = False, digits: int = 0, cmap: str | None = None, diverging: bool = False,
               annotate: bool = True, scale: str | None = None, average: float | None = None,
               center: float = 0.0, figsize=None):
    """Choropleth of the region's gemeenten. ``values``: gemeentecode → value (codes not in the
    boundary file are listed under the map). ``names``: code → label. ``scale``: see the module
    docstring; default ``diverging`` when ``diverging=True``, ``average`` when ``average`` (the
    regional average, e.g. the region's own rate) is given, else ``sequential``. ``cmap`` is ignored
    (kept for callers of the former signature)."""
    import textwrap

    from matplotlib.patches import Patch

    scale = scale or ("diverging" if diverging else "average" if average is not None else "sequential")
    geo = boundaries()
    feats = [f for f in geo["features"] if f["properties"].get("gemeentecode") in values]
    codes = [f["properties"]["gemeentecode"] for f in feats]
    vals = np.array([float(values[c]) if values[c] is not None else np.nan for c in codes])
    finite = vals[np.isfinite(vals)]
    bounds = class_bounds(finite, scale=scale, average=average, center=center)
    colours_by_class = _palette(len(bounds) + 1, scale)
    fig, ax = new(figsize or _fitted_size(feats), left=MAP_LEFT, right=MAP_RIGHT, axis_room=MAP_AXIS_ROOM)
    fig.subplots_adjust(bottom=0.02 + MAP_AXIS_ROOM / fig.get_size_inches()[1])  # the final layout, before labels
    polys, colours, centres, lats, blank = [], [], [], [], []
    for f, v in zip(feats, vals):
        rings = list(_rings(f["geometry"]))
        colour = NO_DATA if not np.isfinite(v) else colours_by_class[int(np.searchsorted(bounds, v, side="right"))]
        for ring in rings:
            (polys if np.isfinite(v) else blank).append(np.asarray(ring))
            if np.isfinite(v):
                colours.append(colour)
        best = max(rings, key=_ring_area)
        px, py = _interior_point(best)
        lats.append(py)
        centres.append((f["properties"]["gemeentecode"], px, py, _ring_area(best)))
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.8))
    if blank:
        ax.add_collection(PolyCollection(blank, facecolors=NO_DATA, edgecolors="#999999", linewidths=0.5,
                                         hatch=HATCH))
    ax.autoscale_view()
    ax.set_aspect(1.0 / math.cos(math.radians(float(np.mean(lats)) if lats else 52.0)))
    ax.set_axis_off()
    texts = _class_labels(bounds, scale=scale, percent=percent, digits=digits, average=average)
    handles = [Patch(facecolor=c, edgecolor="#999999", linewidth=0.5, label=t)
               for c, t in zip(colours_by_class, texts)]
    if not np.all(np.isfinite(vals)):
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#999999", linewidth=0.5, hatch=HATCH, label="geen cijfer"))
    for h in handles:
        h.set_label("\n".join(textwrap.wrap(h.get_label(), 30)))
    fig.legend(handles=list(reversed(handles)),  # the highest class on top
               title="\n".join(textwrap.wrap(label, 32)) if label else None, loc="center left",
               bbox_to_anchor=(0.655, 0.5), fontsize=8, title_fontsize=8.5, frameon=False, alignment="left")
    notes = []
    if annotate and names:
        fs = 8 if len(centres) <= 15 else 6.5
        keys = _place_labels(fig, ax, centres, names, fs)
        if keys:
            notes.append("Nummers: " + "; ".join(f"{i} {n}" for i, n in keys))
    missing = sorted(set(values) - set(codes))
    if missing:
        notes.append("Geen grens in het bestand: " + ", ".join((names or {}).get(c, c) for c in missing))
    if notes:
        lines = [line for n in notes for line in textwrap.wrap(n, 95)]
        if figsize is None:  # room under the map for the key: the figure grows, the map keeps its size
            _grow_bottom(fig, len(lines) * NOTE_LINE_IN + 0.05)
        ax.text(0, -0.01, "\n".join(lines), transform=ax.transAxes, fontsize=7, color=style.DARK, va="top")
    _title(fig, title)
    return fig


MAP_LEFT, MAP_RIGHT, MAP_AXIS_ROOM, MAP_TITLE_ROOM = 0.02, 0.64, 0.15, 0.5
MAP_MIN_HEIGHT = 3.2    # inches of map area at least: the legend (five classes, two lines each) must fit beside it
NOTE_LINE_IN = 7 * 1.25 / 72  # one 7-point line of the number key under the map, in inches


def _fitted_size(feats) -> tuple[float, float]:
    """Figure size (inches) whose map area has the region's own shape, so the map fills it without white
    bands above and below: the width is the house width, the height follows from the extent of the
    boundaries (longitude scaled by cos(latitude)), between :data:`MAP_MIN_HEIGHT` and the tall figure."""
    width = style.FIGSIZE_TALL[0]
    xs, ys = [], []
    for f in feats:
        for ring in _rings(f["geometry"]):
            a = np.asarray(ring, dtype=float)
            xs += [a[:, 0].min(), a[:, 0].max()]
            ys += [a[:, 1].min(), a[:, 1].max()]
    if not xs:
        return style.FIGSIZE_TALL
    dx, dy = max(xs) - min(xs), max(ys) - min(ys)
    ratio = dy / (dx * math.cos(math.radians((max(ys) + min(ys)) / 2))) if dx > 0 else 1.0
    map_h = (MAP_RIGHT - MAP_LEFT) * width * ratio * 1.04  # a small margin round the shape
    map_h = min(max(map_h, MAP_MIN_HEIGHT), style.FIGSIZE_TALL[1] - MAP_TITLE_ROOM - MAP_AXIS_ROOM)
    height = (map_h + MAP_TITLE_ROOM + MAP_AXIS_ROOM) / 0.98  # render() keeps 2% at the bottom
    return (width, round(height, 2))


def _grow_bottom(fig, inches: float) -> None:
    """Add ``inches`` under the axes for text (the map keeps its size in inches, so labels already
    placed keep their distances); the title stays at the top."""
    w, h = fig.get_size_inches()
    lay = fig._wz_layout
    new_h = h + inches
    fig.set_size_inches(w, new_h)
    lay["axis_room"] = lay["axis_room"] + inches
    lay["top"] = 1 - (1 - lay["top"]) * h / new_h
    fig.subplots_adjust(bottom=0.02 + lay["axis_room"] / new_h, top=lay["top"])


@gc_paused
def locator_map(code: str, codes, *, names: dict | None = None, title: str = "", figsize=(3.2, 3.2)):
    """A small map of the region with one gemeente highlighted (for a gemeente page): few colours,
    so the PNG stays small."""
    geo = boundaries()
    feats = [f for f in geo["features"] if f["properties"].get("gemeentecode") in set(codes)]
    fig, ax = new(figsize, left=0.02, right=0.98, axis_room=0.05, title_room=0.3 if title else 0.05)
    fig.set_dpi(style.DPI)  # a small overview map: screen resolution is enough and keeps many pages light
    polys, colours, lats, focus = [], [], [], None
    for f in feats:
        c = f["properties"]["gemeentecode"]
        rings = list(_rings(f["geometry"]))
        for ring in rings:
            polys.append(np.asarray(ring))
            colours.append(style.BLUE if c == code else "#e3e6ea")
            lats.append(float(np.asarray(ring)[:, 1].mean()))
        if c == code:
            focus = _interior_point(max(rings, key=_ring_area))
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="white", linewidths=0.6))
    ax.autoscale_view()
    ax.set_aspect(1.0 / math.cos(math.radians(float(np.mean(lats)) if lats else 52.0)))
    ax.set_axis_off()
    if focus and names:
        import matplotlib.patheffects as pe

        ax.text(*focus, names.get(code, code), ha="center", va="center", fontsize=7.5, color=style.DARK,
                path_effects=[pe.withStroke(linewidth=2.4, foreground="white")], clip_on=False)
    _title(fig, title)
    return fig
