"""Safe YAML loading with line numbers, so errors can name the line a user must fix.

Only plain YAML is accepted (``yaml.SafeLoader``): Python object tags such as
``!!python/object`` are refused with an :class:`InputError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError


def _lines(node: yaml.Node, path: tuple, out: dict) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[path + (key,)] = k.start_mark.line + 1
            _lines(v, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _lines(v, path + (i,), out)


class LocatedYaml:
    """Parsed YAML data plus a map from key paths (tuples) to 1-based line numbers."""

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
        key = ".".join(str(k) for k in keypath) if keypath else None
        return InputError(message, file=self.path, column=key, row=self.line(*keypath))


def load(path: str | Path, *, text: str | None = None) -> LocatedYaml:
    path = Path(path)
    if text is None:
        if not path.exists():
            raise InputError("bestand bestaat niet", file=path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"geen UTF-8 (byte {exc.start})", file=path) from exc
    if not text.strip():
        raise InputError("bestand is leeg", file=path, row=1)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(f"niet-toegestane YAML-tag ({exc.problem}); alleen gewone YAML (veilig laden)",
                         file=path, row=line) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"geen geldige YAML: {getattr(exc, 'problem', exc)}", file=path,
                         row=mark.line + 1 if mark else None) from exc
    lines: dict = {}
    if node is not None:
        _lines(node, (), lines)
    return LocatedYaml(path, data, lines)
