"""QZ-01/02: torch dynamic INT8 of the packaged MiniLM against FP32, and the INT8 mechanics.

Size is the byte length of the serialised ``state_dict`` (what a deployment ships).
Latency is wall clock per ``embed`` call, FP32 and INT8 interleaved query by query (A, B,
A, B, ...) so a slow moment of the machine hits both alike; p50/p95 at batch 1, and per
batch of ``batch_size`` queries. Quality is recall@10 / nDCG@10 on the same questions.

QZ-02 on real weights and activations: per-tensor vs per-channel INT8 weight error of
every Linear, and on one real layer (layer 0's FFN input, ``intermediate.dense``) the
output error of dynamic activation ranges (measured per sentence at run time) against
static ranges fixed from a small calibration set of other sentences.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

import numpy as np
import torch

from algorithms import quantization as Q
from systems.compression.task import embed


@dataclass(frozen=True)
class Latency:
    """Per-call seconds, shape (n_calls,), of model a and model b measured interleaved."""

    a: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class Mechanics:
    per_tensor_err: np.ndarray  # (n_linear,) relative weight error, per-tensor INT8
    per_channel_err: np.ndarray  # (n_linear,) per-channel INT8
    dynamic_err: np.ndarray  # (n_sentences,) relative output error, dynamic activation ranges
    static_err: np.ndarray  # (n_sentences,) static ranges from calibration
    range_cv: float  # coefficient of variation of per-sentence activation absmax


def state_dict_bytes(module: torch.nn.Module) -> int:
    buf = io.BytesIO()
    torch.save(module.state_dict(), buf)
    return buf.getbuffer().nbytes


def interleaved_latency(bert_a, bert_b, tokenizer, texts: list[str], max_len: int, batch: int = 1) -> Latency:
    """Seconds per call of ``embed`` for model a and b on the same batches, interleaved."""
    a, b = [], []
    groups = [texts[i : i + batch] for i in range(0, len(texts) - batch + 1, batch)] or [texts]
    for g in groups[:2]:  # warm-up: first calls allocate
        embed(bert_a, tokenizer, g, max_len, batch)
        embed(bert_b, tokenizer, g, max_len, batch)
    for g in groups:
        for model, out in ((bert_a, a), (bert_b, b)):
            t0 = time.perf_counter()
            embed(model, tokenizer, g, max_len, batch)
            out.append(time.perf_counter() - t0)
    return Latency(np.asarray(a), np.asarray(b))


def linear_layers(bert) -> list[tuple[str, torch.nn.Linear]]:
    """The Transformer layers' Linear modules (36 in MiniLM); BERT's pooler is left out: mean
    pooling never uses it."""
    return [
        (n, m) for n, m in bert.named_modules() if isinstance(m, torch.nn.Linear) and "encoder.layer." in n
    ]


def capture_inputs(bert, tokenizer, layer: torch.nn.Module, texts, max_len: int) -> list[np.ndarray]:
    """Inputs reaching ``layer``, one (n_tokens, d_in) array per text (padding dropped)."""
    got: list[np.ndarray] = []

    def hook(_m, args):
        got.append(args[0].detach().double().numpy())

    h = layer.register_forward_pre_hook(hook)
    try:
        with torch.inference_mode():
            for t in texts:  # one at a time: no padding rows, one range per sentence
                batch = tokenizer([t], truncation=True, max_length=max_len, return_tensors="pt")
                bert(**batch)
    finally:
        h.remove()
    return [g[0] for g in got]


def mechanics(bert, tokenizer, calib: list[str], heldout: list[str], max_len: int) -> Mechanics:
    layers = linear_layers(bert)
    w = [m.weight.detach().double().numpy() for _, m in layers]
    per_t = np.array([Q.relative_error(x, Q.quantize_int8_symmetric(x).dequantize()) for x in w])
    per_c = np.array([Q.relative_error(x, Q.quantize_int8_symmetric(x, True).dequantize()) for x in w])
    name, layer = next((n, m) for n, m in layers if n.endswith("layer.0.intermediate.dense"))
    wq = Q.quantize_int8_symmetric(layer.weight.detach().double().numpy())
    cal = capture_inputs(bert, tokenizer, layer, calib, max_len)
    s, z = Q.activation_qparams(np.concatenate(cal), reduce_range=True)
    dyn, stat, amax = [], [], []
    for x in capture_inputs(bert, tokenizer, layer, heldout, max_len):
        exact = x @ wq.dequantize().T  # isolate the activation part: same INT8 weights
        den = float(np.sum(exact**2))
        dyn.append(float(np.sum((Q.dynamic_int8_linear(x, wq) - exact) ** 2)) / den)
        stat.append(float(np.sum((Q.static_int8_linear(x, wq, s, z) - exact) ** 2)) / den)
        amax.append(float(np.abs(x).max()))
    amax = np.asarray(amax)
    return Mechanics(per_t, per_c, np.asarray(dyn), np.asarray(stat), float(amax.std() / amax.mean()))
