"""The cross-encoder stage loads a model BY PATH: checked on a tiny BERT cross-encoder built here."""

import pytest
import torch

from systems.rag.pipeline import build_retriever, chunk_corpus
from systems.rag.rerank import CrossEncoderReranker, reranker_or_reason


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory, tokenizer):
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        num_labels=1,
    )
    path = tmp_path_factory.mktemp("tiny-ce")
    BertForSequenceClassification(cfg).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def test_loads_by_path_and_scores(tiny_cross_encoder):
    rr = CrossEncoderReranker(tiny_cross_encoder)
    s = rr.score("copay for mail order", ["mail order copay is $20", "appeals within 180 days", "x"])
    assert s.shape == (3,) and s.dtype.kind == "f"
    assert rr.score("q", []).shape == (0,)
    # the same pair scores the same whatever its neighbours in the batch
    assert rr.score("q", ["a", "b"])[0] == pytest.approx(rr.score("q", ["a"])[0], rel=1e-5)


def test_rerank_mode_reorders_fused_candidates(tiny_cross_encoder, small_docs, tokenizer, fake_encoder):
    corpus = chunk_corpus(small_docs, tokenizer, 24, 8, progress=False)
    rr = CrossEncoderReranker(tiny_cross_encoder)
    r, _ = build_retriever(corpus, fake_encoder, kind="flat", reranker=rr)
    res = r.search("generic copay mail order", "hybrid_rerank", k=10)
    r.close()
    assert res.mode == "hybrid_rerank" and "rerank" in res.timings
    expected = rr.score("generic copay mail order", [corpus.texts[c] for c in res.chunks])
    assert [s for _, s in res.docs][0] == pytest.approx(max(expected))


def test_missing_model_and_no_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no cross-encoder at"):
        CrossEncoderReranker(tmp_path)
    model, reason = reranker_or_reason(None)
    assert model is None and "--reranker-path" in reason
