import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from systems.abtest.assignment import assign, bucket, srm_test, stratum_balance
from systems.abtest.study_design import SPLIT, srm_detection

IDS = [f"user-{i}" for i in range(20000)]


def test_split_shares_match_the_weights():
    arm = assign(IDS, "exp-1", (0.8, 0.2))
    share = arm.mean()
    assert abs(share - 0.2) < 3 * np.sqrt(0.16 / len(IDS))
    arms3 = np.bincount(assign(IDS, "exp-1", (0.5, 0.3, 0.2)), minlength=3) / len(IDS)
    np.testing.assert_allclose(arms3, [0.5, 0.3, 0.2], atol=0.015)


def test_same_id_same_arm_and_salt_rerandomises():
    a, b = assign(IDS, "s1", SPLIT), assign(IDS, "s1", SPLIT)
    assert (a == b).all()
    c = assign(IDS, "s2", SPLIT)
    # independent salts: agreement is 0.8^2 + 0.2^2 = 0.68, not 1
    assert abs((a == c).mean() - 0.68) < 0.02
    assert bucket("u1", "s") == bucket("u1", "s")


def test_hash_is_stable_across_processes_and_hash_seeds():
    code = (
        "import sys; from systems.abtest.assignment import assign; "
        "print(''.join(map(str, assign([f'user-{i}' for i in range(3000)], 'exp', (0.8, 0.2)))))"
    )
    outs = set()
    for seed in ("0", "1", "987654"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(
            subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                env=env,
                check=True,
                cwd=os.getcwd(),
            ).stdout.strip()
        )
    here = "".join(map(str, assign(IDS[:3000], "exp", (0.8, 0.2))))
    assert outs == {here}


def test_bad_weights_are_refused():
    for w in [(1.0,), (0.5, 0.6), (0.0, 1.0)]:
        with pytest.raises(ValueError, match="weights"):
            assign(IDS[:5], "s", w)


def test_srm_matches_scipy_and_flags_a_broken_split():
    res = srm_test([8050, 1950], (0.8, 0.2))
    ref = stats.chisquare([8050, 1950], [8000, 2000])
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12) and not res.flagged()
    assert srm_test([80000, 19000], (0.8, 0.2)).flagged()


def test_vectorised_srm_detection_uses_the_same_statistic():
    # loss 0: the false-alarm rate at 0.001 is tiny; a large loss is always caught
    rate0, ci0 = srm_detection(200_000, 0.0, 4000, np.random.default_rng(0))
    assert ci0.low <= 0.001 <= ci0.high or rate0 < 0.004
    assert srm_detection(200_000, 0.05, 500, np.random.default_rng(1))[0] == 1.0
    # one count pair by hand against srm_test
    k_c, k_t = 160_000, 39_000
    total = k_c + k_t
    x2 = (k_c - 0.8 * total) ** 2 / (0.8 * total) + (k_t - 0.2 * total) ** 2 / (0.2 * total)
    assert stats.chi2.sf(x2, 1) == pytest.approx(srm_test([k_c, k_t], SPLIT).p_value, rel=1e-10)


def test_stratum_balance_against_chi2_contingency():
    rng = np.random.default_rng(0)
    strata = rng.choice(["low", "mid", "high"], 5000)
    arm = assign(IDS[:5000], "b", SPLIT)
    bal = stratum_balance(arm, strata)
    ref = stats.chi2_contingency(pd.crosstab(strata, arm).to_numpy())
    assert bal.p_value == pytest.approx(ref.pvalue)
    assert set(bal.table.index) == {"low", "mid", "high"}
    assert (
        (bal.table["share_low"] <= bal.table["share"]) & (bal.table["share"] <= bal.table["share_high"])
    ).all()
