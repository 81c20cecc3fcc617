"""Query-encoding study: the choice rule, the comparison against the baseline, restored state."""

import zlib
from types import SimpleNamespace

import numpy as np
import pytest

from data.member_kb import generate
from systems.core.uncertainty import mean_ci
from systems.rag import experiments as X
from systems.rag.embedding import Encoder
from systems.rag.kb_run import serving_drills
from systems.rag.pipeline import build_retriever, chunk_corpus
from systems.rag.query_latency import (
    BASELINE,
    Variant,
    VariantRow,
    block_schedule,
    check_choice,
    choose,
    eligible,
    encode_times_ms,
    query_latency_study,
    serving_encoder,
    variants,
)


class RandomEncoder:
    """Unit vectors unrelated to the text: an encoder that has lost all quality."""

    def __init__(self, dim: int = 64, seed: int = 0):
        self.rng = np.random.default_rng(seed)
        self.dim = dim

    def encode(self, texts, batch_size=None, show_progress_bar=False, **_):
        v = self.rng.standard_normal((len(texts), self.dim))
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def setup(tokenizer, fake_encoder_class):
    kb = generate(n_plans=4, n_pairs=10, n_filler=5, n_questions=120, seed=1)
    docs = {d.doc_id: (d.title, d.text) for d in kb.documents}
    corpus = chunk_corpus(docs, tokenizer, 224, 50, progress=False)
    encoder = fake_encoder_class()
    r, _ = build_retriever(corpus, encoder, kind="flat")
    yield kb, r, encoder
    r.close()


def _row(name, p50, eligible):
    return VariantRow(name, p50, p50, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, eligible)


def test_eligible_needs_the_whole_validation_interval_above_minus_the_loss_budget():
    assert eligible(np.zeros(48), 0.005) == (0.0, True), "identical rankings"
    # a gain on average, but a few questions swing +-0.3: the loss is not bounded to 0.005
    d = np.zeros(48)
    d[:6] = [0.3, -0.3, 0.3, -0.3, 0.3, 0.0]
    lo, ok = eligible(d, 0.005)
    assert d.mean() > 0 and lo == pytest.approx(mean_ci(d).low) and lo < -0.005 and not ok
    d = np.zeros(48)
    d[:2] = [0.01, 0.012]
    assert eligible(d, 0.005)[1], "small, same-sign changes are within the budget"


def test_choose_takes_the_fastest_eligible_variant():
    rows = [
        _row(BASELINE, 20.0, True),
        _row("int8 forward 1t", 3.0, False),
        _row("fp32 forward 1t", 9.0, True),
    ]
    assert choose(rows).variant == "fp32 forward 1t", "the faster INT8 lost quality, so it is not eligible"
    assert choose(rows[:2]).variant == BASELINE


def test_variants_are_named_uniquely_and_start_with_the_baseline():
    vs = variants(2)
    names = [v.name for v in vs]
    assert names[0] == BASELINE and len(set(names)) == len(names) == 10
    assert {v.kind for v in vs if v.path == "onnx"} == {"fp32"}, "dynamic INT8 does not export to ONNX"
    assert Variant("int8", "forward", 1).name == "int8 forward 1t"


def test_block_schedule_runs_every_variant_on_every_query_and_rotates_who_goes_first():
    sched = block_schedule(["a", "b", "c"], 7, 3)
    assert [(n, list(r)) for n, r in sched[:4]] == [
        ("a", [0, 1, 2]),
        ("b", [0, 1, 2]),
        ("c", [0, 1, 2]),
        ("b", [3, 4, 5]),
    ]
    assert [n for n, _ in sched[3:6]] == ["b", "c", "a"] and [n for n, _ in sched[6:]] == ["c", "a", "b"]
    for name in "abc":
        assert sorted(i for n, r in sched if n == name for i in r) == list(range(7))
    with pytest.raises(ValueError, match="block"):
        block_schedule(["a"], 3, 0)


def test_encode_times_run_blocks_after_an_untimed_call():
    calls = []

    class Logged:
        def __init__(self, name):
            self.name = name

        def encode(self, texts, batch_size=None, show_progress_bar=False):
            calls.append((self.name, texts[0]))
            return np.full((1, 2), len(calls), dtype=np.float32)

    times, vectors = encode_times_ms({"a": Logged("a"), "b": Logged("b")}, ["q1", "q2", "q3"], block=2)
    assert {k: v.shape for k, v in times.items()} == {"a": (3,), "b": (3,)}
    assert all((v > 0).all() for v in times.values()), "every query timed"
    assert calls == [
        ("a", "q1"), ("a", "q1"), ("a", "q2"), ("b", "q1"), ("b", "q1"), ("b", "q2"),
        ("b", "q3"), ("b", "q3"), ("a", "q3"), ("a", "q3"),
    ]  # fmt: skip
    assert vectors["b"]["q2"][0, 0] == 6 and vectors["a"]["q3"][0, 0] == 10, "the timed call's vector"


def test_a_variant_that_loses_quality_is_not_chosen_and_state_is_restored(setup):
    kb, r, encoder = setup
    val, test = kb.split("validation"), kb.split("test")
    models = {"fp32": encoder, "int8": RandomEncoder()}
    only = [Variant("fp32", "encode", None), Variant("int8", "encode", None)]
    study = query_latency_study(r, models, val, test, only=only)
    base, broken = study.row(BASELINE), study.row("int8 encode")
    # the reference: the baseline's own nDCG through the ordinary evaluation path
    ref = X.evaluate_modes(r, test, ["hybrid"], answers=False)["hybrid"].ndcg_at_10.mean()
    assert base.test_ndcg_at_10 == pytest.approx(ref, abs=1e-12), (base.test_ndcg_at_10, ref)
    assert base.test_delta == 0.0 and base.eligible
    assert not broken.eligible and broken.test_delta < 0, broken
    assert broken.test_delta_lo <= broken.test_delta <= broken.test_delta_hi
    assert study.chosen == BASELINE
    assert r.encoder is encoder and r.embed_cache is None, "the study puts the live encoder back"
    assert study.n_timed == len(val) + len(test)
    with pytest.raises(ValueError, match="baseline"):
        query_latency_study(r, models, val, test, only=only[1:])


class TextSeededEncoder:
    """Random unit vectors seeded by the text: as useless as RandomEncoder, but repeatable."""

    def encode(self, texts, batch_size=None, show_progress_bar=False, **_):
        v = np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(64) for t in texts])
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_the_choice_is_checked_on_every_question_that_chose_nothing(setup):
    kb, r, encoder = setup
    val, test, train = kb.split("validation"), kb.split("test"), kb.split("train")
    only = [Variant("fp32", "encode", None), Variant("int8", "encode", None)]
    study = query_latency_study(
        r, {"fp32": encoder, "int8": RandomEncoder()}, val, test, only=only, held_out=train
    )
    assert study.chosen == BASELINE  # the random encoder is not eligible: nothing to lose
    c = study.check
    assert c.n_questions == len(test) + len(train) and (c.delta, c.delta_lo, c.delta_hi) == (0, 0, 0)
    assert c.within_loss

    # a broken encoder pushed through the check: its loss is measured over test + train,
    # recomputed here through the ordinary evaluation path
    encoders = {BASELINE: encoder, "int8 encode": TextSeededEncoder()}
    nd = {}
    for name, questions in (("test", test), ("train", train)):
        base = X.evaluate_modes(r, questions, ["hybrid"], answers=False)["hybrid"].ndcg_at_10
        r.encoder = Encoder(TextSeededEncoder(), tag="ref", progress=False)
        try:
            broken = X.evaluate_modes(r, questions, ["hybrid"], answers=False)["hybrid"].ndcg_at_10
        finally:
            r.encoder = encoder
        nd[name] = broken - base
    c = check_choice(r, encoders, "int8 encode", nd["test"], train, 0.005)
    d = np.concatenate([nd["test"], nd["train"]])
    ci = mean_ci(d)
    assert c.n_questions == d.size == len(test) + len(train)
    np.testing.assert_allclose([c.delta, c.delta_lo, c.delta_hi], [d.mean(), ci.low, ci.high], atol=1e-12)
    assert r.encoder is encoder
    assert c.delta_lo < -0.005 and not c.within_loss, c


def test_serving_encoder_builds_the_chosen_variant_and_names_the_choices():
    fp32, int8 = RandomEncoder(seed=1), RandomEncoder(seed=2)
    models = {"fp32": fp32, "int8": int8}
    assert serving_encoder(models, BASELINE) is fp32
    assert serving_encoder(models, "int8 encode") is int8
    with pytest.raises(ValueError, match=r"unknown query-encoding variant 'fp16 onnx 2t'.*fp32 onnx 2t"):
        serving_encoder(models, "fp16 onnx 2t")


class CountingEncoder:
    """Delegates to an encoder and counts the texts it was asked for."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0

    def encode(self, texts, **kwargs):
        self.texts += len(texts)
        return self.inner.encode(texts, **kwargs)


def test_serving_drills_time_the_query_encoder_they_are_given(setup):
    kb, r, encoder = setup
    served = CountingEncoder(encoder)
    kc = SimpleNamespace(kb=kb, docs={d.doc_id: (d.title, d.text) for d in kb.documents}, encoder=encoder)
    index = SimpleNamespace(retriever=r, test=kb.split("test"))
    try:
        drills = serving_drills(kc, index, served)
        assert r.encoder.model is served, "the drills' retriever encodes through the given encoder"
        # every train question, searched on both paths (plus a warm-up and the fallbacks)
        n_timed = len(kb.split("train"))
        assert served.texts >= 2 * n_timed, (served.texts, n_timed)
        assert drills.latency.p50("concurrent", "retrieve") > 0
        assert {r.n for r in drills.latency.rows if r.stage == "retrieve"} == {n_timed}
        assert drills.latency.p50("concurrent", "encode") > 0
    finally:
        r.encoder = encoder
