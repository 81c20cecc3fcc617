"""The whole run: design -> assignment -> story test -> sequential decisions -> time effects ->
tests on revenue -> pilot arithmetic -> claims, with tables and figures in OUT/abtest/.

Every random step draws from its own stream (``systems.core.seeding.rng(seed, purpose)``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from data.experiments import daily_counts, ramp_rollout
from systems.abtest import claims, plots
from systems.abtest.assignment import assign
from systems.abtest.config import AbtestConfig
from systems.abtest.study_design import (
    SPLIT,
    assignment_study,
    design_study,
    email_baselines,
    pilot_study,
    story_results,
    tier_study,
    users_for_run,
)
from systems.abtest.study_power import TESTS, power_study
from systems.abtest.study_sequential import family_study, sequential_study
from systems.abtest.timeeffects import ramp_study, steady_lift, week_study
from systems.core.seeding import rng

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimeSetup:
    """The planted weekly world of AB-03 (relative to the control rate of the day)."""

    p0: float = 0.05
    lift: float = 0.05
    weekend_extra: float = 0.05
    weekly_amplitude: float = 0.3
    novelty: float = 0.10
    novelty_tau: float = 4.0


def run_all(cfg: AbtestConfig, run) -> None:
    s = cfg.seed
    users = users_for_run(cfg.n_users, rng(s, "users"))
    log.info("AB-01/02/04: assignment, design and the story-sized test on %d users", cfg.n_users)
    a = assignment_study(users, f"email-rec-{s}", rng(s, "srm"), cfg.design_sims)
    run.write_table(a.balance.table.reset_index().round(5).to_dict("records"), "balance.md")
    base = email_baselines(users, rng(s, "baselines"))
    d = design_study(base, cfg.design_sims, cfg.alpha, cfg.power, rng(s, "design"))
    arm = assign(users["user_id"], f"email-rec-{s}", SPLIT)
    story = story_results(users, arm, base, rng(s, "story"))
    run.write_table(
        [
            {
                "metric": k,
                "lift": e.rel,
                "lift_low": e.rel_low,
                "lift_high": e.rel_high,
                "p": story.p_raw[k],
                "p_bonferroni": story.p_bonferroni[k],
                "p_holm": story.p_holm[k],
                "n_control_for_median_p": story.n1_for_median_p[k],
            }
            for k, e in story.estimates.items()
        ],
        "story_metrics.md",
    )

    log.info(
        "AB-05/06: %d A/A + %d A/B experiments with %d daily looks", cfg.seq_sims, cfg.seq_sims, cfg.seq_days
    )
    seq = sequential_study(cfg, s)
    seq_md = run.write_table(seq.rows(), "sequential.md")
    seq_png = run.save_figure(plots.procedures(seq), "sequential.png")
    fam = family_study(cfg.fwer_sims, cfg.fwer_n, cfg.alpha, rng(s, "fwer"))

    log.info("AB-03/08: weekly cycle, novelty and the ramp")
    t = TimeSetup()
    daily = daily_counts(
        cfg.time_sims,
        28,
        cfg.time_n_per_day,
        t.p0,
        t.lift,
        rng(s, "weeks"),
        t.weekly_amplitude,
        t.novelty,
        t.novelty_tau,
        0,
        t.weekend_extra,
    )
    ws = week_study(daily, steady_lift(t.lift, t.weekend_extra, t.weekly_amplitude))
    run.write_table(
        [
            {
                "day": k,
                "mean_estimate": ws.mean[k],
                "bias": ws.mean[k] - ws.truth,
                "bias_low": ws.bias[k].low,
                "bias_high": ws.bias[k].high,
            }
            for k in ws.days
        ],
        "estimate_by_week.md",
    )
    week_png = run.save_figure(plots.estimate_by_week(ws), "estimate_by_week.png")
    ramp_data = ramp_rollout(rng(s, "ramp"), n_per_day=cfg.ramp_n_per_day)
    rs = ramp_study(ramp_data)
    ramp_png = run.save_figure(plots.ramp(ramp_data, rs), "ramp.png")

    log.info("AB-07: %d experiments x %d users per arm on heavy-tailed revenue", cfg.power_sims, cfg.power_n)
    pw = power_study(cfg.power_sims, cfg.power_n, cfg.alpha, rng(s, "power"))
    power_md = run.write_table(
        [{"test": k, "power_h1": pw.power(k)[0], "fpr_h0": pw.fpr(k)[0]} for k in TESTS], "revenue_tests.md"
    )
    pilot = pilot_study(cfg.design_sims, rng(s, "pilot"))
    tiers = tier_study(cfg.design_sims, cfg.alpha, cfg.power, rng(s, "tiers"))

    for r in seq.results.values():
        run.metric("fpr_h0", r.fpr, scope=r.name)
        run.metric("mean_days_h1", r.days, scope=r.name)
    run.add(
        claims.ab01(a, ["balance.md"]),
        claims.ab02(d),
        claims.ab03(ws, t, ["estimate_by_week.md", week_png]),
        claims.ab04(story, d, ["story_metrics.md"]),
        claims.ab05(seq, [seq_md, seq_png]),
        claims.ab06(seq, fam, [seq_md, seq_png]),
        claims.ab07(pw, [power_md]),
        claims.ab08(rs, [ramp_png]),
        claims.ab09(pilot),
        claims.ab10(tiers, pilot),
    )
