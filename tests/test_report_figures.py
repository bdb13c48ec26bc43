"""Every chart type draws from small tidy data, embeds a PNG with alt text, source and reference
date, and gives identical bytes twice (fixed size, no timestamps)."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from woonzorg_lib.report import figures

SRC = "Bron: CBS, tabel 85644NED; bewerking woonzorg"


def _png(html: str) -> bytes:
    return base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))


def _series():
    hist = pd.DataFrame({"jaar": range(2015, 2025), "waarde": np.linspace(1000, 1100, 10)})
    fc = pd.DataFrame([{"jaar": y, "variant": v, "waarde": 1100 + (y - 2024) * k}
                       for y in range(2024, 2031) for v, k in (("laag", 5), ("midden", 10), ("hoog", 15))])
    off = pd.DataFrame({"jaar": range(2024, 2031), "waarde": [1100 + 9 * i for i in range(7)],
                        "ondergrens": [1100 + 4 * i for i in range(7)], "bovengrens": [1100 + 14 * i for i in range(7)]})
    return hist, fc, off


def _make(kind: str):
    hist, fc, off = _series()
    if kind == "timeseries":
        return figures.timeseries(hist, fc, official=off, title="Inwoners", base_year=2024)
    if kind == "pyramid":
        rows = [{"jaar": y, "geslacht": g, "leeftijd_van": a, "leeftijd_tot": (a + 4 if a < 95 else None),
                 "waarde": 100 + a + (5 if y == 2030 else 0)} for y in (2024, 2030) for g in ("man", "vrouw")
                for a in range(0, 100, 5)]
        return figures.pyramid(pd.DataFrame(rows), year_a=2024, year_b=2030, title="Piramide")
    if kind == "backtest":
        d = pd.DataFrame({"horizon": [1, 5, 8] * 2, "mape": [0.004, 0.02, 0.03, 0.006, 0.03, 0.044],
                          "methode": ["model"] * 3 + ["laatste"] * 3})
        return figures.backtest(d, x="horizon", y="mape", hue="methode", title="Terugtoets")
    if kind == "small_multiples":
        d = pd.DataFrame([{"groep": g, "jaar": y, "midden": 10 + y - 2024, "laag": 8, "hoog": 14}
                          for g in ("a", "b", "c", "d") for y in range(2024, 2031)])
        return figures.small_multiples(d, facet="groep", title="Vraag")
    if kind == "stacked_bars":
        d = pd.DataFrame([{"gemeente": g, "type": t, "waarde": 10.0 * (i + 1)} for i, g in enumerate("ABC")
                          for t in ("x", "y")])
        return figures.stacked_bars(d, category="gemeente", stack="type", value="waarde", title="Opgave")
    if kind == "tornado":
        d = pd.DataFrame({"p": ["een heel lange parameternaam met veel woorden erin", "kort"], "lo": [90, 95],
                          "hi": [120, 104]})
        return figures.tornado(d, label="p", low="lo", high="hi", base=100, title="Gevoeligheid")
    if kind == "dumbbell":
        d = pd.DataFrame({"g": ["A", "B"], "a": [0.6, 0.4], "b": [0.5, 0.5], "c": [0.7, 0.3]})
        return figures.dumbbell(d, label="g", a="a", b="b", extra="c", a_label="sleutel", b_label="nu",
                                extra_label="capaciteit", title="Eerlijk aandeel")
    if kind == "dotplot":
        d = pd.DataFrame([{"g": g, "k": k, "v": v} for g, k, v in
                          (("A", "inwoners", 0.6), ("B", "inwoners", 0.4), ("A", "mix", 0.55), ("B", "mix", 0.45))])
        return figures.dotplot(d, label="g", series="k", value="v", title="Sleutels", legend_title="sleutel")
    if kind == "choropleth":
        geo = figures.boundaries()
        codes = [f["properties"]["gemeentecode"] for f in geo["features"]][:5]
        return figures.choropleth({c: float(i) for i, c in enumerate(codes)}, names={c: c for c in codes},
                                  title="Kaart", label="aantal")
    raise KeyError(kind)


KINDS = ["timeseries", "pyramid", "backtest", "small_multiples", "stacked_bars", "tornado", "dumbbell", "dotplot",
         "choropleth"]


@pytest.mark.parametrize("kind", KINDS)
def test_chart_embeds_and_is_deterministic(kind):
    a = figures.render(_make(kind), alt=f"Een {kind} voor de test", source=SRC, peildatum="1 januari 2024")
    b = figures.render(_make(kind), alt=f"Een {kind} voor de test", source=SRC, peildatum="1 januari 2024")
    assert a == b
    assert 'alt="Een ' in a and "<figcaption>Bron: CBS" in a and "Peildatum: 1 januari 2024." in a
    png = _png(a)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = (int(x) for x in re.search(r'width="(\d+)" height="(\d+)"', a).groups())
    assert w == 800 and h >= 320
    assert len(png) < 120_000


def test_alt_text_source_and_date_are_required():
    with pytest.raises(ValueError):
        figures.render(_make("backtest"), alt=" ", source=SRC, peildatum="2024")
    with pytest.raises(ValueError):
        figures.render(_make("backtest"), alt="Een grafiek", source="CBS", peildatum="2024")
    with pytest.raises(ValueError):
        figures.render(_make("backtest"), alt="Een grafiek", source=SRC, peildatum="")


def test_quantile_classes_enclose_all_values():
    v = [3900, 15000, 20000, 25000, 48000, 66000, 380000]
    b = figures.quantile_bounds(v)
    assert b[0] <= min(v) and b[-1] >= max(v) and list(b) == sorted(set(b))


def test_official_prognosis_is_summed_for_the_region_when_fetched(monkeypatch):
    from woonzorg_lib.report import context as cmod
    from woonzorg_lib.report.validate import RunParams

    ctx = cmod.Context(RunParams(region="midden-limburg"))
    real = cmod.load.table
    rows = [{"gemeentecode": c, "jaar": y, "interval": iv, "waarde": base + k, "bron": "CBS 85173NED"}
            for c in ctx.codes for y in (2024, 2025, 2030)
            for iv, k in (("prognose", 0), ("ondergrens_67", -10), ("bovengrens_67", 10)) for base in (1000,)]
    monkeypatch.setattr(cmod.load, "table",
                        lambda name: pd.DataFrame(rows) if name == "prognose_pbl" else real(name))
    off = ctx.official_forecast()
    assert list(off["jaar"]) == [2024, 2025, 2030]
    assert off["waarde"].iloc[0] == 1000 * len(ctx.codes)
    assert off["ondergrens"].iloc[0] == 990 * len(ctx.codes)
    assert "85173NED" in off.attrs["bron"]
    assert ctx.official_forecast_note() == ""
    assert "officiële prognose" in ctx.population_chart_source()


def test_map_classes_mean_something():
    """Classes relative to the regional average: a small spread stays in the middle class instead
    of being stretched over the whole palette (synthetic values)."""
    from woonzorg_lib.report import maps

    b = maps.class_bounds([19.0, 20.0, 21.0], scale="average", average=20.0)
    assert list(b) == [16.0, 18.0, 22.0, 24.0]
    assert all(b[1] <= v < b[2] for v in (19.0, 20.0, 21.0))
    d = maps.class_bounds([-0.03, 0.02, 0.2], scale="diverging")
    assert list(d) == pytest.approx([-0.15, -0.05, 0.05, 0.15])
    s = maps.class_bounds([12_000, 35_000, 61_000], scale="sequential")
    assert list(s) == [20_000, 40_000, 60_000]
    labels = maps._class_labels(b, scale="average", percent=False, digits=1, average=20.0)
    assert labels[2] == "18,0 tot 22,0 (rond het gemiddelde van 20,0)" and len(labels) == 5


def test_utrecht_map_labels_inside_the_figure_and_never_overlapping():
    """The hard case: 26 gemeenten. Every name is drawn inside the figure without overlapping
    another; a name that does not fit becomes a number explained under the map."""
    from woonzorg_lib.regions import load_region
    from woonzorg_lib.report import maps

    region = load_region("utrecht")
    codes = list(region.gemeenten)
    values = {c: float(i) for i, c in enumerate(codes)}  # synthetic values, real boundaries
    names = {f["properties"]["gemeentecode"]: f["properties"].get("gemeentenaam", f["properties"]["gemeentecode"])
             for f in maps.boundaries()["features"]}
    fig = maps.choropleth(values, names=names, label="waarde", title="Test")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [t.get_window_extent(r) for t in ax.texts if t.get_text() and not t.get_text().startswith("Nummers")]
    assert len(boxes) >= len(codes)
    for i, a in enumerate(boxes):
        assert fig.bbox.x0 <= a.x0 and a.x1 <= fig.bbox.x1 and fig.bbox.y0 <= a.y0 and a.y1 <= fig.bbox.y1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "overlappende namen op de kaart"
    import matplotlib.pyplot as plt

    plt.close(fig)


def _region_map(region_name: str, **kw):
    from woonzorg_lib.regions import load_region
    from woonzorg_lib.report import maps

    codes = list(load_region(region_name).gemeenten)
    names = {f["properties"]["gemeentecode"]: f["properties"].get("gemeentenaam", "") for f in maps.boundaries()["features"]}
    values = kw.pop("values", None) or {c: 10.0 + (i % 5) for i, c in enumerate(codes)}  # synthetic values
    return maps.choropleth(values, names=names, label="waarde", title="Test", **kw), codes


@pytest.mark.parametrize("region_name", ["twente", "utrecht"])
def test_map_figure_takes_the_regions_shape_without_white_bands(region_name):
    """The map area has the region's own shape: the drawn map fills the height between title and key
    (no white band above and below it, as a fixed 8 × 6 inch figure left for wide regions)."""
    from woonzorg_lib.report import style

    fig, _ = _region_map(region_name, average=12.0)
    w, h = fig.get_size_inches()
    assert h < style.FIGSIZE_TALL[1]
    html = figures.render(fig, alt="kaart", source=SRC, peildatum="1 januari 2024")
    fig.canvas.draw()
    ax = fig.axes[0]
    box = ax.get_window_extent()  # the map after its aspect is applied
    lay = fig._wz_layout
    room = (lay["top"] - (0.02 + lay["axis_room"] / h)) * h * fig.dpi  # the room between title and key
    assert box.height >= 0.95 * room, (box.height, room)
    assert f'height="{round(h * 100)}"' in html


def test_map_middle_class_stays_visible_in_the_png():
    """The class around the average is a light grey that survives the 256-colour PNG: gemeenten in it
    do not vanish into the white background (they did with #f0f0f0)."""
    from PIL import Image
    import io

    from woonzorg_lib.regions import load_region

    codes = list(load_region("utrecht").gemeenten)
    fig, _ = _region_map("utrecht", values={c: 1.0 for c in codes}, average=1.0)  # all in the middle class
    png = _png(figures.render(fig, alt="kaart", source=SRC, peildatum="1 januari 2024"))
    px = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    grey = np.all(np.abs(px.astype(int) - 230) <= 2, axis=1).mean()
    assert grey > 0.1, grey  # a good part of the image is the middle-class grey, not white


def test_map_no_data_is_hatched_white_not_a_class_colour():
    from woonzorg_lib.report import maps

    import matplotlib.pyplot as plt
    from woonzorg_lib.regions import load_region

    codes = list(load_region("twente").gemeenten)
    vals = {c: (float("nan") if i == 0 else 10.0 + i) for i, c in enumerate(codes)}
    fig, _ = _region_map("twente", values=vals)
    hatched = [c for c in fig.axes[0].collections if c.get_hatch()]
    assert len(hatched) == 1 and maps.NO_DATA == "#ffffff"
    legend_labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "geen cijfer" in legend_labels
    plt.close(fig)


@pytest.mark.parametrize("kind", ["timeseries", "pyramid", "backtest", "small_multiples", "tornado", "dotplot"])
def test_fixed_ticks_draw_the_same_pixels(kind, monkeypatch):
    """Fixing the ticks before the draw (figcore.freeze_ticks, a speed-up) changes no byte of the PNG."""
    from woonzorg_lib.report import figcore

    fast = _png(figures.render(_make(kind), alt="grafiek", source=SRC, peildatum="2024"))
    monkeypatch.setattr(figcore, "freeze_ticks", lambda fig: None)
    plain = _png(figures.render(_make(kind), alt="grafiek", source=SRC, peildatum="2024"))
    assert fast == plain


def test_fixed_ticks_are_the_ones_in_view_with_their_labels():
    import matplotlib.ticker as mticker

    from woonzorg_lib.report import figcore

    fig = _make("timeseries")
    ax = fig.axes[0]
    before = {n: (list(a.get_majorticklocs()), a.get_view_interval()) for n, a in ax._axis_map.items()}
    figcore.freeze_ticks(fig)
    for name, axis in ax._axis_map.items():
        locs, (lo, hi) = before[name]
        assert isinstance(axis.get_major_locator(), mticker.FixedLocator)
        kept = list(axis.get_majorticklocs())
        assert kept == [v for v in locs if lo <= v <= hi] and len(kept) < len(locs)
    assert [t for t in ax.yaxis.major.formatter.seq] == [figures.fmt.dec(v, 0) for v in ax.get_yticks()]
    import matplotlib.pyplot as plt

    plt.close(fig)


@pytest.mark.parametrize("kind", ["timeseries", "small_multiples", "dumbbell", "choropleth"])
def test_remembered_text_draws_the_same_pixels_as_plain_agg(kind, monkeypatch):
    """The report's renderer remembers text extents and glyph layouts across figures (a speed-up):
    cold, warm, or with matplotlib's plain Agg canvas, the PNG is the same."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from woonzorg_lib.report import figcore

    def png():
        return _png(figures.render(_make(kind), alt="grafiek", source=SRC, peildatum="2024"))

    figcore._TEXT.clear()
    figcore._GLYPHS.clear()
    cold = png()
    assert figcore._TEXT, "the renderer remembers nothing"
    warm = png()
    monkeypatch.setattr(figcore, "_Canvas", FigureCanvasAgg)
    plain = png()
    assert cold == warm == plain


def test_report_figures_stay_out_of_pyplot():
    """A chart is not registered with pyplot, so a notebook never shows it a second time (and an
    unrendered chart does not stay open)."""
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = _make("backtest")
    assert plt.get_fignums() == before
    assert fig.canvas.get_renderer() is fig.canvas.get_renderer()


def test_gc_is_paused_while_drawing_and_restored_after_an_error():
    import gc

    from woonzorg_lib.report import figcore

    seen = []

    @figcore.gc_paused
    def work(fail):
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("boom")

    assert gc.isenabled()
    work(False)
    with pytest.raises(RuntimeError):
        work(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        work(False)
        assert not gc.isenabled()  # a caller's own pause is kept
    finally:
        gc.enable()


def test_remembered_glyphs_land_on_matplotlibs_pixels_at_every_offset():
    """A glyph bitmap is rendered once per sub-pixel offset and moved by whole pixels: the same
    pixels as matplotlib's Agg renderer at many positions, upright and rotated."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from woonzorg_lib.report import figcore

    text = "Wijk bij Duurstede 1.234"
    figcore._GLYPHS.clear()
    plain, ours = RendererAgg(400, 300, 150), figcore._Renderer(400, 300, 150)
    for r in (plain, ours):
        gc = r.new_gc()
        for i in range(60):
            for size, angle in ((9, 0), (7.5, 0), (10, 90)):
                r.draw_text(gc, 5 + i * 5.37, 20 + i * 4.03, text, FontProperties(size=size), angle)
                r.draw_text(gc, 5 + i * 5, 30 + i * 4, text, FontProperties(size=size), angle)  # whole pixels apart
    assert np.array_equal(np.asarray(plain.buffer_rgba()), np.asarray(ours.buffer_rgba()))
    assert np.asarray(ours.buffer_rgba())[..., 3].any()
    drawn = 60 * 3 * 2 * len(text)
    assert 0 < len(figcore._GLYPHS) < 0.6 * drawn  # bitmaps are reused


def test_remembered_font_heights_give_matplotlibs_text_layout():
    """Text layout (line heights of one- and multi-line text at several sizes and weights) with the
    report's renderer equals matplotlib's own."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.figure import Figure

    from woonzorg_lib.report import figcore

    fig = Figure(dpi=150)
    texts = [fig.text(0.1, 0.5, s, fontsize=fs, fontweight=w) for s, fs, w in
             (("Nummers: 1 Bunnik", 7, "normal"), ("twee\nregels", 8.5, "bold"), ("Qj", 12, "bold"), ("x", 6.5, "normal"))]
    plain, ours = RendererAgg(1200, 675, 150), figcore._Renderer(1200, 675, 150)
    for t in texts:
        a, b = t._get_layout(plain), t._get_layout(ours)
        assert a[0].bounds == b[0].bounds and a[1] == b[1]
