"""The synthetic scenarios as the run takes them in: their size and churn rate, then
validation with a quarantine.

    scenario_rates     each scenario generated at story scale: rows and churn rate (CH-01)
    take_in            raw -> validate (pandera schema + date ordering) -> clean rows, labels
                                                   -> quarantine_<scenario>.csv (a reason per row)

The counts travel as ``Quarantined``: the run logs them, records ``n_quarantined`` as a
metric, and CH-02 reads the timestamp formats validation parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.churn import SCENARIOS, TARGET, generate
from systems.core.churn_table.validation import validate, write_quarantine


@dataclass(frozen=True)
class ScenarioRates:
    """Realised churn rate and size of each scenario at story scale (CH-01)."""

    saas_churn_rate: float
    saas_n: float
    telecom_churn_rate: float
    telecom_n: float


def scenario_rates(seed: int) -> ScenarioRates:
    saas, telecom = (generate(name, SCENARIOS[name].n_customers, seed) for name in ("saas", "telecom"))
    return ScenarioRates(
        saas_churn_rate=float(saas[TARGET].mean()),
        saas_n=float(len(saas)),
        telecom_churn_rate=float(telecom[TARGET].mean()),
        telecom_n=float(len(telecom)),
    )


@dataclass(frozen=True)
class Quarantined:
    """What validation set aside, by reason, and the timestamp formats it parsed."""

    n_rows: int
    n_quarantined: int
    by_reason: dict[str, int]
    timestamp_formats: dict[str, int]


@dataclass(frozen=True)
class Intake:
    """The rows that passed validation, their labels, and what was set aside."""

    clean: pd.DataFrame
    y: np.ndarray
    quarantined: Quarantined


def take_in(raw: pd.DataFrame, run, scenario: str) -> Intake:
    """Validate ``raw``; write the rejected rows to ``quarantine_<scenario>.csv`` in the run folder."""
    v = validate(raw)
    write_quarantine(v, run.path(f"quarantine_{scenario}.csv"))
    summary = v.summary()
    counts = Quarantined(
        n_rows=summary["n_rows"],
        n_quarantined=summary["n_quarantined"],
        by_reason=summary["by_reason"],
        timestamp_formats=summary["timestamp_formats"],
    )
    return Intake(v.clean, v.clean[TARGET].to_numpy(), counts)
