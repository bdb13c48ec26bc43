"""Small locator maps for the gemeente pages: where the gemeente lies in the region.

Drawn as inline SVG, not as images, so 26 of them cost a few kilobytes: the region's gemeente
shapes are written once (:func:`locator_defs`, a hidden ``<svg>`` with ``<defs>``), and each page's
map (:func:`locator_svg`) only refers to them — all gemeenten in light grey, this one highlighted,
no legend. Coordinates are projected (longitude × cos of the mean latitude), scaled to a box of
:data:`BOX` units on the long side, rounded to whole units (about half a screen pixel at the shown
size) and written as relative moves with repeated points dropped, so the shapes stay recognisable
while the text stays small.
"""

from __future__ import annotations

import html
import math

import numpy as np

from . import style

BOX = 300            # units on the long side of the view box
WIDTH_PX = 170       # shown width on screen (CSS pixels)
GREY_FILL = "#dfe3e8"
FOCUS_FILL = style.BLUE
ID_PREFIX = "wz-loc-"


def _features(codes) -> list[tuple[str, list]]:
    from .maps import _rings, boundaries

    want = set(codes)
    out = []
    for f in boundaries()["features"]:
        c = f["properties"].get("gemeentecode")
        if c in want:
            out.append((c, [np.asarray(r, dtype=float) for r in _rings(f["geometry"])]))
    return sorted(out)


def _projection(feats) -> tuple[float, float, float, float, int, int]:
    pts = np.concatenate([r for _, rings in feats for r in rings]) if feats else np.zeros((1, 2))
    kx = math.cos(math.radians(float(pts[:, 1].mean())))
    x, y = pts[:, 0] * kx, -pts[:, 1]
    x0, y0 = float(x.min()), float(y.min())
    span = max(float(x.max()) - x0, float(y.max()) - y0) or 1.0
    s = (BOX - 4) / span
    w = int(math.ceil((float(x.max()) - x0) * s)) + 4
    h = int(math.ceil((float(y.max()) - y0) * s)) + 4
    return kx, x0, y0, s, w, h


def _path(rings, kx, x0, y0, s) -> str:
    parts = []
    for r in rings:
        xy = np.column_stack([(r[:, 0] * kx - x0) * s + 2, (-r[:, 1] - y0) * s + 2]).round().astype(int)
        keep = np.ones(len(xy), dtype=bool)
        keep[1:] = np.any(xy[1:] != xy[:-1], axis=1)
        xy = xy[keep]
        if len(xy) < 3:
            continue
        d = np.diff(xy, axis=0)
        parts.append(f"M{xy[0, 0]} {xy[0, 1]}l" + " ".join(f"{a} {b}" for a, b in d).replace(" -", "-") + "z")
    return "".join(parts)


def locator_defs(codes) -> str:
    """The hidden ``<svg>`` holding the region's gemeente shapes once (ids ``wz-loc-<code>``, and
    ``wz-loc-regio`` for all of them in grey), with the view box size in ``data-box``."""
    feats = _features(codes)
    kx, x0, y0, s, w, h = _projection(feats)
    paths = "".join(f'<path id="{ID_PREFIX}{c}" d="{_path(rings, kx, x0, y0, s)}"/>' for c, rings in feats)
    return (f'<svg class="wz-locator-defs" width="0" height="0" aria-hidden="true" focusable="false" '
            f'data-box="{w} {h}"><defs><g id="{ID_PREFIX}regio" fill="{GREY_FILL}" stroke="#ffffff" '
            f'stroke-width="1" stroke-linejoin="round">{paths}</g></defs></svg>')


def view_box(defs: str) -> tuple[int, int]:
    """The (width, height) of the view box written by :func:`locator_defs`."""
    import re

    m = re.search(r'data-box="(\d+) (\d+)"', defs)
    return (int(m.group(1)), int(m.group(2))) if m else (BOX, BOX)


def locator_svg(code: str, name: str, region: str, box: tuple[int, int]) -> str:
    """One gemeente page's map: the region in grey and ``code`` highlighted (refers to the shapes
    of :func:`locator_defs`, which must be in the same document)."""
    w, h = box
    px_h = round(WIDTH_PX * h / w)
    label = html.escape(f"Kaartje: de ligging van {name} in {region}", quote=True)
    return (f'<div class="wz-locator"><svg viewBox="0 0 {w} {h}" width="{WIDTH_PX}" height="{px_h}" role="img" '
            f'aria-label="{label}"><use href="#{ID_PREFIX}regio"/>'
            f'<use href="#{ID_PREFIX}{code}" fill="{FOCUS_FILL}" stroke="#ffffff" stroke-width="1"/></svg>'
            f'<div class="wz-locator-cap">{html.escape(name)} in {html.escape(region)}</div></div>')
