"""The ensemble story rebuilt: diverse base models, out-of-fold blending and stacking, a ledger."""
