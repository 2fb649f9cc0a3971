"""Stage 5: dyad series, alerts, forecasts, imports and exports over the store."""
