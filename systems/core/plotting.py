"""Headless matplotlib: figures are written to PNG, never shown.

The Agg backend is selected before pyplot is imported, so plotting works on a machine
with no display (CI, a remote shell).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


def figure(width: float = 6.0, height: float = 4.0, ncols: int = 1, nrows: int = 1):
    """A new figure and its axes, sized in inches."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), squeeze=True)
    return fig, axes
