"""QZ-04/05: parameter counts of the architectures the story names, built on the meta device.

The models are instantiated from their published configurations with ``transformers`` on
``torch.device("meta")`` (shapes only, no memory, no download), and LoRA adapters are
added with ``peft`` the way a user would, so every count comes from the libraries rather
than from a formula typed here. LoRA on a Linear d_in -> d_out adds r (d_in + d_out)
parameters (A: r x d_in, B: d_out x r); "attention layers" means peft's default targets
for the architecture (T5: q, v; Llama: q_proj, v_proj; BERT: query, value), and the
variant with every attention projection (q, k, v, o) is shown beside it.

Sizes: BERT-base (110M), T5-large (0.74B), T5-3B (2.9B), Llama-2-7B (6.7B) configurations.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch

ALL_ATTENTION = {
    "t5": ["q", "k", "v", "o"],
    "llama": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "bert": ["query", "key", "value", "attention.output.dense"],
}


def _build(name: str):
    import transformers as T

    if name == "bert-base":
        return "bert", T.BertModel(T.BertConfig())
    if name == "t5-large":
        return "t5", T.T5ForConditionalGeneration(
            T.T5Config(d_model=1024, d_ff=4096, d_kv=64, num_heads=16, num_layers=24, vocab_size=32128)
        )
    if name == "t5-3b":
        return "t5", T.T5ForConditionalGeneration(
            T.T5Config(d_model=1024, d_ff=16384, d_kv=128, num_heads=32, num_layers=24, vocab_size=32128)
        )
    if name == "llama-2-7b":
        return "llama", T.LlamaForCausalLM(
            T.LlamaConfig(
                hidden_size=4096,
                intermediate_size=11008,
                num_hidden_layers=32,
                num_attention_heads=32,
                num_key_value_heads=32,
                vocab_size=32000,
                tie_word_embeddings=False,
            )
        )
    raise ValueError(f"unknown architecture {name!r}")


ARCHITECTURES = ("bert-base", "t5-large", "t5-3b", "llama-2-7b")


@dataclass(frozen=True)
class LoraCount:
    arch: str
    rank: int
    targets: str  # "default" | "all attention"
    total: int  # base parameters (before adapters)
    trainable: int  # adapter parameters

    @property
    def share(self) -> float:
        return self.trainable / self.total


def lora_counts(arch: str, rank: int = 16) -> list[LoraCount]:
    """Adapter counts at ``rank`` for peft's default targets and for every attention projection."""
    from peft import LoraConfig, get_peft_model

    out = []
    for targets in ("default", "all attention"):
        with torch.device("meta"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            family, model = _build(arch)
            total = sum(p.numel() for p in model.parameters())
            cfg = LoraConfig(
                r=rank,
                lora_alpha=2 * rank,
                target_modules=None if targets == "default" else ALL_ATTENTION[family],
            )
            peft_model = get_peft_model(model, cfg)
            trainable = sum(p.numel() for p in peft_model.parameters() if p.requires_grad)
        out.append(LoraCount(arch, rank, targets, total, trainable))
    return out


@dataclass(frozen=True)
class FreezeCount:
    total: int
    per_layer: int
    embeddings: int
    head: int
    final_norm: int
    n_layers: int


def llama_freeze_count() -> FreezeCount:
    """Llama-2-7B's parameter groups, for 'freeze the first 26 of 32 layers'."""
    with torch.device("meta"):
        _, m = _build("llama-2-7b")
    count = lambda mod: sum(p.numel() for p in mod.parameters())  # noqa: E731
    return FreezeCount(
        count(m),
        count(m.model.layers[0]),
        count(m.model.embed_tokens),
        count(m.lm_head),
        count(m.model.norm),
        len(m.model.layers),
    )
