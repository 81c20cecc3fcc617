"""Compression stages on a tiny BERT: pruning masks, student layers, INT8 mechanics, scoring, claims."""

import numpy as np
import pytest
import torch

from systems.compression import claims as C
from systems.compression.architectures import lora_counts
from systems.compression.distill import make_student
from systems.compression.fourbit import end_to_end, gptq_vs_rtn, nf4_vs_int4, with_weights
from systems.compression.int8 import mechanics, state_dict_bytes
from systems.compression.pruning import PruneStep, prune_, reached, recover_, sparsity_of
from systems.compression.task import Quality, embed, evaluate, score
from systems.core.encoder import quantize_dynamic_int8
from systems.core.ledger import Verdict, to_record, verdict


def test_task_is_deterministic_and_every_relevant_document_exists(task):
    from systems.compression.task import build_task

    again = build_task(2, 5, 3, 40, seed=0)
    assert again.chunks == task.chunks and again.queries == task.queries
    ids = set(task.doc_ids)
    assert all(d in ids for rel in task.qrels for d in rel)
    assert len(task.doc_of) == len(task.chunks)


def test_ideal_vectors_score_exactly_one(task):
    # chunk vector = one-hot of its document; query vector = grades of the relevant documents,
    # so the ranking is the ideal one: nDCG@10 = recall@10 = 1 for every query
    n_docs = len(task.doc_ids)
    chunks = np.eye(n_docs)[task.doc_of]
    queries = np.stack(
        [sum(g * np.eye(n_docs)[task.doc_ids.index(d)] for d, g in r.items()) for r in task.qrels]
    )
    q = score(chunks, queries, task)
    assert q.ndcg_at_10.shape == (len(task.queries),)
    np.testing.assert_allclose(q.ndcg_at_10, 1.0)
    np.testing.assert_allclose(q.recall_at_10, 1.0)
    worse = score(chunks, -queries, task)
    assert worse.ndcg < 0.5


def test_pruning_reaches_the_target_and_recovery_keeps_the_mask(tiny_bert, tokenizer, task):
    import copy

    m = copy.deepcopy(tiny_bert)
    masks = prune_(m, 0.3)
    assert sparsity_of(m) == pytest.approx(0.3, abs=0.01)
    sents = list(task.sentences[:8])
    tvec = dict(zip(sents, torch.from_numpy(embed(tiny_bert, tokenizer, sents, 32)), strict=True))
    recover_(m, tvec, tokenizer, sents, masks, 3, 4, 32, np.random.default_rng(0), lr=1e-2)
    assert sparsity_of(m) >= 0.3 - 0.01


def test_reached_stops_at_the_first_level_over_the_line():
    base = Quality(np.ones(4), np.ones(4))
    steps = [
        PruneStep("iterative", s, s, Quality(np.full(4, 1 - d), np.ones(4)))
        for s, d in ((0.1, 0.0), (0.2, 0.01), (0.3, 0.02), (0.4, 0.0))
    ]
    assert reached(steps, "iterative", base, 0.015) == 0.2


def test_student_keeps_first_and_last_layers(tiny_bert, tokenizer):
    student, keep = make_student(tiny_bert, 1)
    assert keep == (0,) and len(student.encoder.layer) == 1
    assert len(tiny_bert.encoder.layer) == 2  # the teacher is untouched
    assert embed(student, tokenizer, ["a short sentence"], 16).shape == (1, 32)


def test_int8_model_is_smaller_and_close_to_fp32(tiny_bert, tokenizer):
    q = quantize_dynamic_int8(tiny_bert)
    assert state_dict_bytes(q) < state_dict_bytes(tiny_bert)
    a = embed(tiny_bert, tokenizer, ["the plan covers generic drugs"], 16)
    b = embed(q, tokenizer, ["the plan covers generic drugs"], 16)
    assert (a @ b.T).item() > 0.9


def test_mechanics_and_fourbit_on_a_tiny_model(tiny_bert, tokenizer, task):
    sents = list(task.sentences)
    m = mechanics(tiny_bert, tokenizer, sents[:4], sents[4:10], 32)
    assert m.per_channel_err.shape == m.per_tensor_err.shape == (2 * 6,)
    assert np.all(m.per_channel_err <= m.per_tensor_err + 1e-12)
    fb = nf4_vs_int4(tiny_bert, 32)
    assert len(fb.names) == 12 and np.all(fb.sq_nf4 > 0)
    g = gptq_vs_rtn(tiny_bert, tokenizer, sents[:6], sents[6:12], 32, (4,), n_layers=3)
    assert g.err_gptq.shape == (1, 3)
    replaced = with_weights(tiny_bert, g.weights_gptq[4])
    assert not torch.equal(
        replaced.encoder.layer[0].attention.self.query.weight,
        tiny_bert.encoder.layer[0].attention.self.query.weight,
    )
    q, _ = evaluate(replaced, tokenizer, task, 32)
    assert 0 <= q.ndcg <= 1
    scored = []
    e2e = end_to_end(tiny_bert, g, lambda m: scored.append(m) or evaluate(m, tokenizer, task, 32)[0])
    assert len(scored) == 2 and set(e2e.gptq) == set(e2e.rtn) == {4}
    assert e2e.gptq[4].ndcg == pytest.approx(q.ndcg), "GPTQ is scored with GPTQ's weights"


def test_lora_counts_are_linear_in_rank_on_the_meta_device():
    r8 = {c.targets: c.trainable for c in lora_counts("bert-base", 8)}
    r16 = {c.targets: c.trainable for c in lora_counts("bert-base", 16)}
    # BERT-base, query+value: 12 layers x 2 x r x (768 + 768)
    assert r16["default"] == 12 * 2 * 16 * 1536 == 2 * r8["default"]
    assert r16["all attention"] == 2 * r16["default"]


def test_cost_claim_is_inconsistent_from_its_own_shares():
    c = C.claim_qz09()
    assert verdict(c) == Verdict.INCONSISTENT
    assert "29.8" in to_record(c)["reason"]
    assert c.measured["net_reduction"] == pytest.approx(0.298)


def test_fourbit_claim_verdict_follows_the_measurement():
    from systems.compression.fourbit import FourBit

    names = tuple(f"l{i}" for i in range(6))
    good = FourBit(names, np.full(6, 1.0), np.full(6, 0.6), np.full(6, 10.0))
    bad = FourBit(names, np.full(6, 1.0), np.full(6, 1.2), np.full(6, 10.0))
    assert verdict(C.claim_qz03(good, 200, 0)) == Verdict.REPRODUCED
    assert verdict(C.claim_qz03(bad, 200, 0)) == Verdict.NOT_REPRODUCED
