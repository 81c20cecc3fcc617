import numpy as np
import pandas as pd
from numpy.testing import assert_array_equal

from systems.fairness.audit import choose
from systems.fairness.disparity import disparity
from systems.fairness.evaluate import evaluate
from systems.fairness.gate import GateThresholds
from systems.fairness.gate import evaluate as gate_eval
from systems.fairness.mitigate import exponentiated_gradient, from_model, threshold_optimizer
from systems.fairness.model import booster


def _biased(n, seed):
    """Group b has a shifted score-irrelevant feature that a model reads as risk."""
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b"], size=n)
    y = (rng.random(n) < 0.2).astype(int)
    signal = y + rng.normal(0, 0.8, n)
    proxy = (g == "b") * 1.0 + rng.normal(0, 0.3, n) + 0.5 * y
    X = pd.DataFrame({"signal": signal, "proxy": proxy})
    return X, y, pd.Series(g, name="group")


def test_mitigations_reduce_their_targets_and_are_reproducible():
    X, y, g = _biased(3000, 0)
    Xt, yt, gt = _biased(3000, 1)
    model = booster(30, 3, 0).fit(X, y)
    base = from_model("baseline", model, 0.3, list(X.columns))
    eg = exponentiated_gradient(
        "eg",
        "dp",
        X,
        y,
        g,
        bound=0.01,
        miss_cost=2.0,
        n_estimators=20,
        max_depth=3,
        max_iter=10,
        eps=0.01,
        seed=0,
    )
    to = threshold_optimizer("to", model, list(X.columns), X, y, g, miss_cost=2.0, tol=None, seed=0)
    e_base, e_eg, e_to = (evaluate(c, Xt, yt, gt, 50) for c in (base, eg, to))
    assert e_eg.disparity.demographic_parity_difference < e_base.disparity.demographic_parity_difference
    assert e_to.disparity.fpr_disparity < e_base.disparity.fpr_disparity
    # fixed random_state: the same decisions every call; probabilities in [0, 1]
    assert_array_equal(eg.decide(Xt, gt), eg.decide(Xt, gt))
    assert_array_equal(to.decide(Xt, gt), to.decide(Xt, gt))
    assert ((e_eg.proba >= -1e-9) & (e_eg.proba <= 1 + 1e-9)).all()  # weights sum to 1 up to rounding


def test_threshold_optimizer_equalises_fpr_on_its_fitting_rows():
    X, y, g = _biased(4000, 2)
    model = booster(30, 3, 0).fit(X, y)
    to = threshold_optimizer("to", model, list(X.columns), X, y, g, miss_cost=3.0, tol=None, seed=0)
    p = to.proba(X, g)
    neg = y == 0
    fpr = {k: p[neg & (g == k).to_numpy()].mean() for k in ("a", "b")}  # expected FPR, no draw noise
    assert abs(fpr["a"] - fpr["b"]) < 0.01, fpr
    d = disparity(y, to.decide(X, g), g)
    assert d.fpr_disparity < 0.03


def test_a_candidate_that_flags_nobody_cannot_pass_or_be_chosen():
    X, y, g = _biased(2000, 3)
    model = booster(20, 3, 0).fit(X, y)
    cands = {
        "strict": from_model("strict", model, 2.0, list(X.columns)),  # flags nothing: "no disparity"
        "everyone": from_model("everyone", model, 0.0, list(X.columns)),
        "loose": from_model("loose", model, 0.1, list(X.columns)),
    }
    evals = {k: evaluate(c, X, y, g, 50) for k, c in cands.items()}
    t = GateThresholds()
    assert evals["strict"].disparity.demographic_parity_difference == 0, "it would look perfectly fair"
    for name in ("strict", "everyone"):
        g_res = gate_eval(evals[name].disparity, t)
        assert g_res.status == "block", g_res.reasons
        assert any(w in g_res.reasons[0] for w in ("flags nobody", "flags everybody")), g_res.reasons
    assert choose(evals, ["strict", "everyone", "loose"], t)[0] == "loose"
    name, why = choose(evals, ["strict", "everyone"], t)
    assert name == "baseline" and why.startswith("no mitigation chosen") and "strict: flags nobody" in why


def test_a_candidate_with_a_rate_undefined_for_a_group_cannot_be_chosen():
    X, y, g = _biased(2000, 3)
    g = pd.Series(np.where(np.arange(len(g)) % 3 == 0, "c", g), name="group")
    y = y.copy()
    y[(g == "c").to_numpy()] = 0  # group c has no positives: its TPR is undefined
    model = booster(20, 3, 0).fit(X, y)
    evals = {"m": evaluate(from_model("m", model, 0.1, list(X.columns)), X, y, g, 50)}
    assert evals["m"].disparity.excluded
    assert gate_eval(evals["m"].disparity, GateThresholds()).status != "pass"
    name, why = choose(evals, ["m"], GateThresholds())
    assert name == "baseline" and "TPR undefined" in why
