"""Charts in the house style: fixed-size PNGs embedded in the report with alt text, source line and
reference date.

Every plot function takes tidy data prepared by the library and only draws; ``show(fig, alt=…,
source=…, peildatum=…)`` adds the source line to the image, encodes it (base64, no external file),
and displays a ``<figure>`` with ``<img alt>`` and a caption. The figure core
(:mod:`.figcore`) and the maps (:mod:`.maps`) are re-exported here, so a notebook needs one import.
"""

from __future__ import annotations

import math

import numpy as np

from . import fmt, style
from .figcore import (SOURCE_FONTSIZE, _finish_horizontal, _thousands, _title, age_label, figure_html,  # noqa: F401
                      gc_paused, label_room, new, render, show, to_png, wrap_label)
from .maps import boundaries, choropleth, class_bounds, locator_map, quantile_bounds  # noqa: F401

import matplotlib.ticker as mticker  # noqa: E402


# ----------------------------------------------------------------------------------------------
# Demography
@gc_paused
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


@gc_paused
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


@gc_paused
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
@gc_paused
def small_multiples(df, *, facet: str, x: str = "jaar", y: str = "midden", lo: str | None = "laag",
                    hi: str | None = "hoog", facet_labels: dict | None = None, ncols: int = 3, ylabel: str = "",
                    title: str = ""):
    """One small panel per ``facet`` value: a line (``y``) with an interval band (``lo``–``hi``)."""
    keys = list(dict.fromkeys(df[facet]))
    nrows = max(1, math.ceil(len(keys) / ncols))
    fig, axes = new((8.0, 1.9 * nrows + 0.9), nrows=nrows, ncols=ncols, squeeze=False, sharex=True, left=0.09,
                    axis_room=0.3, title_room=0.55)
    fig.subplots_adjust(wspace=0.42, hspace=0.55)
    parts = dict(iter(df.groupby(facet, sort=False)))  # one split instead of a filter per panel
    for i, ax in enumerate(axes.flat):
        if i >= len(keys):
            ax.set_visible(False)
            continue
        g = parts.get(keys[i])
        g = (df[df[facet] == keys[i]] if g is None else g).sort_values(x)
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


@gc_paused
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


@gc_paused
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
@gc_paused
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


@gc_paused
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
