"""Running the same pipeline on Ray when one process is not enough."""
