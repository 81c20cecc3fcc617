"""systems/core/encoder: kinds, tags, errors (the packaged model is loaded once, slow-marked)."""

import pytest

from systems.core.encoder import load_model, model_path, model_tag


def test_each_kind_has_its_own_cache_tag():
    assert model_tag("fp32") != model_tag("int8")
    with pytest.raises(ValueError, match="unknown encoder kind"):
        model_tag("int4")


def test_missing_model_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        model_path(tmp_path / "nope")


@pytest.mark.slow
def test_int8_model_has_quantized_linears_and_close_vectors():
    import numpy as np
    import torch

    fp32, int8 = load_model(), load_model(kind="int8")
    assert not any(isinstance(m, torch.nn.Linear) and type(m) is torch.nn.Linear for m in int8.modules())
    a = fp32.encode(["what does a generic drug cost by mail order?"])
    b = int8.encode(["what does a generic drug cost by mail order?"])
    assert float(np.sum(a * b)) > 0.95
