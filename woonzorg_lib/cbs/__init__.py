"""CBS OData downloader (`woonzorg data fetch`): see docs/downloader.md.

Modules: ``fetch`` (orchestration per table, fallback, requests), ``stage`` (merge with earlier fetches,
provenance, the data-build check, swap), ``tables`` (which tables, dimensions and measure keys, read from the
real tables), ``selectors`` (category selection, measure matching, errors), ``builders`` (replies → raw files),
``transport`` (retries, replay, recording under cbsodata), ``odata``/``ofilter`` (keys, titles, periods,
filters), ``merge_fetched`` (fetched files → processed tables, called by the data build), ``fetch_cli`` (the
CLI). Nothing here imports the data layer (``woonzorg_lib.dataset``): the CLI passes the data build in.
"""
