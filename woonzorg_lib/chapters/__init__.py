"""The report's chapters as plain functions of a run result — one module per notebook chapter.

A chapter notebook does ``run = wz.start(...)`` (a :class:`woonzorg_lib.pipeline.RunResult`, computed
once per kernel by :func:`woonzorg_lib.pipeline.run`) and then calls, one hop from each cell, e.g.
``demografie.age_groups(run)``. Every function returns a tidy DataFrame (with ``attrs`` for the
numbers a caption needs) or a dict of numbers for a sentence; none draws or formats a page.

Modules, in report order: :mod:`.kernboodschap`, :mod:`.demografie`, :mod:`.groepen`,
:mod:`.prognose`, :mod:`.woonbehoefte`, :mod:`.verdeling`, :mod:`.bevolking` (data en bronnen),
:mod:`.methoden`, :mod:`.bronnen`; Dutch labels for codes in :mod:`.labels`.
"""
