"""The Dutch term list and the one rounding policy for model figures."""

from __future__ import annotations

import pandas as pd
import pytest

from woonzorg_lib.report import check, fmt, terms


@pytest.mark.parametrize("value, text", [
    (11369.4, "11.400"), (11370, "11.400"), (216.2, "220"), (9995, "10.000"), (10049, "10.000"),
    (10050, "10.100"), (-15, "−20"), (5, "10"), (4.9, "minder dan 5"), (0.3, "0"), (-3, "bijna 0"),
    (None, "–"), (float("nan"), "–"),
])
def test_model_figures_rounded_once_by_one_policy(value, text):
    assert fmt.model(value) == text


def test_totals_agree_when_rounded_from_the_unrounded_sum():
    """Parts rounded separately can differ from the total; the policy rounds the unrounded total,
    so every chapter that shows the total shows the same number (the 11.369 vs 11.370 defect)."""
    parts = [3789.4, 3790.3, 3789.7]  # synthetic
    assert fmt.model(sum(parts)) == "11.400"
    assert fmt.model(sum(parts)) == fmt.model(sum(reversed(parts)))
    assert "10.000" in fmt.ROUNDING_NOTE and "tientallen" in fmt.ROUNDING_NOTE


def test_legend_once_per_table():
    text = fmt.table_legend(bruto=["Ouderen", "Statushouders"], suppressed=2)
    assert text.count("Bruto") == 1 and "Ouderen en Statushouders" in text and "‘<5’" in text
    assert fmt.table_legend(model_figures=False) == ""


def test_every_label_is_plain_dutch():
    for kind, table in terms.LISTS.items():
        for code, lab in table.items():
            assert check.text_problems(lab) == [], (kind, code, lab)


@pytest.mark.parametrize("code", ["intramuraal_per_1000_75_84", "afstand_30pct_norm", "nieuwe_soort_x",
                                  "geclusterd_per_1000_75_plus", "per_100000_inwoners"])
def test_unknown_codes_never_reach_a_reader_as_snake_case(code):
    text = terms.humanize(code)
    assert "_" not in text and check.text_problems(text) == [], text


def test_labels_and_parameters():
    assert terms.label("woningtype", "sociale_huur") == "sociale huurwoning"
    assert terms.label("richting", "meer_is_minder") == "hoger cijfer, kleiner aandeel"
    assert terms.label("eenheid", "iets_nieuws") == "iets nieuws"
    assert terms.parameter("ouderen.intramuraal_per_1000_75_84") == (
        "Ouderen: intramurale plaatsen per 1.000 inwoners van 75–84 jaar")
    assert "_" not in terms.parameter("nieuwe_groep.een_nieuwe_parameter")
    assert terms.labels("groep", pd.Series(["ggz_bw", None])) == ["Uitstroom beschermd wonen (ggz)", ""]


def test_plain_source_and_text_drop_file_references_and_codes():
    src = "https://www.geroscoop.nl/RechtsIntro_85.html (CBS Huishoudensprognose 2015-2060); rates.md §1 [S3]"
    assert terms.plain_source(src) == "https://www.geroscoop.nl/RechtsIntro_85.html (CBS Huishoudensprognose 2015-2060)"
    t = terms.plain_text("Het deel (mantelzorg.aandeel_urgenties) telt bij ggz_bw (assumption, rates.md §9).")
    assert check.text_problems(t) == [], t
    assert "aandeel van de urgentieverklaringen" in t and "Beschermd wonen" in t


def test_text_checker_flags_codes_paths_and_english_but_not_dutch():
    assert check.text_problems("De opgave is 1.234 woningen, of minder; zie de bron.") == []
    assert check.text_problems("Bron: CBS, CC BY 4.0; https://example.org/a_b.csv") == []
    found = " ".join(check.text_problems("richting meer_is_minder uit config/parameters.yaml and the rest: inf"))
    for needle in ("meer_is_minder", "config/parameters.yaml", "'and'", "'the'", "'inf'"):
        assert needle in found, needle


def test_a_year_in_a_code_stays_a_year():
    assert terms.humanize("banden_2021") == "banden 2021"  # not "2.021"
    assert terms.humanize("per_100000_inwoners") == "per 100.000 inwoners"
