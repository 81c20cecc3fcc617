"""The bare-forward query encoder against sentence-transformers' own encode (real MiniLM)."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

from systems.core.encoder import load_model
from systems.rag.query_encoder import ForwardQueryEncoder
from systems.rag.query_latency import serving_encoder

QUERIES = ["what does my plan cover for hearing aids", "MB-1234 copay?", "metformin " * 300]


@pytest.fixture(scope="module")
def models():
    fp32 = load_model()
    return {"fp32": fp32, "int8": load_model(kind="int8")}


@pytest.mark.parametrize("traced", [False, True])
@pytest.mark.parametrize("kind", ["fp32", "int8"])
def test_forward_matches_sentence_transformers_one_query_at_a_time(models, kind, traced):
    st = models[kind]
    ours = ForwardQueryEncoder(st, threads=1, traced=traced).encode(QUERIES)
    # one query per call on both sides: dynamic INT8 scales depend on what shares a batch
    ref = np.vstack([st.encode([q], normalize_embeddings=True, show_progress_bar=False) for q in QUERIES])
    assert ours.shape == (3, 384) and ours.dtype == np.float32
    assert_allclose(ours, ref, rtol=0, atol=1e-5, err_msg=f"{kind}: ours vs SentenceTransformer.encode")
    assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize("kind", ["fp32", "int8"])
def test_trace_recorded_on_a_short_query_holds_at_every_length(models, kind):
    # Tracing records Python-side branches taken on its example (5 tokens); a branch on the
    # sequence length would make longer queries wrong, so compare across lengths.
    st = models[kind]
    eager, traced = ForwardQueryEncoder(st), ForwardQueryEncoder(st, traced=True)
    texts = ["a", " ".join(["copay"] * 40), " ".join(["metformin interaction"] * 60), "word " * 400]
    lengths = [len(st.tokenizer(t, truncation=True, max_length=256)["input_ids"]) for t in texts]
    assert lengths[0] == 3 and lengths[-1] == 256
    assert_allclose(
        traced.encode(texts), eager.encode(texts), rtol=0, atol=1e-6, err_msg=f"{kind} traced vs eager"
    )


def test_threads_are_restored_and_checked(models):
    before = torch.get_num_threads()
    ForwardQueryEncoder(models["fp32"], threads=1).encode("one query")
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="threads"):
        ForwardQueryEncoder(models["fp32"], threads=0)


def test_a_model_that_does_not_mean_pool_is_refused(models):
    class ClsPooled(list):
        pass

    pooling = type("Pooling", (), {"pooling_mode": "cls"})()
    with pytest.raises(ValueError, match="mean-pooling"):
        ForwardQueryEncoder(ClsPooled([models["fp32"][0], pooling]))


def test_onnx_runtime_matches_sentence_transformers_at_every_length(models):
    from systems.rag.onnx_encoder import OnnxQueryEncoder

    st = models["fp32"]
    before = torch.get_num_threads()
    enc = OnnxQueryEncoder(st, threads=1)
    # exported on a 7-token example: lengths 3 to 256 check that no length was baked in
    texts = [*QUERIES, "a", " ".join(["metformin interaction"] * 60)]
    ours = enc.encode(texts)
    ref = np.vstack([st.encode([q], normalize_embeddings=True, show_progress_bar=False) for q in texts])
    assert ours.shape == (5, 384) and ours.dtype == np.float32
    assert_allclose(ours, ref, rtol=0, atol=1e-5, err_msg="ONNX Runtime vs SentenceTransformer.encode")
    assert torch.get_num_threads() == before, "ONNX Runtime threads are the session's own"
    assert_allclose(enc.encode("MB-1234 copay?"), ref[1:2], rtol=0, atol=1e-5)
    options = enc.session_.get_session_options()
    spin = {k: options.get_session_config_entry(k) for k in SPIN_KEYS}
    assert spin == dict.fromkeys(SPIN_KEYS, "1"), "threads spin inside a run and stop when it returns"


SPIN_KEYS = ("session.intra_op.allow_spinning", "session.force_spinning_stop")


def test_onnx_token_ids_match_the_library_tokenizer_at_and_past_the_window(models):
    from systems.rag.onnx_encoder import OnnxQueryEncoder

    st = models["fp32"]
    enc = OnnxQueryEncoder(st, threads=1)
    word_ids = st.tokenizer("interaction", add_special_tokens=False)["input_ids"]
    assert len(word_ids) == 1, "one token per word, so n words give n + 2 ids"
    window = st.max_seq_length
    texts = {
        n: " ".join(["interaction"] * n)
        for n in (1, 30, 200, window - 3, window - 2, window - 1, window + 40)
    }
    refs = {n: st.tokenizer([t], truncation=True, max_length=window)["input_ids"] for n, t in texts.items()}
    backend = st.tokenizer.backend_tokenizer
    shared = (backend.truncation, backend.padding)  # as the library's own calls leave it
    for n, text in texts.items():
        ours = enc._ids(text)
        assert ours.tolist() == refs[n], (n, ours.shape, len(refs[n][0]))
        assert ours.shape[1] == min(n + 2, window) and ours[0, -1] == st.tokenizer.sep_token_id
    assert (backend.truncation, backend.padding) == shared, "the model's own tokenizer is untouched"


def test_the_served_onnx_variant_is_the_onnx_encoder_on_its_threads(models):
    from systems.rag.onnx_encoder import OnnxQueryEncoder

    served = serving_encoder(models, "fp32 onnx 2t")
    assert isinstance(served, OnnxQueryEncoder) and served.threads == 2, served
    assert_allclose(served.encode(QUERIES[:2]), models["fp32"].encode(QUERIES[:2]), atol=1e-5)


def test_onnx_refuses_int8_and_bad_threads(models):
    from systems.rag.onnx_encoder import OnnxQueryEncoder

    with pytest.raises(ValueError, match="only FP32 models export"):
        OnnxQueryEncoder(models["int8"])
    with pytest.raises(ValueError, match="threads"):
        OnnxQueryEncoder(models["fp32"], threads=0)


def test_onnx_export_is_fused_and_leaves_the_model_as_it_was(models):
    import onnx

    from systems.rag.onnx_encoder import _export, _fuse

    st = models["fp32"]
    auto = st[0].auto_model
    before = auto.config._attn_implementation
    fused = onnx.load_from_string(_fuse(_export(st), auto.config))
    ops = [n.op_type for n in fused.graph.node]
    layers = auto.config.num_hidden_layers
    assert ops.count("Attention") == layers, "one fused attention kernel per layer"
    assert ops.count("SkipLayerNormalization") == 2 * layers and "Softmax" not in ops
    assert auto.config._attn_implementation == before, "the export's eager attention is undone"
