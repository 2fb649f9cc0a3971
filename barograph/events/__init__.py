"""Stage 3: sentences become coded `Event`s (actors, action, modality, date, evidence)."""
