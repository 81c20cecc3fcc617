import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from systems.abtest.__main__ import main


def _csv(tmp_path, n=4000, seed=0, **overrides):
    rng = np.random.default_rng(seed)
    arm = rng.choice(["control", "new"], n)
    pre = rng.gamma(1.0, 10.0, n)
    df = pd.DataFrame(
        {
            "user": [f"u{i}" for i in range(n)],
            "arm": arm,
            "clicked": (rng.random(n) < np.where(arm == "new", 0.12, 0.10)).astype(int),
            "revenue": pre * 0.8 + rng.lognormal(0, 1, n) * np.where(arm == "new", 1.1, 1.0),
            "pre": pre,
            "day": rng.integers(0, 14, n),
            "tier": rng.choice(["a", "b"], n),
        }
    )
    for k, v in overrides.items():
        df[k] = v
    path = tmp_path / "exp.csv"
    df.to_csv(path, index=False)
    return path, df


def _args(path, out, *extra):
    return [
        "--data",
        str(path),
        "--unit",
        "user",
        "--variant",
        "arm",
        "--control",
        "control",
        "--metrics",
        "clicked,revenue",
        "--out",
        str(out),
        *extra,
    ]


def test_analysis_writes_the_documented_layout(tmp_path):
    path, df = _csv(tmp_path)
    assert main(_args(path, tmp_path / "o", "--covariate", "pre", "--time", "day", "--strata", "tier")) == 0
    res = json.loads((tmp_path / "o" / "abtest_data" / "metrics.json").read_text())
    assert 0 <= res["srm"]["p_value"] <= 1
    for m in ("clicked", "revenue"):
        r = res[m]
        assert {"p_value", "p_value_adjusted", "lift", "ci_low", "ci_high"} <= set(r)
        assert r["ci_low"] <= r["lift"] <= r["ci_high"] and r["p_value_adjusted"] >= r["p_value"]
        assert 0 < r["sequential_p_value"] <= 1 and "cuped" in r
    c = df[df.arm == "control"]["clicked"]
    t = df[df.arm == "new"]["clicked"]
    assert res["clicked"]["kind"] == "binary"
    assert res["clicked"]["p_value"] == pytest.approx(
        proportions_ztest([t.sum(), c.sum()], [t.size, c.size])[1]
    )
    assert res["revenue"]["kind"] == "continuous" and "mann_whitney_p" in res["revenue"]
    # pre explains much of revenue: CUPED narrows the interval
    cu = res["revenue"]["cuped"]
    assert cu["variance_ratio"] < 0.8
    assert cu["ci_high"] - cu["ci_low"] < res["revenue"]["ci_high"] - res["revenue"]["ci_low"]
    assert (tmp_path / "o" / "abtest_data" / "effects.png").exists()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"arm": "control"}, "only one arm"),
        ({"clicked": "yes"}, "not numeric"),
    ],
)
def test_bad_columns_give_one_line_errors(tmp_path, capsys, change, message):
    path, _ = _csv(tmp_path, **change)
    assert main(_args(path, tmp_path / "o")) == 2
    out = capsys.readouterr().err.strip()
    assert message in out and len(out.splitlines()) == 1


def test_bad_inputs_each_named(tmp_path, capsys):
    path, df = _csv(tmp_path)
    cases = []
    three = df.copy()
    three.loc[:10, "arm"] = "other"
    cases.append((three, [], "3 arms"))
    missing = df.copy()
    missing.loc[3, "revenue"] = np.nan
    cases.append((missing, [], "missing value"))
    dup = pd.concat([df, df.head(2)])
    cases.append((dup, [], "duplicate unit"))
    cases.append((df, ["--control", "baseline"], "control value 'baseline' not found"))
    cases.append((df, ["--metrics", "clicked,nope"], "not in the CSV"))
    for frame, extra, message in cases:
        frame.to_csv(path, index=False)
        args = _args(path, tmp_path / "o")
        for i in range(0, len(extra), 2):
            args[args.index(extra[i]) + 1] = extra[i + 1]
        assert main(args) == 2, message
        out = capsys.readouterr().err.strip()
        assert message in out and len(out.splitlines()) == 1, out
    (tmp_path / "empty.csv").write_text("")
    assert main(_args(tmp_path / "empty.csv", tmp_path / "o")) == 2
    assert "is empty" in capsys.readouterr().err
    assert main(_args(tmp_path / "absent.csv", tmp_path / "o")) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_failed_run_keeps_the_previous_report(tmp_path):
    path, df = _csv(tmp_path)
    assert main(_args(path, tmp_path / "o")) == 0
    before = (tmp_path / "o" / "abtest_data" / "metrics.json").read_text()
    df.assign(arm="same").to_csv(path, index=False)
    assert main(_args(path, tmp_path / "o")) == 2
    assert (tmp_path / "o" / "abtest_data" / "metrics.json").read_text() == before


def test_srm_is_flagged_for_a_broken_split(tmp_path):
    path, df = _csv(tmp_path)
    broken = df[~((df.arm == "new") & (np.arange(len(df)) % 5 == 0))]
    broken.to_csv(path, index=False)
    assert main(_args(path, tmp_path / "o")) == 0
    res = json.loads((tmp_path / "o" / "abtest_data" / "metrics.json").read_text())
    assert res["srm"]["flagged"] and res["srm"]["p_value"] < 0.001


def test_a_synthetic_run_leaves_the_data_report_alone(tmp_path):
    # the lock itself is tested with two processes in tests/core/test_publish.py
    from systems.core.publish import published

    path, _ = _csv(tmp_path)
    assert main(_args(path, tmp_path / "o")) == 0
    report = (tmp_path / "o" / "abtest_data" / "metrics.json").read_text()
    with published(tmp_path / "o", "abtest") as staging:  # what `make abtest` publishes
        (staging / "ledger.json").write_text("{}")
    assert (tmp_path / "o" / "abtest_data" / "metrics.json").read_text() == report
