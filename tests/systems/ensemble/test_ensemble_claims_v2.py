"""EN claims under ledger v2: latency judged on interleaved ratios, AUC orderings on intervals."""

from types import SimpleNamespace

import numpy as np

from systems.core.ledger import Interval, Verdict, explain, verdict
from systems.ensemble import claims
from systems.ensemble.analysis import LatencyRow, Ratio


def _run(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    vote2 = y + rng.normal(0, 0.6, n)
    blend = vote2 + 0.3 * y + rng.normal(0, 0.2, n)
    r = SimpleNamespace(
        ds=SimpleNamespace(y_test=y), ens=SimpleNamespace(test={"vote2": vote2, "blend_penalised": blend})
    )
    r.auc = {"vote2": claims.roc_auc(y, vote2), "blend_penalised": claims.roc_auc(y, blend)}
    return r


def _ratio(x):
    return Ratio(10.0 * x, 10.0, x, Interval(0.9 * x, 1.1 * x, "test"))


def test_en10_latency_ratio_is_central_and_the_contradicting_figure_is_shown():
    r = _run()
    table = [
        LatencyRow("random_forest", 10.0, 12.0, 1000, 50.0, 1.0),
        LatencyRow("blend3", 9.8, 11.0, 1000, 60.0, 0.98),
    ]
    off = {
        "blend3/row": _ratio(1.0),
        "vote2/row": _ratio(0.9),
        "blend3/batch": _ratio(1.2),
        "vote2/batch": _ratio(0.8),
    }
    c = claims.en10(r, off, table)
    assert c.timed and c.measured["blend3_vs_rf_back_to_back"] == 0.98
    # the vote's AUC band is supporting: it cannot lift a claim whose ratios are off
    assert verdict(c) is Verdict.NOT_REPRODUCED
    assert "[0.9, 1.1]" in explain(c)
    on = off | {"blend3/row": _ratio(28 / 12), "vote2/row": _ratio(18 / 12)}
    assert verdict(claims.en10(r, on, table)) is not Verdict.NOT_REPRODUCED


def test_auc_difference_inside_its_noise_is_undecided_and_seeded():
    r = _run()
    y, s = r.ds.y_test, r.ens.test
    wobble = s["vote2"] + np.random.default_rng(5).normal(0, 0.01, len(y))
    iv = claims.diff(y, wobble, s["vote2"])
    assert iv.low < 0 < iv.high and iv == claims.diff(y, wobble, s["vote2"])
    clear = claims.diff(y, s["blend_penalised"], s["vote2"])
    assert clear.low > 0
