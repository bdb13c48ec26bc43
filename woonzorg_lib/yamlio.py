"""Safe, strict YAML loading with line numbers, shared by every file a user writes (region files,
the parameter file, scenario files, verdeelsleutels), so errors can name the line to fix.

Refused, each with file, key path and line: Python object tags such as ``!!python/object`` (or any
non-standard tag), aliases and merge keys, non-text keys, duplicate keys (plain YAML would
silently keep the last one), bytes that are not UTF-8, an empty file and syntax errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

# libyaml's safe loader when available (same safety, ~10x faster); PyYAML's pure-Python one otherwise
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SAFE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in
                      ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))


def dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


class LocatedYaml:
    """Parsed YAML data plus a map from key paths (tuples) to 1-based line numbers of the key."""

    def __init__(self, path: Path, data: Any, lines: dict):
        self.path = path
        self.data = data
        self.lines = lines

    def line(self, *keypath) -> int | None:
        """Line of the deepest known prefix of ``keypath``."""
        kp = tuple(keypath)
        while kp:
            if kp in self.lines:
                return self.lines[kp]
            kp = kp[:-1]
        return self.lines.get((), None)

    def error(self, message: str, *keypath) -> InputError:
        key = dotted(keypath) if keypath else None
        return InputError(message, file=self.path, column=key, row=self.line(*keypath))


def _walk(root: yaml.Node, path: Path) -> dict[tuple, int]:
    lines: dict[tuple, int] = {(): root.start_mark.line + 1}
    seen: set[int] = set()

    def walk(node: yaml.Node, kp: tuple, where: int) -> None:
        # ``where``: line of the key or item holding this node (an alias carries its anchor's position)
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise InputError("aliassen (*naam) worden niet ondersteund; schrijf de waarde uit", file=path,
                             column=dotted(kp) or None, row=where)
        seen.add(id(node))
        if node.tag not in SAFE_TAGS:
            raise InputError(f"niet-toegestane YAML-tag '{node.tag}'; alleen gewone YAML (veilig laden)",
                             file=path, column=dotted(kp) or None, row=line)
        if isinstance(node, yaml.MappingNode):
            keys_here: dict[str, int] = {}
            for knode, vnode in node.value:
                kline = knode.start_mark.line + 1
                if not isinstance(knode, yaml.ScalarNode) or knode.tag != "tag:yaml.org,2002:str":
                    if knode.tag == "tag:yaml.org,2002:merge":
                        raise InputError("samenvoegsleutels (<<) worden niet ondersteund", file=path,
                                         column=dotted(kp) or None, row=kline)
                    raise InputError("sleutels moeten tekst zijn", file=path,
                                     column=dotted(kp + (getattr(knode, "value", "?"),)), row=kline)
                key = knode.value
                if key in keys_here:
                    raise InputError(f"sleutel '{key}' komt twee keer voor in hetzelfde blok "
                                     f"(eerder op regel {keys_here[key]})", file=path, column=dotted(kp + (key,)),
                                     row=kline)
                keys_here[key] = kline
                lines[kp + (key,)] = kline
                walk(vnode, kp + (key,), kline)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[kp + (i,)] = item.start_mark.line + 1
                walk(item, kp + (i,), item.start_mark.line + 1)

    walk(root, (), lines[()])
    return lines


def load(path: str | Path, *, text: str | None = None) -> LocatedYaml:
    path = Path(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise InputError("bestand bestaat niet", file=path) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(f"geen geldige UTF-8 (byte 0x{raw[exc.start]:02x}); sla het bestand op als UTF-8",
                             file=path, row=line) from None
    if not text.strip():
        raise InputError("bestand is leeg", file=path, row=1)
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"geen geldige YAML: {getattr(exc, 'problem', None) or exc}", file=path,
                         row=mark.line + 1 if mark else None) from None
    if node is None:
        raise InputError("bestand is leeg", file=path, row=1)
    lines = _walk(node, path)  # strict checks before anything is constructed
    try:
        data = yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:  # pragma: no cover - compose already parsed it
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"geen geldige YAML: {exc}", file=path, row=mark.line + 1 if mark else None) from None
    return LocatedYaml(path, data, lines)
