"""Disparity metrics from a group table (between groups: max - min, or min / max).

With r_g a rate of group g over the groups where it is defined:

    demographic parity difference  DPD = max_g sel_g - min_g sel_g
    demographic parity ratio       DPR = min_g sel_g / max_g sel_g   (disparate impact;
                                                                       4/5ths rule: DPR >= 0.8)
    equal opportunity difference   EOD = max_g TPR_g - min_g TPR_g
    FPR disparity                  FPRD = max_g FPR_g - min_g FPR_g   (percentage points)
    equalized odds (worst case)    EO = max(EOD, FPRD)
    equalized odds (mean)          EO_mean = (EOD + FPRD) / 2

These equal fairlearn's ``demographic_parity_difference``/``_ratio``,
``equal_opportunity_difference`` and ``equalized_odds_difference(agg="worst_case"|"mean")``
(method="between_groups") whenever every rate is defined; the tests check that. Where a
rate is undefined for a group (no positives -> no TPR), that group is left out of the
metrics using that rate and ``excluded`` says so, instead of counting it as 0 the way
fairlearn does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from systems.fairness.group_metrics import group_table

METRIC_NAMES = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "fpr_disparity",
    "equalized_odds_difference",
    "equalized_odds_mean",
)


@dataclass
class Disparity:
    demographic_parity_difference: float
    demographic_parity_ratio: float
    equal_opportunity_difference: float
    fpr_disparity: float
    equalized_odds_difference: float
    equalized_odds_mean: float
    worst_fpr_group: str = ""
    best_fpr_group: str = ""
    excluded: list[str] = field(default_factory=list)
    flagged_share: float = float("nan")  # share of all rows the decisions flag

    @property
    def degenerate(self) -> str:
        """Why these decisions cannot be judged ('' if they can): flags nobody or everybody."""
        if self.flagged_share == 0:
            return "flags nobody: every rate is 0, so the disparities measure nothing"
        if self.flagged_share == 1:
            return "flags everybody: every rate is 1, so the disparities measure nothing"
        return ""

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in METRIC_NAMES}


def _spread(values: pd.Series, rate: str, excluded: list[str]) -> tuple[float, float]:
    defined = values.dropna()
    for g in values.index.difference(defined.index):
        excluded.append(f"group {g} left out of {rate} metrics: {rate} undefined")
    if len(defined) < 2:
        raise ValueError(
            f"{rate} is defined for {len(defined)} group(s); a disparity needs at least "
            "two groups with that rate defined (check the sensitive column and the labels)"
        )
    return float(defined.max()), float(defined.min())


def from_table(table: pd.DataFrame) -> Disparity:
    """Disparity metrics of a ``group_table`` (see the module docstring)."""
    if len(table) < 2:
        raise ValueError(
            f"the sensitive feature has {len(table)} group(s); fairness metrics compare at least two groups"
        )
    excluded: list[str] = []
    sel_hi, sel_lo = _spread(table["selection_rate"], "selection rate", excluded)
    tpr_hi, tpr_lo = _spread(table["tpr"], "TPR", excluded)
    fpr_hi, fpr_lo = _spread(table["fpr"], "FPR", excluded)
    eod, fprd = tpr_hi - tpr_lo, fpr_hi - fpr_lo
    fpr = table["fpr"].dropna()
    return Disparity(
        demographic_parity_difference=sel_hi - sel_lo,
        demographic_parity_ratio=sel_lo / sel_hi if sel_hi > 0 else 1.0,
        equal_opportunity_difference=eod,
        fpr_disparity=fprd,
        equalized_odds_difference=max(eod, fprd),
        equalized_odds_mean=(eod + fprd) / 2,
        worst_fpr_group=str(fpr.idxmax()),
        best_fpr_group=str(fpr.idxmin()),
        excluded=excluded,
        flagged_share=float(table["n_flagged"].sum() / table["n"].sum()),
    )


def disparity(y_true, y_pred, sensitive) -> Disparity:
    """Disparity metrics of hard predictions over the sensitive feature(s)."""
    return from_table(group_table(np.asarray(y_true), np.asarray(y_pred), sensitive))
