"""Configuration of ``make compression`` (field defaults = quick profile, ~5 min on 2 cores)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from systems.core.config import RunConfig


def _f(default, help_text):
    return field(default=default, metadata={"help": help_text})


@dataclass
class CompressionConfig(RunConfig):
    n_plans: int = _f(4, "plans in the knowledge base (retrieval task; 2 documents each)")
    n_pairs: int = _f(15, "drug interaction pairs in the knowledge base")
    n_filler: int = _f(10, "filler newsletters (distractors)")
    n_questions: int = _f(300, "gold questions: months 1-5 train LoRA, months 6-10 score every variant")
    max_seq_length: int = _f(64, "tokens per text for every model variant (same for all, so they compare)")
    threads: int = _f(1, "torch threads for the timed parts (1: less noise on a shared machine)")
    latency_queries: int = _f(30, "queries timed one at a time per model (interleaved)")
    batch_size: int = _f(32, "batch size of the batched-latency measurement and of encoding")
    calib_sentences: int = _f(48, "corpus sentences whose activations calibrate GPTQ / static INT8")
    heldout_sentences: int = _f(48, "other corpus sentences on which layer errors are measured")
    gptq_layers: int = _f(36, "linear layers given to GPTQ vs RTN (all 36 of MiniLM by default)")
    block: int = _f(64, "block size of NF4 and absmax INT4 (QLoRA's 64)")
    sparsities: tuple[float, ...] = _f((0.1, 0.2, 0.3, 0.4), "pruning sparsity grid")
    drop_line: float = _f(0.015, "the story's accuracy-drop line for pruning (relative)")
    recovery_steps: int = _f(8, "distillation steps after each pruning step (the short retrain)")
    lora_ranks: tuple[int, ...] = _f((4, 16, 32), "LoRA ranks fine-tuned")
    lora_steps: int = _f(15, "LoRA training steps per rank")
    lora_lr: float = _f(5e-4, "LoRA learning rate")
    student_layers: int = _f(3, "layers of the distilled student (teacher MiniLM has 6)")
    distill_steps: int = _f(40, "distillation steps of the student")
    train_batch: int = _f(16, "training batch size (recovery, LoRA, distillation)")
    n_boot: int = _f(1000, "bootstrap resamples for every interval")

    PROFILES: ClassVar = {
        "quick": {},
        "full": {
            "n_plans": 16,
            "max_seq_length": 128,
            "lora_ranks": (4, 8, 16, 32),
            "n_pairs": 100,
            "n_filler": 200,
            "n_questions": 1000,
            "latency_queries": 300,
            "calib_sentences": 256,
            "heldout_sentences": 256,
            "sparsities": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
            "recovery_steps": 60,
            "lora_steps": 150,
            "distill_steps": 600,
            "n_boot": 2000,
        },
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        self.sparsities, self.lora_ranks = tuple(self.sparsities), tuple(self.lora_ranks)
        if (
            not self.sparsities
            or any(not 0 < s < 1 for s in self.sparsities)
            or sorted(self.sparsities) != list(self.sparsities)
        ):
            raise ValueError(f"--sparsities must be increasing values in (0, 1), got {self.sparsities}")
        if not 1 <= self.student_layers < 6:
            raise ValueError(f"--student-layers must be 1..5 (MiniLM has 6), got {self.student_layers}")
        if any(r < 1 for r in self.lora_ranks) or not self.lora_ranks:
            raise ValueError(f"--lora-ranks must be positive integers, got {self.lora_ranks}")
        for name in (
            "n_plans",
            "n_pairs",
            "n_questions",
            "max_seq_length",
            "threads",
            "latency_queries",
            "batch_size",
            "calib_sentences",
            "heldout_sentences",
            "gptq_layers",
            "block",
            "train_batch",
            "n_boot",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(self, name)}")
