"""Bad files that USERS write (parameter file, scenario, verdeelsleutel, local figures CSV, region
file) and bad command-line values, through the real CLI.

Every case: a good output is written first at the same ``--out`` (a copy of a real good
``woonzorg demand`` / ``woonzorg allocate`` output), then the bad run must

- exit non-zero (2 = bad input) without a traceback,
- name the file, the column or key, and the row or line in its one-line message,
- leave the previous good output byte-identical (and no temp file next to it).

For command-line values there is no file or line: the message must name the option and the value.
The demand/allocate runs are slow, so all cases are prepared first and run concurrently in one
module fixture; each case is still its own test. Verdeelsleutel cases with a negative weight and an
unknown indicator live in tests/test_allocate_cli.py (same checks); the weights-do-not-sum-to-1
case is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from ._cli import REGION, ROOT, copy_good, no_traceback, sha256, start_good_outputs, submit

PARAMS = ROOT / "config" / "parameters.yaml"
DEFAULT_KEY = ROOT / "config" / "verdeelsleutels" / "default.yaml"
REGION_FILE = ROOT / "regions" / f"{REGION}.yaml"
LOCAL_HEADER = "gemeentecode;gemeentenaam;groep;woningtype;jaar;waarde;variant;eenheid;bron;opmerking\n"
LOCAL_OK = "GM0957;Roermond;ggz_bw;;2024;12,5;;woningen;test;\n"


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line number of the ``nth`` line that contains ``needle``."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    assert len(hits) > nth, (needle, hits)
    return hits[nth]


def line_after(text: str, anchor: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` after the first line containing ``anchor``."""
    start = line_of(text, anchor)
    for i, line in enumerate(text.splitlines()[start:], start=start + 1):
        if needle in line:
            return i
    raise AssertionError((anchor, needle))


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)}× (the config changed; adapt the test)"
    return text.replace(old, new)


@dataclass
class Case:
    """One bad-input case. ``needles``: strings that must all be in stderr; a tuple = any of them."""

    command: str                      # demand | allocate
    args: list                        # CLI arguments without --region / --out
    needles: list = field(default_factory=list)
    region: object = REGION           # --region: slug or path of a region file
    out_name: str = "out.csv"         # --out (relative to the case folder)
    good_name: str = "out.csv"        # where the previous good output lies (case folder)


Builder = Callable[[Path], Case]
CASES: dict[str, Builder] = {}


def case(name: str):
    def deco(f: Builder) -> Builder:
        CASES[name] = f
        return f
    return deco


# ================================================================ the parameter file (--params)
def _param_case(tmp: Path, text: str, key: str | tuple[str, ...], line: int | tuple[int, ...], *extra: str) -> Case:
    f = tmp / "parameters.yaml"
    f.write_text(text, encoding="utf-8")
    lines = (line,) if isinstance(line, int) else line
    keys = (key,) if isinstance(key, str) else key
    return Case("demand", ["--params", f], [str(f), tuple(f"'{k}'" for k in keys),
                                             tuple(f"regel {n}" for n in lines), *extra])


P = PARAMS.read_text(encoding="utf-8")


@case("param_missing_key")
def _(tmp):
    # delete the whole block of ouderen.intramuraal_per_1000_85_plus
    text, n = re.subn(r"    intramuraal_per_1000_85_plus:\n(      .*\n)+", "", P, count=1)
    assert n == 1
    return _param_case(tmp, text, "parameters.ouderen.intramuraal_per_1000_85_plus",
                       line_of(text, "  ouderen:"), "ontbreekt")


@case("param_misspelled_key")
def _(tmp):
    text = replace_once(P, "    beperkt_aandeel_75_plus:", "    beperkt_aandeel_75plus:")
    return _param_case(tmp, text, "parameters.ouderen.beperkt_aandeel_75plus",
                       line_of(text, "beperkt_aandeel_75plus:"), "Bedoelt u 'beperkt_aandeel_75_plus'")


@case("param_non_numeric_waarde")
def _(tmp):
    text = replace_once(P, "      waarde: 1.25\n", '      waarde: "1,25"\n')
    return _param_case(tmp, text, "parameters.ggz_bw.bw_per_1000_inwoners.waarde",
                       line_of(text, 'waarde: "1,25"'), "'1,25'")


@case("param_nan")
def _(tmp):
    text = replace_once(P, "      waarde: 1.25\n", "      waarde: .nan\n")
    return _param_case(tmp, text, "parameters.ggz_bw.bw_per_1000_inwoners.waarde",
                       line_of(text, "waarde: .nan"), "nan")


@case("param_laag_above_waarde")
def _(tmp):
    text = replace_once(P, "      waarde: 46.34\n      laag: 41.7\n", "      waarde: 46.34\n      laag: 50\n")
    return _param_case(tmp, text, "parameters.ouderen.intramuraal_per_1000_75_84",
                       (line_of(text, "intramuraal_per_1000_75_84:"), line_of(text, "laag: 50")), "50")


@case("param_share_above_1")
def _(tmp):
    text = replace_once(P, "      laag: 0.20\n      hoog: 0.30\n      eenheid: aandeel_per_jaar",
                        "      laag: 0.20\n      hoog: 1.5\n      eenheid: aandeel_per_jaar")
    return _param_case(tmp, text, "parameters.ggz_bw.uitstroom_aandeel_per_jaar",
                       (line_of(text, "uitstroom_aandeel_per_jaar:"), line_of(text, "hoog: 1.5")), "1.5")


@case("param_unknown_unit")
def _(tmp):
    text = replace_once(P, "eenheid: per_1000_woningen", "eenheid: per_1000_woning")
    return _param_case(tmp, text, "parameters.woonwagenbewoners.standplaatsen_per_1000_woningen.eenheid",
                       line_of(text, "eenheid: per_1000_woning"), "per_1000_woning")


@case("param_unit_mismatch")
def _(tmp):
    """A KNOWN unit that does not fit the parameter: mo_dakloos.woningen_per_1000_inwoners declared
    per 100 000 inwoners. The method divides by 1000 whatever the file says, so accepting this would
    silently compute the need 100× too high for what the user wrote. Must be refused."""
    old = ("    woningen_per_1000_inwoners:\n      waarde: 0.4\n      laag: 0.3\n      hoog: 0.5\n"
           "      eenheid: per_1000_inwoners\n")
    text = replace_once(P, old, old.replace("eenheid: per_1000_inwoners", "eenheid: per_100000_inwoners"))
    key = "parameters.mo_dakloos.woningen_per_1000_inwoners"
    lines = (line_after(text, "  mo_dakloos:", "woningen_per_1000_inwoners:"),
             line_after(text, "  mo_dakloos:", "eenheid: per_100000_inwoners"))
    return _param_case(tmp, text, (key, key + ".eenheid"), lines, "per_100000_inwoners")


@case("param_share_given_a_count_unit")
def _(tmp):
    """The same gap seen from the other side: a share (uitstroom_aandeel_per_jaar) given the unit
    per_1000_inwoners and the value 25 escapes the 0–1 check of shares; it must be refused when the
    file is read (it now ends in a ValueError traceback inside the model)."""
    old = "      waarde: 0.25\n      laag: 0.20\n      hoog: 0.30\n      eenheid: aandeel_per_jaar\n"
    text = replace_once(P, old, "      waarde: 25\n      laag: 20\n      hoog: 30\n      eenheid: per_1000_inwoners\n")
    key = "parameters.ggz_bw.uitstroom_aandeel_per_jaar"
    lines = (line_of(text, "uitstroom_aandeel_per_jaar:"),
             line_after(text, "uitstroom_aandeel_per_jaar:", "eenheid: per_1000_inwoners"))
    return _param_case(tmp, text, (key, key + ".eenheid"), lines, "per_1000_inwoners")


@case("param_python_object_tag")
def _(tmp):
    text = replace_once(P, "    woningen_per_1000_inwoners:\n      waarde: 0.4\n",
                        "    woningen_per_1000_inwoners:\n      waarde: !!python/object/apply:os.system ['touch HACKED']\n")
    return _param_case(tmp, text, "parameters.mo_dakloos.woningen_per_1000_inwoners.waarde",
                       line_of(text, "!!python/object"), "python/object")


@case("param_empty_file")
def _(tmp):
    return _param_case(tmp, "", "<bestand>", 1, "leeg")


@case("param_duplicate_key")
def _(tmp):
    text = replace_once(P, "      waarde: 1.25\n", "      waarde: 1.25\n      waarde: 1.5\n")
    return _param_case(tmp, text, "parameters.ggz_bw.bw_per_1000_inwoners.waarde",
                       line_of(text, "waarde: 1.5"), "twee keer")


# ================================================================ scenario file (--scenario)
@case("scenario_value_outside_range")
def _(tmp):
    f = tmp / "scenario.yaml"
    text = "naam: te_hoog\nurgenten.urgentieverklaringen_per_1000_huishoudens: 5.0\n"
    f.write_text(text, encoding="utf-8")
    return Case("demand", ["--scenario", f],
                [str(f), "'urgenten.urgentieverklaringen_per_1000_huishoudens'", "regel 2", "5.0"])


# ================================================================ verdeelsleutel (--key)
@case("key_weights_do_not_sum_to_1")
def _(tmp):
    text = replace_once(DEFAULT_KEY.read_text(encoding="utf-8"), "  - naam: inwoners\n    gewicht: 0.40\n",
                        "  - naam: inwoners\n    gewicht: 0.50\n")
    f = tmp / "sleutel.yaml"
    f.write_text(text, encoding="utf-8")
    # the line of the key 'indicatoren' or of the list under it (its first item)
    lines = (f"regel {line_of(text, 'indicatoren:')}", f"regel {line_of(text, 'indicatoren:') + 1}")
    return Case("allocate", ["--key", f], [str(f), "'indicatoren'", lines, "1.1"])


# ================================================================ local figures CSV (--local)
def _local_case(tmp: Path, data: str | bytes, column: str, row: int, *extra: str) -> Case:
    f = tmp / "lokaal.csv"
    f.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return Case("demand", ["--local", f], [str(f), f"'{column}'", f"regel {row}", *extra])


@case("local_mixed_delimiters")
def _(tmp):
    return _local_case(tmp, LOCAL_HEADER + LOCAL_OK + "GM0957,Roermond,ggz_bw,,2026,14,,woningen,test,\n",
                       "gemeentecode", 3, "scheidingstekens")


@case("local_both_delimiters_in_header")
def _(tmp):
    return _local_case(tmp, "gemeentecode;groep,jaar;waarde\nGM0957;ggz_bw,2024;1\n", "<kop>", 1, "';'")


@case("local_wrong_encoding")
def _(tmp):
    data = (LOCAL_HEADER + "GM0957;Roermönd;ggz_bw;;2024;12,5;;woningen;test;\n").encode("latin-1")
    return _local_case(tmp, data, "gemeentenaam", 2, "UTF-8")


@case("local_negative_number")
def _(tmp):
    return _local_case(tmp, LOCAL_HEADER + LOCAL_OK + "GM0957;Roermond;ggz_bw;;2026;-3;;woningen;test;\n",
                       "waarde", 3, "-3")


@case("local_unknown_gemeentecode")
def _(tmp):
    # Venlo: a real gemeente, but not in Midden-Limburg
    return _local_case(tmp, LOCAL_HEADER + LOCAL_OK + "GM0983;Venlo;ggz_bw;;2026;3;;woningen;test;\n",
                       "gemeentecode", 3, "GM0983")


@case("local_missing_column")
def _(tmp):
    return _local_case(tmp, "gemeentecode;groep;waarde\nGM0957;ggz_bw;12,5\n", "jaar", 1, "ontbreekt")


@case("local_duplicate_key")
def _(tmp):
    rows = LOCAL_OK + "GM0957;Roermond;ggz_bw;;2025;13;;woningen;test;\n" + \
        "GM0957;Roermond;ggz_bw;;2024;12;;woningen;test;\n"
    return _local_case(tmp, LOCAL_HEADER + rows, "jaar", 4, "dubbele sleutel", "regel 2")


@case("local_thousands_separator")
def _(tmp):
    return _local_case(tmp, LOCAL_HEADER + "GM0988;Weert;ouderen;intramuraal;2024;1.250;;plaatsen;test;\n",
                       "waarde", 2, "1.250")


@case("local_wrong_unit")
def _(tmp):
    return _local_case(tmp, LOCAL_HEADER + "GM0957;Roermond;ggz_bw;;2024;12,5;;plaatsen;test;\n",
                       "eenheid", 2, "woningen")


# ================================================================ region file (--region PATH)
@case("region_gemeente_in_two_subregios")
def _(tmp):
    text = REGION_FILE.read_text(encoding="utf-8")
    text = replace_once(text, "  Midden-Limburg West:\n", "  Midden-Limburg West:\n  - GM0957  # Roermond (ook in Oost)\n")
    f = tmp / "regio.yaml"
    f.write_text(text, encoding="utf-8")
    line = line_of(text, "GM0957  # Roermond (ook in Oost)")
    return Case("demand", [], [str(f), "'subregios.Midden-Limburg West.0'", f"regel {line}", "GM0957",
                               "twee subregio"], region=f)


# ================================================================ command-line values
@case("until_before_base_year")
def _(tmp):
    return Case("demand", ["--until", 2020], ["<opdrachtregel>", "'--until'", "2020", "2024"])


@case("taak_unknown_groep")
def _(tmp):
    """`--taak` with a typo in --groep must be refused as an unknown groep on the command line (it is
    now refused only after the whole demand is computed, as a missing 'vraag' table the user never gave)."""
    return Case("allocate", ["--taak", 100, "--groep", "statushouder", "--woningtype", "sociale_huur"],
                ["<opdrachtregel>", "'--groep'", "'statushouder'"])


@case("out_escapes_the_output_folder")
def _(tmp):
    # sub/../out.csv points at the previous good output itself: accepting it would overwrite it
    (tmp / "sub").mkdir()
    return Case("demand", [], ["sub/../out.csv", "'--out'", ".."], out_name="sub/../out.csv")


@case("out_wrong_suffix")
def _(tmp):
    return Case("demand", [], ["out.xlsx", "'--out'", ".csv"], out_name="out.xlsx")


# ================================================================ running them
def _argv(c: Case, folder: Path) -> list:
    return [c.command, "--region", c.region, *c.args, "--out", folder / c.out_name]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("badinput_user_files")
    start_good_outputs()
    # the accepted case (semicolons, decimal comma, BOM: the shipped Dutch-Excel example); no good output needed
    ok_folder = root / "_local_ok"
    ok_folder.mkdir()
    example = ROOT / "config" / "examples" / "lokale_cijfers_voorbeeld.csv"
    ok = submit(("demand", "--region", REGION, "--local", example, "--out", ok_folder / "out.csv"))
    prepared = {}
    for name, build in CASES.items():
        folder = root / name
        folder.mkdir()
        prepared[name] = (build(folder), folder)
    futures = {}
    # the slow ones first (allocate computes the demand before it reads the key)
    for name in sorted(prepared, key=lambda n: prepared[n][0].command != "allocate"):
        c, folder = prepared[name]
        good = folder / c.good_name
        before = copy_good("allocate" if c.command == "allocate" else "demand", good)  # written first
        futures[name] = (c, folder, good, before, submit(_argv(c, folder)))
    out = {name: (c, folder, good, before, f.result()) for name, (c, folder, good, before, f) in futures.items()}
    out["_local_ok"] = (None, ok_folder, ok_folder / "out.csv", None, ok.result())
    return out


def test_at_least_twenty_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_cleanly(results, name):
    c, folder, good, before, res = results[name]
    err = res.stderr
    assert res.returncode != 0, f"bad input was accepted (exit 0):\n{res.stdout}{err}"
    no_traceback(res)
    assert res.returncode == 2, (res.returncode, err)
    message = [line for line in err.splitlines() if line.strip()]
    assert len(message) == 1 and message[0].startswith("woonzorg: fout:"), err
    for needle in c.needles:
        options = needle if isinstance(needle, tuple) else (needle,)
        assert any(str(o) in err for o in options), f"none of {options} in message: {err}"
    assert sha256(good) == before, "the previous good output changed"
    leftovers = sorted(p.name for p in folder.rglob(".*.tmp"))
    assert not leftovers, leftovers
    if c.out_name != c.good_name:
        assert not (folder / c.out_name).exists() or (folder / c.out_name).resolve() == good.resolve()
    assert not (ROOT / "HACKED").exists() and not (folder / "HACKED").exists()


def test_semicolon_and_decimal_comma_are_accepted(results):
    """config/examples/lokale_cijfers_voorbeeld.csv: UTF-8 with BOM, ';' and decimal comma (Excel NL).
    Its figures replace the model: Roermond ggz_bw 12,5 (2024) and 14 (2026) in every variant;
    Weert statushouders 30 (2025) only in variant hoog; Weert ouderen/intramuraal 640 (2024); local
    supply: Roermond 40 standplaatsen, Weert 2.500 nultredenwoningen (1-1-2024)."""
    _, folder, out, _, res = results["_local_ok"]
    assert res.returncode == 0, res.stderr
    no_traceback(res)
    d = pd.read_csv(out, dtype={"gemeentecode": str})
    v = d[d["maat"] == "vraag"].set_index(["gemeentecode", "groep", "woningtype", "jaar", "variant"])["waarde"]
    a = d[d["maat"] == "aanbod"].set_index(["gemeentecode", "groep", "woningtype", "jaar", "variant"])["waarde"]
    for var in ("laag", "midden", "hoog"):
        assert v[("GM0957", "ggz_bw", "zelfstandig_begeleid", 2024, var)] == pytest.approx(12.5)
        assert v[("GM0957", "ggz_bw", "zelfstandig_begeleid", 2026, var)] == pytest.approx(14.0)
        assert v[("GM0988", "ouderen", "intramuraal", 2024, var)] == pytest.approx(640.0)
        # local supply (maat aanbod) replaces the estimate: Roermond 40 standplaatsen, Weert 2.500 nultreden
        assert a[("GM0957", "woonwagenbewoners", "standplaats", 2024, var)] == pytest.approx(40.0)
        assert a[("GM0988", "ouderen", "nultreden", 2024, var)] == pytest.approx(2500.0)
    assert v[("GM0988", "statushouders", "sociale_huur", 2025, "hoog")] == pytest.approx(30.0)
    assert v[("GM0988", "statushouders", "sociale_huur", 2025, "midden")] != pytest.approx(30.0)
