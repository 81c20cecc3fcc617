"""Deterministic synthetic data generators; each documents what it plants."""
