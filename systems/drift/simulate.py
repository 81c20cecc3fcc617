"""A simulated production year: monitor every weekly batch and run the retraining loop.

Per week t (labels of week L are readable from week L + delay):

    1. score the batch against the training data with a monitor fitted once (the fixed
       view every detection statistic uses) and against the champion's own training
       window (the loop's view, re-fitted at each promotion)
    2. predictions of the frozen training-time model and of the current champion;
       prediction-drift and collapse alerts
    3. data-quality gate: features that look like a pipeline bug are alerted and kept
       out of triggers and of training data
    4. triggers (a pending file): PSI > retrain threshold on a clean feature, the F1
       rule on delayed labels, or a scheduled opportunity whose drift is not small
    5. a pending trigger is served once `min_post_weeks` labelled weeks follow it:
       retrain on recent clean weeks, register, validate; a valid challenger shadows the
       next batch and is promoted when labels show it beats the champion by the margin

The year's latency gate reads thread CPU time (``model.latency_ms(clock="cpu")``), so other
jobs on a shared machine cannot change which challenger is promoted; the gate demo
(deliberately slow challenger) and ``latency.md`` use wall time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from algorithms.metrics import at_threshold
from data.credit import CATEGORICAL, NUMERIC, CreditYear
from systems.core.cli import progress
from systems.drift.config import DriftConfig
from systems.drift.loop import challenger_wins, validation_suite
from systems.drift.model import CreditModel, data_hash, train
from systems.drift.monitor import DriftMonitor
from systems.drift.registry import Registry, Trigger, TriggerQueue
from systems.drift.rules import collapse_alert, f1_alerts, mean_shift_alert, pipeline_faults


@dataclass(frozen=True)
class Opportunity:
    """A scheduled retraining opportunity, taken or skipped (DR-08's counterfactual reads these)."""

    week: int
    max_tvd: float  # largest total variation distance of a clean feature that week
    skipped: bool  # drift below the skip threshold: the cached model was kept
    weeks: list[int]  # the labelled weeks a retrain would have used
    champion: CreditModel  # the model serving at the time


@dataclass(frozen=True)
class Staged:
    """A valid challenger shadowing the champion until its labels decide."""

    version: str
    model: CreditModel
    frame: pd.DataFrame  # its training data (the loop's monitor refits on it if promoted)
    since: int
    shadow: list[int]  # weeks it shadows
    decide_at: int  # week the shadow weeks' labels are all in


@dataclass(frozen=True)
class Step:
    """What one week of the loop reports to the year's weekly table."""

    faults: list[str]  # features that looked like a pipeline bug
    max_psi_loop: float  # worst PSI against the champion's own training window


@dataclass(frozen=True)
class YearResult:
    reports: pd.DataFrame  # fixed view: one row per (week, feature)
    weekly: pd.DataFrame  # one row per week: predictions, F1, alerts, champion
    log: list[dict] = field(default_factory=list)  # the loop's event log (one dict per event kind)
    frozen: CreditModel | None = None
    challengers: dict[str, CreditModel] = field(default_factory=dict)
    schedule: list[Opportunity] = field(default_factory=list)


def make_monitor(cfg: DriftConfig) -> DriftMonitor:
    return DriftMonitor(NUMERIC, CATEGORICAL, n_bins=cfg.psi_bins, eps=cfg.psi_eps)


class Loop:
    """Champion state, trigger queue and registry of one simulated year."""

    def __init__(self, cfg: DriftConfig, year: CreditYear, root: Path, frozen: CreditModel):
        self.cfg, self.year = cfg, year
        self.registry, self.queue = Registry(root), TriggerQueue(root)
        self.log: list[dict] = []
        self.challengers: dict[str, CreditModel] = {}
        self.schedule: list[Opportunity] = []
        v = self.registry.register(
            frozen,
            {
                "trained_on": "reference",
                "data_hash": data_hash(year.reference),
                "trigger": None,
                "baseline_f1": frozen.baseline_f1,
            },
        )
        self.registry.promote(v, -1, "initial model")
        self._install(frozen, year.reference, since=0)
        self.staged: Staged | None = None
        self.cooldown_until = -1
        self.cooled: set[str] = set()  # features of the last handled trigger, quiet during cooldown
        self.faulty_weeks: set[int] = set()

    def _install(self, model, train_frame, since: int) -> None:
        self.champion, self.champion_since = model, since
        self.monitor = make_monitor(self.cfg).fit(train_frame)
        self.ref_mean = float(model.predict_proba(train_frame).mean())

    def event(self, week: int, kind: str, **info) -> None:
        self.log.append({"week": week, "event": kind} | info)

    def labelled_weeks(self, now: int) -> list[int]:
        return [w for w in range(0, now - self.cfg.label_delay + 1) if w not in self.faulty_weeks]

    def step(self, t: int, batch: pd.DataFrame, champ_f1: dict[int, float]) -> Step:
        cfg = self.cfg
        report = self.monitor.score(batch)
        faults = pipeline_faults(report)
        if faults:
            self.faulty_weeks.add(t)
            self.event(t, "pipeline_fault", features=faults, action="alert; batch kept out of training")
        clean = report[~report["feature"].isin(faults)]
        drifted = clean[clean["psi"] > cfg.psi_retrain]
        busy = bool(self.queue.pending()) or self.staged is not None
        fresh = set(drifted["feature"]) - (self.cooled if t < self.cooldown_until else set())
        if fresh and not busy:
            feats = {r.feature: round(float(r.psi), 4) for r in drifted.itertuples()}
            self.event(t, "trigger", reason="psi", id=self.queue.write(t, "psi", feats), features=feats)
        weeks_f1 = [w for w in sorted(champ_f1) if w >= self.champion_since]
        alerts = f1_alerts(
            [champ_f1[w] for w in weeks_f1], self.champion.baseline_f1, cfg.f1_drop, cfg.consecutive
        )
        busy = bool(self.queue.pending()) or self.staged is not None
        if len(alerts) and alerts[-1] and not busy and t >= self.cooldown_until:
            since = weeks_f1[-cfg.consecutive]
            self.event(t, "trigger", reason="f1", id=self.queue.write(since, "f1", {}), since=since)
        if (t + 1) % cfg.schedule_every == 0:
            self._scheduled(t, clean)
        for trig in self.queue.pending():
            self._serve(t, trig)
        if self.staged is not None and self.staged.decide_at <= t:
            self._decide(t)
        return Step(faults, float(report["psi"].max()))

    def _train_frame(self, weeks: list[int]) -> pd.DataFrame:
        return pd.concat([self.year.weeks[w] for w in weeks], ignore_index=True)

    def _scheduled(self, t: int, clean: pd.DataFrame) -> None:
        drift = float(clean["tvd"].max())
        labelled = self.labelled_weeks(t)[-self.cfg.retrain_weeks :]
        small = drift < self.cfg.skip_drift
        self.schedule.append(Opportunity(t, drift, small, labelled, self.champion))
        if small:
            self.event(t, "scheduled_skip", max_tvd=round(drift, 4), reason="drift below skip threshold")
        elif not self.queue.pending() and self.staged is None:
            self.event(
                t,
                "trigger",
                reason="schedule",
                id=self.queue.write(t, "schedule", {}),
                max_tvd=round(drift, 4),
            )

    def _serve(self, t: int, trig: Trigger) -> None:
        since = trig.week if trig.reason in ("psi", "f1") else -(10**6)
        usable = [w for w in self.labelled_weeks(t) if w >= since]
        if len(usable) < self.cfg.min_post_weeks:
            return  # not enough labelled data after the trigger yet: the file stays pending
        weeks = usable[-self.cfg.retrain_weeks :]
        train_frame, holdout = self._train_frame(weeks[:-1]), self.year.weeks[weeks[-1]]
        model = train(train_frame, NUMERIC, CATEGORICAL, seed=self.cfg.seed)
        version = self.registry.register(
            model,
            {
                "trained_on": weeks[:-1],
                "data_hash": data_hash(train_frame),
                "trigger": trig.id,
                "baseline_f1": model.baseline_f1,
            },
        )
        # CPU time: which challenger the year promotes must not depend on the machine's load
        gates = validation_suite(
            model,
            self.champion,
            holdout,
            self.cfg.f1_tolerance,
            self.cfg.collapse_width,
            self.cfg.latency_ms,
            clock="cpu",
        )
        ok = all(g.passed for g in gates)
        self.challengers[version] = model
        self.event(
            t,
            "retrain",
            trigger=trig.id,
            version=version,
            train_weeks=weeks[:-1],
            holdout_week=weeks[-1],
            gates="; ".join(g.describe() for g in gates),
            valid=ok,
        )
        self.queue.done(trig.id, {"version": version, "valid": ok, "week": t})
        self.cooled = set(trig.features)
        if ok:
            self.staged = Staged(
                version=version,
                model=model,
                frame=train_frame,
                since=weeks[0],
                shadow=list(range(t + 1, t + 1 + self.cfg.cc_weeks)),
                decide_at=t + self.cfg.cc_weeks + self.cfg.label_delay,
            )
        else:
            self.cooldown_until = t + self.cfg.cooldown

    def _decide(self, t: int) -> None:
        s, self.staged = self.staged, None
        frame = self._train_frame([w for w in s.shadow if w < len(self.year.weeks)])
        f_champ, f_chal = self.champion.f1(frame), s.model.f1(frame)
        win = challenger_wins(f_champ, f_chal, self.cfg.promote_margin)
        self.event(
            t,
            "champion_challenger",
            version=s.version,
            champion_f1=round(f_champ, 4),
            challenger_f1=round(f_chal, 4),
            promoted=win,
        )
        if win:
            self.registry.promote(s.version, t, "challenger beat champion")
            self._install(s.model, s.frame, since=t + 1)
        self.cooldown_until = t + self.cfg.cooldown


def run_year(cfg: DriftConfig, year: CreditYear, root: Path, frozen: CreditModel) -> YearResult:
    fixed = make_monitor(cfg).fit(year.reference)
    ref_mean = float(frozen.predict_proba(year.reference).mean())
    loop = Loop(cfg, year, root, frozen)
    champ_f1: dict[int, float] = {}
    champ_pred: dict[int, tuple[CreditModel, np.ndarray]] = {}
    reports, rows = [], []
    for t, batch in enumerate(progress(year.weeks, desc="drift: weeks")):
        rep = fixed.score(batch).assign(week=t)
        reports.append(rep)
        p_frozen = frozen.predict_proba(batch)
        p_champ = loop.champion.predict_proba(batch)
        champ_pred[t] = (loop.champion, p_champ)
        label_week = t - cfg.label_delay
        if label_week >= 0:
            model, p = champ_pred[label_week]
            champ_f1[label_week] = at_threshold(
                year.weeks[label_week]["default"].to_numpy(), p, model.threshold
            )[2]
        serving = loop.registry.champion()  # the version that scored this batch
        info = loop.step(t, batch, champ_f1)
        y = batch["default"].to_numpy()
        rows.append(
            {
                "week": t,
                "champion": serving,
                "mean_pred_frozen": float(p_frozen.mean()),
                "mean_pred_champion": float(p_champ.mean()),
                "mean_alert": mean_shift_alert(ref_mean, float(p_frozen.mean()), cfg.mean_shift),
                "collapse_alert": collapse_alert(p_frozen, cfg.collapse_width),
                "f1_frozen": at_threshold(y, p_frozen, frozen.threshold)[2],
                "f1_champion": at_threshold(y, p_champ, loop.champion.threshold)[2],
                "faults": ",".join(info.faults),
                "max_psi_loop": info.max_psi_loop,
            }
        )
    weekly = pd.DataFrame(rows)
    return YearResult(
        pd.concat(reports, ignore_index=True), weekly, loop.log, frozen, loop.challengers, loop.schedule
    )
