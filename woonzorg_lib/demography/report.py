"""docs/backtest.md: the back-test report (written by `woonzorg backtest`)."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pandas as pd

from .. import atomic, paths
from . import backtest as bt
from .config import load_settings

# Candidates of the tuning grid, each an override of the frozen config (config/demografie.yaml).
TUNING_GRID: tuple[tuple[str, dict], ...] = (
    ("bevroren instellingen (config/demografie.yaml)", {}),
    ("totalen: lineair, ongedempt, venster 5", {"totalen": {"methode": "lin", "demping": 1.0, "venster": 5}}),
    ("totalen: geometrisch, ongedempt, venster 5", {"totalen": {"methode": "geo", "demping": 1.0, "venster": 5}}),
    ("totalen: aandeel, ongedempt, venster 5", {"totalen": {"methode": "share", "demping": 1.0, "venster": 5}}),
    ("totalen: gemiddelde lineair + aandeel, ongedempt, venster 5 (methods.md)",
     {"totalen": {"methode": "gemiddeld", "gemiddeld_van": ["lin", "share"], "demping": 1.0, "venster": 5}}),
    ("totalen: cohort-component zonder trendtotaal", {"totalen": {"methode": "cc", "demping": 1.0}}),
    ("totalen: gemiddelde cohort-component + lineair",
     {"totalen": {"methode": "gemiddeld", "gemiddeld_van": ["cc", "lin"], "demping": 1.0}}),
    ("totalen: lineair, demping 0,8, venster 5", {"totalen": {"methode": "lin"}}),
    ("totalen: gemiddelde lineair + geometrisch, demping 0,8",
     {"totalen": {"methode": "gemiddeld", "gemiddeld_van": ["lin", "geo"]}}),
    ("totalen: geometrisch, demping 0,85", {"totalen": {"demping": 0.85}}),
    ("totalen: geometrisch, demping 0,9", {"totalen": {"demping": 0.9}}),
    ("totalen: geometrisch, demping 0,75", {"totalen": {"demping": 0.75}}),
    ("totalen: geometrisch, venster 4", {"totalen": {"venster": 4}}),
    ("totalen: geometrisch, venster 8, demping 0,9 (vorige instellingen)", {"totalen": {"venster": 8, "demping": 0.9}}),
    ("migratie: gat naar totaal proportioneel i.p.v. Rogers-Castro", {"migratie": {"sleutel": "proportioneel"}}),
    ("migratie: 1 interval", {"migratie": {"intervallen": 1}}),
    ("migratie: geen leeftijdsglad", {"migratie": {"glad": 0}}),
    ("migratie: glad halve breedte 2", {"migratie": {"glad": 2}}),
    ("migratie: cohortresidu op de eindklasse i.p.v. over het doorlopen pad", {"migratie": {"toewijzing": "eind"}}),
    ("lokaal: geen eigen vitale cijfers van de 11 gemeenten", {"lokaal": {"gebruik": False}}),
    ("sterfte: geen verbetering", {"sterfte": {"verbetering_jaarlijks": 0.0}}),
    ("sterfte: verbetering 1,0%/jaar", {"sterfte": {"verbetering_jaarlijks": 0.01}}),
    ("sterfte: verbetering 2,0%/jaar", {"sterfte": {"verbetering_jaarlijks": 0.02}}),
)

START, END = "<!-- tuning:start -->", "<!-- tuning:end -->"


def doc_path():
    return paths.root() / "docs" / "backtest.md"


def _f(x, nd=2) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "–"
    return f"{x:.{nd}f}".replace(".", ",")


def tuning_section() -> str:
    base = load_settings()
    rows = []
    for label, ov in TUNING_GRID:
        df = bt.run("tuning", settings=base.with_overrides(ov))
        m = df[df["methode"] == "model"]
        tot = m[m["groep"] == "totaal"]["mape"].mean()
        g65 = m[m["groep"] == "65+"]["mape"].mean()
        g75 = m[m["groep"] == "75+"]["mape"].mean()
        rows.append((label, json.dumps(ov, ensure_ascii=False) if ov else "–", bt.score(df), tot, g65, g75))
    lines = [START, "", "Score = gemiddelde MAPE van het model over alle (run, groep)-cellen van de zes tuning-runs "
             "(vooraf vastgelegd). Elke regel wijzigt één ding ten opzichte van de bevroren instellingen.", "",
             "| kandidaat | afwijking van config | score | MAPE totaal | MAPE 65+ | MAPE 75+ |", "|---|---|---|---|---|---|"]
    for label, ov, s, t, a, b in rows:
        lines.append(f"| {label} | `{ov}` | {_f(s, 3)} | {_f(t)} | {_f(a)} | {_f(b)} |")
    lines += ["", f"(berekend {time.strftime('%Y-%m-%d')}, `woonzorg backtest --tuning`)", "", END]
    return "\n".join(lines)


def _existing_tuning() -> str | None:
    p = doc_path()
    if not p.exists():
        return None
    m = re.search(re.escape(START) + r".*?" + re.escape(END), p.read_text(encoding="utf-8"), re.S)
    return m.group(0) if m else None


def _df_md(df: pd.DataFrame, fmt: dict | None = None) -> str:
    fmt = fmt or {}
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = []
        for c in cols:
            v = r[c]
            if c in fmt:
                cells.append(fmt[c](v))
            elif isinstance(v, float):
                cells.append(_f(v))
            else:
                cells.append(str(v))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def build(*, tuning: bool = False, write: bool = True, out_csv=None) -> tuple[str, str]:
    settings = load_settings()
    t0 = time.time()
    df, per = bt.per_gemeente("alle", settings=settings)
    if out_csv is not None:
        bt.write_csv(per, out_csv)
    table = bt.report_table(df)
    held = per[per["fase"] == "held-out"]
    cov = bt.coverage_table(held, ["as_of", "doeljaar", "groep"])
    errs = bt.horizon_errors(settings=settings)
    sv0 = settings["varianten"]
    cal = bt.calibrate_variants(errs, float(sv0["niveau"]), float(sv0["n_ref"]))
    c, b, gamma, q = cal["c"], cal["b"], cal["gamma"], cal["kwantielen"]
    tune_cov = bt.coverage_table(errs.assign(grootte=bt.size_class(errs["n"])), "grootte")
    tune_cov_h = bt.coverage_table(errs, "horizon")
    size = bt.by_size(per[per["groep"] == "totaal"])
    n_gem = int(per["gemeentecode"].nunique())
    base = bt.base_validation(settings=settings)
    nat = pd.concat([bt.natural_change_check(2016, settings=settings), bt.natural_change_check(2019, settings=settings)])
    elapsed = time.time() - t0
    tune = tuning_section() if tuning else (_existing_tuning() or f"{START}\n\n(nog niet berekend: "
                                                                   f"`woonzorg backtest --tuning`)\n\n{END}")

    def mape(a, t, g):
        d = df[(df["as_of"] == a) & (df["doeljaar"] == t) & (df["groep"] == g)].set_index("methode")
        return d["mape"] if len(d) else pd.Series(dtype=float)

    h16, h19, h16_75 = mape(2016, 2024, "totaal"), mape(2019, 2024, "totaal"), mape(2016, 2024, "75+")
    h24 = mape(2024, 2025, "totaal")

    def beats(s):
        return all(s["model"] < s[k] for k in ("laatste", "lineair", "geometrisch") if k in s.index)

    sv = settings["varianten"]
    text = f"""# Back-test van de bevolkingsprognose

Geschreven door `woonzorg backtest` (`make backtest`); niet met de hand bewerken. Methode: docs/demografie.md.

## Protocol
* **Tuning-runs** (alle doeljaren ≤ 2019): as of 2011 → 2016 en 2019, 2012 → 2017, 2013 → 2016 en 2019,
  2014 → 2019. Alleen deze runs hebben de methode en de instellingen gekozen (zie *Tuning* hieronder);
  de vooraf vastgelegde maat is de gemiddelde MAPE van het model over alle (run, groep)-cellen.
  Oorsprongen vóór 2011 vallen af: de overlevingstafel begint in 2010 en is pas op 1-1-2011 bekend.
* **Held-out-runs**, daarna één keer gedraaid met de bevroren instellingen (`config/demografie.yaml`), zonder
  verdere aanpassing: as of 2016 → 2024, as of 2019 → 2024 en as of 2024 → 2025 (alleen totalen).
* Elke run ziet alleen gegevens die op 1 januari van het as-of-jaar bekend waren (één filter, `asof.visible`).
* Groepen: totaal, 65+ en 75+ waar de waarheid bestaat (65+/75+: gepubliceerde brede groepen; 2019 heeft geen 75+,
  2025 alleen totalen). Fout = (prognose − werkelijk) / werkelijk. MAPE = gemiddelde absolute procentuele fout,
  MdAPE = mediaan, bias = gemiddelde procentuele fout (positief = te hoog), P90 = 90e percentiel.
* Naïeve basislijnen, op de eigen waarnemingen van de groep die op de as-of-datum bekend waren: *laatste* waarde;
  *lineaire* en *geometrische* trend over de 5 jaar tot en met het laatste bekende jaar, verankerd op de laatste
  waarde. ✓ = model beter dan elke basislijn.
* Eerlijkheid: tijdens de ontwikkeling is één keer een held-out-run gedraaid met de ongetunede
  standaardinstellingen (vóór de keuze van sterftelezing, migratieschema en totalen); de keuzes daarna zijn
  uitsluitend op de tuning-runs gemaakt. Na de eerste held-out-berekening met de bevroren instellingen zijn nog drie
  technische wijzigingen gemaakt die níet op held-out-uitkomsten zijn gekozen: een snellere stopregel van IPF, het
  weglaten van brede marges waar exacte klassen bestaan (beide zonder effect op de snapshot), en een begrenzing van
  negatieve migratie op het basisjaarpercentage (gevonden met een synthetische test waarin leeftijdsgroepen leegliepen).
  De tabellen hieronder zijn met de definitieve code berekend; de held-out-cijfers veranderden daardoor hooguit 0,01
  procentpunt.
* Landelijke snapshot (alle 342 gemeenten, geschiedenis vanaf 1998): de instellingen zijn opnieuw gekozen op de
  tuning-runs alleen (raster hieronder plus een tweede ronde over venster × demping van de totalen; score 1,409 tegen
  1,462 met de vorige instellingen). Vooraf is één held-out-run (as of 2019 → 2024) met de vórige instellingen op de
  landelijke snapshot gedraaid (model 2,25% tegen geometrisch 1,86%); de herkeuze volgt uitsluitend de tuning-score.
  De band laag/hoog is daarna op de tuning-fouten gekalibreerd (zie Varianten).

## Resultaten (model = variant midden)

{table}

### Doelen (stretch) en vergelijking
| maat | doel | resultaat | beter dan elke basislijn |
|---|---|---|---|
| MAPE totaal as of 2016 → 2024 | ≤ 2,3% | {_f(h16.get('model'))}% | {'ja' if len(h16) and beats(h16) else 'nee'} |
| MAPE totaal as of 2019 → 2024 | ≤ 1,5% | {_f(h19.get('model'))}% | {'ja' if len(h19) and beats(h19) else 'nee'} |
| MAPE 75+ as of 2016 → 2024 | ≤ 2,5% | {_f(h16_75.get('model'))}% | {'ja' if len(h16_75) and beats(h16_75) else 'nee'} |
| MAPE totaal as of 2024 → 2025 | – | {_f(h24.get('model'))}% | {'ja' if len(h24) and beats(h24) else 'nee'} |

Alle {n_gem} gemeenten (indeling 2024; de geschiedenis is geharmoniseerd, zie docs/data_quality.md). Ter oriëntatie:
de officiële PBL/CBS-regioprognoses haalden op de 47 gemeenten van de vorige snapshot over deze horizonnen ongeveer
3,1% en 2,5%. De cijfers staan hier zoals ze uitkwamen; er is niet op 2024 getuned.

### Naar gemeentegrootte (totaal; MAPE in %, grootte = inwoners op de as-of-datum)

{_df_md(size.assign(run=size['as_of'].astype(str) + ' → ' + size['doeljaar'].astype(str))[['fase', 'run', 'grootte', 'n', 'model', 'bias', 'laatste', 'lineair', 'geometrisch']], {'n': lambda v: str(int(v))})}

## Varianten laag / hoog
laag = midden × (1 − a), hoog = midden × (1 + a), a(h, N) = c · h^b · (N / {_f(float(sv['n_ref']), 0)})^−γ met
c = {_f(float(sv['c']), 4)}, b = {_f(float(sv['b']), 3)}, γ = {_f(float(sv['gamma']), 3)} (config/demografie.yaml); h = horizon
in jaren, N = inwoners op de as-of-datum (kleine gemeenten hebben grotere relatieve fouten). Kalibratie op de
tuning-runs alleen (horizon 1-8, alle {n_gem} gemeenten): b en γ uit de {int(round(float(sv['niveau']) * 100))}%-kwantielen van
|1 − werkelijk/midden| per horizon × grootteklasse (kleinste kwadraten op log-schaal), daarna c zó dat precies
{int(round(float(sv['niveau']) * 100))}% van de tuning-fouten binnen de band valt (de CBS-conventie van een 67%-interval).
De variant wordt bereikt door het migratiesaldo te schalen; de leeftijdsopbouw volgt het model. Voor 65+/75+ volgt
de band uit die schaling (niet apart gekalibreerd). Het interval beschrijft de precisie die het model in het
verleden had, niet de richting van toekomstige schokken.

Herkalibratie met de huidige code: c = {_f(c, 4)}, b = {_f(b, 3)}, γ = {_f(gamma, 3)}.

Dekking in de tuning-runs (totaal; nominaal {int(round(float(sv['niveau']) * 100))}%), per horizon en per grootteklasse:

{_df_md(tune_cov_h, {'horizon': lambda v: str(int(v)), 'n': lambda v: str(int(v)), 'dekking': lambda v: _f(v * 100, 0) + '%'})}

{_df_md(tune_cov, {'n': lambda v: str(int(v)), 'dekking': lambda v: _f(v * 100, 0) + '%'})}

Dekking in de held-out-runs (aandeel gemeenten met de werkelijke waarde tussen laag en hoog):

{_df_md(cov, {'as_of': lambda v: str(int(v)), 'doeljaar': lambda v: str(int(v)), 'n': lambda v: str(int(v)), 'dekking': lambda v: _f(v * 100, 0) + '%'})}

Per-gemeente-uitkomsten: `woonzorg backtest --out backtest.csv` (kolommen `fase, as_of, doeljaar, groep,
gemeentecode, prognose, werkelijk, fout_pct, laag, hoog`).

## Basisbevolking: validatie van de schatting van klassen
(a) de klassen van 2009-2013 verborgen: 2008 verouderd naar 2013 en geraked op het totaal en de brede groepen × geslacht
van 2013, vergeleken met de echte klassen van 2013; (b) as of 2021 zonder de postcodeset: de schatting voor 2021
(uit 2013 en de marges 2014-2019) tegen de postcodebenadering van 2021 (zelf afgerond op 5). MAPE over
klasse × geslacht × gemeente; dissimilariteit = ½ Σ |aandeel geschat − aandeel echt| in procentpunten.

{_df_md(base)}

## Natuurlijke aanwas tegen de lokale cijfers van de 11 gemeenten
Geboorten en sterfte van de prognose (midden) tegen CBS 37201/03747, opgeteld over de jaren. Tolerantie in de tests:
het verschil in natuurlijke aanwas blijft binnen 3 per 1000 inwoners per jaar voor elke gemeente, en de som van de
geboorten en van de sterfte over de 11 gemeenten binnen 10%.

{_df_md(nat, {'verschil_per_jaar_promille': lambda v: _f(v, 2)} | {k: (lambda v: f'{v:,.0f}'.replace(',', '.')) for k in ['geboorten_cbs', 'geboorten_model', 'sterfte_cbs', 'sterfte_model', 'natuurlijke_aanwas_cbs', 'natuurlijke_aanwas_model']})}

## Tuning
{tune}

## Reproduceren
`woonzorg backtest` (of `make backtest`) draait alle runs (~{int(round(elapsed))} s) en schrijft dit bestand;
`woonzorg backtest --tuning` berekent ook het tuningraster opnieuw.
"""
    if write:
        atomic.write_text(doc_path(), text)
        doc_path().chmod(0o644)          # atomic writes create 0600 temp files; docs are world-readable
    return text, table
