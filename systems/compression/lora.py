"""QZ-04 (measured part): LoRA fine-tunes of MiniLM by rank on an offline retrieval task.

Task: the knowledge base's training questions (months 1-5) paired with the first sections
of their answer document; the model learns to put a question next to its answer with
in-batch negatives (the multiple-negatives ranking loss of sentence-transformers):

    S = 20 * Q D^T  (cosines of the batch's questions and answers, (b, b)),
    loss = cross_entropy(S, diag)   (each question's own answer is the right "class")

Adapters: ``peft`` LoRA on the attention query and value projections (peft's default
targets for BERT), lora_alpha = 2 r so the update's scale alpha / r is the same at every
rank, dropout 0, AdamW. Quality is nDCG@10 on the evaluation questions (months 6-10:
all questions the training split does not hold), against the untouched model.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from systems.compression.task import Quality, forward


@dataclass(frozen=True)
class LoraRun:
    rank: int
    trainable: int
    total: int
    quality: Quality
    final_loss: float

    @property
    def share(self) -> float:
        return self.trainable / self.total


def lora_finetune(
    bert, tokenizer, pairs, rank: int, steps: int, batch: int, lr: float, max_len: int, seed: int, evaluate_fn
) -> LoraRun:
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    base = copy.deepcopy(bert)
    total = sum(p.numel() for p in base.parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = get_peft_model(
            base, LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0, target_modules=["query", "value"])
        )
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    rng = np.random.default_rng(seed)
    model.train()
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        idx = rng.choice(len(pairs), size=min(batch, len(pairs)), replace=False)
        q = forward(model, tokenizer, [pairs[i][0] for i in idx], max_len)
        d = forward(model, tokenizer, [pairs[i][1] for i in idx], max_len)
        loss = torch.nn.functional.cross_entropy(20.0 * q @ d.T, torch.arange(len(idx)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return LoraRun(rank, trainable, total, evaluate_fn(model), float(loss.detach()))
