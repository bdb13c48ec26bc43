"""Bytecode of the library, written once before a build starts its processes.

Python normally writes each imported module's bytecode to ``__pycache__`` next to the source, so
later processes only read it. With ``PYTHONDONTWRITEBYTECODE`` set (common in containers and CI)
nothing is written, and every process of a build (the runner, each worker, each kernel) compiled
the library's modules from source again: about 0,15 s of CPU per process. The runner compiles
them once up front (:func:`compile_library`, a few milliseconds when nothing changed), as pip
does for installed packages. Nothing else changes: the bytecode is what Python would write itself.
A read-only checkout is left as it is.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def compile_library(folder: Path | None = None) -> bool:
    """Write missing or outdated bytecode of every module under ``folder`` (the library by
    default); False when some could not be written (e.g. a read-only checkout), never an error."""
    try:
        return bool(compileall.compile_dir(str(folder or PACKAGE), quiet=2))
    except OSError:
        return False
