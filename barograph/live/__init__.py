"""`barograph follow`: read feeds, sitemaps, front pages and folders as news arrives, store and code it
with the same ingest path as `barograph ingest`, and raise alerts for the dyads it touched."""
