"""Report layer: house style, Dutch formatting, figures, tables, HTML rendering, runner, Excel.

Importing this package is cheap: the heavy modules (matplotlib, nbconvert, papermill, openpyxl) are
imported by the submodules that need them, so ``woonzorg run`` can decide that nothing changed in
well under a second.
"""
