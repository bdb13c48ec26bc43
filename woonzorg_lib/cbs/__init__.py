"""CBS OData downloader (`woonzorg data fetch`): see docs/downloader.md.

Modules: ``fetch`` (orchestration, staging, provenance, swap), ``tables`` (which tables and columns),
``transport`` (retries, replay, recording under cbsodata), ``odata``/``ofilter`` (keys, titles, filters),
``merge_fetched`` (fetched files → processed tables, called by the data build), ``fetch_cli`` (the CLI).
"""
