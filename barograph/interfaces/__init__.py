"""Stage 6: the command line and the web dashboard, thin shells over the library."""
