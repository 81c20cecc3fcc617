"""QZ-08: a student with fewer layers distilled from MiniLM, and an mpnet-base-shaped timing.

Student: a copy of MiniLM keeping ``k`` of its 6 Transformer layers, spread evenly (k = 3:
layers 0, 2, 5, first and last included, as DistilBERT initialises from the teacher), embeddings and pooling
kept. It is trained to reproduce the teacher's unit embeddings on corpus sentences:

    loss = mean_i (1 - cos(student(x_i), teacher(x_i)))

The larger model of the story (all-mpnet-base-v2) is not available offline. Its *speed*
does not depend on its weights, so an ``MPNetModel`` with the published base shape (12
layers, hidden 768, FFN 3072) and random weights is timed on the same queries; its
quality cannot be measured here and is not claimed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from systems.compression.task import forward


@dataclass(frozen=True)
class Student:
    model: torch.nn.Module
    kept_layers: tuple[int, ...]
    final_loss: float


def make_student(bert, n_layers: int) -> tuple[torch.nn.Module, tuple[int, ...]]:
    total = len(bert.encoder.layer)
    keep = tuple(int(i) for i in np.round(np.linspace(0, total - 1, n_layers)))
    student = copy.deepcopy(bert)
    student.encoder.layer = torch.nn.ModuleList([student.encoder.layer[i] for i in keep])
    student.config.num_hidden_layers = n_layers
    return student, keep


def distill(
    bert,
    tokenizer,
    sentences,
    teacher_vecs: dict[str, torch.Tensor],
    n_layers: int,
    steps: int,
    batch: int,
    max_len: int,
    seed: int,
    lr: float = 1e-4,
) -> Student:
    torch.manual_seed(seed)
    student, keep = make_student(bert, n_layers)
    opt = torch.optim.AdamW(student.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    student.train()
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        idx = rng.choice(len(sentences), size=min(batch, len(sentences)), replace=False)
        texts = [sentences[i] for i in idx]
        target = torch.stack([teacher_vecs[t] for t in texts])
        loss = (1 - (forward(student, tokenizer, texts, max_len) * target).sum(-1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    student.eval()
    return Student(student, keep, float(loss.detach()))


def mpnet_base_shaped(seed: int):
    """An untrained MPNetModel with all-mpnet-base-v2's shape (for timing only)."""
    from transformers import MPNetConfig, MPNetModel

    torch.manual_seed(seed)
    m = MPNetModel(
        MPNetConfig(
            vocab_size=30527,
            hidden_size=768,
            num_hidden_layers=12,
            num_attention_heads=12,
            intermediate_size=3072,
        ),
        add_pooling_layer=False,
    )
    return m.eval()
