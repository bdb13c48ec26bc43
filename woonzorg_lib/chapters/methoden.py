"""Chapter "Methoden": the model settings in words."""

from __future__ import annotations

from ..report import fmt


def demography_facts() -> dict:
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


#: How each indicator's value per gemeente is computed (the formula behind the plain sentence in the
#: chapter Verdeling, :data:`woonzorg_lib.verdeling.keys.INDICATOREN`).
INDICATOR_FORMULES = {
    "inwoners": "inwoners op 1 januari (CBS)",
    "sociale_huur": "huurwoningen in bezit van woningcorporaties op 1 januari (CBS)",
    "vraag": "de berekende vraag van de groep in de gemeente, in eenheden; een negatieve vraag telt als 0",
    "afstand_30pct_norm": "30% min het huidige aandeel sociale huur in de woningvoorraad; boven de norm telt als 0",
    "huidige_inspanning": "het deel van de regio in de huidige inspanning (plaatsen in instellingen en sociale "
                          "huur, gewogen) ÷ het deel van de regio in de inwoners (1 = gemiddeld)",
    "verhuurcapaciteit": "sociale huurvoorraad × mutatiegraad × aandeel van de verhuringen dat naar "
                         "aandachtsgroepen gaat (woningen per jaar)",
    "draagkracht": "een eigen cijfer per gemeente uit een indicatorbestand (bijvoorbeeld de Leefbaarometer)",
}


def indicator_formulas() -> list[dict]:
    """The configured key's indicators with how each score is computed (for wz.show_tables): the
    value, turned round for 'hoger cijfer, kleiner aandeel', times the scale column when the key
    names one; every score is then divided by the regional sum."""
    import pandas as pd

    from ..report import terms
    from ..verdeling import keys as vk

    key = vk.load_key(vk.default_key_path())
    rows = []
    for i in key.indicatoren_voor(None):
        base = INDICATOR_FORMULES.get(i.naam, terms.label("indicator", i.naam))
        richting = i.richting or vk.DEFAULT_RICHTING.get(i.naam, "meer_is_meer")
        score = "de waarde" if richting == "meer_is_meer" else "hoogste waarde in de regio − eigen waarde"
        if i.schaal:
            score = f"({score}) × {terms.label('indicator', i.schaal)}" if richting != "meer_is_meer" \
                else f"{score} × {terms.label('indicator', i.schaal)}"
        rows.append({"naam": terms.label("indicator", i.naam).capitalize(), "waarde": base,
                     "score": score,
                     "gewicht": fmt.pct(i.gewicht, 0)})
    return [{"df": pd.DataFrame(rows), "columns": {"naam": "Indicator", "waarde": "Waarde per gemeente",
                                                   "score": "Score", "gewicht": "Gewicht"},
             "caption": f"Hoe de indicatoren van de standaardsleutel ‘{terms.humanize(key.naam)}’ berekend zijn",
             "note": "Per indicator is het aandeel van een gemeente haar score gedeeld door de som van de scores in "
                     "de regio; haar aandeel onder de sleutel is het gewogen gemiddelde van die aandelen. "
                     "Een aandeel wordt in hele woningen omgezet met de methode van de grootste overschotten."}]
