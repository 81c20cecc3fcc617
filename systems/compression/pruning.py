"""QZ-06: magnitude pruning of MiniLM's Linear weights, one-shot vs iterative, with recovery.

Pruning at sparsity s zeroes, in every Linear of the encoder, the fraction s of weights
with the smallest |w| (per layer, unstructured). After pruning, a short recovery step
trains the remaining weights (masks held fixed) to reproduce the unpruned model's
embeddings on corpus sentences:

    loss = mean_i (1 - cos(f_pruned(x_i), f_teacher(x_i)))

(the task labels are never used: the recovery is self-distillation, as a retrain on
unlabelled in-domain text would be).

    one-shot   for each s: prune the original model to s, recover, measure
    iterative  s_1 < s_2 < ...: prune the previous (recovered) model to s_k, recover,
               measure; stop after the first level whose quality drop exceeds the line
               (the story: start at 10 %, +10 % per round, stop when the drop > 1.5 %)

The drop is relative: 1 - nDCG@10(pruned) / nDCG@10(FP32), on the same questions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from systems.compression.int8 import linear_layers
from systems.compression.task import Quality, forward


@dataclass(frozen=True)
class PruneStep:
    method: str  # "one-shot" | "iterative"
    sparsity: float  # target fraction of zeroed Linear weights
    measured_sparsity: float
    quality: Quality


def prune_(bert, sparsity: float) -> dict[str, torch.Tensor]:
    """Zero the smallest-|w| fraction of each Linear's weights in place; returns the masks."""
    masks = {}
    with torch.no_grad():
        for name, m in linear_layers(bert):
            w = m.weight
            k = int(round(sparsity * w.numel()))
            if k == 0:
                masks[name] = torch.ones_like(w, dtype=torch.bool)
                continue
            thresh = w.abs().flatten().kthvalue(k).values
            mask = w.abs() > thresh
            w.mul_(mask)
            masks[name] = mask
    return masks


def sparsity_of(bert) -> float:
    zeros = total = 0
    for _, m in linear_layers(bert):
        zeros += int((m.weight == 0).sum())
        total += m.weight.numel()
    return zeros / total


def recover_(
    bert,
    teacher_vecs: dict[str, torch.Tensor],
    tokenizer,
    sentences,
    masks,
    steps: int,
    batch: int,
    max_len: int,
    rng: np.random.Generator,
    lr: float = 2e-5,
) -> None:
    """Self-distillation steps with the pruning masks re-applied after each update."""
    if steps <= 0:
        return
    mods = dict(bert.named_modules())
    opt = torch.optim.AdamW([p for p in bert.parameters() if p.requires_grad], lr=lr)
    bert.train()
    for _ in range(steps):
        idx = rng.choice(len(sentences), size=min(batch, len(sentences)), replace=False)
        texts = [sentences[i] for i in idx]
        target = torch.stack([teacher_vecs[t] for t in texts])
        loss = (1 - (forward(bert, tokenizer, texts, max_len) * target).sum(-1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for name, mask in masks.items():
                mods[name].weight.mul_(mask)
    bert.eval()


def run_pruning(
    bert,
    tokenizer,
    sentences,
    teacher_vecs,
    evaluate_fn,
    base: Quality,
    sparsities,
    drop_line: float,
    steps: int,
    batch: int,
    max_len: int,
    seed: int,
) -> list[PruneStep]:
    """One-shot at every level, then iterative until the first drop beyond ``drop_line``."""
    out = []
    for k, s in enumerate(sparsities):
        m = copy.deepcopy(bert)
        masks = prune_(m, s)
        recover_(
            m,
            teacher_vecs,
            tokenizer,
            sentences,
            masks,
            steps,
            batch,
            max_len,
            np.random.default_rng([seed, k, 0]),
        )
        out.append(PruneStep("one-shot", s, sparsity_of(m), evaluate_fn(m)))
    m = copy.deepcopy(bert)
    for k, s in enumerate(sparsities):
        masks = prune_(m, s)  # magnitudes of the recovered model: pruned weights stay smallest (0)
        recover_(
            m,
            teacher_vecs,
            tokenizer,
            sentences,
            masks,
            steps,
            batch,
            max_len,
            np.random.default_rng([seed, k, 1]),
        )
        q = evaluate_fn(m)
        out.append(PruneStep("iterative", s, sparsity_of(m), q))
        if 1 - q.ndcg / base.ndcg > drop_line:
            break
    return out


def reached(steps: list[PruneStep], method: str, base: Quality, drop_line: float) -> float:
    """Largest sparsity before the first level whose drop exceeds the line (0 if the first does)."""
    best = 0.0
    for st in (s for s in steps if s.method == method):
        if 1 - st.quality.ndcg / base.ndcg > drop_line:
            break
        best = st.sparsity
    return best
