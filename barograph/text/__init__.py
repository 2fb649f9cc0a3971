"""Stage 2: a `Document` becomes `Article`s (split, titled, dated, deduplicated) and `Sentence`s."""
