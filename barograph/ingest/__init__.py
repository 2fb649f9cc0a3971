"""Stage 1: bytes from files, folders, globs, feeds and stdin become `Document`s."""
