"""The algorithms story: demonstrations of the derivations in ``algorithms/``, and the AL ledger.

The derivations live in ``algorithms/`` (ground layer, no reports); this package runs
them at demonstration size, draws the plots and turns what they show into AL claims.
Each ``demo_*.py`` module here covers a few AL ids and exposes ``run(run, cfg)``.
"""
