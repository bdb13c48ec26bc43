"""kernboodschap.national_frame on a real run (Midden-Limburg, shipped snapshot): the region's share
of the national ouderen programme (290.000 homes, BZK 2022) beside its modelled opgave, and the
statushouder taakstelling as a yearly flow."""

from __future__ import annotations

import math

import pytest

from woonzorg_lib import pipeline
from woonzorg_lib.chapters import kernboodschap
from woonzorg_lib.groups import rijksopgave_key
from woonzorg_lib.report.validate import RunParams


@pytest.fixture(scope="module")
def run():
    return pipeline.run(RunParams(region="midden-limburg"))


@pytest.fixture(scope="module")
def frame(run):
    return kernboodschap.national_frame(run)


def test_columns_and_programme_rows(frame):
    assert list(frame.columns) == kernboodschap.FRAME_COLUMNS
    ouderen = frame[frame["onderdeel"].str.startswith("Ouderenhuisvesting")]
    assert ouderen["landelijk_doel"].tolist() == [170_000.0, 80_000.0, 40_000.0, 290_000.0]
    assert (ouderen["eenheid"] == "woningen").all()
    assert ouderen["toelichting"].str.contains("Programma Wonen en Zorg voor Ouderen").all()


def test_regional_share_of_the_national_programme(run, frame):
    tot = frame[frame["onderdeel"] == "Ouderenhuisvesting: alle drie samen"].iloc[0]
    assert 0.0 < tot["aandeel_regio"] < 1.0
    assert tot["aandeel_regio"] == pytest.approx(rijksopgave_key(run.codes)["aandeel"].sum())
    assert tot["regionaal_deel"] == pytest.approx(tot["aandeel_regio"] * 290_000, abs=0.5)
    parts = frame[frame["onderdeel"].str.startswith("Ouderenhuisvesting") & (frame["landelijk_doel"] < 290_000)]
    assert parts["regionaal_deel"].sum() == pytest.approx(tot["regionaal_deel"], abs=0.5)


def test_model_figures_are_finite_and_match_the_demand(run, frame):
    assert all(math.isfinite(v) for v in frame["model_regio"])
    d = run.demand
    o = d[(d["groep"] == "ouderen") & (d["maat"] == "opgave") & (d["variant"] == "midden") & (d["jaar"] == run.until)
          & d["woningtype"].isin(["nultreden", "geclusterd", "zorggeschikt"])]
    tot = frame[frame["onderdeel"] == "Ouderenhuisvesting: alle drie samen"].iloc[0]
    assert tot["model_regio"] == pytest.approx(o["waarde"].sum())
    assert tot["model_regio"] > 0


def test_statushouders_are_a_yearly_flow_apart_from_the_stock(run, frame):
    s = frame[frame["onderdeel"].str.startswith("Statushouders")]
    assert len(s) == 1, "the shipped snapshot holds the statushouder group"
    row = s.iloc[0]
    assert row["eenheid"] == "woningen per jaar"
    assert 0.0 < row["aandeel_regio"] < 1.0
    assert row["regionaal_deel"] == pytest.approx(row["aandeel_regio"] * row["landelijk_doel"])
    # the model is the same pro-rata taakstelling: its yearly figure matches the regional part
    assert row["model_regio"] == pytest.approx(row["regionaal_deel"], rel=1e-6)
    assert "niet opgeteld" in row["toelichting"]
