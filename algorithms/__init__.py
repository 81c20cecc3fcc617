"""Derivations as code, each verified by tests against finite differences and a reference."""
