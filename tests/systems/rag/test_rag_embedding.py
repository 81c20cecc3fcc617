"""Embedding cache: keyed by model tag + text hash, persisted on disk, unit vectors out."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from systems.rag.embedding import Encoder, PrecomputedQueries


class CountingModel:
    def __init__(self):
        self.seen = []

    def encode(self, texts, batch_size=None, show_progress_bar=False):
        self.seen += list(texts)
        return np.array([[len(t), 1.0, 2.0] for t in texts], dtype=np.float32)


def test_cache_hits_skip_the_model_and_persist(tmp_path):
    m = CountingModel()
    enc = Encoder(m, tag="m1", cache_dir=tmp_path, progress=False)
    a = enc.encode(["alpha", "beta", "alpha"])
    assert m.seen == ["alpha", "beta"] and enc.encoded_ == 2
    assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    enc.encode(["beta"])
    assert m.seen == ["alpha", "beta"]
    m2 = CountingModel()
    again = Encoder(m2, tag="m1", cache_dir=tmp_path, progress=False).encode(["alpha", "beta"])
    assert m2.seen == [] and np.array_equal(again, a[:2])
    Encoder(m2, tag="other-model", cache_dir=tmp_path, progress=False).encode(["alpha"])
    assert m2.seen == ["alpha"], "a different model tag must not reuse vectors"


def test_torn_cache_file_is_ignored(tmp_path):
    Encoder(CountingModel(), tag="m", cache_dir=tmp_path, progress=False).encode(["a", "b"])
    for f in tmp_path.glob("*.keys.json"):
        f.write_text('["only-one-key"]')
    m = CountingModel()
    Encoder(m, tag="m", cache_dir=tmp_path, progress=False).encode(["a"])
    assert m.seen == ["a"]


def test_empty_input_and_uncached_path(tmp_path):
    enc = Encoder(CountingModel(), cache_dir=None, progress=False)
    with pytest.raises(ValueError, match="empty"):
        enc.encode([])
    assert enc.encode(["x"], cache=False).shape == (1, 3)
    assert enc.encode_query("query").shape == (1, 3)


def test_precomputed_queries_match_and_fall_back():
    m = CountingModel()
    enc = Encoder(m, cache_dir=None, progress=False)
    pq = PrecomputedQueries(enc, ["q one", "q two"])
    assert_allclose(pq.encode_query("q one"), enc.encode_query("q one"), rtol=1e-6)
    n = len(m.seen)
    pq.encode_query("q two")
    assert len(m.seen) == n
    pq.encode_query("unseen")
    assert m.seen[-1] == "unseen"


def _cached(tmp_path):
    Encoder(CountingModel(), tag="m", cache_dir=tmp_path, progress=False).encode(["a", "b", "c"])
    return next(tmp_path.glob("emb-*.npy")), next(tmp_path.glob("emb-*.keys.json"))


def _reload_counts(tmp_path, caplog):
    m = CountingModel()
    out = Encoder(m, tag="m", cache_dir=tmp_path, progress=False).encode(["a", "b"])
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    return m.seen, out, warnings


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "torn between the two files"])
def test_damaged_cache_is_rebuilt_with_one_line(tmp_path, caplog, damage):
    vec_f, key_f = _cached(tmp_path)
    good = Encoder(CountingModel(), tag="m", cache_dir=tmp_path, progress=False).encode(["a", "b"])
    raw = vec_f.read_bytes()
    if damage == "truncated":
        vec_f.write_bytes(raw[: len(raw) - 7])
    elif damage == "flipped byte":
        vec_f.write_bytes(raw[:-1] + bytes([raw[-1] ^ 0xFF]))
    else:  # new vectors were renamed in, the process died before the keys file followed
        np.save(vec_f, np.ones((3, 3), dtype=np.float32))
    seen, out, warnings = _reload_counts(tmp_path, caplog)
    assert seen == ["a", "b"], "nothing from a damaged cache is trusted"
    assert_allclose(out, good, rtol=1e-6)
    assert len(warnings) == 1 and "rebuilding it" in warnings[0] and "\n" not in warnings[0]
    caplog.clear()
    seen, _, warnings = _reload_counts(tmp_path, caplog)
    assert seen == [] and warnings == [], "the rebuilt cache is sound"


def test_cache_writes_leave_no_temporary_files(tmp_path):
    _cached(tmp_path)
    assert sorted(p.name.split(".", 1)[1] for p in tmp_path.iterdir()) == ["keys.json", "npy"]


class _Recording:
    """Returns a vector that identifies each text, and records the batches it was given."""

    def __init__(self):
        self.batches = []

    def encode(self, texts, batch_size=None, show_progress_bar=False):
        self.batches.append(list(texts))
        return np.array([[len(t), 1.0 + t.count("x")] for t in texts], dtype=np.float32)


def test_batches_hold_similar_lengths_and_vectors_come_back_in_input_order():
    texts = ["x" * 9, "y", "xx" * 3, "yy", "x" * 8, "yyy"]
    model = _Recording()
    got = Encoder(model, progress=False, batch_size=2).encode(texts, cache=False)
    direct = model.encode(texts)
    expected = direct / np.linalg.norm(direct, axis=1, keepdims=True)
    assert_allclose(got, expected, rtol=0, atol=1e-7, err_msg="vectors must follow the input order")
    lengths = [[len(t) for t in b] for b in model.batches[:-1]]
    assert lengths == [[9, 8], [6, 3], [2, 1]], "longest first, so each batch pads little"
