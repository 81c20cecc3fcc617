"""The LoRA and distillation training loops of issue 17 (QZ-04, QZ-08) on the tests' tiny BERT.

``test_compression_parts`` checks LoRA parameter counts on the meta device and the student's
layer selection; the training loops themselves (peft adapters, the in-batch-negatives loss,
the cosine distillation loss) run only in ``make compression``. Here each loop runs a few
steps on a fixed batch: the adapters hold exactly the LoRA parameters of the targeted
projections, the base model is left untouched, and both losses fall. About 2 minutes on
a busy 2-core machine: marked slow.
"""

import pytest
import torch

from systems.compression.distill import distill
from systems.compression.lora import lora_finetune
from systems.compression.task import embed

pytestmark = pytest.mark.slow


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_lora_trains_only_the_adapters_and_lowers_its_loss(tiny_bert, tokenizer, task):
    sents = list(task.sentences)
    pairs = list(zip(sents[0:16:2], sents[1:16:2], strict=True))  # 8 pairs: one fixed batch
    before = _weights(tiny_bert)

    def run(rank, steps):
        return lora_finetune(tiny_bert, tokenizer, pairs, rank, steps, 8, 5e-3, 32, 0, lambda m: None)

    first, trained = run(4, 1), run(4, 40)
    # query and value of 2 layers, each A (r x 32) and B (32 x r)
    assert trained.trainable == 2 * 2 * (4 * 32 + 32 * 4)
    assert trained.total == sum(p.numel() for p in tiny_bert.parameters())
    assert run(8, 1).trainable == 2 * trained.trainable, "linear in the rank"
    assert trained.final_loss < first.final_loss - 0.2, (first.final_loss, trained.final_loss)
    after = _weights(tiny_bert)
    assert all(torch.equal(before[k], after[k]) for k in before), "the base model is copied, not changed"


def test_distilled_student_moves_towards_the_teacher(tiny_bert, tokenizer, task):
    sents = list(task.sentences[:8])
    teacher = dict(zip(sents, torch.from_numpy(embed(tiny_bert, tokenizer, sents, 32)), strict=True))
    start = distill(tiny_bert, tokenizer, sents, teacher, 1, 1, 8, 32, 0, lr=1e-2)
    end = distill(tiny_bert, tokenizer, sents, teacher, 1, 40, 8, 32, 0, lr=1e-2)
    assert len(end.model.encoder.layer) == 1 and end.kept_layers == (0,)
    assert end.final_loss < 0.5 * start.final_loss, (start.final_loss, end.final_loss)
    assert len(tiny_bert.encoder.layer) == 2
