"""QZ-03 and QZ-07: 4-bit formats and GPTQ on MiniLM's real Linear weights.

QZ-03: every Linear weight matrix quantized block-wise (same block size, same absmax per
block) to uniform INT4 (levels k/7) and to NF4; error = ||W - W_hat||^2 / ||W||^2 per
layer. The headline figure is the error reduction 1 - sum err_NF4 / sum err_INT4 over all
layers (squared errors in absolute terms, so large layers weigh by their size); its
interval is a bootstrap over layers.

QZ-07: the inputs reaching each Linear are captured (forward pre-hooks) on calibration
sentences, X = (d_in, n_tokens); GPTQ and RTN quantize on the same per-row grid; the error
||W X' - Q X'||^2 / ||W X'||^2 is measured on held-out sentences X' (not the calibration
ones, so GPTQ gets no credit for fitting its own calibration set). Layers are quantized
independently from FP32 inputs (GPTQ proper feeds each layer the quantized model's
inputs; independent is the simpler, slightly pessimistic variant for GPTQ).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from algorithms import quantization as Q
from algorithms.gptq import gptq, relative_output_error, rtn
from systems.compression.int8 import linear_layers
from systems.compression.task import Quality
from systems.core.cli import progress


@dataclass(frozen=True)
class FourBit:
    names: tuple[str, ...]
    sq_int4: np.ndarray  # (n_layers,) ||W - W_hat||^2, INT4 absmax
    sq_nf4: np.ndarray  # (n_layers,) NF4
    norm2: np.ndarray  # (n_layers,) ||W||^2


@dataclass(frozen=True)
class GPTQLayers:
    names: tuple[str, ...]
    bits: tuple[int, ...]
    err_gptq: np.ndarray  # (n_bits, n_layers) held-out relative output error
    err_rtn: np.ndarray
    weights_gptq: dict  # bits -> {layer name: (d_out, d_in) quantized weight}
    weights_rtn: dict


def nf4_vs_int4(bert, block: int) -> FourBit:
    names, s_i, s_n, n2 = [], [], [], []
    for name, m in linear_layers(bert):
        w = m.weight.detach().double().numpy()
        names.append(name)
        s_i.append(float(np.sum((w - Q.quantize_int4_absmax(w, block).dequantize()) ** 2)))
        s_n.append(float(np.sum((w - Q.quantize_nf4(w, block).dequantize()) ** 2)))
        n2.append(float(np.sum(w * w)))
    return FourBit(tuple(names), np.asarray(s_i), np.asarray(s_n), np.asarray(n2))


def capture_all(bert, tokenizer, texts, max_len: int, names: list[str]) -> dict[str, np.ndarray]:
    """Inputs of each named Linear over ``texts``: name -> (d_in, n_tokens)."""
    mods = dict(bert.named_modules())
    got: dict[str, list[np.ndarray]] = {n: [] for n in names}
    hooks = [
        mods[n].register_forward_pre_hook(lambda _m, a, n=n: got[n].append(a[0][0].double().numpy()))
        for n in names
    ]
    try:
        with torch.inference_mode():
            for t in texts:  # one text per call: no padding tokens among the rows
                bert(**tokenizer([t], truncation=True, max_length=max_len, return_tensors="pt"))
    finally:
        for h in hooks:
            h.remove()
    return {n: np.concatenate(v).T for n, v in got.items()}


def gptq_vs_rtn(bert, tokenizer, calib, heldout, max_len: int, bits=(4, 3), n_layers: int = 36) -> GPTQLayers:
    layers = linear_layers(bert)[:n_layers]
    names = [n for n, _ in layers]
    xc = capture_all(bert, tokenizer, calib, max_len, names)
    xh = capture_all(bert, tokenizer, heldout, max_len, names)
    eg, er = np.zeros((len(bits), len(names))), np.zeros((len(bits), len(names)))
    wg: dict = {b: {} for b in bits}
    wr: dict = {b: {} for b in bits}
    for j, (name, m) in enumerate(progress(layers, desc="GPTQ vs RTN", unit="layer")):
        w = m.weight.detach().double().numpy()
        for i, b in enumerate(bits):
            g, r = gptq(w, xc[name], b).weight, rtn(w, b).weight
            eg[i, j], er[i, j] = relative_output_error(w, g, xh[name]), relative_output_error(w, r, xh[name])
            wg[b][name], wr[b][name] = g, r
    return GPTQLayers(tuple(names), tuple(bits), eg, er, wg, wr)


def with_weights(bert, weights: dict[str, np.ndarray]):
    """A copy of ``bert`` whose named Linear weights are replaced (fake-quantized model)."""
    out = copy.deepcopy(bert)
    mods = dict(out.named_modules())
    with torch.no_grad():
        for name, w in weights.items():
            mods[name].weight.copy_(torch.as_tensor(w, dtype=mods[name].weight.dtype))
    return out


@dataclass(frozen=True)
class EndToEnd:
    """Task quality with every selected layer replaced by its GPTQ or RTN weights, per bit width."""

    gptq: dict[int, Quality]
    rtn: dict[int, Quality]


def end_to_end(bert, g: GPTQLayers, evaluate: Callable[[torch.nn.Module], Quality]) -> EndToEnd:
    """Score the fake-quantized models, GPTQ then RTN at each bit width (the order of ``g.bits``)."""
    gptq_q, rtn_q = {}, {}
    for b in g.bits:
        gptq_q[b] = evaluate(with_weights(bert, g.weights_gptq[b]))
        rtn_q[b] = evaluate(with_weights(bert, g.weights_rtn[b]))
    return EndToEnd(gptq_q, rtn_q)
