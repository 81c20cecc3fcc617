"""Batching schedules: the padded share against a brute-force count, and the throughput record."""

import numpy as np
import pytest

from systems.rag.encoding_speed import embedding_throughput, padded_share, token_lengths


def _brute_padding(lengths, batch_size, sort):
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i]) if sort else list(range(len(lengths)))
    slots = real = 0
    for start in range(0, len(order), batch_size):
        batch = [lengths[i] for i in order[start : start + batch_size]]
        slots += len(batch) * max(batch)
        real += sum(batch)
    return 1 - real / slots


def test_padded_share_matches_a_hand_count_and_sorting_removes_padding():
    assert padded_share(np.array([1, 4, 1, 4]), 2, sort=False) == pytest.approx(1 - 10 / 16)
    assert padded_share(np.array([1, 4, 1, 4]), 2, sort=True) == 0.0
    rng = np.random.default_rng(0)
    for _ in range(20):
        lengths = rng.integers(1, 257, size=int(rng.integers(2, 40)))
        for b in (1, 3, 8, 64):
            for sort in (False, True):
                assert padded_share(lengths, b, sort) == pytest.approx(_brute_padding(list(lengths), b, sort))
            assert padded_share(lengths, b, True) <= padded_share(lengths, b, False) + 1e-12
    with pytest.raises(ValueError, match="batch_size"):
        padded_share(np.array([3]), 0, sort=True)


class _TinyModel:
    """Hashing encoder with the real tokenizer: the attributes embedding_throughput reads."""

    max_seq_length = 256

    def __init__(self, tokenizer, fake):
        self.tokenizer, self.fake = tokenizer, fake

    def encode(self, texts, batch_size=None, show_progress_bar=False):
        return self.fake.encode(texts)


def test_throughput_record_is_consistent(tokenizer, fake_encoder):
    texts = ["a short one", "a much longer text " * 20, "medium length text here", "x"]
    m = embedding_throughput(_TinyModel(tokenizer, fake_encoder), texts, batch_size=2, repeats=1)
    assert m.n_texts == 4 and m.sorted_batch_size == 2
    assert m.batch_speedup == pytest.approx(m.docs_per_s_sorted / m.docs_per_s_single)
    assert m.padded_speedup == pytest.approx(m.docs_per_s_padded / m.docs_per_s_single)
    lengths = token_lengths(_TinyModel(tokenizer, fake_encoder), texts)
    assert lengths[1] > lengths[0] and lengths.max() <= 256
    assert m.padded_share_sorted == pytest.approx(padded_share(lengths, 2, sort=True))
    assert m.padded_share_sorted < m.padded_share_padded
    # one round: the interval is the round's own ratio
    assert m.batch_speedup_lo == m.batch_speedup == m.batch_speedup_hi
    with pytest.raises(ValueError, match="at least 2"):
        embedding_throughput(_TinyModel(tokenizer, fake_encoder), ["one"])


def test_batch_speedup_is_the_paired_geometric_mean_of_the_rounds(tokenizer, fake_encoder, monkeypatch):
    import systems.rag.encoding_speed as E
    from systems.core.timing import Timing

    scripted = {"single": (2.0, 3.0, 2.4), "padded": (4.0, 6.0, 4.8), "sorted": (1.0, 2.0, 1.5)}
    monkeypatch.setattr(E, "compare_many", lambda fns, repeats, warmup: {k: Timing(scripted[k]) for k in fns})
    m = E.embedding_throughput(_TinyModel(tokenizer, fake_encoder), ["a b c", "d e"], batch_size=2, repeats=3)
    ratios = np.array(scripted["single"]) / np.array(scripted["sorted"])  # 2.0, 1.5, 1.6
    assert m.batch_speedup == pytest.approx(np.exp(np.log(ratios).mean()))
    assert m.batch_speedup_lo < m.batch_speedup < m.batch_speedup_hi
    iv = m.batch_speedup_interval()
    assert (iv.low, iv.high, m.rounds) == (m.batch_speedup_lo, m.batch_speedup_hi, 3)
    assert "3 paired rounds" in iv.method
    assert m.padded_speedup == pytest.approx(0.5), "padded took twice as long in every round"
    assert m.docs_per_s_single == pytest.approx(2 / 2.4), "rates stay medians over rounds"
