"""Locator maps of the gemeente pages (issue 15 item 2): inline SVG from the shipped CBS boundaries,
the region's shapes written once, each page highlighting its own gemeente; small and fast."""

from __future__ import annotations

import re
import time

import pytest

from woonzorg_lib import regions
from woonzorg_lib.report import locator, maps


@pytest.fixture(scope="module")
def utrecht_codes():
    maps.boundaries()  # the shared GeoJSON read (cached), not part of the per-region cost
    return list(regions.load_region("utrecht").gemeenten)


def test_defs_hold_every_gemeente_once_and_pages_refer_to_them(utrecht_codes):
    defs = locator.locator_defs(utrecht_codes)
    ids = re.findall(r'<path id="wz-loc-(GM\d{4})" d="M[^"]+z"', defs)
    assert sorted(ids) == sorted(utrecht_codes)
    box = locator.view_box(defs)
    assert max(box) == locator.BOX and min(box) > 100
    page = locator.locator_svg(utrecht_codes[3], "Bunnik", "Provincie Utrecht", box)
    assert f'href="#wz-loc-{utrecht_codes[3]}" fill="{locator.FOCUS_FILL}"' in page
    assert 'href="#wz-loc-regio"' in page and "<path" not in page  # refers, never copies the shapes
    assert 'aria-label="Kaartje: de ligging van Bunnik in Provincie Utrecht"' in page
    assert "<title>" not in page  # one <title> per document


def test_coordinates_are_whole_units_inside_the_box(utrecht_codes):
    defs = locator.locator_defs(utrecht_codes)
    w, h = locator.view_box(defs)
    for d in re.findall(r' d="([^"]+)"', defs):
        for ring in d.split("z")[:-1]:
            start, moves = ring[1:].split("l")
            x, y = map(int, start.split())
            nums = [int(v) for v in re.findall(r"-?\d+", moves)]
            for dx, dy in zip(nums[::2], nums[1::2]):
                x, y = x + dx, y + dy
                assert 0 <= x <= w and 0 <= y <= h


def test_small_fast_and_deterministic(utrecht_codes):
    t = time.perf_counter()
    defs = locator.locator_defs(utrecht_codes)
    box = locator.view_box(defs)
    pages = [locator.locator_svg(c, "Gemeente", "Provincie Utrecht", box) for c in utrecht_codes]
    seconds = time.perf_counter() - t
    total = len(defs) + sum(len(p) for p in pages)
    assert seconds < 0.5, seconds  # 26 maps; measured ≈ 0,005 s
    assert total < 30_000, total  # measured ≈ 15 kB for all 26 pages together
    assert locator.locator_defs(list(reversed(utrecht_codes))) == defs
