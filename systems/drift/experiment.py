"""The whole run: simulate the year, measure every claim, write tables and figures.

Order: data -> training-time model -> the year (monitor + loop) -> detections per
method -> incident costs -> ROC (DR-10) -> isolated studies (sample size, concept-only
stream, injected prediction faults, gate demo) -> claims.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from algorithms.metrics import expected_calibration_error, roc_auc
from data.credit import CATEGORICAL, EVENTS, NUMERIC, sample_week, simulate_year
from systems.core.ledger import Claim
from systems.core.seeding import rng
from systems.drift import analysis, claims, plots
from systems.drift.config import DriftConfig
from systems.drift.loop import ConstantModel, RawScoreModel, SlowModel, challenger_wins, validation_suite
from systems.drift.model import latency_ms, train
from systems.drift.registry import Registry, TriggerQueue
from systems.drift.rules import collapse_alert, f1_alerts, mean_shift_alert
from systems.drift.simulate import make_monitor, run_year

DEPLOYED = ("psi_retrain", "pipeline_fault", "prediction_mean", "f1_rule", "challenge_auc")


def _quiet_weeks(n: int) -> list[int]:
    return [w for w in range(n) if not any(e.start <= w <= e.end + analysis.GRACE for e in EVENTS)]


def run_all(cfg: DriftConfig, run) -> list[Claim]:
    m: dict[str, float] = {}
    year = simulate_year(cfg.n_reference, cfg.n_week, rng(cfg.seed, "year"))
    frozen = train(year.reference, NUMERIC, CATEGORICAL, seed=cfg.seed)
    run.metric("baseline_f1", frozen.baseline_f1)
    run.metric("roc_auc", frozen.baseline_auc)
    res = run_year(cfg, year, run.path("state"), frozen)
    n = len(year.weeks)
    rep, weekly = res.reports, res.weekly

    timeline = run.save_figure(plots.timeline(rep, weekly, res.log, cfg, frozen.baseline_f1), "timeline.png")
    hist = run.save_figure(
        plots.worst_histograms(year.reference, year.weeks, rep), "worst_week_histograms.png"
    )
    log_rows = [{k: v for k, v in e.items()} for e in res.log]
    loop_md = run.write_table(log_rows, "loop_log.md")
    run.write_table(weekly.round(4).to_dict("records"), "weekly.md")

    costs = analysis.incident_costs(frozen, cfg)
    feat = analysis.feature_alerts(rep, cfg)
    model = analysis.model_alerts(weekly, year, frozen, cfg)
    rows, false = analysis.detections(feat, model, costs)
    for r in rows:
        r["false_alarm_weeks_of_method"] = false[r["method"]]
    det_md = run.write_table(rows, "detections.md")

    psi = rep.pivot(index="week", columns="feature", values="psi")
    quiet = _quiet_weeks(n)
    m["psi_max_quiet"] = float(psi.loc[quiet].max().max())
    m["psi_dti_policy_onset"] = float(psi.loc[26, "dti"])
    m["psi_max_gradual"] = float(psi.loc[6:20, "utilization"].max())
    m["weeks_over_0_25"] = float((psi.max(axis=1) > 0.25).sum())
    m["weeks_over_0_3"] = float((psi.max(axis=1) > 0.3).sum())

    hit = {(r["event"], r["method"]): r["detected_week"] != "missed" for r in rows}
    input_events = [e.name for e in EVENTS if e.features]
    m["warning_false_alarm_weeks"] = float(false["p_warning"])
    m["critical_false_alarm_weeks"] = float(false["p_critical_3wk"])
    m["critical_input_events_detected"] = float(sum(hit[(e, "p_critical_3wk")] for e in input_events))
    m["input_events"] = float(len(input_events))
    m["critical_concept_detected"] = float(hit[("concept", "p_critical_3wk")])

    study = analysis.sample_size_study(cfg)
    run.write_table(study.to_dict("records"), "sample_size.md")
    ss_png = run.save_figure(plots.sample_size(study, cfg), "sample_size.png")
    at = study.set_index("n")
    m["ks_p_median_at_10000"] = float(at.loc[10000, "ks_p_median"])
    m["psi_median_at_10000"] = float(at.loc[10000, "psi_median"])
    m["ks_p_median_at_max_n"] = float(at["ks_p_median"].iloc[-1])
    m["psi_median_at_max_n"] = float(at["psi_median"].iloc[-1])
    m["max_n"] = float(at.index[-1])
    m["shift_sd"] = cfg.ss_shift

    rel_png = _concept_study(cfg, frozen, m, run)
    _prediction_faults(cfg, year, frozen, weekly, quiet, m)
    _dti_story(cfg, year, frozen, res, m)
    gates_md = _gate_demo(cfg, year, frozen, run, m)
    m["triggers"] = float(sum(e["event"] == "trigger" for e in res.log))
    m["psi_triggers_with_features"] = float(
        sum(e["event"] == "trigger" and e["reason"] == "psi" and bool(e["features"]) for e in res.log)
    )
    m["promotions"] = float(sum(e["event"] == "champion_challenger" and e["promoted"] for e in res.log))
    m["cc_not_promoted"] = m.pop("cc_not_promoted_demo") + float(
        sum(e["event"] == "champion_challenger" and not e["promoted"] for e in res.log)
    )

    cf = analysis.skip_counterfactual(res.schedule, year, cfg)
    skip_md = run.write_table(cf.to_dict("records"), "skip_counterfactual.md")
    m["skipped"] = float(cf["skipped"].sum())
    m["opportunities"] = float(len(cf))
    m["mean_gain_skipped"] = float(cf.loc[cf["skipped"], "gain"].mean()) if cf["skipped"].any() else 0.0
    active = cf["week"].map(lambda w: any(e.start <= w <= e.end for e in EVENTS if e.incident))
    quiet_skips = cf["skipped"] & ~active
    m["mean_gain_skipped_no_incident"] = (
        float(cf.loc[quiet_skips, "gain"].mean()) if quiet_skips.any() else 0.0
    )
    m["skipped_during_incident"] = float((cf["skipped"] & active).sum())
    m["mean_gain_not_skipped"] = (
        float(cf.loc[~cf["skipped"], "gain"].mean()) if (~cf["skipped"]).any() else 0.0
    )

    incidents = [e.name for e in EVENTS if e.incident]
    union = {e: any(hit[(e, meth)] for meth in DEPLOYED) for e in incidents}
    m["incidents_caught"] = float(sum(union[e] and costs[e] > 0.10 for e in incidents))
    m["incidents_over_10pct"] = float(sum(costs[e] > 0.10 for e in incidents))
    m["min_incident_cost"] = float(min(costs[e] for e in incidents))
    alert_weeks = set()
    for meth in DEPLOYED:
        if meth in feat:
            t = feat[meth]
            alert_weeks |= {(int(w), f) for w, r in t.iterrows() for f in r.index[r.to_numpy(bool)]}
        else:
            alert_weeks |= {(int(w), None) for w in np.flatnonzero(model[meth])}
    m["monitor_false_alarm_weeks"] = float(len({w for w, f in alert_weeks if not analysis._explained(w, f)}))
    for e in EVENTS:
        run.metric(f"cost_{e.name}", costs[e.name], scope="incident_f1_loss")

    # DR-10 in the loop's view: drift against the serving champion's own training window,
    # degradation of that champion; the fixed view (training data, frozen model) for contrast
    by_version = {"v0001": frozen} | res.challengers
    loss = analysis.degradation_truth(
        {"loop": [by_version[v] for v in weekly["champion"]], "fixed": [frozen] * n}, cfg
    )
    roc = analysis.roc_of_score(weekly["max_psi_loop"].to_numpy(), loss["loop"] > 0.10)
    roc_fixed = analysis.roc_of_score(psi.max(axis=1).to_numpy(), loss["fixed"] > 0.10)
    roc_png = run.save_figure(
        plots.roc(
            {"loop view: champion vs its reference": roc, "fixed view: frozen model vs training": roc_fixed}
        ),
        "roc_psi.png",
    )
    m["psi_threshold"] = roc["threshold"]
    m["roc_auc"] = roc["auc"]
    m["tpr_at_0_3"], m["fpr_at_0_3"] = roc["tpr_at"][0.3], roc["fpr_at"][0.3]
    m["degraded_weeks"] = float((loss["loop"] > 0.10).sum())
    m["roc_auc_fixed_view"] = roc_fixed["auc"]
    run.write_table(
        [
            {
                "week": w,
                "champion": weekly["champion"][w],
                "max_psi_loop": weekly["max_psi_loop"][w],
                "f1_loss_loop": loss["loop"][w],
                "max_psi_fixed": psi.max(axis=1)[w],
                "f1_loss_fixed": loss["fixed"][w],
            }
            for w in range(n)
        ],
        "roc_weeks.md",
    )
    run.write_table(
        [{"threshold": t, "tpr": roc["tpr_at"][t], "fpr": roc["fpr_at"][t]} for t in roc["tpr_at"]]
        + [{"threshold": f"youden {roc['threshold']:.3g}", "tpr": roc["best_tpr"], "fpr": roc["best_fpr"]}],
        "roc_thresholds.md",
    )

    made = [
        claims.dr01(m, [timeline, hist]),
        claims.dr02(m, [det_md, timeline]),
        claims.dr03(m, [ss_png]),
        claims.dr04(m, [rel_png]),
        claims.dr05(m, [timeline]),
        claims.dr06(m, [loop_md, timeline]),
        claims.dr07(m, [loop_md, gates_md]),
        claims.dr08(m, [skip_md]),
        claims.dr09(m, [det_md, timeline]),
        claims.dr10(m, [roc_png, "roc_thresholds.md"]),
    ]
    run.add(*made)
    for k, v in m.items():
        run.metric(k, v, scope="claims")
    return made


def _concept_study(cfg, frozen, m, run) -> str:
    """The F1 rule, calibration and challenge AUC on a stream where only the concept event happens."""
    r = rng(cfg.seed, "concept-stream")
    e = next(x for x in EVENTS if x.name == "concept")
    weeks = [sample_week(w, cfg.n_week, r, only=("concept",)) for w in range(len(range(52)))]
    f1 = np.array([frozen.f1(b) for b in weeks])
    raised = [
        w + cfg.label_delay
        for w in np.flatnonzero(f1_alerts(f1, frozen.baseline_f1, cfg.f1_drop, cfg.consecutive))
    ]
    after = [w for w in raised if w >= e.start]
    m["f1_rule_detected"] = float(bool(after))
    m["f1_rule_delay_weeks"] = float(after[0] - e.start) if after else -1.0
    m["f1_rule_false_alarms"] = float(len([w for w in raised if w < e.start]))
    mon = make_monitor(cfg).fit(pd.concat(weeks[: e.start - 10]))
    m["psi_max_concept"] = float(max(mon.score(b)["psi"].max() for b in weeks[e.start :]))
    before, post = pd.concat(weeks[e.start - 8 : e.start]), pd.concat(weeks[e.start : e.start + 8])
    yb, pb = before["default"].to_numpy(), frozen.predict_proba(before)
    ya, pa = post["default"].to_numpy(), frozen.predict_proba(post)
    m["ece_before"] = expected_calibration_error(yb, pb)
    m["ece_after"] = expected_calibration_error(ya, pa)
    m["challenge_auc_after"] = roc_auc(ya, pa)
    m["challenge_auc_alert"] = float(m["challenge_auc_after"] < cfg.challenge_auc)
    return run.save_figure(
        plots.reliability({"8 weeks before the concept change": (yb, pb), "8 weeks after": (ya, pa)}),
        "reliability.png",
    )


def _prediction_faults(cfg, year, frozen, weekly, quiet, m) -> None:
    ref_mean = float(frozen.predict_proba(year.reference).mean())
    clean = year.weeks[3]
    bug = sample_week(43, cfg.n_week, rng(cfg.seed, "inject-bug"), only=("unit_bug",))
    # an upstream join failure fills every feature with its training median / mode
    stuck = clean.copy()
    for c in NUMERIC:
        stuck[c] = float(year.reference[c].median())
    for c in CATEGORICAL:
        stuck[c] = year.reference[c].mode()[0]
    p_clean, p_bug, p_stuck = (frozen.predict_proba(b) for b in (clean, bug, stuck))
    m["mean_alert_clean"] = float(mean_shift_alert(ref_mean, p_clean.mean(), cfg.mean_shift))
    m["mean_alert_injected"] = float(mean_shift_alert(ref_mean, p_bug.mean(), cfg.mean_shift))
    m["collapse_alert_clean"] = float(collapse_alert(p_clean, cfg.collapse_width))
    m["collapse_alert_injected"] = float(collapse_alert(p_stuck, cfg.collapse_width))
    m["mean_alert_quiet_weeks"] = float(weekly.loc[quiet, "mean_alert"].sum())


def _dti_story(cfg, year, frozen, res, m) -> None:
    psi_dti = res.reports.query("feature == 'dti'").set_index("week")["psi"]
    first = next((w for w in range(26, len(year.weeks)) if psi_dti[w] > cfg.psi_retrain), 99)
    m["dti_detect_delay"] = float(first - 26)
    retrain = next(e for e in res.log if e["event"] == "retrain" and e["trigger"].startswith("w026"))
    new = res.challengers[retrain["version"]]
    promo = [
        e["week"]
        for e in res.log
        if e["event"] == "champion_challenger" and e["version"] == retrain["version"] and e["promoted"]
    ]
    m["promoted_week"] = float(promo[0]) if promo else -1.0
    frame = sample_week(34, cfg.n_eval, rng(cfg.seed, "approvals"), only=("dti_policy",))
    g = analysis.approval_gain(frozen, new, frame)
    m["approval_gain"], m["old_approval"], m["new_approval"] = g["gain"], g["old_approval"], g["new_approval"]
    m["default_rate"] = g["default_rate"]


def _gate_demo(cfg, year, frozen, run, m) -> str:
    """Each validation gate failing once, a crash mid-retrain, and a rollback, on a scratch registry."""
    root = run.path("state") / "gate_demo"
    reg, queue = Registry(root), TriggerQueue(root)
    champion_v = reg.register(frozen, {"trained_on": "reference"})
    reg.promote(champion_v, 0, "initial")
    holdout, recent = year.weeks[5], pd.concat(year.weeks[1:5], ignore_index=True)
    good = train(recent, NUMERIC, CATEGORICAL, seed=cfg.seed)
    shuffled = recent.assign(default=rng(cfg.seed, "shuffle").permutation(recent["default"].to_numpy()))
    cases = {
        "good": good,
        "label bug (shuffled labels)": train(shuffled, NUMERIC, CATEGORICAL, seed=cfg.seed),
        "serves log-odds": RawScoreModel(good),
        "collapsed": ConstantModel(good, float(recent["default"].mean())),
        "slow": SlowModel(good, 0.12),
    }
    rows, failed = [], {}
    for name, cand in cases.items():
        gates = validation_suite(
            cand,
            frozen,
            holdout,
            cfg.f1_tolerance,
            cfg.collapse_width,
            cfg.latency_ms,
            n_latency_calls=12 if name == "slow" else 30,
        )
        for g in gates:
            failed[g.name] = failed.get(g.name, 0) + (not g.passed)
        rows.append({"challenger": name} | {g.name: g.describe() for g in gates})
    m.update({f"gate_{k}_failed": float(v) for k, v in failed.items()})
    # the time itself varies run to run, so the ledger keeps only the verdict against the budget
    p95 = float(np.percentile(latency_ms(frozen, holdout, 50), 95))
    m["p95_latency_under_100ms"] = float(p95 < cfg.latency_ms)
    run.path("latency.md").write_text(
        f"p95 single-row inference of the champion: {p95:.2f} ms "
        f"(budget {cfg.latency_ms:g} ms; volatile, not in the ledger)\n"
    )
    nxt = pd.concat(year.weeks[6:8])
    f_champ, f_chal = frozen.f1(nxt), good.f1(nxt)
    promoted = challenger_wins(f_champ, f_chal, cfg.promote_margin)
    m["cc_not_promoted_demo"] = float(not promoted)
    rows.append(
        {
            "challenger": "good, champion/challenger on weeks 6-7",
            "f1": f"champion {f_champ:.4f} vs challenger {f_chal:.4f}: "
            f"{'promoted' if promoted else 'NOT promoted (needs +1%)'}",
        }
    )
    tid = queue.write(5, "psi", {"utilization": 0.31})
    before = (reg.versions(), reg.champion())
    try:
        reg.register(good, {"trigger": tid}, crash_after_model=True)
    except RuntimeError:
        pass
    m["crash_registry_intact"] = float((reg.versions(), reg.champion()) == before)
    m["crash_trigger_kept"] = float([t["id"] for t in queue.pending()] == [tid])
    v2 = reg.register(good, {"trigger": tid})
    queue.done(tid, {"version": v2})
    reg.promote(v2, 8, "demo promotion")
    m["rollback_ok"] = float(reg.rollback(9) == champion_v and reg.champion() == champion_v)
    rows.append(
        {
            "challenger": "crash while registering",
            "f1": f"registry intact: {bool(m['crash_registry_intact'])}; trigger still pending: "
            f"{bool(m['crash_trigger_kept'])}; rollback restored {champion_v}: {bool(m['rollback_ok'])}",
        }
    )
    return run.write_table(rows, "validation_gates.md")
