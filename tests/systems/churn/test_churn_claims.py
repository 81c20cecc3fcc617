"""Claims: verdicts follow from the figures (including the story's own arithmetic)."""

from systems.churn import claims
from systems.core.ledger import Verdict, verdict


def test_ch07_recomputes_f1_from_the_claimed_precision_and_recall():
    f = {"precision": 0.86, "recall": 0.83, "f1": 0.845, "roc_auc": 0.92, "accuracy": 0.89,
         "train_accuracy": 0.91, "ceiling_auc": 0.95}
    c = claims.ch07(f, [])
    assert c.checks[0].recomputed == 2 * 0.86 * 0.83 / (0.86 + 0.83)
    assert verdict(c) is Verdict.REPRODUCED
    worse = claims.ch07(f | {"precision": 0.70, "recall": 0.60, "f1": 0.65}, [])
    assert verdict(worse) is Verdict.NOT_REPRODUCED or verdict(worse) is Verdict.DIRECTION_HOLDS


def test_ch09_threshold_from_the_storys_costs_disagrees_with_its_045():
    pr = {"threshold_val": 0.30, "threshold_test_argmax": 0.29, "profit_at_045": 10.0,
          "profit_at_050": 5.0, "breakeven": 50 / 170}
    c = claims.ch09(pr, 50.0, 500.0, 0.34, [])
    assert verdict(c) is Verdict.INCONSISTENT
    # with a win-back of 22% the story's 0.45 is what its own costs give
    assert verdict(claims.ch09(pr, 50.0, 500.0, 0.222, [])) is not Verdict.INCONSISTENT


def test_ch04_relations_decide_when_figures_are_off():
    row = {"precision": 0.6, "recall": 0.6, "f1": 0.6, "n_test_scored": 100.0}
    imb = {"class_weights": row, "smote": row | {"f1": 0.7, "recall": 0.7}, "undersampling": row}
    assert verdict(claims.ch04(imb, [])) is Verdict.DIRECTION_HOLDS
    imb["smote"] = row | {"f1": 0.5}
    assert verdict(claims.ch04(imb, [])) is Verdict.NOT_REPRODUCED


def test_ch13_is_out_of_scope_with_a_reason():
    c = claims.ch13()
    assert verdict(c) is Verdict.OUT_OF_SCOPE and len(c.scope_reason) > 20
