"""Stage 4: the DuckDB store of documents, articles, sentences and events."""
