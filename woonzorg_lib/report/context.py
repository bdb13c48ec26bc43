"""The data behind one report run, computed once per kernel and shared by every chapter.

Each accessor calls the library (dataset, demography, groups, verdeling via ``pipeline``) and caches
the result on the context, so chapters never recompute and the Excel workbook (written at the end
of the same kernel) reuses the same frames. Everything returned is a tidy, sorted DataFrame.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import paths, provenance
from ..dataset import load
from . import fmt, sources, version
from .validate import DESCRIPTIONS, RunParams, report_title


WONINGTYPE_LABELS = {
    "nultreden": "nultredenwoning", "geclusterd": "geclusterde woning", "zorggeschikt": "zorggeschikte woning",
    "intramuraal": "intramurale plaats", "zelfstandig_begeleid": "zelfstandig met begeleiding",
    "sociale_huur": "sociale huurwoning", "standplaats": "standplaats", "studenteneenheid": "studenteneenheid",
    "flex": "flexwoning",
}
SHORT_GROUP_NAMES = {
    "ouderen": "Ouderen", "beperking": "Beperking", "ggz_bw": "Beschermd wonen", "mo_dakloos": "Dak- en thuislozen",
    "jeugdzorg": "Jeugdzorg", "huiselijk_geweld": "Huiselijk geweld", "ex_gedetineerden": "Ex-gedetineerden",
    "statushouders": "Statushouders", "arbeidsmigranten": "Arbeidsmigranten", "studenten": "Studenten",
    "woonwagenbewoners": "Woonwagenbewoners", "urgenten": "Urgenten", "mantelzorg": "Mantelzorg",
    "intramuraal_overig": "Overig intramuraal",
}
SHORT_TYPE_NAMES = {
    "nultreden": "nultreden", "geclusterd": "geclusterd", "zorggeschikt": "zorggeschikt", "intramuraal": "intramuraal",
    "zelfstandig_begeleid": "begeleid zelfstandig", "sociale_huur": "sociale huur", "standplaats": "standplaats",
    "studenteneenheid": "studenteneenheid", "flex": "flexwoning",
}
METHOD_LABELS = {"prevalence": "kental × bevolking", "flow": "stroom", "policy": "taakstelling", "trend": "trend",
                 "local": "lokale cijfers"}
KEY_LABELS = {"inwoners": "inwoners", "sociale_huur": "sociale huur", "vraag": "vraag", "mix": "mix (standaard)"}


def parameter_label(key: str, group_names: dict | None = None) -> str:
    """'ouderen.intramuraal_per_1000_75_84' → 'ouderen: intramuraal per 1000 75 84'."""
    grp, _, name = key.partition(".")
    return f"{grp.replace('_', ' ')}: {name.replace('_', ' ')}"


def _plain(v) -> str:
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, float):
        return fmt.dec(v, 3).rstrip("0").rstrip(",") if v != int(v) else fmt.n(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(_plain(x) for x in v)
    return str(v)


class Context:
    def __init__(self, params: RunParams):
        self.p = params
        self.region = params.region_obj()
        self.codes = list(self.region.gemeenten)
        if params.scenario:
            self.parameter_set  # noqa: B018 - a bad scenario file fails here, in the validation cell

    # -- identity ------------------------------------------------------------------------------
    @property
    def slug(self) -> str:
        return self.region.slug

    @property
    def naam(self) -> str:
        return self.region.naam

    @cached_property
    def gemeenten(self) -> pd.DataFrame:
        """The region's gemeenten: code, naam, subregio, centrumgemeente BW/MO, inwoners."""
        g = load.table("gemeenten")
        g = g[g["gemeentecode"].isin(self.codes)].copy()
        g["subregio"] = [self.region.subregio_of(c) or "" for c in g["gemeentecode"]]
        return g.sort_values("gemeentenaam").reset_index(drop=True)

    @cached_property
    def names(self) -> dict[str, str]:
        return dict(zip(self.gemeenten["gemeentecode"], self.gemeenten["gemeentenaam"]))

    @cached_property
    def scenario_name(self) -> str:
        if not self.p.scenario:
            return ""
        import yaml

        try:
            data = yaml.safe_load(Path(self.p.scenario).read_text(encoding="utf-8")) or {}
        except Exception:  # noqa: BLE001 - the groups loader reports bad files properly
            data = {}
        naam = data.get("naam") if isinstance(data, dict) else None
        return str(naam) if naam else Path(self.p.scenario).stem

    @property
    def title(self) -> str:
        return report_title(self.naam, self.p, self.scenario_name)

    # -- observed population -------------------------------------------------------------------
    @cached_property
    def population_history(self) -> pd.DataFrame:
        """Total population on 1 January per gemeente, every year in the snapshot up to as_of
        (plus later published years, marked ``na_peiljaar``)."""
        t = load.table("bevolking_totaal")
        t = t[t["gemeentecode"].isin(self.codes)].copy()
        t["na_peiljaar"] = t["jaar"] > self.p.as_of
        return t.sort_values(["gemeentecode", "jaar"]).reset_index(drop=True)

    @cached_property
    def region_population_history(self) -> pd.DataFrame:
        """Region total per year (only years where every gemeente has a figure)."""
        t = self.population_history
        counts = t.groupby("jaar")["gemeentecode"].nunique()
        full = counts[counts == len(self.codes)].index
        s = t[t["jaar"].isin(full)].groupby("jaar", as_index=False).agg(waarde=("waarde", "sum"),
                                                                         na_peiljaar=("na_peiljaar", "max"))
        s = s.sort_values("jaar").reset_index(drop=True)
        s.attrs["bron"] = sources.bron(ids=t[t["jaar"].isin(full)]["bron"].unique())
        return s

    def population_ids(self, years) -> list[str]:
        """The CBS table ids behind the observed population in ``years``."""
        t = self.population_history
        return sorted(set(t[t["jaar"].isin(list(years))]["bron"].dropna().astype(str)))

    def population_in(self, year: int) -> pd.Series:
        t = self.population_history
        return t[t["jaar"] == year].set_index("gemeentecode")["waarde"]

    @cached_property
    def gemeenten_overview(self) -> pd.DataFrame:
        """Per gemeente: inwoners on 1 January of the base year, ten years earlier, growth, latest."""
        base = self.p.base_year
        h = self.population_history
        years = sorted(h["jaar"].unique())
        earlier = base - 10 if (base - 10) in years else min(years)
        latest = max(years)
        g = self.gemeenten[["gemeentecode", "gemeentenaam", "subregio", "centrumgemeente_bw_mo"]].copy()
        g["inwoners_basis"] = g["gemeentecode"].map(self.population_in(base))
        g["inwoners_eerder"] = g["gemeentecode"].map(self.population_in(earlier))
        g["groei"] = g["inwoners_basis"] / g["inwoners_eerder"] - 1.0
        g["inwoners_laatst"] = g["gemeentecode"].map(self.population_in(latest))
        g.attrs.update(basisjaar=base, eerder=earlier, laatst=latest,
                       bron=sources.bron(ids=self.population_ids([base, earlier, latest]) + ["85755NED"]),
                       bron_kaart=sources.bron(ids=self.population_ids([base, earlier]), tables=["centroiden"]),
                       groei_totaal=float(g["inwoners_basis"].sum()) / float(g["inwoners_eerder"].sum()) - 1.0)
        return g

    def population_summary(self) -> dict:
        """Numbers for the opening sentences: gemeenten, inwoners in the base year, growth, latest count."""
        g = self.gemeenten_overview
        basis, eerder, laatst = g.attrs["basisjaar"], g.attrs["eerder"], g.attrs["laatst"]
        tot_b, tot_e = float(g["inwoners_basis"].sum()), float(g["inwoners_eerder"].sum())
        big = g.sort_values("inwoners_basis", ascending=False).iloc[0]
        fastest = g.sort_values("groei", ascending=False).iloc[0]
        slowest = g.sort_values("groei").iloc[0]
        return {"n_gemeenten": len(g), "basisjaar": basis, "eerder": eerder, "laatst": laatst,
                "inwoners": tot_b, "inwoners_eerder": tot_e, "groei": tot_b / tot_e - 1.0,
                "inwoners_laatst": float(g["inwoners_laatst"].sum()),
                "grootste": big["gemeentenaam"], "grootste_aandeel": float(big["inwoners_basis"]) / tot_b,
                "snelst": fastest["gemeentenaam"], "snelst_groei": float(fastest["groei"]),
                "traagst": slowest["gemeentenaam"], "traagst_groei": float(slowest["groei"]),
                "gemeenten_lijst": fmt.join(g["gemeentenaam"].tolist())}

    def sources_overview(self) -> pd.DataFrame:
        """One row per raw file: what it is, which CBS tables, which reference dates."""
        rows = []
        for m in self.manifest:
            rows.append({"titel": m.get("titel", m["pad"]),
                         "tabellen": ", ".join(str(t["id"]) for t in m.get("cbs_tabellen") or []),
                         "peildata": "; ".join(str(x) for x in m.get("peildata") or []),
                         "bestand": m["pad"], "sha256": str(m.get("sha256", "")),
                         "licentie": m.get("licentie", ""), "bytes": m.get("bytes")})
        return pd.DataFrame(rows)

    # -- demography (woonzorg_lib.demography) ---------------------------------------------------
    @cached_property
    def forecast(self) -> pd.DataFrame:
        """Population by gemeente, year (base..horizon), sex, band and variant (CONTRACTS columns)."""
        from .. import demography

        return demography.forecast(self.codes, as_of=self.p.as_of, until=self.p.horizon)

    @property
    def base_year(self) -> int:
        return int(self.forecast["jaar"].min())

    @cached_property
    def households(self) -> pd.DataFrame:
        from .. import demography

        return demography.households(self.codes, as_of=self.p.as_of, until=self.p.horizon)

    @cached_property
    def components(self) -> pd.DataFrame:
        from .. import demography

        return demography.components(self.codes, as_of=self.p.as_of, until=self.p.horizon)

    def pyramid_data(self) -> pd.DataFrame:
        """Region population by sex and band in the base year and the horizon (the run's variant)."""
        f = self.forecast
        f = f[(f["geslacht"] != "totaal") & (f["variant"] == self.p.variant)
              & f["jaar"].isin([self.base_year, self.p.horizon])]
        keys = ["jaar", "geslacht", "leeftijd_van"]
        out = f.groupby(keys, as_index=False).agg(waarde=("waarde", "sum"), leeftijd_tot=("leeftijd_tot", "first"))
        return out.sort_values(keys).reset_index(drop=True)

    def population_paths(self) -> pd.DataFrame:
        """Region total population per year and variant."""
        f = self.forecast
        f = f[f["geslacht"] == "totaal"]
        return f.groupby(["jaar", "variant"], as_index=False)["waarde"].sum().sort_values(["jaar", "variant"])

    def households_paths(self) -> pd.DataFrame:
        """Region private households per year and variant (gemeenten with a household count only)."""
        h = self.households.rename(columns={"huishoudens": "waarde"})
        return h.groupby(["jaar", "variant"], as_index=False)["waarde"].sum().sort_values(["jaar", "variant"])

    @cached_property
    def households_history(self) -> pd.DataFrame:
        """Observed private households on 1 January, region total (years where every gemeente in the
        projection has a count and that are visible at as_of)."""
        from ..demography.households import observed

        obs = observed(load.table("huishoudens"), self.codes)
        codes = sorted(set(self.households["gemeentecode"]))
        obs = obs.reindex(codes)
        years = [int(y) for y in obs.columns if obs[y].notna().all() and int(y) <= self.p.as_of]
        out = pd.DataFrame({"jaar": years, "waarde": [float(obs[y].sum()) for y in years]})
        out.attrs["n_gemeenten"] = len(codes)
        return out

    def age_groups(self) -> pd.DataFrame:
        """Region population in broad age groups: base year vs horizon (the run's variant and laag/hoog)."""
        f = self.forecast
        f = f[(f["geslacht"] == "totaal") & f["jaar"].isin([self.base_year, self.p.horizon])]
        bins = [(0, 19, "0–19 jaar"), (20, 64, "20–64 jaar"), (65, 74, "65–74 jaar"), (75, 84, "75–84 jaar"),
                (85, None, "85 jaar en ouder")]
        rows = []
        for lo, hi, label in bins:
            sel = f[(f["leeftijd_van"] >= lo) & ((f["leeftijd_van"] <= hi) if hi is not None else True)]
            piv = sel.groupby(["jaar", "variant"])["waarde"].sum()
            b = float(piv.loc[(self.base_year, self.p.variant)])
            rows.append({"leeftijd": label, "basis": b,
                         "laag": float(piv.loc[(self.p.horizon, "laag")]),
                         "horizon": float(piv.loc[(self.p.horizon, self.p.variant)]),
                         "hoog": float(piv.loc[(self.p.horizon, "hoog")])})
        out = pd.DataFrame(rows)
        out["groei"] = out["horizon"] / out["basis"] - 1.0
        return out

    def forecast_by_gemeente(self) -> pd.DataFrame:
        """Per gemeente: population base year, horizon (laag/variant/hoog), growth; households."""
        f = self.forecast
        f = f[f["geslacht"] == "totaal"].groupby(["gemeentecode", "jaar", "variant"])["waarde"].sum()
        h = self.households.set_index(["gemeentecode", "jaar", "variant"])["huishoudens"]
        b, hz, v = self.base_year, self.p.horizon, self.p.variant
        rows = []
        for code in self.codes:
            r = {"gemeentecode": code, "gemeentenaam": self.names[code], "basis": float(f.loc[(code, b, v)]),
                 "laag": float(f.loc[(code, hz, "laag")]), "horizon": float(f.loc[(code, hz, v)]),
                 "hoog": float(f.loc[(code, hz, "hoog")])}
            r["groei"] = r["horizon"] / r["basis"] - 1.0
            r["hh_basis"] = float(h.get((code, b, v), float("nan")))
            r["hh_horizon"] = float(h.get((code, hz, v), float("nan")))
            rows.append(r)
        out = pd.DataFrame(rows).sort_values("gemeentenaam").reset_index(drop=True)
        tot = {k: float(out[k].sum()) for k in ("basis", "laag", "horizon", "hoog")}
        out.attrs["totaal_groei"] = tot["horizon"] / tot["basis"] - 1.0
        return out

    def variant_band(self) -> dict:
        """How wide the demographic laag–hoog band is (from the demography settings)."""
        from ..demography.config import load_settings

        v = load_settings()["varianten"]
        h = self.p.horizon - self.base_year
        return {"c": float(v["c"]), "b": float(v["b"]), "niveau": float(v["niveau"]), "jaren": h,
                "marge_horizon": float(v["c"]) * h ** float(v["b"])}

    def population_summary_forecast(self) -> dict:
        pp = self.population_paths().set_index(["jaar", "variant"])["waarde"]
        hp = self.households_paths().set_index(["jaar", "variant"])["waarde"]
        b, hz, v = self.base_year, self.p.horizon, self.p.variant
        ag = self.age_groups().set_index("leeftijd")
        old = ag.loc[["75–84 jaar", "85 jaar en ouder"]]
        return {"basis": b, "horizon": hz, "inwoners_basis": float(pp[(b, v)]), "inwoners": float(pp[(hz, v)]),
                "inwoners_laag": float(pp[(hz, "laag")]), "inwoners_hoog": float(pp[(hz, "hoog")]),
                "groei": float(pp[(hz, v)] / pp[(b, v)] - 1), "hh_basis": float(hp[(b, v)]),
                "hh": float(hp[(hz, v)]), "hh_groei": float(hp[(hz, v)] / hp[(b, v)] - 1),
                "hh_gemeenten": int(self.households["gemeentecode"].nunique()),
                "ouderen75_basis": float(old["basis"].sum()), "ouderen75": float(old["horizon"].sum()),
                "ouderen75_groei": float(old["horizon"].sum() / old["basis"].sum() - 1)}

    def demography_facts(self) -> dict:
        """The demography settings in words, for the methods chapter."""
        from ..demography.config import load_settings

        st = load_settings()
        t, mig, ste, vr, var = st["totalen"], st["migratie"], st["sterfte"], st["vruchtbaarheid"], st["varianten"]
        names = {"lin": "een rechte lijn door de totalen", "geo": "een constant groeipercentage",
                 "share": "het aandeel van de gemeente in het totaal van alle gemeenten",
                 "last": "het laatste waargenomen totaal", "cc": "de cohort-componentenberekening zelf"}
        if t["methode"] == "gemiddeld":
            totals = "het gemiddelde van " + fmt.join([names.get(m, m) for m in t.get("gemiddeld_van", [])])
        else:
            totals = names.get(t["methode"], t["methode"])
        verbetering = {"vast": f"met een vaste {fmt.pct(ste['verbetering_jaarlijks'])} per jaar",
                       "trend": "volgens de trend van de afgelopen jaren",
                       "geen": "niet"}.get(ste["verbetering"], str(ste["verbetering"]))
        return {"totalen": totals, "venster": int(t["venster"]), "demping": float(t["demping"]),
                "migratie_intervallen": int(mig["intervallen"]),
                "migratie_sleutel": "het standaard-migratiepatroon naar leeftijd van Rogers en Castro"
                if mig["sleutel"] == "rogers_castro" else "de bestaande leeftijdsopbouw",
                "sterfte_verbetering": verbetering, "tfr_jaren": int(vr["tfr_jaren"]),
                "c": float(var["c"]), "b": float(var["b"]), "niveau": float(var["niveau"])}

    def demography_source(self) -> str:
        return sources.bron(tables=["bevolking_totaal", "bevolking_marges", "levenstafel", "geboorten", "sterfte"],
                            extra="prognose woonzorg")

    def population_chart_source(self) -> str:
        """Source line of the population chart: our inputs, plus the official prognosis when shown."""
        off = self.official_forecast()
        base = self.demography_source()
        if off is None:
            return base
        return base + "; officiële prognose: " + off.attrs["bron"].removeprefix("Bron: ")

    def official_forecast_note(self) -> str:
        if self.official_forecast() is not None:
            return ""
        return ("De officiële regionale prognose van PBL en CBS zit niet in de meegeleverde gegevens. Wie haar "
                "ophaalt (opdracht woonzorg data fetch) ziet haar in deze grafiek naast de prognose van woonzorg.")

    def official_forecast(self) -> pd.DataFrame | None:
        """The official PBL/CBS regional prognosis (CBS 85173NED) for the region, when it has been
        fetched (`woonzorg data fetch`) into the processed table ``prognose_pbl``: region totals per
        year with columns jaar, waarde (the prognosis) and, where published, ondergrens/bovengrens
        (the 67% interval). None when the table is absent or does not cover every gemeente."""
        if "_official" not in self.__dict__:
            self._official = self._official_forecast()
        return self._official

    def _official_forecast(self) -> pd.DataFrame | None:
        from ..dataset.schema import TABLES

        if "prognose_pbl" not in TABLES:
            return None
        try:
            t = load.table("prognose_pbl")
        except Exception:  # noqa: BLE001 - not fetched
            return None
        t = t[t["gemeentecode"].isin(self.codes)]
        if t.empty:
            return None
        piv = t.pivot_table(index=["gemeentecode", "jaar"], columns="interval", values="waarde", aggfunc="sum")
        if "prognose" not in piv.columns:
            return None
        full = piv["prognose"].notna().groupby(level="jaar").sum()
        years = [int(y) for y, n in full.items() if n == len(self.codes) and y <= self.p.horizon]
        if not years:
            return None
        piv = piv[piv.index.get_level_values("jaar").isin(years)]
        out = piv.groupby(level="jaar").sum(min_count=1).reset_index().rename(columns={"prognose": "waarde"})
        keep = ["jaar", "waarde"] + [c for c in ("ondergrens_67", "bovengrens_67") if c in out.columns]
        out = out[keep].rename(columns={"ondergrens_67": "ondergrens", "bovengrens_67": "bovengrens"})
        out.attrs["bron"] = sources.bron(ids=t["bron"].unique() if "bron" in t.columns else ("85173NED",))
        return out

    # -- back-test of the demography (woonzorg_lib.demography.backtest) -------------------------
    @cached_property
    def backtest(self) -> dict:
        """Held-out back-test runs: summary rows (every gemeente in the snapshot) and per-gemeente errors."""
        from ..demography import backtest as bt
        from . import cache

        def compute():
            rows, errs = [], []
            for a, t in bt.HELDOUT_RUNS:
                r, e = bt.evaluate(a, t, fase="held-out", with_errors=True)
                rows += r
                errs += e
            return {"rows": pd.DataFrame(rows), "errors": pd.DataFrame(errs)}

        return cache.shared("backtest-heldout", compute)

    def backtest_table(self) -> pd.DataFrame:
        """One row per held-out run and age group: the model's error next to the naive methods (%)."""
        r = self.backtest["rows"]
        if r.empty:
            return r
        piv = r.pivot_table(index=["as_of", "doeljaar", "horizon", "groep", "n"], columns="methode",
                            values="mape").reset_index()
        model = r[r["methode"] == "model"].set_index(["as_of", "doeljaar", "groep"])
        piv["bias"] = [float(model.loc[(a, t, g), "bias"]) for a, t, g in zip(piv["as_of"], piv["doeljaar"], piv["groep"])]
        piv["p90"] = [float(model.loc[(a, t, g), "p90"]) for a, t, g in zip(piv["as_of"], piv["doeljaar"], piv["groep"])]
        piv["run"] = [f"{a} → {t}" for a, t in zip(piv["as_of"], piv["doeljaar"])]
        for c in ("model", "laatste", "lineair", "geometrisch", "bias", "p90"):
            if c in piv.columns:
                piv[c] = piv[c] / 100.0  # percentages → fractions for the table's pct kind
        order = {"totaal": 0, "65+": 1, "75+": 2}
        piv["_o"] = piv["groep"].map(order)
        return piv.sort_values(["horizon", "as_of", "_o"]).drop(columns="_o").reset_index(drop=True)

    def backtest_chart_data(self) -> pd.DataFrame:
        r = self.backtest["rows"]
        r = r[r["groep"] == "totaal"].copy()
        labels = {"model": "woonzorg", "laatste": "laatste cijfer", "lineair": "rechte lijn",
                  "geometrisch": "vast groeipercentage"}
        r["methode_label"] = r["methode"].map(labels)
        r["mape_frac"] = r["mape"] / 100.0
        return r.sort_values(["methode", "horizon"]).reset_index(drop=True)

    def backtest_region(self) -> pd.DataFrame:
        """The region's gemeenten in the held-out runs: actual, model (midden), error, inside laag–hoog."""
        e = self.backtest["errors"]
        e = e[e["gemeentecode"].isin(self.codes)].copy()
        e["gemeentenaam"] = e["gemeentecode"].map(self.names)
        e["binnen"] = ["ja" if lo <= w <= hi else "nee" for w, lo, hi in zip(e["werkelijk"], e["laag"], e["hoog"])]
        e["run"] = [f"{a} → {t}" for a, t in zip(e["as_of"], e["doeljaar"])]
        return e.sort_values(["horizon", "as_of", "gemeentenaam"]).reset_index(drop=True)

    def backtest_summary(self) -> dict:
        t = self.backtest_table()
        tot = t[t["groep"] == "totaal"]
        longest = tot.sort_values("horizon").iloc[-1]
        shortest = tot.sort_values("horizon").iloc[0]
        reg = self.backtest_region()
        return {"lang_run": longest["run"], "lang_horizon": int(longest["horizon"]), "lang_model": float(longest["model"]),
                "lang_lineair": float(longest.get("lineair", float("nan"))),
                "lang_laatste": float(longest.get("laatste", float("nan"))),
                "kort_run": shortest["run"], "kort_model": float(shortest["model"]),
                "regio_binnen": int((reg["binnen"] == "ja").sum()), "regio_n": int(len(reg)),
                "n_gemeenten": int(longest["n"])}

    # -- aandachtsgroepen and demand (woonzorg_lib.groups via pipeline) --------------------------
    @cached_property
    def catalogue(self) -> pd.DataFrame:
        from ..groups.catalogue import CATALOGUE

        rows = []
        for code, g in CATALOGUE.items():
            rows.append({"groep": code, "naam": g.naam, "definitie": g.definitie, "soort": g.soort,
                         "methode": METHOD_LABELS.get(g.methode, g.methode),
                         "woningtypen": ", ".join(WONINGTYPE_LABELS.get(w, w) for w in g.woningtypen),
                         "eenheid": g.eenheid, "bronnen": "; ".join(g.bronnen), "toelichting": g.toelichting})
        return pd.DataFrame(rows)

    @cached_property
    def group_names(self) -> dict[str, str]:
        return dict(zip(self.catalogue["groep"], self.catalogue["naam"]))

    def _demand_for(self, params) -> pd.DataFrame:
        from .. import pipeline

        return pipeline.region_demand(self.region, until=self.p.horizon, params=params, as_of=self.base_year)

    @cached_property
    def demand(self) -> pd.DataFrame:
        """CONTRACTS demand table (every variant) with the run's parameters (scenario applied)."""
        return self._demand_for(self.parameter_set)

    @cached_property
    def default_demand(self) -> pd.DataFrame:
        """The same with the default parameters (only computed for a scenario run)."""
        if not self.p.scenario:
            return self.demand
        return self._demand_for(self.default_parameter_set)

    @cached_property
    def opgave_basis(self) -> pd.DataFrame:
        from .. import pipeline

        return pipeline.region_opgave_basis(self.demand)

    def _bruto_keys(self) -> set:
        b = self.opgave_basis
        return set(map(tuple, b[b["basis"] == "bruto"][["gemeentecode", "groep", "woningtype"]].to_numpy()))

    def demand_overview(self) -> pd.DataFrame:
        """Per groep × woningtype, region totals: vraag in the base year and the horizon, opgave to the
        horizon (variant of the run, with laag and hoog), unit, stand/stroom and whether bruto."""
        d = self.demand
        b, hz = self.base_year, self.p.horizon
        bruto = self._bruto_keys()
        rows = []
        for (g, wt), part in d.groupby(["groep", "woningtype"], sort=False):
            piv = part.groupby(["maat", "jaar", "variant"])["waarde"].sum()
            get = lambda m, y, v: float(piv.get((m, y, v), float("nan")))  # noqa: E731
            rows.append({"groep": g, "groep_naam": self.group_names.get(g, g),
                         "woningtype": wt, "woningtype_naam": WONINGTYPE_LABELS.get(wt, wt),
                         "soort": part["soort"].iloc[0], "eenheid": part["eenheid"].iloc[0],
                         "vraag_basis": get("vraag", b, self.p.variant), "vraag_horizon": get("vraag", hz, self.p.variant),
                         "opgave": get("opgave", hz, self.p.variant), "opgave_laag": get("opgave", hz, "laag"),
                         "opgave_hoog": get("opgave", hz, "hoog"),
                         "aanbod_basis": get("aanbod", b, self.p.variant),
                         "bruto": any((c, g, wt) in bruto for c in self.codes)})
        out = pd.DataFrame(rows)
        order = {c: i for i, c in enumerate(self.catalogue["groep"])}
        out["_o"] = out["groep"].map(order)
        return out.sort_values(["_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)

    def demand_paths(self) -> pd.DataFrame:
        """Region vraag per groep (main woningtype summed within one unit) per year: laag/midden/hoog
        columns, for the small-multiples chart."""
        d = self.demand[self.demand["maat"] == "vraag"]
        multi = set(d.drop_duplicates(["groep", "woningtype"]).groupby("groep").size().loc[lambda x: x > 1].index)
        d = d.assign(label=[f"{SHORT_GROUP_NAMES.get(g, g)}"
                            + (f": {SHORT_TYPE_NAMES.get(w, w)}" if g in multi else "") + f" ({e})"
                            for g, w, e in zip(d["groep"], d["woningtype"], d["eenheid"])])
        piv = d.pivot_table(index=["groep", "label", "jaar"], columns="variant", values="waarde", aggfunc="sum")
        piv = piv.reset_index()
        order = {c: i for i, c in enumerate(self.catalogue["groep"])}
        piv["_o"] = piv["groep"].map(order)
        return piv.sort_values(["_o", "label", "jaar"]).drop(columns="_o").reset_index(drop=True)

    def need_by_type(self, eenheid: str | None = "woningen") -> pd.DataFrame:
        """Opgave to the horizon per gemeente × woningtype (run's variant), with the bruto flag."""
        d = self.demand
        d = d[(d["maat"] == "opgave") & (d["jaar"] == self.p.horizon) & (d["variant"] == self.p.variant)]
        if eenheid:
            d = d[d["eenheid"] == eenheid]
        bruto = self._bruto_keys()
        d = d.assign(bruto=[(c, g, w) in bruto for c, g, w in zip(d["gemeentecode"], d["groep"], d["woningtype"])])
        out = d.groupby(["gemeentecode", "woningtype", "eenheid"], as_index=False).agg(
            waarde=("waarde", "sum"), bruto=("bruto", "any"))
        out["gemeentenaam"] = out["gemeentecode"].map(self.names)
        out["woningtype_naam"] = out["woningtype"].map(lambda w: WONINGTYPE_LABELS.get(w, w))
        return out.sort_values(["gemeentenaam", "woningtype"]).reset_index(drop=True)

    def need_wide(self, eenheid: str = "woningen") -> pd.DataFrame:
        """need_by_type as one row per gemeente, one column per woningtype, plus total and per 1.000 inwoners."""
        n = self.need_by_type(eenheid)
        wide = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="woningtype", values="waarde",
                             aggfunc="sum", fill_value=0.0)
        br = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="woningtype", values="bruto", aggfunc="any",
                           fill_value=False)
        wide.columns = [str(c) for c in wide.columns]
        types = list(wide.columns)
        for c in types:
            wide[f"{c}__bruto"] = br[c].astype(bool) if c in br.columns else False
        wide["totaal"] = wide[types].sum(axis=1)
        wide["totaal__bruto"] = wide[[f"{c}__bruto" for c in types]].any(axis=1)
        wide = wide.reset_index()
        inw = self.population_in(self.base_year)
        wide["per_1000"] = wide["totaal"] / wide["gemeentecode"].map(inw) * 1000.0
        wide = wide.sort_values("gemeentenaam").reset_index(drop=True)
        wide.attrs["types"] = types
        wide.attrs["per_1000_regio"] = float(wide["totaal"].sum() / inw.reindex(self.codes).sum() * 1000.0)
        return wide

    @cached_property
    def sensitivity(self) -> pd.DataFrame:
        from .. import pipeline

        return pipeline.region_sensitivity(self.region, params=self.parameter_set, jaar=self.p.horizon,
                                           as_of=self.base_year)

    def tornado_data(self, eenheid: str = "woningen", top: int = 12) -> pd.DataFrame:
        s = self.sensitivity
        s = s[s["eenheid"] == eenheid].sort_values(["bereik", "parameter"], ascending=[False, True]).head(top)
        s = s.assign(label=[parameter_label(k, self.group_names) for k in s["parameter"]])
        return s.reset_index(drop=True)

    def sensitivity_units(self) -> list[str]:
        order = ["woningen", "plaatsen", "eenheden", "bedden", "standplaatsen", "personen", "huishoudens"]
        have = set(self.sensitivity["eenheid"])
        return [u for u in order if u in have]

    # -- verdeling (woonzorg_lib.verdeling via pipeline) ----------------------------------------
    @property
    def periode(self) -> str:
        return f"{self.base_year}-{self.p.horizon}"

    @cached_property
    def allocation_inputs(self):
        from .. import pipeline

        return pipeline.allocation_inputs(self.region, params=self.parameter_set)

    @cached_property
    def tasks(self) -> pd.DataFrame:
        from .. import pipeline

        return pipeline.region_tasks(self.demand, self.periode, variant=self.p.variant)

    @cached_property
    def allocation(self) -> pd.DataFrame:
        from .. import pipeline

        return pipeline.region_allocation(self.region, periode=self.periode, params=self.parameter_set,
                                          demand=self.demand, taken=self.tasks)

    def _woning_groups(self) -> pd.DataFrame:
        """(groep, woningtype) pairs counted in woningen."""
        d = self.demand
        return d[d["eenheid"] == "woningen"][["groep", "woningtype"]].drop_duplicates()

    def allocation_by_gemeente(self, sleutel: str = "mix") -> pd.DataFrame:
        """Per gemeente, all tasks in woningen together: toewijzing, aandeel of the total, current effort
        share, lettings capacity share and per year vs capacity."""
        a = self.allocation
        wg = self._woning_groups()
        a = a.merge(wg, on=["groep", "woningtype"])
        a = a[a["sleutel"] == sleutel]
        tot = a.groupby("gemeentecode", as_index=False)["toewijzing"].sum()
        total = float(tot["toewijzing"].sum())
        ind, effort = self.allocation_inputs
        tot["gemeentenaam"] = tot["gemeentecode"].map(self.names)
        tot["aandeel"] = tot["toewijzing"] / total if total else float("nan")
        tot["huidige_inspanning"] = tot["gemeentecode"].map(effort)
        cap = ind["verhuurcapaciteit"] if "verhuurcapaciteit" in ind.columns else None
        if cap is not None:
            tot["verhuurcapaciteit"] = tot["gemeentecode"].map(cap)
            tot["aandeel_capaciteit"] = tot["verhuurcapaciteit"] / float(cap.reindex(self.codes).sum())
        years = self.p.horizon - self.base_year
        tot["per_jaar"] = tot["toewijzing"] / years
        if cap is not None:
            tot["druk"] = tot["per_jaar"] / tot["verhuurcapaciteit"]
        tot["verschil"] = tot["aandeel"] - tot["huidige_inspanning"]
        tot.attrs.update(totaal=total, jaren=years, componenten=list(getattr(effort, "attrs", {}).get("components", [])))
        tot.attrs["totaal_waarden"] = {
            "aandeel": 1.0, "huidige_inspanning": 1.0 if tot["huidige_inspanning"].notna().all() else float("nan"),
            "per_jaar": float(tot["per_jaar"].sum()),
            "verhuurcapaciteit": float(tot["verhuurcapaciteit"].sum()) if "verhuurcapaciteit" in tot else float("nan"),
            "druk": float(tot["per_jaar"].sum() / tot["verhuurcapaciteit"].sum()) if "verhuurcapaciteit" in tot else float("nan")}
        return tot.sort_values("gemeentenaam").reset_index(drop=True)

    def key_sensitivity(self) -> pd.DataFrame:
        """Each gemeente's share of all woningen tasks under each standard key."""
        a = self.allocation.merge(self._woning_groups(), on=["groep", "woningtype"])
        g = a.groupby(["sleutel", "gemeentecode"], as_index=False)["toewijzing"].sum()
        g["aandeel"] = g["toewijzing"] / g.groupby("sleutel")["toewijzing"].transform("sum")
        g["gemeentenaam"] = g["gemeentecode"].map(self.names)
        g["sleutel_naam"] = g["sleutel"].map(lambda k: KEY_LABELS.get(k, k))
        order = {k: i for i, k in enumerate(["inwoners", "sociale_huur", "vraag", "mix"])}
        g["_o"] = g["sleutel"].map(lambda k: order.get(k, 99))
        return g.sort_values(["_o", "gemeentenaam"]).drop(columns="_o").reset_index(drop=True)

    def key_sensitivity_wide(self) -> pd.DataFrame:
        k = self.key_sensitivity()
        w = k.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="sleutel", values="aandeel").reset_index()
        keys = [c for c in ["inwoners", "sociale_huur", "vraag", "mix"] if c in w.columns]
        w["spreiding"] = w[keys].max(axis=1) - w[keys].min(axis=1)
        w.attrs["keys"] = keys
        return w.sort_values("gemeentenaam").reset_index(drop=True)

    def allocation_table(self, sleutel: str = "mix") -> pd.DataFrame:
        """Toewijzing per groep × woningtype × gemeente (one key), wide by gemeente."""
        a = self.allocation[self.allocation["sleutel"] == sleutel]
        t = a.pivot_table(index=["groep", "woningtype"], columns="gemeentecode", values="toewijzing", aggfunc="sum")
        t = t.reset_index()
        eenheid = self.demand.drop_duplicates(["groep", "woningtype"]).set_index(["groep", "woningtype"])["eenheid"]
        t["eenheid"] = [eenheid.get((g, w), "") for g, w in zip(t["groep"], t["woningtype"])]
        t["groep_naam"] = [f"{self.group_names.get(g, g)}: {WONINGTYPE_LABELS.get(w, w)}" for g, w in zip(t["groep"], t["woningtype"])]
        t["taak"] = t[[c for c in self.codes if c in t.columns]].sum(axis=1)
        order = {c: i for i, c in enumerate(self.catalogue["groep"])}
        t["_o"] = t["groep"].map(order)
        return t.sort_values(["_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)

    # -- summary and scenario comparison --------------------------------------------------------
    def key_figures(self) -> dict:
        """The headline numbers of the report (samenvatting)."""
        k = self.population_summary_forecast()
        ov = self.demand_overview()
        w = ov[ov["eenheid"] == "woningen"]
        t = self.tornado_data("woningen", top=3)
        alloc = self.allocation_by_gemeente()
        over = alloc[alloc["druk"] > 1.0]["gemeentenaam"].tolist() if "druk" in alloc.columns else []
        biggest = w.sort_values("opgave", ascending=False).head(3)
        return {**k, "opgave_woningen": float(w["opgave"].sum()), "opgave_woningen_laag": float(w["opgave_laag"].sum()),
                "opgave_woningen_hoog": float(w["opgave_hoog"].sum()), "bruto": bool(w["bruto"].any()),
                "grootste": [f"{r.groep_naam.split(' (')[0]}, {r.woningtype_naam}" for r in biggest.itertuples()],
                "grootste_aandeel": float(biggest["opgave"].sum() / w["opgave"].sum()) if w["opgave"].sum() else float("nan"),
                "gevoeligst": t["label"].tolist(), "boven_capaciteit": over, "n_gemeenten": len(self.codes),
                "per_jaar": float(w["opgave"].sum()) / max(1, self.p.horizon - self.base_year)}

    def summary_table(self) -> pd.DataFrame:
        """Opgave to the horizon per groep (all woningtypes of one unit together), laag–hoog, bruto."""
        ov = self.demand_overview()
        g = ov.groupby(["groep", "groep_naam", "eenheid"], as_index=False, sort=False).agg(
            opgave=("opgave", "sum"), opgave_laag=("opgave_laag", "sum"), opgave_hoog=("opgave_hoog", "sum"),
            bruto=("bruto", "any"))
        return g

    def scenario_changes(self) -> pd.DataFrame:
        """Which parameters the scenario changes: default vs scenario value."""
        if not self.p.scenario:
            return pd.DataFrame(columns=["parameter", "standaard", "scenario", "verschil"])
        a, b = self.default_parameter_set, self.parameter_set
        rows = []
        for key in b.keys():
            ea, eb = a[key], b[key]
            for field, label in (("waarde", ""), ("laag", " (laag)"), ("hoog", " (hoog)")):
                va, vb = getattr(ea, field), getattr(eb, field)
                if va != vb:
                    rows.append({"parameter": key + label, "standaard": float(va), "scenario": float(vb),
                                 "verschil": float(vb) - float(va)})
        return pd.DataFrame(rows, columns=["parameter", "standaard", "scenario", "verschil"])

    def _opgave_by(self, demand: pd.DataFrame, keys: list[str]) -> pd.Series:
        d = demand[(demand["maat"] == "opgave") & (demand["jaar"] == self.p.horizon) & (demand["variant"] == self.p.variant)]
        return d.groupby(keys)["waarde"].sum()

    def scenario_by_group(self) -> pd.DataFrame:
        keys = ["groep", "woningtype", "eenheid"]
        a, b = self._opgave_by(self.default_demand, keys), self._opgave_by(self.demand, keys)
        df = pd.DataFrame({"standaard": a, "scenario": b}).fillna(0.0).reset_index()
        df["verschil"] = df["scenario"] - df["standaard"]
        df["verschil_pct"] = [d / s if s else float("nan") for d, s in zip(df["verschil"], df["standaard"])]
        df["groep_naam"] = [f"{self.group_names.get(g, g)}: {WONINGTYPE_LABELS.get(w, w)}"
                            for g, w in zip(df["groep"], df["woningtype"])]
        order = {c: i for i, c in enumerate(self.catalogue["groep"])}
        df["_o"] = df["groep"].map(order)
        return df.sort_values(["_o", "woningtype"]).drop(columns="_o").reset_index(drop=True)

    def scenario_by_gemeente(self, eenheid: str = "woningen") -> pd.DataFrame:
        keys = ["gemeentecode", "eenheid"]
        a, b = self._opgave_by(self.default_demand, keys), self._opgave_by(self.demand, keys)
        df = pd.DataFrame({"standaard": a, "scenario": b}).fillna(0.0).reset_index()
        df = df[df["eenheid"] == eenheid].copy()
        df["verschil"] = df["scenario"] - df["standaard"]
        df["verschil_pct"] = [d / s if s else float("nan") for d, s in zip(df["verschil"], df["standaard"])]
        df["gemeentenaam"] = df["gemeentecode"].map(self.names)
        return df.sort_values("gemeentenaam").reset_index(drop=True)

    def scenario_by_gemeente_group(self) -> pd.DataFrame:
        """Only the (gemeente, groep) cells the scenario changes, largest change first."""
        keys = ["gemeentecode", "groep", "woningtype", "eenheid"]
        a, b = self._opgave_by(self.default_demand, keys), self._opgave_by(self.demand, keys)
        df = pd.DataFrame({"standaard": a, "scenario": b}).fillna(0.0).reset_index()
        df["verschil"] = df["scenario"] - df["standaard"]
        df = df[df["verschil"].abs() > 0.5].copy()
        df["gemeentenaam"] = df["gemeentecode"].map(self.names)
        df["groep_naam"] = [f"{self.group_names.get(g, g)}: {WONINGTYPE_LABELS.get(w, w)}"
                            for g, w in zip(df["groep"], df["woningtype"])]
        df["_abs"] = -df["verschil"].abs()
        return df.sort_values(["_abs", "gemeentenaam", "groep"]).drop(columns="_abs").reset_index(drop=True)

    # -- small helpers for the chapter texts ----------------------------------------------------
    @staticmethod
    def woningtype_label(w: str) -> str:
        return WONINGTYPE_LABELS.get(w, w)

    @staticmethod
    def key_label(k: str) -> str:
        return KEY_LABELS.get(k, k)

    def sensitivity_overview(self, top: int = 3) -> pd.DataFrame:
        frames = [self.tornado_data(u, top=top) for u in self.sensitivity_units()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=["eenheid", "label", "opgave_laag", "opgave_midden", "opgave_hoog"])

    def need_other_units(self) -> pd.DataFrame:
        """Opgave in plaatsen, eenheden, bedden and standplaatsen: one row per gemeente, one column per
        woonvorm × eenheid (attrs['columns']: column → (label, unit)); bruto flags in ``<col>__bruto``."""
        n = self.need_by_type(None)
        n = n[n["eenheid"] != "woningen"].copy()
        n["kolom"] = n["woningtype"] + "__" + n["eenheid"]
        wide = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="kolom", values="waarde", aggfunc="sum")
        br = n.pivot_table(index=["gemeentecode", "gemeentenaam"], columns="kolom", values="bruto", aggfunc="any")
        cols = list(wide.columns)
        for c in cols:
            wide[f"{c}__bruto"] = br[c].fillna(False).astype(bool)
        wide = wide.reset_index().sort_values("gemeentenaam").reset_index(drop=True)
        wide.attrs["columns"] = {c: (WONINGTYPE_LABELS.get(c.split("__")[0], c), c.split("__")[1]) for c in cols}
        return wide

    def key_description(self) -> list[dict]:
        """The configured mix key as a small table (for wz.show_tables)."""
        from ..verdeling import keys as vk

        key = vk.load_key(vk.default_key_path())
        rows = [{"indicator": vk.INDICATOREN.get(i.naam, i.naam), "naam": i.naam,
                 "gewicht": fmt.pct(i.gewicht, 0),
                 "richting": "meer is meer" if (i.richting or vk.DEFAULT_RICHTING.get(i.naam)) == "meer_is_meer"
                 else "meer is minder"} for i in key.indicatoren_voor(None)]
        return [{"df": pd.DataFrame(rows), "columns": {"naam": "Indicator", "indicator": "Betekenis",
                                                       "gewicht": "Gewicht", "richting": "Richting"},
                 "caption": f"Standaardsleutel ‘{key.naam}’",
                 "note": " ".join(str(key.beschrijving or "").split()) + " Voor statushouders geldt de landelijke "
                         "regel: naar rato van het aantal inwoners."}]

    def allocation_text(self, ab: pd.DataFrame) -> str:
        over = ab[ab["druk"] > 1.0]["gemeentenaam"].tolist() if "druk" in ab.columns else []
        up = ab.sort_values("verschil", ascending=False).iloc[0]
        down = ab.sort_values("verschil").iloc[0]
        comp = ab.attrs.get("componenten") or []
        comp_txt = {"inwoners_in_zorginstellingen": "inwoners in zorginstellingen", "adreslozen": "adreslozen",
                    "uitwonende_studenten": "uitwonende studenten"}
        parts = [f"De regio verdeelt {fmt.n(ab.attrs['totaal'])} woningen over {len(ab)} gemeenten "
                 f"({fmt.n(ab.attrs['totaal'] / ab.attrs['jaren'])} per jaar)."]
        if ab["huidige_inspanning"].notna().all():
            parts.append(f"Ten opzichte van wat gemeenten nu doen, vraagt de sleutel het meest extra van "
                         f"{up['gemeentenaam']} ({fmt.pp(up['verschil'])}) en het minst van {down['gemeentenaam']} "
                         f"({fmt.pp(down['verschil'])}). De huidige inspanning is gemeten als "
                         f"{fmt.join([comp_txt.get(c, c) for c in comp])} (CBS), als deel van de regio.")
        if over:
            parts.append(f"In {fmt.join(over)} is de toewijzing per jaar groter dan de verhuurcapaciteit: daar is "
                         "naast vrijkomende sociale huurwoningen ook nieuwbouw of transformatie nodig.")
        return " ".join(parts)

    def summary_text(self, kf: dict) -> str:
        bruto = " (bruto: het bestaande aanbod is voor die woonvormen niet bekend)" if kf["bruto"] else ""
        lines = [
            f"- **Bevolking.** {self.naam} groeit in de variant {self.p.variant} van {fmt.n(kf['inwoners_basis'])} "
            f"naar {fmt.n(kf['inwoners'])} inwoners in {kf['horizon']} ({fmt.pct(kf['groei'], sign=True)}); het aantal "
            f"inwoners van 75 jaar en ouder verandert met {fmt.pct(kf['ouderen75_groei'], sign=True)}.",
            f"- **Opgave.** Van {fmt.peildatum(self.base_year)} tot {fmt.peildatum(self.p.horizon)} zijn er voor de "
            f"aandachtsgroepen {fmt.n(kf['opgave_woningen'])} woningen extra nodig{bruto}, ongeveer "
            f"{fmt.n(kf['per_jaar'])} per jaar; de bandbreedte is {fmt.n(kf['opgave_woningen_laag'])} tot "
            f"{fmt.n(kf['opgave_woningen_hoog'])}.",
            f"- **Grootste posten.** {fmt.join(kf['grootste'])}: samen {fmt.pct(kf['grootste_aandeel'], 0)} van de "
            f"opgave in woningen.",
            f"- **Onzekerheid.** De uitkomst hangt het meest af van {fmt.join(kf['gevoeligst'])}. Lokale cijfers voor "
            f"deze parameters maken de analyse het meest nauwkeuriger.",
        ]
        if kf["boven_capaciteit"]:
            lines.append(f"- **Verdeling.** Met de standaardsleutel is de toewijzing per jaar in "
                         f"{fmt.join(kf['boven_capaciteit'])} groter dan het aantal sociale huurwoningen dat per jaar "
                         f"vrijkomt voor aandachtsgroepen.")
        else:
            lines.append("- **Verdeling.** Met de standaardsleutel blijft de toewijzing per jaar in elke gemeente "
                         "binnen de verhuurcapaciteit voor aandachtsgroepen.")
        return "\n".join(lines)

    def scenario_text(self) -> str:
        if not self.p.scenario:
            return ("Dit rapport rekent met de standaardparameters (config/parameters.yaml); er is geen scenario "
                    "opgegeven.")
        ch = self.scenario_changes()
        tot = self.scenario_by_gemeente("woningen")
        a, b = float(tot["standaard"].sum()), float(tot["scenario"].sum())
        return (f"Scenario **{self.scenario_name}** wijzigt {len(ch)} parameterwaarde(n). De opgave in woningen tot "
                f"{self.p.horizon} wordt daardoor {fmt.n(b)} in plaats van {fmt.n(a)} "
                f"({fmt.n(b - a, sign=True)}; {fmt.pct((b - a) / a if a else float('nan'), sign=True)}).")

    # -- provenance and versions ----------------------------------------------------------------
    @cached_property
    def manifest(self) -> list[dict]:
        return provenance.snapshot_manifest()

    @cached_property
    def data_fingerprint(self) -> str:
        return provenance.data_fingerprint()

    @cached_property
    def code_version(self) -> dict:
        return version.code_version()

    def run_parameters(self) -> pd.DataFrame:
        """The run's parameters as a table (file paths reduced to their file name)."""
        rows = []
        for k, v in self.p.as_dict().items():
            if k == "region":
                v = f"{self.slug} ({self.naam})"
            elif k == "scenario":
                v = f"{Path(v).name} ({self.scenario_name})" if v else "geen (standaardparameters)"
            elif k == "run_date":
                v = v or "niet opgegeven"
            rows.append({"parameter": k, "waarde": str(v), "betekenis": DESCRIPTIONS.get(k, "")})
        return pd.DataFrame(rows)

    def version_table(self) -> pd.DataFrame:
        cv = self.code_version
        rows = [("Programma", f"woonzorg {cv['woonzorg']}"),
                ("Git-commit", cv["git_commit"]),
                ("Controlegetal broncode", cv["bron_hash"]),
                ("Vingerafdruk gegevens (SHA-256)", self.data_fingerprint),
                ("Vastgelegde pakketversies", "constraints.txt (SHA-256 " + version.file_hash(paths.root() / "constraints.txt")[:12] + ")")]
        return pd.DataFrame(rows, columns=["onderdeel", "waarde"])

    @cached_property
    def parameter_set(self):
        """The groups' parameters (config/parameters.yaml), with the scenario applied if any."""
        from ..groups import params as gp

        return gp.load_parameters(scenario=self.p.scenario or None)

    @cached_property
    def default_parameter_set(self):
        from ..groups import params as gp

        return gp.load_parameters()

    def parameter_table(self) -> pd.DataFrame:
        t = self.parameter_set.table().copy()
        t["aanname_tekst"] = t["aanname"].map(lambda a: "ja, aanname" if bool(a) else "")
        t["datum"] = t["datum"].astype(str)
        t["eenheid"] = t["eenheid"].str.replace("_", " ")
        n_aanname = int(t["aanname"].astype(bool).sum())
        t.attrs["note"] = (f"{n_aanname} van de {len(t)} parameters zijn een aanname zonder bron. "
                           "Laag en hoog: de ondergrens en bovengrens van de bandbreedte; in de varianten laag en hoog "
                           "staat elke parameter aan de kant van de minste respectievelijk meeste vraag.")
        return t.sort_values("parameter").reset_index(drop=True)

    def method_settings(self) -> list[dict]:
        """Settings of the other models (demography, verdeelsleutel) as small tables, where present."""
        out = []
        try:
            from ..demography import config as dcfg

            st = dcfg.load_settings()
            rows = []
            for section, values in sorted(st.data.items() if hasattr(st, "data") else dict(st).items()):
                if isinstance(values, dict):
                    for k, v in sorted(values.items()):
                        rows.append({"instelling": f"{section}.{k}", "waarde": _plain(v)})
            if rows:
                out.append({"df": pd.DataFrame(rows), "columns": {"instelling": "Instelling", "waarde": "Waarde"},
                            "caption": "Instellingen van het demografisch model (config/demografie.yaml of standaard)"})
        except Exception:  # noqa: BLE001 - the model reports its own errors in its chapter
            pass
        try:
            from ..verdeling import keys as vk

            key = vk.load_key(vk.default_key_path())
            rows = [{"indicator": i.naam, "gewicht": fmt.pct(i.gewicht, 0),
                     "richting": getattr(i, "richting", "") or "", "toelichting": ""}
                    for i in key.indicatoren_voor(None)]
            out.append({"df": pd.DataFrame(rows), "columns": {"indicator": "Indicator", "gewicht": "Gewicht",
                                                              "richting": "Richting"},
                        "caption": f"Verdeelsleutel ‘{key.naam}’ (config/verdeelsleutels/default.yaml)",
                        "note": " ".join(str(getattr(key, "beschrijving", "") or "").split())})
        except Exception:  # noqa: BLE001
            pass
        return out

    def provenance_notes(self) -> str:
        verkregen = sorted({" ".join(str(m.get("verkregen", "")).split()) for m in self.manifest} - {""})
        lines = ["**Hoe de bestanden zijn verkregen.** " + " ".join(verkregen)] if verkregen else []
        notes = [(m["pad"], " ".join(str(m.get("opmerking")).split())) for m in self.manifest if m.get("opmerking")]
        if notes:
            lines.append("**Opmerkingen bij bestanden.** " + " ".join(f"*{p}*: {n}" for p, n in notes))
        changes = [(m["pad"], w) for m in self.manifest for w in (m.get("wijzigingen") or [])]
        if changes:
            lines.append("**Bewust aangepaste bestanden** (opnieuw verzegeld met een toelichting): " + "; ".join(
                f"*{p}*: {w.get('notitie', '')}" + (f" ({w['datum']})" if w.get("datum") else "") for p, w in changes))
        else:
            lines.append("Geen van de bestanden is na het samenstellen van de momentopname aangepast.")
        lines.append("Licentie van de CBS-cijfers: CC BY 4.0. Bij hergebruik: ‘Bron: CBS; bewerking woonzorg’.")
        return "\n\n".join(lines)

    def bron(self, *tables: str, ids=(), extra: str = "") -> str:
        return sources.bron(tables=tables, ids=ids, extra=extra)
