"""Forecasting who will do what to whom next: a benchmark harness on ICEWS14-format
temporal knowledge graphs, the recurrency baseline, barograph's rule-and-history model with
explanations, and dyad-level material-conflict probabilities."""
