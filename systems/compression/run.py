"""The run: task -> FP32 baseline -> INT8 -> 4-bit/GPTQ -> pruning -> LoRA -> student -> claims.

Every variant is scored by ``task.evaluate`` on the same chunks and questions, so every
quality figure in ``methods.md`` compares on the same footing. Timed parts run on
``cfg.threads`` torch threads; everything else is determined by ``--seed``.

Stages, in order (each returns a frozen result; the order fixes every seeded draw and fit):

    load_baseline    task, MiniLM, FP32 quality
    int8_stage       dynamic INT8: quality, size, latency, mechanics      (QZ-01/02)
    fourbit_stage    NF4 vs INT4 error; GPTQ vs RTN, per layer and e2e    (QZ-03/07)
    pruning_stage    one-shot and iterative magnitude pruning             (QZ-06)
    lora_stage       parameter counts and rank sweep                      (QZ-04/05)
    student_stage    distilled student, its INT8 copy, mpnet-shaped timing (QZ-08)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from systems.compression import claims as C
from systems.compression.architectures import (
    ARCHITECTURES,
    FreezeCount,
    LoraCount,
    llama_freeze_count,
    lora_counts,
)
from systems.compression.distill import Student, distill, mpnet_base_shaped
from systems.compression.fourbit import EndToEnd, FourBit, GPTQLayers, end_to_end, gptq_vs_rtn, nf4_vs_int4
from systems.compression.int8 import Latency, Mechanics, interleaved_latency, mechanics, state_dict_bytes
from systems.compression.lora import LoraRun, lora_finetune
from systems.compression.pruning import PruneStep, run_pruning
from systems.compression.task import Quality, Task, build_task, embed, evaluate
from systems.core.encoder import load_model, quantize_dynamic_int8
from systems.core.plotting import figure

log = logging.getLogger(__name__)


class _Clock:
    def __init__(self):
        self.t = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        log.info("%s done in %.1f s", name, now - self.t)
        self.t = now


def _row(method: str, q: Quality, base: Quality, size_mb=None, p50=None) -> dict:
    """One row of methods.md (NaN where a method has no size or latency of its own)."""
    return {
        "method": method,
        "size_mb": size_mb if size_mb is not None else float("nan"),
        "p50_ms_batch1": p50 if p50 is not None else float("nan"),
        "ndcg_at_10": q.ndcg,
        "recall_at_10": q.recall,
        "ndcg_drop": 1 - q.ndcg / base.ndcg,
    }


def _latency_rows(name_a: str, name_b: str, lat: Latency, batch: int) -> list[dict]:
    return [
        {
            "model": n,
            "batch": batch,
            "p50_ms": 1e3 * float(np.median(x)),
            "p95_ms": 1e3 * float(np.percentile(x, 95)),
            "per_text_ms": 1e3 * float(np.median(x)) / batch,
        }
        for n, x in ((name_a, lat.a), (name_b, lat.b))
    ]


@dataclass(frozen=True)
class Baseline:
    """The task, the FP32 MiniLM and its quality; ``ev`` scores any variant on the same task."""

    task: Task
    tok: object  # the MiniLM tokenizer
    bert: torch.nn.Module
    base: Quality
    vectors: np.ndarray  # (n_chunks + n_queries, dim) FP32 embeddings
    ev: Callable[[torch.nn.Module], Quality]


def load_baseline(cfg) -> Baseline:
    torch.manual_seed(cfg.seed)
    task = build_task(cfg.n_plans, cfg.n_pairs, cfg.n_filler, cfg.n_questions, cfg.seed)
    st = load_model()
    tok, bert = st.tokenizer, st[0].auto_model.eval()
    log.info(
        "%d chunks, %d evaluation questions, %d LoRA training pairs, %d sentences",
        len(task.chunks),
        len(task.queries),
        len(task.train_pairs),
        len(task.sentences),
    )
    base, vectors = evaluate(bert, tok, task, cfg.max_seq_length, cfg.batch_size)

    def ev(model: torch.nn.Module) -> Quality:
        return evaluate(model, tok, task, cfg.max_seq_length, cfg.batch_size)[0]

    return Baseline(task, tok, bert, base, vectors, ev)


@dataclass(frozen=True)
class Int8Result:
    quality: Quality
    cosine: float  # mean cosine of INT8 vs FP32 embeddings
    lat_batch1: Latency  # fp32 (a) vs int8 (b), one query per call
    lat_batched: Latency
    fp32_bytes: int
    int8_bytes: int
    mechanics: Mechanics
    calib: list[str]  # calibration sentences (also GPTQ's)
    held: list[str]  # held-out sentences


def int8_stage(cfg, b: Baseline) -> Int8Result:
    int8 = quantize_dynamic_int8(b.bert)
    q_int8, vec_int8 = evaluate(int8, b.tok, b.task, cfg.max_seq_length, cfg.batch_size)
    cosine = float(np.mean(np.sum(b.vectors * vec_int8, axis=1)))
    queries = list(b.task.queries[: cfg.latency_queries])
    torch.set_num_threads(cfg.threads)
    lat1 = interleaved_latency(b.bert, int8, b.tok, queries, cfg.max_seq_length, 1)
    latb = interleaved_latency(b.bert, int8, b.tok, list(b.task.queries), cfg.max_seq_length, cfg.batch_size)
    fp32_b, int8_b = state_dict_bytes(b.bert), state_dict_bytes(int8)
    calib = list(b.task.sentences[: cfg.calib_sentences])
    held = list(b.task.sentences[cfg.calib_sentences : cfg.calib_sentences + cfg.heldout_sentences])
    mech = mechanics(b.bert, b.tok, calib, held, cfg.max_seq_length)
    torch.set_num_threads(max(cfg.threads, 1))
    return Int8Result(q_int8, cosine, lat1, latb, fp32_b, int8_b, mech, calib, held)


@dataclass(frozen=True)
class FourBitResult:
    formats: FourBit  # NF4 vs INT4 weight error
    gptq: GPTQLayers  # GPTQ vs RTN per layer
    e2e: EndToEnd  # every layer replaced, scored on the task


def fourbit_stage(cfg, b: Baseline, i8: Int8Result) -> FourBitResult:
    fb = nf4_vs_int4(b.bert, cfg.block)
    g = gptq_vs_rtn(b.bert, b.tok, i8.calib, i8.held, cfg.max_seq_length, (4, 3), cfg.gptq_layers)
    return FourBitResult(fb, g, end_to_end(b.bert, g, b.ev))


@dataclass(frozen=True)
class PruningResult:
    steps: list[PruneStep]
    teacher: dict[str, torch.Tensor]  # sentence -> FP32 embedding (also the student's target)


def pruning_stage(cfg, b: Baseline) -> PruningResult:
    sents = list(b.task.sentences)
    vecs = torch.from_numpy(embed(b.bert, b.tok, sents, cfg.max_seq_length, cfg.batch_size))
    tvec = dict(zip(sents, vecs, strict=True))
    steps = run_pruning(
        b.bert,
        b.tok,
        sents,
        tvec,
        b.ev,
        b.base,
        cfg.sparsities,
        cfg.drop_line,
        cfg.recovery_steps,
        cfg.train_batch,
        cfg.max_seq_length,
        cfg.seed,
    )
    return PruningResult(steps, tvec)


@dataclass(frozen=True)
class LoraResult:
    counts: list[LoraCount]  # parameter arithmetic per architecture
    freeze: FreezeCount
    runs: list[LoraRun]  # one fine-tune per rank


def lora_stage(cfg, b: Baseline) -> LoraResult:
    counts = [c for a in ARCHITECTURES for c in lora_counts(a, 16)]
    fc = llama_freeze_count()
    runs = [
        lora_finetune(
            b.bert,
            b.tok,
            b.task.train_pairs,
            r,
            cfg.lora_steps,
            cfg.train_batch,
            cfg.lora_lr,
            cfg.max_seq_length,
            cfg.seed,
            b.ev,
        )
        for r in cfg.lora_ranks
    ]
    return LoraResult(counts, fc, runs)


@dataclass(frozen=True)
class StudentResult:
    student: Student
    quality: Quality
    int8_quality: Quality
    int8_bytes: int
    lat_student: Latency  # teacher (a) vs student (b)
    lat_student_int8: Latency
    lat_mpnet: Latency  # teacher (a) vs an untrained mpnet-base-shaped model (b)


def student_stage(cfg, b: Baseline, teacher: dict[str, torch.Tensor]) -> StudentResult:
    student = distill(
        b.bert,
        b.tok,
        list(b.task.sentences),
        teacher,
        cfg.student_layers,
        cfg.distill_steps,
        cfg.train_batch,
        cfg.max_seq_length,
        cfg.seed,
    )
    q_student = b.ev(student.model)
    student_int8 = quantize_dynamic_int8(student.model)
    q_student_int8 = b.ev(student_int8)
    queries = list(b.task.queries[: cfg.latency_queries])
    torch.set_num_threads(cfg.threads)
    lat_s = interleaved_latency(b.bert, student.model, b.tok, queries, cfg.max_seq_length, 1)
    lat_s8 = interleaved_latency(b.bert, student_int8, b.tok, queries, cfg.max_seq_length, 1)
    mpnet = mpnet_base_shaped(cfg.seed)
    lat_m = interleaved_latency(b.bert, mpnet, b.tok, queries, cfg.max_seq_length, 1)
    torch.set_num_threads(max(cfg.threads, 1))
    return StudentResult(
        student, q_student, q_student_int8, state_dict_bytes(student_int8), lat_s, lat_s8, lat_m
    )


def run_all(cfg, run) -> None:
    clock = _Clock()
    b = load_baseline(cfg)
    run.metric("chunks", len(b.task.chunks))
    run.metric("eval_questions", len(b.task.queries))
    clock.step("FP32 baseline")

    i8 = int8_stage(cfg, b)
    run.add(
        C.claim_qz01(
            i8.fp32_bytes, i8.int8_bytes, i8.lat_batch1, b.base, i8.quality, i8.cosine, cfg.n_boot, cfg.seed
        ),
        C.claim_qz02(i8.mechanics, cfg.n_boot, cfg.seed),
    )
    clock.step("INT8 (quality, latency, mechanics)")

    fb = fourbit_stage(cfg, b, i8)
    _write_fourbit(run, fb)
    run.add(
        C.claim_qz03(fb.formats, cfg.n_boot, cfg.seed),
        C.claim_qz07(fb.gptq, b.base, fb.e2e, cfg.n_boot, cfg.seed),
    )
    clock.step("NF4/INT4 and GPTQ/RTN")

    pr = pruning_stage(cfg, b)
    _write_pruning(run, pr.steps, b.base, cfg.drop_line)
    run.add(C.claim_qz06(pr.steps, b.base, cfg.drop_line, cfg.n_boot, cfg.seed))
    clock.step("pruning")

    lr = lora_stage(cfg, b)
    _write_lora(run, lr, b.base)
    run.add(C.claim_qz04(lr.counts, lr.runs, b.base, cfg.n_boot, cfg.seed), C.claim_qz05(lr.freeze))
    clock.step("LoRA")

    st = student_stage(cfg, b, pr.teacher)
    run.add(
        C.claim_qz08(st.lat_student, st.lat_mpnet, b.base, st.quality, st.student, cfg.n_boot, cfg.seed),
        C.claim_qz09(),
    )
    run.write_table(_method_rows(cfg, b.base, i8, fb, pr, lr, st), "methods.md")
    run.write_table(_all_latency_rows(cfg, i8, st), "latency.md")
    clock.step("student and latency")


def _method_rows(
    cfg,
    base: Quality,
    i8: Int8Result,
    fb: FourBitResult,
    pr: PruningResult,
    lr: LoraResult,
    st: StudentResult,
) -> list[dict]:
    """methods.md: size, batch-1 latency and quality of every variant, FP32 first."""
    rows = [
        _row("fp32", base, base, i8.fp32_bytes / 1e6, 1e3 * float(np.median(i8.lat_batch1.a))),
        _row(
            "int8 dynamic (torch)",
            i8.quality,
            base,
            i8.int8_bytes / 1e6,
            1e3 * float(np.median(i8.lat_batch1.b)),
        ),
    ]
    for bits in fb.gptq.bits:
        for name, q in (("gptq", fb.e2e.gptq[bits]), ("rtn", fb.e2e.rtn[bits])):
            rows.append(_row(f"{name.upper()} {bits}-bit (per-row grid, fake-quant)", q, base))
    n = cfg.student_layers
    rows.append(
        _row(
            f"student {n}-layer (distilled)",
            st.quality,
            base,
            state_dict_bytes(st.student.model) / 1e6,
            1e3 * float(np.median(st.lat_student.b)),
        )
    )
    rows.append(
        _row(
            f"student {n}-layer + int8",
            st.int8_quality,
            base,
            st.int8_bytes / 1e6,
            1e3 * float(np.median(st.lat_student_int8.b)),
        )
    )
    best = max(pr.steps, key=lambda s: (1 - s.quality.ndcg / base.ndcg <= cfg.drop_line, s.sparsity))
    rows.append(
        _row(
            f"pruned {best.method} {best.sparsity:.0%} (dense storage)",
            best.quality,
            base,
            i8.fp32_bytes / 1e6,
        )
    )
    return rows + [_row(f"LoRA r={r.rank} fine-tune", r.quality, base) for r in lr.runs]


def _all_latency_rows(cfg, i8: Int8Result, st: StudentResult) -> list[dict]:
    return (
        _latency_rows("fp32", "int8", i8.lat_batch1, 1)
        + _latency_rows("fp32", "int8", i8.lat_batched, cfg.batch_size)
        + _latency_rows("fp32 (MiniLM)", f"student {cfg.student_layers} layers", st.lat_student, 1)
        + _latency_rows("fp32 (MiniLM)", "mpnet-base shape (untrained)", st.lat_mpnet, 1)
    )


def _write_fourbit(run, fb: FourBitResult) -> None:
    f = fb.formats
    run.write_table(
        [
            {"layer": n, "rel_err_int4": a / w, "rel_err_nf4": b / w, "reduction": 1 - b / a}
            for n, a, b, w in zip(f.names, f.sq_int4, f.sq_nf4, f.norm2, strict=True)
        ],
        "fourbit.md",
    )
    g = fb.gptq
    run.write_table(
        [
            {
                "layer": n,
                **{
                    f"{k}_{b}bit": float(arr[i, j])
                    for i, b in enumerate(g.bits)
                    for k, arr in (("gptq", g.err_gptq), ("rtn", g.err_rtn))
                },
            }
            for j, n in enumerate(g.names)
        ],
        "gptq.md",
    )


def _write_pruning(run, steps: list[PruneStep], base: Quality, line: float) -> None:
    run.write_table(
        [
            {
                "method": s.method,
                "sparsity": s.sparsity,
                "measured_sparsity": s.measured_sparsity,
                "ndcg_at_10": s.quality.ndcg,
                "drop": 1 - s.quality.ndcg / base.ndcg,
            }
            for s in steps
        ],
        "pruning.md",
    )
    _plot_pruning(run, steps, base, line)


def _write_lora(run, lr: LoraResult, base: Quality) -> None:
    run.write_table(
        [
            {
                "arch": c.arch,
                "rank": c.rank,
                "targets": c.targets,
                "base_params": c.total,
                "lora_params": c.trainable,
                "share": c.share,
            }
            for c in lr.counts
        ],
        "lora_counts.md",
    )
    run.write_table(
        [
            {
                "rank": r.rank,
                "trainable": r.trainable,
                "share": r.share,
                "ndcg_at_10": r.quality.ndcg,
                "gain_vs_base": r.quality.ndcg - base.ndcg,
                "final_loss": r.final_loss,
            }
            for r in lr.runs
        ],
        "lora.md",
    )


def _plot_pruning(run, steps, base, line) -> None:
    fig, ax = figure(6, 4)
    for method, style in (("one-shot", "o--"), ("iterative", "s-")):
        pts = [(s.sparsity, s.quality.ndcg) for s in steps if s.method == method]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, label=method)
    ax.axhline(base.ndcg, color="gray", lw=1, label="FP32")
    ax.axhline(base.ndcg * (1 - line), color="red", lw=1, ls=":", label=f"{line:.1%} drop line")
    ax.set_xlabel("sparsity (fraction of Linear weights zeroed)")
    ax.set_ylabel("nDCG@10")
    ax.set_title("MiniLM magnitude pruning with a short recovery step")
    ax.legend()
    run.save_figure(fig, "quality_vs_sparsity.png")
