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
