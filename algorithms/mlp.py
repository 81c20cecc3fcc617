"""Multilayer perceptron: forward pass, backpropagation, and its cost against finite differences.

Convention (rows are samples, as numpy and torch store batches)
---------------------------------------------------------------
    a^(0) = X                              X      : (n, d_0)
    z^(l) = a^(l-1) W^(l) + b^(l)          W^(l)  : (d_{l-1}, d_l),  b^(l) : (d_l,)
    a^(l) = f_l(z^(l))                     z, a   : (n, d_l)
    y_hat = a^(L)

The column-vector form z = W a + b has our W transposed; every equation below is the
same one with rows for samples.

Backpropagation
---------------
Let delta^(l) = dJ/dz^(l), shape (n, d_l). The chain rule through a^(l) = f(z^(l)) and
z^(l+1) = a^(l) W^(l+1) + b gives the recursion

    delta^(L) = dJ/da^(L) * f_L'(z^(L))                    (elementwise *)
    delta^(l) = (delta^(l+1) W^(l+1)^T) * f_l'(z^(l))      (n, d_{l+1}) x (d_{l+1}, d_l)
    dJ/dW^(l) = a^(l-1)^T delta^(l)                        (d_{l-1}, n) x (n, d_l)
    dJ/db^(l) = sum over rows of delta^(l)                 (d_l,)

Losses return (J, dJ/da^(L)) and average over the batch:

    MSE      J = 1/(2n) sum_i ||a_i - y_i||^2        dJ/da = (a - y) / n
    softmax  J = -(1/n) sum_i log softmax(z_i)[y_i]  dJ/dz = (softmax(z) - onehot(y)) / n
             (use output="identity" so that a^(L) = z^(L) are the logits)

Why backprop is cheaper than differentiating each parameter directly
--------------------------------------------------------------------
A forward pass costs sum_l n d_{l-1} d_l ~ n P multiply-adds (P parameters); the backward
pass costs about twice that (one product for delta, one for dW), so every gradient costs
~3 n P. Central differences need two forward passes per parameter: 2 P * n P = 2 n P^2.
The ratio grows linearly in P. Applying the chain rule to each layer separately, without
reusing delta^(l+1), costs sum_l (L - l) products of width m: O(L^2 n m^2) against
backprop's O(L n m^2) (``backward_without_reuse``). ``MLP.madds_`` counts the multiply-adds actually executed
by the matrix products, so the demo measures this rather than assuming it.

Gradients are computed by ``backward`` and applied separately by ``sgd_step``; the
finite-difference reference is ``algorithms.numerics.numerical_gradient``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator

from algorithms.numerics import check_finite, log_softmax

_ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    # name: (f(z), f'(z) given z and a = f(z))
    "tanh": (np.tanh, lambda z, a: 1.0 - a * a),
    "sigmoid": (lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)), lambda z, a: a * (1.0 - a)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)),
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
}


class MLP(BaseEstimator):
    """Fully connected network with one activation for hidden layers and one for the output.

    A model rather than an estimator (there is no ``fit``: callers run their own training
    loop with ``backward`` and ``sgd_step``), so it takes only ``BaseEstimator``: ``clone``
    gives the same architecture, uninitialised.

    Parameters
    ----------
    layer_sizes : sequence of int
        (d_0, d_1, ..., d_L): input width, hidden widths, output width.
    activation : {"tanh", "sigmoid", "relu", "identity"}
        Hidden-layer activation.
    output : {"identity", "sigmoid", "tanh", "relu"}
        Output activation; "identity" gives logits for ``softmax_cross_entropy``.
    """

    def __init__(self, layer_sizes, activation: str = "tanh", output: str = "identity"):
        self.layer_sizes = layer_sizes
        self.activation = activation
        self.output = output

    def initialize(self, rng: np.random.Generator) -> MLP:
        """Glorot-uniform weights, zero biases; sets ``params_`` and resets ``madds_``."""
        sizes = tuple(self.layer_sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes needs >= 2 positive widths, got {sizes}")
        for name in (self.activation, self.output):
            if name not in _ACTIVATIONS:
                raise ValueError(f"unknown activation {name!r}; use one of {sorted(_ACTIVATIONS)}")
        self.params_ = []
        for d_in, d_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (d_in + d_out))
            self.params_.append([rng.uniform(-limit, limit, (d_in, d_out)), np.zeros(d_out)])
        self.madds_ = 0
        return self

    @property
    def n_params(self) -> int:
        return sum(W.size + b.size for W, b in self.params_)

    def _matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.madds_ += a.shape[0] * a.shape[1] * b.shape[1]
        return a @ b

    def _act(self, layer: int) -> tuple[Callable, Callable]:
        last = layer == len(self.params_) - 1
        return _ACTIVATIONS[self.output if last else self.activation]

    def forward(self, X) -> tuple[np.ndarray, list]:
        """Return a^(L) of shape (n, d_L) and the cache [(a^(l-1), z^(l), a^(l)), ...]."""
        if not hasattr(self, "params_"):
            raise RuntimeError("this MLP has no parameters yet; call initialize(rng) first")
        a = check_finite("X", X, ndim=2)
        if a.shape[1] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (n_samples, {self.layer_sizes[0]}), got {a.shape}")
        cache = []
        for layer, (W, b) in enumerate(self.params_):
            z = self._matmul(a, W) + b
            a_next = self._act(layer)[0](z)
            cache.append((a, z, a_next))
            a = a_next
        return a, cache

    def backward(self, cache: list, d_out, input_grad: bool = False):
        """Gradients [(dJ/dW^(l), dJ/db^(l))] from the cache and dJ/da^(L) of shape (n, d_L).

        With ``input_grad=True`` returns (grads, dJ/dX of shape (n, d_0)), one more product.
        """
        d_a = check_finite("d_out", d_out, ndim=2)
        if d_a.shape != cache[-1][2].shape:
            raise ValueError(f"d_out must have shape {cache[-1][2].shape}, got {d_a.shape}")
        grads = [None] * len(self.params_)
        for layer in reversed(range(len(self.params_))):
            a_prev, z, a = cache[layer]
            delta = d_a * self._act(layer)[1](z, a)  # (n, d_l)
            W = self.params_[layer][0]
            grads[layer] = (self._matmul(a_prev.T, delta), delta.sum(axis=0))
            if layer > 0 or input_grad:
                d_a = self._matmul(delta, W.T)  # dJ/da^(l-1)
        return (grads, d_a) if input_grad else grads

    def backward_without_reuse(self, cache: list, d_out) -> list[tuple[np.ndarray, np.ndarray]]:
        """The same gradients as ``backward``, each delta^(l) rebuilt from the output.

        This is the chain rule applied to each layer on its own, without keeping
        delta^(l+1) for the next layer down: layer l repeats the L - l products above it,
        so the total is sum_l (L - l) ~ L^2 / 2 products where backprop needs L.
        """
        d_out = check_finite("d_out", d_out, ndim=2)
        grads = []
        for target in range(len(self.params_)):
            d_a = d_out
            for layer in reversed(range(target, len(self.params_))):
                _, z, a = cache[layer]
                delta = d_a * self._act(layer)[1](z, a)
                if layer > target:
                    d_a = self._matmul(delta, self.params_[layer][0].T)
            grads.append((self._matmul(cache[target][0].T, delta), delta.sum(axis=0)))
        return grads

    def loss_and_gradients(self, X, y, loss: str = "mse"):
        """One forward and one backward pass: (J, grads) for ``loss`` in {"mse", "softmax"}."""
        out, cache = self.forward(X)
        fn = {"mse": mse_loss, "softmax": softmax_cross_entropy}.get(loss)
        if fn is None:
            raise ValueError(f"unknown loss {loss!r}; use 'mse' or 'softmax'")
        J, d_out = fn(out, y)
        return J, self.backward(cache, d_out)

    def loss(self, X, y, loss: str = "mse") -> float:
        out, _ = self.forward(X)
        return {"mse": mse_loss, "softmax": softmax_cross_entropy}[loss](out, y)[0]


def mse_loss(pred, y) -> tuple[float, np.ndarray]:
    """J = 1/(2n) sum ||pred - y||^2 and dJ/dpred, both for pred, y of shape (n, k)."""
    pred = check_finite("pred", pred, ndim=2)
    y = check_finite("y", y)
    if y.shape != pred.shape:
        raise ValueError(f"y must have shape {pred.shape} (same as the output), got {y.shape}")
    n = pred.shape[0]
    r = pred - y
    return 0.5 * float(np.sum(r * r)) / n, r / n


def softmax_cross_entropy(logits, y) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer labels y (n,) under softmax(logits (n, k)), and dJ/dlogits."""
    logits = check_finite("logits", logits, ndim=2)
    y = np.asarray(y)
    n, k = logits.shape
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be integer labels of shape ({n},), got {y.dtype} {y.shape}")
    if y.min() < 0 or y.max() >= k:
        raise ValueError(f"labels must lie in [0, {k}), got range [{y.min()}, {y.max()}]")
    logp = log_softmax(logits)
    grad = np.exp(logp)
    grad[np.arange(n), y] -= 1.0
    return -float(np.mean(logp[np.arange(n), y])), grad / n


def sgd_step(params: list, grads: list, lr: float) -> None:
    """Apply theta <- theta - lr * grad in place; the gradients are computed elsewhere."""
    for (W, b), (dW, db) in zip(params, grads, strict=True):
        W -= lr * dW
        b -= lr * db
