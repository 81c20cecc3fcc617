"""What the simulated year says: detections per method, incident cost, ROC, sample size.

Detection (fixed view: monitor fitted on the training data, frozen model):

    feature methods   an alert on a feature counts for an event only if the event plants
                      that feature; it is a false alarm if no event active that week
                      (or in the 2 weeks after it ended) touches the feature
    model methods     prediction drift, F1 rule, challenge AUC: an alert counts for every
                      event active that week; a false alarm if none is
    delay             first alert week - event start (the F1 rule's alert week is the
                      week its labels arrived: window + label delay)

Incident cost: F1 loss of the frozen model, 1 - F1(event alone) / F1(no event), on
fresh samples of the event's weeks drawn with and without the event (same seed).
ROC truth (DR-10): a week is "degraded" when the model serving it (the loop's champion,
or the frozen model for the fixed view) scores an F1 on a fresh sample of that week more
than 10% below its own baseline F1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_curve

from algorithms.metrics import roc_auc
from data.credit import CATEGORICAL, NUMERIC, Event, sample_week
from systems.core.ledger import Interval
from systems.core.seeding import rng as make_rng
from systems.drift.config import DriftConfig
from systems.drift.intervals import f1_loss_ci
from systems.drift.model import train
from systems.drift.numeric import NumericDrift
from systems.drift.rules import consecutive, f1_alerts
from systems.drift.simulate import Opportunity

GRACE = 2
FEATURE_METHODS = ("psi_investigate", "psi_retrain", "p_warning", "p_critical_3wk", "pipeline_fault")
MODEL_METHODS = ("prediction_mean", "f1_rule", "challenge_auc")


@dataclass(frozen=True)
class IncidentCost:
    """Relative F1 loss of the frozen model caused by one planted event alone."""

    loss: float  # mean over the event's first, middle and last week
    interval: Interval  # paired bootstrap (``intervals.f1_loss_ci``)


@dataclass(frozen=True)
class Detection:
    """When one method first alerted for one planted event (None: missed)."""

    event: str
    start: int
    incident_cost: float
    method: str
    week: int | None

    @property
    def caught(self) -> bool:
        return self.week is not None

    def row(self, false_alarm_weeks: int) -> dict:
        """A row of detections.md."""
        return {
            "event": self.event,
            "start": self.start,
            "incident_cost": self.incident_cost,
            "method": self.method,
            "detected_week": "missed" if self.week is None else self.week,
            "delay_weeks": "-" if self.week is None else self.week - self.start,
            "false_alarm_weeks_of_method": false_alarm_weeks,
        }


@dataclass(frozen=True)
class Detections:
    """Every (event, method) detection, and each method's unexplained alert weeks."""

    found: tuple[Detection, ...]
    false_alarm_weeks: dict[str, int]  # by method

    def caught(self, event: str, method: str) -> bool:
        return any(d.caught for d in self.found if d.event == event and d.method == method)

    def rows(self) -> list[dict]:
        return [d.row(self.false_alarm_weeks[d.method]) for d in self.found]


@dataclass(frozen=True)
class Roc:
    """ROC of a weekly drift score against degraded weeks, and its Youden-optimal threshold."""

    defined: bool  # False when every week, or none, was degraded: no ROC exists
    fpr: np.ndarray
    tpr: np.ndarray
    auc: float
    threshold: float
    best_tpr: float
    best_fpr: float
    tpr_at: dict[float, float]  # by PSI mark
    fpr_at: dict[float, float]


@dataclass(frozen=True)
class ApprovalGain:
    old_approval: float
    new_approval: float
    default_rate: float
    gain: float  # relative: new / old approvals - 1


def feature_alerts(reports: pd.DataFrame, cfg: DriftConfig) -> dict[str, pd.DataFrame]:
    """Per method, a boolean (week x feature) table of alerts.

    Keyed by method name: callers iterate the methods, so they are data, not fields.
    """
    psi = reports.pivot(index="week", columns="feature", values="psi")
    p = reports.pivot(index="week", columns="feature", values="p_value").fillna(1.0)
    crit = (p < cfg.p_critical).apply(lambda col: pd.Series(consecutive(col, cfg.consecutive), col.index))
    faults = reports.assign(
        bad=(reports["kind"].eq("numeric") & (reports["out_of_range"] > 0.5))
        | reports["constant"]
        | (reports["null_rate"] > 0.5)
    )
    return {
        "psi_investigate": psi > cfg.psi_investigate,
        "psi_retrain": psi > cfg.psi_retrain,
        "p_warning": p < cfg.p_warning,
        "p_critical_3wk": crit,
        "pipeline_fault": faults.pivot(index="week", columns="feature", values="bad").astype(bool),
    }


def model_alerts(weekly: pd.DataFrame, year, frozen, cfg: DriftConfig) -> dict[str, pd.Series]:
    """Per method, a boolean Series over the week the alert is raised."""
    n = len(weekly)
    f1 = weekly["f1_frozen"].to_numpy()
    by_window = f1_alerts(f1, frozen.baseline_f1, cfg.f1_drop, cfg.consecutive)
    f1_raised = np.zeros(n, dtype=bool)
    for w in np.flatnonzero(by_window):
        if w + cfg.label_delay < n:
            f1_raised[w + cfg.label_delay] = True
    auc = np.zeros(n, dtype=bool)
    for t in range(cfg.schedule_every - 1, n, cfg.schedule_every):
        last = t - cfg.label_delay
        if last < 0:
            continue
        frame = pd.concat(year.weeks[max(0, last - 3) : last + 1])
        auc[t] = roc_auc(frame["default"].to_numpy(), frozen.predict_proba(frame)) < cfg.challenge_auc
    return {
        "prediction_mean": weekly["mean_alert"].to_numpy(bool),
        "f1_rule": f1_raised,
        "challenge_auc": auc,
    }


def explained(events: tuple[Event, ...], week: int, feature: str | None) -> bool:
    """True when an event of the plan active at ``week`` (or in its grace weeks) explains an alert."""
    for e in events:
        if e.start <= week <= e.end + GRACE and (feature is None or feature in e.features):
            return True
    return False


def detections(
    feat: dict, model: dict, incidents: dict[str, IncidentCost], events: tuple[Event, ...]
) -> Detections:
    """Per (event, method): the first alert week; and false-alarm weeks per method."""
    rows, false = [], {}
    for method, table in feat.items():
        weeks = [(int(w), f) for w, row in table.iterrows() for f in row.index[row.to_numpy(bool)]]
        false[method] = len({w for w, f in weeks if not explained(events, w, f)})
        for e in events:
            hit = [w for w, f in weeks if f in e.features and e.start <= w <= e.end + GRACE]
            rows.append(_found(e, method, min(hit) if hit else None, incidents))
    for method, flags in model.items():
        weeks = [int(w) for w in np.flatnonzero(flags)]
        false[method] = len([w for w in weeks if not explained(events, w, None)])
        for e in events:
            hit = [w for w in weeks if e.start <= w <= e.end + GRACE]
            rows.append(_found(e, method, min(hit) if hit else None, incidents))
    return Detections(tuple(rows), false)


def _found(e: Event, method: str, week: int | None, incidents: dict[str, IncidentCost]) -> Detection:
    return Detection(e.name, e.start, round(incidents[e.name].loss, 3), method, week)


def incident_costs(frozen, cfg: DriftConfig, events: tuple[Event, ...]) -> dict[str, IncidentCost]:
    """Per event name of the plan, the relative F1 loss of the frozen model it causes alone."""
    costs = {}
    for e in events:
        weeks = sorted({e.start, (e.start + e.end) // 2, e.end})
        losses, pairs = [], []
        for w in weeks:
            seed = int(make_rng(cfg.seed, f"cost-{e.name}-{w}").integers(2**31))
            with_e = sample_week(w, cfg.n_eval, np.random.default_rng(seed), only=(e.name,))
            without = sample_week(w, cfg.n_eval, np.random.default_rng(seed), only=())
            losses.append(1 - frozen.f1(with_e) / frozen.f1(without))
            pairs.append(
                tuple(
                    a
                    for f in (with_e, without)
                    for a in (f["default"].to_numpy(), frozen.predict_proba(f) >= frozen.threshold)
                )
            )
        costs[e.name] = IncidentCost(
            float(np.mean(losses)),
            f1_loss_ci(pairs, int(make_rng(cfg.seed, f"cost-ci-{e.name}").integers(2**31))),
        )
    return costs


def degradation_truth(models: dict[str, list], cfg: DriftConfig) -> dict[str, np.ndarray]:
    """Relative F1 loss per week, 1 - F1(model of week w on a fresh sample) / its baseline F1.

    ``models`` maps a view name to the model serving each week; every view is scored on
    the same fresh sample of each week (``n_eval`` rows), and the result has the same keys.
    """
    n_weeks = len(next(iter(models.values())))
    loss = {k: np.empty(n_weeks) for k in models}
    for w in range(n_weeks):
        seed = int(make_rng(cfg.seed, f"truth-{w}").integers(2**31))
        world = sample_week(w, cfg.n_eval, np.random.default_rng(seed))
        for k, per_week in models.items():
            loss[k][w] = 1 - per_week[w].f1(world) / per_week[w].baseline_f1
    return loss


def roc_of_score(score: np.ndarray, degraded: np.ndarray, marks=(0.2, 0.25, 0.3)) -> Roc:
    """ROC of a weekly drift score against degraded weeks; Youden-optimal threshold."""
    if degraded.all() or not degraded.any():
        # one class only: no ROC exists on this draw; say so instead of inventing one
        zero = {m: 0.0 for m in marks}
        chance = np.array([0.0, 1.0])
        return Roc(False, chance, chance, 0.5, 0.0, 0.0, 0.0, zero, dict(zero))
    fpr, tpr, thr = roc_curve(degraded.astype(int), score)
    best = int(np.argmax(tpr - fpr))
    at = {m: (float(np.mean(score[degraded] > m)), float(np.mean(score[~degraded] > m))) for m in marks}
    return Roc(
        defined=True,
        fpr=fpr,
        tpr=tpr,
        auc=roc_auc(degraded.astype(int), score),
        threshold=float(thr[best]),
        best_tpr=float(tpr[best]),
        best_fpr=float(fpr[best]),
        tpr_at={m: a[0] for m, a in at.items()},
        fpr_at={m: a[1] for m, a in at.items()},
    )


def sample_size_study(cfg: DriftConfig) -> pd.DataFrame:
    """Median PSI and KS p-value vs n for a fixed negligible mean shift (ss_shift sd)."""
    ns = [n for n in (1000, 3000, 10000, 30000, 100000, 300000, 1000000, 3000000) if n <= cfg.ss_max_n]
    rows = []
    for n in ns:
        r = make_rng(cfg.seed, f"sample-size-{n}")
        psis, ps = [], []
        for _ in range(cfg.ss_repeats):
            ref = r.normal(0, 1, (n, 1))
            cur = r.normal(cfg.ss_shift, 1, (n, 1))
            # scipy's exact-asymptotic p is slow in the far tail at large n; the limit form is
            # within 1% there (tested) and these p-values are astronomically small anyway
            s = (
                NumericDrift(cfg.psi_bins, cfg.psi_eps)
                .fit(ref)
                .score(cur, "exact" if n <= 100000 else "limit")
            )
            psis.append(s["psi"][0])
            ps.append(s["ks_p"][0])
        rows.append(
            {
                "n": n,
                "psi_median": float(np.median(psis)),
                "psi_p90": float(np.quantile(psis, 0.9)),
                "ks_p_median": float(np.median(ps)),
                "ks_flag_rate": float(np.mean(np.array(ps) < 0.01)),
                "ks_p_values": tuple(ps),
            }
        )
    return pd.DataFrame(rows)


def approval_gain(y, p_old, p_new, approve_share: float = 0.8) -> ApprovalGain:
    """Approvals of ``new`` at the default rate ``old`` achieves when approving its safest 80%.

    The old model approves applicants below its 80th risk percentile; new approves the
    largest lowest-risk set whose default rate does not exceed old's. Arrays of shape (n,).
    """
    y, p_old, p_new = np.asarray(y), np.asarray(p_old), np.asarray(p_new)
    cut = np.quantile(p_old, approve_share)
    approved = p_old <= cut
    target = y[approved].mean()
    order = np.argsort(p_new, kind="stable")
    running = np.cumsum(y[order]) / np.arange(1, len(y) + 1)
    ok = np.flatnonzero(running <= target)
    k = int(ok.max()) + 1 if ok.size else 0
    return ApprovalGain(
        old_approval=float(approved.mean()),
        new_approval=k / len(y),
        default_rate=float(target),
        gain=(k / len(y)) / approved.mean() - 1,
    )


def skip_counterfactual(schedule: list[Opportunity], year, cfg: DriftConfig) -> pd.DataFrame:
    """For each scheduled opportunity: F1 gain a retrain would have brought on the next 2 weeks."""
    rows = []
    for s in schedule:
        nxt = [w for w in (s.week + 1, s.week + 2) if w < len(year.weeks)]
        if not nxt or len(s.weeks) < 2:
            continue
        model = train(pd.concat([year.weeks[w] for w in s.weeks]), NUMERIC, CATEGORICAL, seed=cfg.seed)
        frame = pd.concat([year.weeks[w] for w in nxt])
        f_old, f_new = s.champion.f1(frame), model.f1(frame)
        rows.append(
            {
                "week": s.week,
                "max_tvd": round(s.max_tvd, 4),
                "skipped": s.skipped,
                "champion_f1": round(f_old, 4),
                "retrained_f1": round(f_new, 4),
                "gain": round(f_new / f_old - 1, 4),
            }
        )
    return pd.DataFrame(rows)
