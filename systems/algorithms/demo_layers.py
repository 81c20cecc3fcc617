"""AL-07 and AL-08: batch norm, convolution and max pooling against differences and torch.

Batch norm (algorithms/batchnorm.py): the expanded backward (one chain-rule step per
intermediate, as the story writes it) and the compact backward are each checked against
central differences and against torch autograd; the running statistics are accumulated
over a stream of batches beside torch's BatchNorm2d; inference output is checked for
independence from the rest of its batch.

Convolution and pooling (algorithms/conv.py): output sizes over a grid of (H, K, P, S)
against torch's conv2d; gradients of kernel, bias and input against central differences;
forward and backward against F.conv2d and F.max_pool2d; the input gradient against
F.conv_transpose2d.

The batches of the running-statistics stream come from a fixed per-channel Gaussian
(means 2, -1, 0.5; standard deviations 3, 1, 0.5), so the running statistics have a known
target to approach.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F

from algorithms import batchnorm as bn
from algorithms import conv
from algorithms.numerics import numerical_gradient
from systems.algorithms.figures import ledger_figures, max_abs_diff, rel_error
from systems.core.ledger import Claim
from systems.core.plotting import figure
from systems.core.seeding import rng

BN_SHAPES = ((16, 3), (4, 3, 5, 5))
CONV_CASES = ((5, 5, 3, 1, 0), (6, 5, 3, 2, 1), (7, 6, 2, 3, 0), (5, 7, 3, 2, 2))  # H, W, K, S, P
POP_MEAN, POP_STD = np.array([2.0, -1.0, 0.5]), np.array([3.0, 1.0, 0.5])


@dataclass(frozen=True)
class BatchNormChecks:
    """Both backward forms against central differences, and the compact one against torch."""

    bn_rel_error_expanded_vs_fd: float
    bn_rel_error_compact_vs_fd: float
    bn_max_abs_diff_vs_torch: float


@dataclass(frozen=True)
class RunningStats:
    """Running statistics over a stream of batches, and what inference does with them."""

    bn_running_stats_max_abs_diff_vs_torch: float
    bn_eval_max_abs_diff_vs_torch: float
    bn_inference_batch_dependence: float  # a sample's output change when its batch-mates change
    bn_training_batch_dependence: float  # the same in training mode (batch statistics)
    bn_running_mean_error_vs_population: float


@dataclass(frozen=True)
class ConvChecks:
    """Convolution and max pooling, forward and backward, against FD and torch."""

    conv_rel_error_vs_fd: float
    conv_max_abs_diff_vs_torch: float
    conv_transpose_max_abs_diff_vs_torch: float
    maxpool_max_abs_diff_vs_torch: float


@dataclass(frozen=True)
class SizeCase:
    """One (H, K, P, S) shape: our output size, torch's, and the formula without the floor."""

    H: int
    K: int
    P: int
    S: int
    ours: int
    torch: int
    unfloored: float


def _batchnorm_checks(seed: int) -> BatchNormChecks:
    out = {
        "bn_rel_error_expanded_vs_fd": 0.0,
        "bn_rel_error_compact_vs_fd": 0.0,
        "bn_max_abs_diff_vs_torch": 0.0,
    }
    for shape in BN_SHAPES:
        r = rng(seed, f"bn-{shape}")
        x, g = r.normal(2, 3, shape), r.normal(size=shape)
        gamma, beta = r.normal(1, 0.5, shape[1]), r.normal(0, 0.5, shape[1])
        y, cache = bn.batchnorm_forward(x, gamma, beta)

        def loss(x=x, gamma=gamma, beta=beta, g=g):
            return float(np.sum(g * bn.batchnorm_forward(x, gamma, beta)[0]))

        numeric = [numerical_gradient(loss, p) for p in (x, gamma, beta)]
        for form, backward in (
            ("expanded", bn.batchnorm_backward_expanded),
            ("compact", bn.batchnorm_backward_compact),
        ):
            err = max(rel_error(a, b) for a, b in zip(backward(g, cache), numeric, strict=True))
            key = f"bn_rel_error_{form}_vs_fd"
            out[key] = max(out[key], err)
        tx, tg, tb = (torch.tensor(v, requires_grad=True) for v in (x, gamma, beta))
        ty = F.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
        (ty * torch.tensor(g)).sum().backward()
        ours = (y,) + bn.batchnorm_backward_compact(g, cache)
        refs = (ty.detach(), tx.grad, tg.grad, tb.grad)
        diffs = [max_abs_diff(a, b.numpy()) for a, b in zip(ours, refs, strict=True)]
        out["bn_max_abs_diff_vs_torch"] = max(out["bn_max_abs_diff_vs_torch"], *diffs)
    return BatchNormChecks(**out)


def _running_stats(seed: int, n_batches: int = 60) -> tuple[RunningStats, list]:
    """Stream batches through ours and torch's BatchNorm2d; returns the checks and the trajectory."""
    r = rng(seed, "bn-running")
    layer = torch.nn.BatchNorm2d(3, momentum=0.1).double().train()
    gamma, beta = np.ones(3), np.zeros(3)
    rm, rv = np.zeros(3), np.ones(3)
    traj = []
    for _ in range(n_batches):
        x = POP_MEAN.reshape(1, 3, 1, 1) + POP_STD.reshape(1, 3, 1, 1) * r.normal(size=(8, 3, 4, 4))
        _, cache = bn.batchnorm_forward(x, gamma, beta)
        rm, rv = bn.update_running_stats(rm, rv, cache, momentum=0.1)
        layer(torch.tensor(x))
        traj.append((rm.copy(), rv.copy()))
    diff = max(max_abs_diff(rm, layer.running_mean.numpy()), max_abs_diff(rv, layer.running_var.numpy()))
    x_test = POP_MEAN.reshape(1, 3, 1, 1) + POP_STD.reshape(1, 3, 1, 1) * r.normal(size=(6, 3, 4, 4))
    alone = bn.batchnorm_inference(x_test[:1], gamma, beta, rm, rv)
    others = np.concatenate([x_test[:1], 50.0 * x_test[1:]])
    with_others = bn.batchnorm_inference(others, gamma, beta, rm, rv)[:1]
    eval_diff = max_abs_diff(
        bn.batchnorm_inference(x_test, gamma, beta, rm, rv),
        layer.eval()(torch.tensor(x_test)).detach().numpy(),
    )
    train_dep = max_abs_diff(
        bn.batchnorm_forward(x_test, gamma, beta)[0][:1], bn.batchnorm_forward(others, gamma, beta)[0][:1]
    )
    stats = RunningStats(
        bn_running_stats_max_abs_diff_vs_torch=diff,
        bn_eval_max_abs_diff_vs_torch=eval_diff,
        bn_inference_batch_dependence=max_abs_diff(alone, with_others),
        bn_training_batch_dependence=train_dep,
        bn_running_mean_error_vs_population=max_abs_diff(rm, POP_MEAN),
    )
    return stats, traj


def _conv_checks(seed: int) -> ConvChecks:
    out = {
        "conv_rel_error_vs_fd": 0.0,
        "conv_max_abs_diff_vs_torch": 0.0,
        "conv_transpose_max_abs_diff_vs_torch": 0.0,
        "maxpool_max_abs_diff_vs_torch": 0.0,
    }
    for H, W, K, S, P in CONV_CASES:
        r = rng(seed, f"conv-{H}-{W}-{K}-{S}-{P}")
        x, w, b = r.normal(size=(2, 2, H, W)), r.normal(size=(3, 2, K, K)), r.normal(size=3)
        y, cache = conv.conv2d_forward(x, w, b, stride=S, padding=P)
        g = r.normal(size=y.shape)
        grads = conv.conv2d_backward(g, cache)

        def loss(x=x, w=w, b=b, g=g, S=S, P=P):
            return float(np.sum(g * conv.conv2d_forward(x, w, b, stride=S, padding=P)[0]))

        numeric = [numerical_gradient(loss, p) for p in (x, w, b)]
        out["conv_rel_error_vs_fd"] = max(
            out["conv_rel_error_vs_fd"], *(rel_error(a, n) for a, n in zip(grads, numeric, strict=True))
        )
        tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
        ty = F.conv2d(tx, tw, tb, stride=S, padding=P)
        (ty * torch.tensor(g)).sum().backward()
        out["conv_max_abs_diff_vs_torch"] = max(
            out["conv_max_abs_diff_vs_torch"],
            *(
                max_abs_diff(a, t.numpy())
                for a, t in zip((y,) + grads, (ty.detach(), tx.grad, tw.grad, tb.grad), strict=True)
            ),
        )
        pad_out = (H - ((y.shape[2] - 1) * S - 2 * P + K), W - ((y.shape[3] - 1) * S - 2 * P + K))
        ref_dx = F.conv_transpose2d(
            torch.tensor(g), torch.tensor(w), stride=S, padding=P, output_padding=pad_out
        )
        out["conv_transpose_max_abs_diff_vs_torch"] = max(
            out["conv_transpose_max_abs_diff_vs_torch"], max_abs_diff(grads[0], ref_dx.numpy())
        )
    for K, S in ((2, 2), (3, 2), (3, 1)):
        x = rng(seed, f"pool-{K}-{S}").normal(size=(2, 3, 7, 6))
        y, cache = conv.maxpool2d_forward(x, K, S)
        g = rng(seed, f"pool-g-{K}-{S}").normal(size=y.shape)
        tx = torch.tensor(x, requires_grad=True)
        ty = F.max_pool2d(tx, K, S)
        (ty * torch.tensor(g)).sum().backward()
        diffs = [
            max_abs_diff(y, ty.detach()),
            max_abs_diff(conv.maxpool2d_backward(g, cache), tx.grad.numpy()),
        ]
        out["maxpool_max_abs_diff_vs_torch"] = max(out["maxpool_max_abs_diff_vs_torch"], *diffs)
    return ConvChecks(**out)


def _output_size_grid() -> list[SizeCase]:
    """Every valid shape of a grid, with our output size, torch's and the story's unfloored value."""
    rows = []
    for H, K, P, S in itertools.product(range(3, 21), range(1, 6), range(3), range(1, 5)):
        if H + 2 * P < K:
            continue
        ref = F.conv2d(torch.zeros(1, 1, H, H), torch.zeros(1, 1, K, K), stride=S, padding=P).shape[2]
        rows.append(SizeCase(H, K, P, S, conv.output_size(H, K, P, S), ref, (H - K + 2 * P) / S + 1))
    return rows


def _plot_running(run, traj):
    fig, (a1, a2) = figure(10, 3.6, ncols=2)
    steps = np.arange(1, len(traj) + 1)
    for c in range(3):
        (line,) = a1.plot(steps, [t[0][c] for t in traj], label=f"channel {c}")
        a1.axhline(POP_MEAN[c], ls="--", color=line.get_color(), lw=0.8)
        a2.plot(steps, [t[1][c] for t in traj], color=line.get_color())
        a2.axhline(POP_STD[c] ** 2, ls="--", color=line.get_color(), lw=0.8)
    a1.set(xlabel="training batch", ylabel="running mean", title="Running mean (dashed: population)")
    a2.set(xlabel="training batch", ylabel="running variance", title="Running variance (dashed: population)")
    a1.legend(fontsize=8)
    return run.save_figure(fig, "batchnorm_running_stats.png")


def _plot_sizes(run, grid: list[SizeCase]):
    fig, ax = figure(6, 3.8)
    strides = sorted({r.S for r in grid})
    frac = [np.mean([r.unfloored != int(r.unfloored) for r in grid if r.S == s]) for s in strides]
    ax.bar([str(s) for s in strides], frac)
    ax.set(
        xlabel="stride S",
        ylabel="fraction of (H, K, P) shapes",
        title="Shapes where (H - K + 2P)/S + 1 is fractional (torch floors it)",
    )
    return run.save_figure(fig, "conv_output_size.png")


def run(run, cfg) -> None:
    checks = _batchnorm_checks(cfg.seed)
    running, traj = _running_stats(cfg.seed)
    bn_metrics = ledger_figures(
        asdict(checks) | asdict(running),
        {
            "bn_rel_error_expanded_vs_fd",
            "bn_rel_error_compact_vs_fd",
            "bn_max_abs_diff_vs_torch",
            "bn_running_stats_max_abs_diff_vs_torch",
            "bn_eval_max_abs_diff_vs_torch",
        },
    )
    for k, v in bn_metrics.items():
        run.metric(k, v, scope="batchnorm")
    run.add(
        Claim(
            id="AL-07",
            statement="The batch-norm backward equations (expanded and compact forms) give the true "
            "gradients; running statistics make inference independent of the batch",
            measured=bn_metrics,
            relations=[
                ("bn_rel_error_expanded_vs_fd", "<", 1e-6),
                ("bn_rel_error_compact_vs_fd", "<", 1e-6),
                ("bn_max_abs_diff_vs_torch", "<", 1e-9),
                ("bn_running_stats_max_abs_diff_vs_torch", "<=", 1e-12),
                ("bn_eval_max_abs_diff_vs_torch", "<", 1e-9),
                ("bn_inference_batch_dependence", "<=", 0.0),
                ("bn_training_batch_dependence", ">", 1e-3),
            ],
            unit="relative error (vs FD), absolute difference (vs torch)",
            note=f"error and difference figures are power-of-ten upper bounds (floor 1e-12); "
            f"shapes {list(BN_SHAPES)}; the running statistics follow torch's convention "
            "(momentum 0.1, unbiased batch variance); the story's extra term in dL/dmu, "
            "dL/dvar * (-2/N) sum(x - mu), is kept and is zero",
            evidence=[_plot_running(run, traj)],
        )
    )

    conv_metrics = asdict(_conv_checks(cfg.seed))
    grid = _output_size_grid()
    conv_metrics["output_size_match_fraction"] = float(np.mean([r.ours == r.torch for r in grid]))
    conv_metrics["unfloored_formula_integer_fraction"] = float(
        np.mean([r.unfloored == int(r.unfloored) for r in grid])
    )
    conv_metrics = ledger_figures(
        conv_metrics,
        {
            "conv_rel_error_vs_fd",
            "conv_max_abs_diff_vs_torch",
            "conv_transpose_max_abs_diff_vs_torch",
            "maxpool_max_abs_diff_vs_torch",
        },
    )
    for k, v in conv_metrics.items():
        run.metric(k, v, scope="conv")
    run.add(
        Claim(
            id="AL-08",
            statement="Convolution output size (H - K + 2P)/S + 1; kernel, bias and input gradients "
            "(the input gradient a transposed convolution); max pooling routes the gradient "
            "to the argmax",
            measured=conv_metrics,
            relations=[
                ("output_size_match_fraction", ">=", 1.0),
                ("conv_rel_error_vs_fd", "<", 1e-6),
                ("conv_max_abs_diff_vs_torch", "<", 1e-9),
                ("conv_transpose_max_abs_diff_vs_torch", "<", 1e-9),
                ("maxpool_max_abs_diff_vs_torch", "<=", 1e-12),
            ],
            unit="fraction of shapes; relative error (vs FD); absolute difference (vs torch)",
            note=f"error and difference figures are power-of-ten upper bounds (floor 1e-12); "
            f"output sizes over {len(grid)} shapes (H 3-20, K 1-5, P 0-2, S 1-4) need the floor: "
            "without it the formula is not an integer on the fraction 1 - "
            "unfloored_formula_integer_fraction of them; convolution is cross-correlation (no kernel "
            f"flip) as in torch; gradient cases (H, W, K, S, P) = {list(CONV_CASES)}",
            evidence=[_plot_sizes(run, grid)],
        )
    )
