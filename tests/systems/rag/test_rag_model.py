"""The real all-MiniLM-L6-v2 (one load per module, a handful of texts): window and behaviour."""

import numpy as np
import pytest

from systems.rag.embedding import Encoder, load_model


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_real_window_is_256_not_512(model):
    # RAG-01: the story picked 512-token chunks to "match" this model; it reads 256
    assert model.max_seq_length == 256


def test_paraphrase_is_closer_than_unrelated(model, tmp_path):
    enc = Encoder(model, cache_dir=tmp_path, progress=False)
    v = enc.encode(
        [
            "How do I replace a lost member ID card?",
            "Members may request a replacement identification card through the portal.",
            "The interaction between warfarin and ibuprofen is classified as major.",
        ]
    )
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.1


def test_text_beyond_the_window_is_ignored(model):
    head = "The generic copay is ten dollars. " * 36  # about 290 tokens: past the window
    a = model.encode([head + "Warfarin interacts with ibuprofen."])
    b = model.encode([head + "Appeals are due within 180 days."])
    assert np.allclose(a, b, atol=1e-5), "tokens past max_seq_length cannot change the embedding"


def test_missing_model_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_model(tmp_path / "nope")
