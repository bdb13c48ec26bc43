"""The figure core: a house-style figure, its PNG and the ``<figure>`` with alt text, source line
and reference date. The charts are in :mod:`.figures`, the maps in :mod:`.maps`.

Every plot function takes tidy data prepared by the library and only draws; ``show(fig, alt=…,
source=…, peildatum=…)`` adds the source line to the image, encodes it (base64, no external file),
and displays a ``<figure>`` with ``<img alt>`` and a caption. PNG bytes are deterministic (no
timestamps; DejaVu Sans; the software tag is dropped).

Speed (the report draws some thirty charts per region on a shared CPU): figures are made without
pyplot on an Agg canvas whose renderer remembers text extents, glyph layouts, font heights, halo
outlines and glyph bitmaps across figures (:class:`_Renderer`); the ticks are fixed just before
the draw (:func:`freeze_ticks`); the cyclic garbage collector is paused while a chart is built and
drawn (:func:`gc_paused`). None of this changes a pixel: the PNG bytes are the ones matplotlib's
plain Agg canvas gives (tests/test_report_figures.py compares them).
"""

from __future__ import annotations

import base64
import functools
import gc
import html
import io
import math
import textwrap

from . import fmt, style

style.apply()

import matplotlib as mpl  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends import backend_agg as _agg  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import fontManager, get_font  # noqa: E402
from matplotlib.ft2font import FT2Font, RenderMode  # noqa: E402
from matplotlib.path import Path  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402

SOURCE_FONTSIZE = 7.5


def gc_paused(func):
    """Run ``func`` with Python's cyclic garbage collector paused (restored afterwards, also on an
    error). A chart allocates tens of thousands of small objects that all stay alive until the
    figure is dropped; every collection triggered meanwhile walks them (and, for the oldest
    generation, the whole kernel's heap: data frames, model results) and frees nothing. Paused,
    they are collected once, after the chart, when they are garbage."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        was_on = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_on:
                gc.enable()

    return wrapper


# ----------------------------------------------------------------------------------------------
# Drawing: the Agg canvas with text extents remembered across figures
#: rcParams that decide which font file a FontProperties resolves to and how its glyphs are hinted
_FONT_RC = ("font.family", "font.sans-serif", "font.serif", "font.monospace", "font.cursive", "font.fantasy",
            "text.hinting", "text.hinting_factor", "text.kerning_factor")
_TEXT: dict = {}       # text extents and glyph layouts, see _Renderer
_TEXT_MAX = 20_000
#: glyph bitmaps by (font, glyph, sub-pixel offset, size, dpi, hinting, antialiasing, angle), see _Renderer
_GLYPHS: dict = {}
_GLYPHS_MAX = 50_000
#: the (private) Agg steps the layout memory relies on; without them text is drawn as usual
_LAYOUT_API = (hasattr(RendererAgg, "_prepare_font") and hasattr(_agg, "get_hinting_flag")
               and all(hasattr(FT2Font, a) for a in ("_layout", "_set_transform", "_render_glyph"))
               and hasattr(_agg._RendererAgg, "draw_text_image"))


def _font_key(prop) -> tuple:
    rc = mpl.rcParams
    return (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(), prop.get_stretch(),
            prop.get_size_in_points(), prop.get_file(), prop.get_math_fontfamily(),
            tuple(tuple(v) if isinstance(v, list) else v for v in (rc.get(k) for k in _FONT_RC)))


class _TextToPath(TextToPath):
    """Text outlines (for text drawn with a halo, as the map labels) remembered across figures, as
    arrays ready for a ``Path``: the outline depends only on the text and the font."""

    def get_text_path(self, prop, s, ismath=False, *, features=None, language=None):
        key = ("path", s, _font_key(prop), features, language)
        try:
            hit = None if ismath is not False else _TEXT.get(key)
        except TypeError:  # an unhashable feature list: no memory
            return super().get_text_path(prop, s, ismath, features=features, language=language)
        if hit is None:
            verts, codes = super().get_text_path(prop, s, ismath, features=features, language=language)
            if ismath is not False:
                return verts, codes
            verts, codes = np.asarray(verts, dtype=float).reshape(-1, 2), np.asarray(codes, dtype=Path.code_type)
            verts.flags.writeable = codes.flags.writeable = False
            hit = _remember(key, (verts, codes))
        return hit


class _Renderer(RendererAgg):
    """Agg renderer that remembers, across figures, the extent and the glyph layout of a plain text
    line: both depend only on the text, the font, its size and the dpi, and computing them (text
    shaping, twice per text: to measure and to draw) is the costliest step of a chart after drawing
    the glyphs. Matplotlib's own cache lives and dies with one renderer, i.e. one figure, while the
    report repeats the same tick labels, legend entries and gemeente names chart after chart. The
    glyphs themselves are drawn exactly as by :class:`RendererAgg`: the pixels are the same."""

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._text2path = _TEXT2PATH

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath is not False:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = ("extent", s, _font_key(prop), self.dpi)
        hit = _TEXT.get(key)
        if hit is None:
            hit = _remember(key, super().get_text_width_height_descent(s, prop, ismath))
        return hit

    def _get_font_height_metrics(self, prop):
        """(ascent, descent, line gap) of ``prop``'s font at this dpi, from its OS/2 or hhea table,
        as ``Text._get_layout`` computes them (it asks a renderer that offers this first), once
        per font, size and dpi instead of once per text and draw."""
        key = ("height", _font_key(prop), self.dpi)
        hit = _TEXT.get(key)
        if hit is None:
            font = get_font(fontManager._find_fonts_by_props(prop))
            hit = (None, None, None)  # no table: matplotlib measures "lp" itself
            for table_name, gap_key, ascent_key, descent_key in (
                    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                    ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(table_name)
                if table is None:
                    continue
                scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * self.dpi / 72
                hit = (table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale)
                break
            _remember(key, hit)
        return hit

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not _LAYOUT_API:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = ("layout", s, _font_key(prop), self.dpi, features, language)
        try:
            glyphs = _TEXT.get(key)
        except TypeError:  # an unhashable feature list: no memory
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        if glyphs is None:  # as RendererAgg.draw_text lays the line out
            font = self._prepare_font(prop)
            glyphs = _remember(key, tuple((g.ft_object, g.glyph_index, g.x, g.y) for g in font._layout(
                s, flags=_agg.get_hinting_flag(), features=features, language=language)))
        self._draw_glyphs(gc, x, y, angle, prop.get_size_in_points(), glyphs)

    def _draw_glyphs(self, gc, x, y, angle, size, glyphs):
        """``RendererAgg._draw_text_glyphs_and_boxes`` for a plain line (no slant, no stretch, no
        boxes), with the glyph transform computed once per line instead of once per glyph, and each
        glyph rendered by FreeType once per sub-pixel offset: a glyph placed a whole number of
        pixels further is the same bitmap moved (FreeType places the outline with the offset in
        1/64 pixel and rasterizes it on the pixel grid), so it is kept (see :data:`_GLYPHS`) with
        its place relative to that offset. The pixels are the same as matplotlib's."""
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        load_flags = _agg.get_hinting_flag()
        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]]) @ [[1, 0], [0, 1]]).round().astype(int)
        antialiased = gc.get_antialiased()
        mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
        height, dpi = self.height, self.dpi
        draw_image = self._renderer.draw_text_image
        line_key = (size, dpi, load_flags, antialiased, angle)
        for font, glyph_index, dx, dy in glyphs:  # dy is upwards; FreeType's y is upwards
            gx = round(0x40 * (x + dx * cos - dy * sin))
            gy = round(0x40 * (height - y + dx * sin + dy * cos))
            key = (font, glyph_index, gx & 63, gy & 63, line_key)
            hit = _GLYPHS.get(key)
            if hit is None:
                font.set_size(size, dpi)
                font._set_transform(matrix, [gx & 63, gy & 63])
                bitmap = font._render_glyph(glyph_index, load_flags, mode)
                buffer = bitmap.buffer
                if not antialiased:
                    buffer *= 0xff
                if len(_GLYPHS) >= _GLYPHS_MAX:
                    _GLYPHS.clear()
                hit = _GLYPHS[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = hit
            draw_image(buffer, left + (gx >> 6), int(height) - (top + (gy >> 6)) + buffer.shape[0], 0, gc)


_TEXT2PATH = _TextToPath()


def _remember(key, value):
    if len(_TEXT) >= _TEXT_MAX:
        _TEXT.clear()
    _TEXT[key] = value
    return value


class _Canvas(FigureCanvasAgg):
    """The Agg canvas of every report figure (no pyplot: nothing to register or close)."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if getattr(self, "_lastKey", None) != key or not isinstance(getattr(self, "renderer", None), _Renderer):
            self.renderer = _Renderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


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
    fig = Figure(figsize=figsize, dpi=style.RENDER_DPI)
    _Canvas(fig)
    ax = fig.subplots(nrows, ncols, **kw)
    fig._wz_layout = {"left": left, "right": right, "top": top, "axis_room": axis_room}
    fig.subplots_adjust(left=left, right=right, top=top)
    return fig, ax


def to_png(fig) -> bytes:
    """PNG bytes of ``fig``: rendered by Agg, reduced to a 256-colour palette (fast octree, no
    dithering: faithful for charts — mean error under 1/255 per channel, indistinguishable on screen
    and in print — about a third of the size, and 5× faster than median cut) and encoded by Pillow
    without any timestamp, so the bytes are identical on every run."""
    from PIL import Image

    freeze_ticks(fig)
    fig.canvas.draw()
    w, h = fig.canvas.get_width_height()
    im = Image.frombuffer("RGBA", (w, h), fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    pal = im.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    pal.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()


def freeze_ticks(fig) -> None:
    """Fix every drawn axis's major ticks to the ones the draw would show, with their labels.

    Matplotlib asks the tick locator for positions up to three times per axis and draw (the draw
    itself, the axis-label placement and the offset text), formats all of them each time, and makes
    a ``Tick`` (five artists, the costliest object of a chart) for every position, also for the one
    or two just outside the view that are never drawn. Once the layout is final (just before the
    draw), the positions inside the view and their labels (formatted together with all positions,
    as the draw would) are fixed, so the chart draws the same pixels with less work. An axis is left
    as it is when its formatter has an offset text, when the axes has a fixed aspect (the draw may
    still move its limits) or when its axis is not drawn. An axis without a label keeps its (empty)
    label where it is, so the draw does not measure all tick labels a second time to move it."""
    from matplotlib import transforms as mtransforms

    inside = getattr(mtransforms, "_interval_contains_close", None)
    if inside is None:  # not in this matplotlib: draw as usual
        return
    for ax in fig.axes:
        if not (ax.get_visible() and ax.axison) or ax.get_aspect() != "auto":
            continue
        for axis in ax._axis_map.values():
            loc = axis.get_major_locator()
            if not axis.get_visible() or isinstance(loc, mticker.NullLocator):
                continue
            locs = list(axis.get_majorticklocs())
            fmt_ = axis.get_major_formatter()
            labels = fmt_.format_ticks(locs)
            if fmt_.get_offset():
                continue
            lo, hi = sorted(axis.get_view_interval())
            tr = axis.get_transform()
            view = tr.transform([lo, hi])
            keep = [i for i, v in enumerate(locs) if inside(view, tr.transform(v))]
            axis.set_major_locator(mticker.FixedLocator([locs[i] for i in keep]))
            axis.set_major_formatter(mticker.FixedFormatter([labels[i] for i in keep]))
        for axis in ax._axis_map.values():
            if not axis.label.get_text():  # nothing to place clear of the tick labels: no measuring
                x, y = axis.label.get_position()
                axis.set_label_coords(x, y, transform=axis.label.get_transform())


def figure_html(png: bytes, *, alt: str, caption: str, width: int, height: int) -> str:
    b64 = base64.b64encode(png).decode("ascii")
    return (f'<figure class="wz-fig"><img src="data:image/png;base64,{b64}" width="{width}" height="{height}" '
            f'alt="{html.escape(alt, quote=True)}"><figcaption>{html.escape(caption)}</figcaption></figure>')


def show(fig, *, alt: str, source: str, peildatum: str, title: str | None = None) -> None:
    """Embed ``fig`` in the report. ``alt``: what the chart shows, for screen readers (required);
    ``source``: "Bron: CBS, tabel …; bewerking woonzorg"; ``peildatum``: the reference date(s)."""
    from IPython.display import HTML, display

    display(HTML(render(fig, alt=alt, source=source, peildatum=peildatum, title=title)))


@gc_paused
def render(fig, *, alt: str, source: str, peildatum: str, title: str | None = None) -> str:
    """The ``<figure>`` HTML for ``fig`` (see :func:`show`)."""
    if not alt or not alt.strip():
        raise ValueError("every figure needs alt text")
    if not source.startswith("Bron:"):
        raise ValueError("the source line starts with 'Bron:'")
    if not peildatum:
        raise ValueError("every figure needs its reference date")
    _title(fig, title or "")
    # the source line is printed once, as the figure's caption (text a reader can select and a
    # screen reader reads), not a second time inside the image
    line = f"{source}. Peildatum: {peildatum}."
    fig_h = fig.get_size_inches()[1]
    lay = getattr(fig, "_wz_layout", None)
    if lay is not None:
        fig.subplots_adjust(bottom=0.02 + lay["axis_room"] / fig_h, top=lay["top"])
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
