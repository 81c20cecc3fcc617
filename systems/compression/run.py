"""The run: task -> FP32 baseline -> INT8 -> 4-bit/GPTQ -> pruning -> LoRA -> student -> claims.

Every variant is scored by ``task.evaluate`` on the same chunks and questions, so every
quality figure in ``methods.md`` compares on the same footing. Timed parts run on
``cfg.threads`` torch threads; everything else is determined by ``--seed``.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import torch

from systems.compression import claims as C
from systems.compression.architectures import ARCHITECTURES, llama_freeze_count, lora_counts
from systems.compression.distill import distill, mpnet_base_shaped
from systems.compression.fourbit import gptq_vs_rtn, nf4_vs_int4, with_weights
from systems.compression.int8 import interleaved_latency, mechanics, state_dict_bytes
from systems.compression.lora import lora_finetune
from systems.compression.pruning import run_pruning
from systems.compression.task import build_task, embed, evaluate
from systems.core.encoder import load_model, quantize_dynamic_int8
from systems.core.plotting import figure

log = logging.getLogger("compression")


class _Clock:
    def __init__(self):
        self.t = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        log.info("%s done in %.1f s", name, now - self.t)
        self.t = now


def _row(method, bert, q, base, size_mb=None, p50=None) -> dict:
    return {
        "method": method,
        "size_mb": size_mb if size_mb is not None else float("nan"),
        "p50_ms_batch1": p50 if p50 is not None else float("nan"),
        "ndcg_at_10": q.ndcg,
        "recall_at_10": q.recall,
        "ndcg_drop": 1 - q.ndcg / base.ndcg,
    }


def _latency_rows(name_a, name_b, lat, batch) -> list[dict]:
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


def run_all(cfg, run) -> None:
    clock = _Clock()
    torch.manual_seed(cfg.seed)
    task = build_task(cfg.n_plans, cfg.n_pairs, cfg.n_filler, cfg.n_questions, cfg.seed)
    st = load_model()
    tok, bert = st.tokenizer, st[0].auto_model.eval()
    ev = lambda m: evaluate(m, tok, task, cfg.max_seq_length, cfg.batch_size)[0]  # noqa: E731
    log.info(
        "%d chunks, %d evaluation questions, %d LoRA training pairs, %d sentences",
        len(task.chunks),
        len(task.queries),
        len(task.train_pairs),
        len(task.sentences),
    )
    run.metric("chunks", len(task.chunks))
    run.metric("eval_questions", len(task.queries))
    base, vec_fp32 = evaluate(bert, tok, task, cfg.max_seq_length, cfg.batch_size)
    clock.step("FP32 baseline")

    # QZ-01/02: dynamic INT8
    int8 = quantize_dynamic_int8(bert)
    q_int8, vec_int8 = evaluate(int8, tok, task, cfg.max_seq_length, cfg.batch_size)
    cosine = float(np.mean(np.sum(vec_fp32 * vec_int8, axis=1)))
    queries = list(task.queries[: cfg.latency_queries])
    torch.set_num_threads(cfg.threads)
    lat1 = interleaved_latency(bert, int8, tok, queries, cfg.max_seq_length, 1)
    latb = interleaved_latency(bert, int8, tok, list(task.queries), cfg.max_seq_length, cfg.batch_size)
    lat_rows = _latency_rows("fp32", "int8", lat1, 1) + _latency_rows("fp32", "int8", latb, cfg.batch_size)
    fp32_b, int8_b = state_dict_bytes(bert), state_dict_bytes(int8)
    calib = list(task.sentences[: cfg.calib_sentences])
    held = list(task.sentences[cfg.calib_sentences : cfg.calib_sentences + cfg.heldout_sentences])
    mech = mechanics(bert, tok, calib, held, cfg.max_seq_length)
    run.add(
        C.claim_qz01(fp32_b, int8_b, lat1, base, q_int8, cosine, cfg.n_boot, cfg.seed),
        C.claim_qz02(mech, cfg.n_boot, cfg.seed),
    )
    rows = [
        _row("fp32", bert, base, base, fp32_b / 1e6, 1e3 * float(np.median(lat1.a))),
        _row("int8 dynamic (torch)", int8, q_int8, base, int8_b / 1e6, 1e3 * float(np.median(lat1.b))),
    ]
    clock.step("INT8 (quality, latency, mechanics)")
    torch.set_num_threads(max(cfg.threads, 1))

    # QZ-03/07: 4-bit formats and GPTQ
    fb = nf4_vs_int4(bert, cfg.block)
    run.write_table(
        [
            {"layer": n, "rel_err_int4": a / w, "rel_err_nf4": b / w, "reduction": 1 - b / a}
            for n, a, b, w in zip(fb.names, fb.sq_int4, fb.sq_nf4, fb.norm2, strict=True)
        ],
        "fourbit.md",
    )
    run.add(C.claim_qz03(fb, cfg.n_boot, cfg.seed))
    g = gptq_vs_rtn(bert, tok, calib, held, cfg.max_seq_length, (4, 3), cfg.gptq_layers)
    e2e = {}
    for b in g.bits:
        for name, w in (("gptq", g.weights_gptq[b]), ("rtn", g.weights_rtn[b])):
            e2e[f"{name}{b}"] = ev(with_weights(bert, w))
            rows.append(
                _row(f"{name.upper()} {b}-bit (per-row grid, fake-quant)", None, e2e[f"{name}{b}"], base)
            )
    run.write_table(
        [
            {
                "layer": n,
                **{
                    f"{k}_{b}bit": float(arr[i, j])
                    for b_i, b in enumerate(g.bits)
                    for k, arr, i in (("gptq", g.err_gptq, b_i), ("rtn", g.err_rtn, b_i))
                },
            }
            for j, n in enumerate(g.names)
        ],
        "gptq.md",
    )
    run.add(C.claim_qz07(g, base, e2e, cfg.n_boot, cfg.seed))
    clock.step("NF4/INT4 and GPTQ/RTN")

    # QZ-06: pruning
    sents = list(task.sentences)
    tvec = dict(
        zip(sents, torch.from_numpy(embed(bert, tok, sents, cfg.max_seq_length, cfg.batch_size)), strict=True)
    )
    prune = run_pruning(
        bert,
        tok,
        sents,
        tvec,
        ev,
        base,
        cfg.sparsities,
        cfg.drop_line,
        cfg.recovery_steps,
        cfg.train_batch,
        cfg.max_seq_length,
        cfg.seed,
    )
    run.write_table(
        [
            {
                "method": s.method,
                "sparsity": s.sparsity,
                "measured_sparsity": s.measured_sparsity,
                "ndcg_at_10": s.quality.ndcg,
                "drop": 1 - s.quality.ndcg / base.ndcg,
            }
            for s in prune
        ],
        "pruning.md",
    )
    _plot_pruning(run, prune, base, cfg.drop_line)
    run.add(C.claim_qz06(prune, base, cfg.drop_line, cfg.n_boot, cfg.seed))
    clock.step("pruning")

    # QZ-04/05: LoRA and parameter arithmetic
    counts = [c for a in ARCHITECTURES for c in lora_counts(a, 16)]
    fc = llama_freeze_count()
    runs = [
        lora_finetune(
            bert,
            tok,
            task.train_pairs,
            r,
            cfg.lora_steps,
            cfg.train_batch,
            cfg.lora_lr,
            cfg.max_seq_length,
            cfg.seed,
            ev,
        )
        for r in cfg.lora_ranks
    ]
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
            for c in counts
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
            for r in runs
        ],
        "lora.md",
    )
    run.add(C.claim_qz04(counts, runs, base, cfg.n_boot, cfg.seed), C.claim_qz05(fc))
    clock.step("LoRA")

    # QZ-08: distilled student, mpnet-shaped timing
    student = distill(
        bert,
        tok,
        sents,
        tvec,
        cfg.student_layers,
        cfg.distill_steps,
        cfg.train_batch,
        cfg.max_seq_length,
        cfg.seed,
    )
    q_student = ev(student.model)
    student_int8 = quantize_dynamic_int8(student.model)
    q_student_int8 = ev(student_int8)
    torch.set_num_threads(cfg.threads)
    lat_s = interleaved_latency(bert, student.model, tok, queries, cfg.max_seq_length, 1)
    lat_s8 = interleaved_latency(bert, student_int8, tok, queries, cfg.max_seq_length, 1)
    mpnet = mpnet_base_shaped(cfg.seed)
    lat_m = interleaved_latency(bert, mpnet, tok, queries, cfg.max_seq_length, 1)
    lat_rows += _latency_rows("fp32 (MiniLM)", f"student {cfg.student_layers} layers", lat_s, 1)
    lat_rows += _latency_rows("fp32 (MiniLM)", "mpnet-base shape (untrained)", lat_m, 1)
    rows.append(
        _row(
            f"student {cfg.student_layers}-layer (distilled)",
            None,
            q_student,
            base,
            state_dict_bytes(student.model) / 1e6,
            1e3 * float(np.median(lat_s.b)),
        )
    )
    rows.append(
        _row(
            f"student {cfg.student_layers}-layer + int8",
            None,
            q_student_int8,
            base,
            state_dict_bytes(student_int8) / 1e6,
            1e3 * float(np.median(lat_s8.b)),
        )
    )
    best = max(prune, key=lambda s: (1 - s.quality.ndcg / base.ndcg <= cfg.drop_line, s.sparsity))
    rows.append(
        _row(
            f"pruned {best.method} {best.sparsity:.0%} (dense storage)",
            None,
            best.quality,
            base,
            fp32_b / 1e6,
        )
    )
    rows += [_row(f"LoRA r={r.rank} fine-tune", None, r.quality, base) for r in runs]
    run.add(C.claim_qz08(lat_s, lat_m, base, q_student, student, cfg.n_boot, cfg.seed), C.claim_qz09())
    torch.set_num_threads(max(cfg.threads, 1))
    run.write_table([{k: v for k, v in r.items()} for r in rows], "methods.md")
    run.write_table(lat_rows, "latency.md")
    clock.step("student and latency")


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
