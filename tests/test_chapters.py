"""Chapter functions (woonzorg_lib.chapters) on a real run (Midden-Limburg, shipped snapshot):
the per-gemeente pages add up to the regional chapters, and the workbook's view reads the same run."""

from __future__ import annotations

import pandas as pd
import pytest

from woonzorg_lib import pipeline
from woonzorg_lib.chapters import bevolking, gemeenten, groepen, kernboodschap, verdeling, woonbehoefte
from woonzorg_lib.report.context import Context
from woonzorg_lib.report.validate import RunParams


@pytest.fixture(scope="module")
def run():
    return pipeline.run(RunParams(region="midden-limburg"))


def test_gemeente_pages_add_up_to_the_region(run):
    per = gemeenten.needs(run).groupby(["groep", "woningtype"])[["opgave", "opgave_laag", "opgave_hoog", "vraag_basis"]].sum()
    reg = groepen.demand_overview(run).set_index(["groep", "woningtype"])[["opgave", "opgave_laag", "opgave_hoog",
                                                                           "vraag_basis"]]
    # central figures add up; the region's laag/hoog are the range of the regional total (run.bands),
    # not the sum of the gemeenten's ranges (CONTRACTS "Variants")
    pd.testing.assert_frame_equal(per.sort_index()[["opgave", "vraag_basis"]], reg.sort_index()[["opgave", "vraag_basis"]],
                                  check_exact=False, rtol=1e-9)
    b = run.bands[(run.bands["niveau"] == "woningtype") & (run.bands["jaar"] == run.until)]
    for (g, wt), r in reg.iterrows():
        maat = "toewijzing" if (run.demand[(run.demand["groep"] == g)]["soort"].iloc[0] == "stroom") else "opgave"
        hit = b[(b["groep"] == g) & (b["woningtype"] == wt) & (b["maat"] == maat)]
        assert (r["opgave_laag"], r["opgave_hoog"]) == (hit["laag"].iloc[0], hit["hoog"].iloc[0]), (g, wt)
    # the regional range of all groups together is narrower than the sum of the gemeente ranges
    kf = kernboodschap.key_figures(run)
    stand = per.join(groepen.demand_overview(run).set_index(["groep", "woningtype"])[["soort", "eenheid"]])
    stand = stand[(stand["soort"] == "stand") & (stand["eenheid"] == "woningen")]
    assert stand["opgave_laag"].sum() <= kf["extra_woningen_laag"] <= kf["extra_woningen"]
    assert kf["extra_woningen"] <= kf["extra_woningen_hoog"] <= stand["opgave_hoog"].sum()
    s = gemeenten.shares(run).groupby("sleutel")["aandeel"].sum()
    assert s.to_numpy() == pytest.approx(1.0)
    t = gemeenten.population_trends(run)
    base = t[(t["jaar"] == run.base_year) & (t["soort"] == "waargenomen")]["waarde"].sum()
    assert base == bevolking.gemeenten_overview(run)["inwoners_basis"].sum()
    assert [c for c, _ in gemeenten.gemeenten(run)] == list(run.gemeenten.sort_values("gemeentenaam")["gemeentecode"])


def test_gemeente_summary_agrees_with_the_regional_tables(run):
    sm = gemeenten.summaries(run)
    kf = kernboodschap.key_figures(run)
    ab = verdeling.allocation_by_gemeente(run).set_index("gemeentecode")
    assert sm["extra_woningen"].sum() == pytest.approx(kf["extra_woningen"])
    assert sm["verhuur_per_jaar"].sum() == pytest.approx(kf["verhuur_per_jaar"])
    assert sm["toewijzing"].sum() == ab["toewijzing"].sum()
    pg = kernboodschap.per_gemeente(run)
    assert pg["extra_woningen"].sum() == pytest.approx(kf["extra_woningen"])
    assert pg["aandeel"].sum() == pytest.approx(1.0)
    code = "GM0957"  # Roermond
    text = gemeenten.summary_text(run, code)
    assert text.startswith("Roermond telde op 1 januari 2024") and "_" not in text


def test_the_workbook_view_reads_the_same_run(run):
    ctx = Context(run)
    assert ctx.demand is run.demand and ctx.p is run.params and ctx.periode == run.periode
    pd.testing.assert_frame_equal(ctx.need_wide("woningen"), woonbehoefte.need_wide(run, "woningen"))
    assert ctx.key_figures() == kernboodschap.key_figures(run)
    assert ctx.gemeenten_overview.equals(bevolking.gemeenten_overview(run))
    assert ctx.woningtype_label("nultreden") == "nultredenwoning"
    with pytest.raises(AttributeError):
        ctx.bestaat_niet  # noqa: B018


def test_kernboodschap_keeps_extra_homes_and_lettings_apart(run):
    """The first screen gives extra homes (stand) and lettings per year (stroom) separately, each
    with its range, and never their sum (a stock and a flow are never added up)."""
    from woonzorg_lib.report import fmt

    kf = kernboodschap.key_figures(run)
    ov = groepen.demand_overview(run)
    w = ov[ov["eenheid"] == "woningen"]
    assert kf["extra_woningen"] == pytest.approx(w[w["soort"] == "stand"]["opgave"].sum())
    assert kf["verhuur_per_jaar"] == pytest.approx(w[w["soort"] == "stroom"]["opgave"].sum() / 6)
    assert kf["extra_woningen_laag"] <= kf["extra_woningen"] <= kf["extra_woningen_hoog"]
    assert sum(kf["extra_per_type"].values()) == pytest.approx(kf["extra_woningen"], abs=1.0)
    text = kernboodschap.summary_text(run, kf)
    assert "woningen extra" in text and "vrijkomende woningen" in text
    assert fmt.n(kf["opgave_woningen"]) not in text, "stand + stroom opgeteld in de kernboodschap"
    assert "_" not in text
    t = kernboodschap.summary_table(run)
    assert set(t["soort_naam"]) == {"extra in de voorraad", "verhuringen, opgeteld"}


def test_allocation_by_gemeente_keeps_extra_homes_and_lettings_apart(run):
    """The two tasks are allocated and reported apart; only lettings meet the lettings capacity."""
    ab = verdeling.allocation_by_gemeente(run)
    a = run.allocation[(run.allocation["sleutel"] == "mix")]
    woningen = run.demand[run.demand["eenheid"] == "woningen"][["groep", "woningtype"]].drop_duplicates()
    a = a.merge(woningen, on=["groep", "woningtype"])
    assert ab["extra_woningen"].sum() == a[a["taak"] == "opgave"]["toewijzing"].sum()
    assert ab["verhuringen"].sum() == a[a["taak"] == "toewijzing"]["toewijzing"].sum()
    assert ab["extra_woningen"].sum() > 0 and ab["verhuringen"].sum() > 0
    years = run.until - run.base_year
    assert (ab["per_jaar"] * years).to_numpy() == pytest.approx(ab["verhuringen"].to_numpy())
    assert (ab["druk"]).to_numpy() == pytest.approx((ab["verhuringen"] / years / ab["verhuurcapaciteit"]).to_numpy())
    assert ab["aandeel"].sum() == pytest.approx(1.0) and ab["aandeel_verhuur"].sum() == pytest.approx(1.0)


def test_kernboodschap_names_the_weightiest_assumptions_in_a_sentence():
    """"hangt het meest af van urgentieverklaringen … (urgenten)", not "… van Urgenten: urgentieverklaringen …"."""
    from woonzorg_lib.chapters.kernboodschap import _assumption

    assert _assumption("Urgenten: urgentieverklaringen per 1.000 huishoudens") == \
        "urgentieverklaringen per 1.000 huishoudens (urgenten)"
    assert _assumption("Ouderen: geschikt aandeel") == "geschikt aandeel (ouderen)"
    assert _assumption("Studenten") == "Studenten"
