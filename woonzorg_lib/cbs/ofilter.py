"""A tiny evaluator for the OData v3 ``$filter`` subset that woonzorg sends (used by the replay server).

Grammar: ``expr := term ('or' term)*``, ``term := factor ('and' factor)*``,
``factor := '(' expr ')' | 'not' factor | NAME ('eq'|'ne') LITERAL | substringof(LIT, NAME) |
startswith(NAME, LIT) | endswith(NAME, LIT)``. String comparison is exact, as on the CBS server:
``RegioS eq 'GM0957'`` does not match the padded key ``'GM0957  '``.
"""

from __future__ import annotations

import re
from typing import Callable

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<p>[(),])|(?P<name>[A-Za-z_][\w.]*))")

Pred = Callable[[dict], bool]


class FilterSyntaxError(ValueError):
    pass


def _tokens(s: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    s = s.strip()
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise FilterSyntaxError(f"onleesbaar filter bij positie {pos}: {s[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "str":
            val = val[1:-1].replace("''", "'")
        out.append((kind, val))
    return out


def compile_filter(text: str) -> Pred:
    toks = _tokens(text)
    i = 0

    def peek(k=0):
        return toks[i + k] if i + k < len(toks) else (None, None)

    def take(kind=None, val=None):
        nonlocal i
        t = peek()
        if t[0] is None or (kind and t[0] != kind) or (val and str(t[1]).lower() != val):
            raise FilterSyntaxError(f"verwacht {val or kind}, gevonden {t[1]!r} in filter {text!r}")
        i += 1
        return t[1]

    def literal():
        t = peek()
        if t[0] == "str":
            return take("str")
        if t[0] == "num":
            v = take("num")
            return float(v) if "." in v else int(v)
        raise FilterSyntaxError(f"letterlijke waarde verwacht in filter {text!r}")

    def factor() -> Pred:
        t = peek()
        if t == ("p", "("):
            take("p", "(")
            e = expr()
            take("p", ")")
            return e
        if t[0] == "name" and t[1].lower() == "not":
            take()
            f = factor()
            return lambda r: not f(r)
        if t[0] == "name" and peek(1) == ("p", "("):
            fn = take("name").lower()
            take("p", "(")
            if fn == "substringof":
                lit = literal()
                take("p", ",")
                name = take("name")
                take("p", ")")
                return lambda r: lit in str(r.get(name, ""))
            if fn in ("startswith", "endswith"):
                name = take("name")
                take("p", ",")
                lit = literal()
                take("p", ")")
                if fn == "startswith":
                    return lambda r: str(r.get(name, "")).startswith(lit)
                return lambda r: str(r.get(name, "")).endswith(lit)
            raise FilterSyntaxError(f"functie {fn} niet ondersteund")
        name = take("name")
        op = take("name").lower()
        lit = literal()
        if op == "eq":
            return lambda r: r.get(name) == lit
        if op == "ne":
            return lambda r: r.get(name) != lit
        raise FilterSyntaxError(f"operator {op} niet ondersteund")

    def term() -> Pred:
        parts = [factor()]
        while peek()[0] == "name" and peek()[1].lower() == "and":
            take()
            parts.append(factor())
        return lambda r: all(p(r) for p in parts)

    def expr() -> Pred:
        parts = [term()]
        while peek()[0] == "name" and peek()[1].lower() == "or":
            take()
            parts.append(term())
        return lambda r: any(p(r) for p in parts)

    pred = expr()
    if i != len(toks):
        raise FilterSyntaxError(f"onverwacht einde van filter {text!r} bij {toks[i][1]!r}")
    return pred
