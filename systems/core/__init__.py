"""Shared machinery every system uses: ledger, config, run reports, seeding, timing, plots."""
