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


def test_key_table_explains_each_indicator_in_one_plain_sentence_and_methods_keep_the_formula():
    """The Verdeling chapter's key table reads as plain Dutch for a wethouder (one sentence per
    indicator saying what a higher value does to the share, no formula); the formula is in Methoden."""
    from woonzorg_lib.chapters import methoden
    from woonzorg_lib.report import terms
    from woonzorg_lib.verdeling import keys as vk

    spec = verdeling.key_description()[0]
    df = spec["df"]
    mix = vk.load_key(vk.default_key_path())
    assert list(df["code"]) == [i.naam for i in mix.indicatoren_voor(None)]
    for code, sentence in zip(df["code"], df["indicator"]):
        assert sentence.startswith("Hoe ") and sentence.endswith(".") and sentence.count(". ") == 0, sentence
        assert "aandeel" in sentence and "×" not in sentence and "÷" not in sentence, sentence
        assert not terms.codes_in(sentence), sentence
        richting = next(i.richting for i in mix.indicatoren if i.naam == code)
        # 'meer is minder' with a scale by inwoners reads as 'hoe minder …, hoe groter'; without it 'hoe meer …, hoe kleiner'
        assert ("kleiner" in sentence) or ("groter" in sentence), sentence
        if richting == "meer_is_minder" and code == "huidige_inspanning":
            assert sentence.startswith("Hoe minder"), sentence
    assert "Methoden" in spec["note"]
    formulas = methoden.indicator_formulas()[0]["df"]
    assert len(formulas) == len(df)
    row = formulas.set_index("naam").loc["Verhuurcapaciteit (vrijkomende sociale huurwoningen per jaar)"]
    assert "mutatiegraad" in row["waarde"] and "×" in row["waarde"]
    assert "× woningvoorraad" in " ".join(formulas["score"])          # afstand tot de norm, scaled
    assert "hoogste waarde in de regio − eigen waarde" in " ".join(formulas["score"])  # huidige inspanning


def test_indicator_sentence_follows_a_key_files_direction_and_scale():
    """A user's key that turns an indicator round (or scales it) without its own description gets a
    sentence that says so, not the standard sentence of the default direction."""
    from woonzorg_lib.verdeling.keys import INDICATOREN, Indicator

    std = Indicator(naam="inwoners", gewicht=1.0)
    assert verdeling.indicator_sentence(std) == INDICATOREN["inwoners"]
    rev = Indicator(naam="inwoners", gewicht=1.0, richting="meer_is_minder")
    assert "kleiner" in verdeling.indicator_sentence(rev) and "groter" not in verdeling.indicator_sentence(rev)
    scaled = Indicator(naam="sociale_huur", gewicht=1.0, schaal="woningvoorraad")
    assert "woningvoorraad" in verdeling.indicator_sentence(scaled)
    own = Indicator(naam="vraag", gewicht=1.0, beschrijving="Hoe  meer\nvraag, hoe groter het aandeel.")
    assert verdeling.indicator_sentence(own) == "Hoe meer vraag, hoe groter het aandeel."


def test_an_indicator_description_does_not_change_the_shares():
    """The description strings are words only: the shares of a key with and without them are equal."""
    from woonzorg_lib.verdeling import keys as vk

    text = vk.default_key_path().read_text(encoding="utf-8")
    bare = "\n".join(line for line in text.splitlines()
                     if not line.startswith("    beschrijving: >-") and not line.startswith("      Hoe ")
                     and not line.startswith("      hoe "))
    a, b = vk.parse_key(text), vk.parse_key(bare)
    assert any(i.beschrijving for i in a.indicatoren) and not any(i.beschrijving for i in b.indicatoren)
    ind = pd.DataFrame({"inwoners": [1000.0, 3000.0, 6000.0], "woningvoorraad": [500.0, 1400.0, 2900.0],
                        "sociale_huur": [100.0, 300.0, 900.0]}, index=["GM1", "GM2", "GM3"])  # synthetic
    ind = vk.derive_indicators(ind)
    ind["huidige_inspanning"] = [0.8, 1.0, 1.1]
    pd.testing.assert_series_equal(vk.key_shares(a, ind), vk.key_shares(b, ind))


def test_gemeente_shares_keep_the_two_tasks_apart(run):
    s = gemeenten.shares(run)
    for _, g in s.groupby("sleutel"):
        assert g["aandeel"].sum() == pytest.approx(1.0) and g["aandeel_verhuur"].sum() == pytest.approx(1.0)
    a = run.allocation
    woningen = run.demand[run.demand["eenheid"] == "woningen"][["groep", "woningtype"]].drop_duplicates()
    a = a.merge(woningen, on=["groep", "woningtype"])
    mix = s[s["sleutel"] == "mix"]
    assert mix["toewijzing"].sum() == a[(a["sleutel"] == "mix") & (a["taak"] == "opgave")]["toewijzing"].sum()
    assert mix["verhuringen"].sum() == a[(a["sleutel"] == "mix") & (a["taak"] == "toewijzing")]["toewijzing"].sum()


def test_gemeente_needs_show_vraag_aanbod_and_tekort(run):
    """Issue 15 item 2: a gemeente page has vraag, aanbod and tekort per group and woonvorm; tekort =
    vraag − aanbod on 1 January of the base year (stand groups with a supply figure only)."""
    n = gemeenten.needs(run)
    known = n[(n["soort"] == "stand") & n["aanbod_basis"].notna()]
    assert len(known) > 0
    assert known["tekort_basis"].to_numpy() == pytest.approx((known["vraag_basis"] - known["aanbod_basis"]).to_numpy(),
                                                             abs=1e-6)
    assert n[n["soort"] == "stroom"]["tekort_basis"].isna().all()
