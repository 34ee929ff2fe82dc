"""Offline evaluation of the recommender: labelled scenarios, baselines and metrics."""
