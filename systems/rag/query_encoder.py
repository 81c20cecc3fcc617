"""One query to one unit vector with the least work around the transformer's forward pass.

A sentence-transformers ``encode`` call does, per query,

    tokenize -> sort by length -> batch -> forward (no_grad) -> pool -> normalise -> numpy

and the bookkeeping around the forward pass (sorting, batching, device moves, output dicts)
costs about as much as a small model's forward on one short query. For one query at a time
the pipeline reduces to

    ids, mask = tokenizer(q)                       shape (1, L), L <= max_seq_length
    H         = transformer(ids, mask)             shape (1, L, 384)   under inference_mode
    v         = sum_t mask_t H_t / sum_t mask_t    mean pooling over real tokens
    v         = v / ||v||_2                        cosine similarity = inner product

which is what all-MiniLM-L6-v2's own modules compute (Transformer -> Pooling(mean) ->
Normalize), so the vectors agree with ``SentenceTransformer.encode`` to float rounding for
FP32. ``torch.inference_mode`` also skips autograd's version counters, which ``no_grad``
keeps. The same object works for the dynamic INT8 model (``systems.core.encoder``): the
quantized Linear layers sit inside the same transformer.

Traced (``traced=True``). A six-layer encoder on an 18-token query runs a few hundred
small operators, and in eager mode each one pays Python and dispatcher overhead of the
same order as its arithmetic. ``torch.jit.trace`` records the operators once (on a short
example) and ``torch.jit.freeze`` inlines the weights, so a call runs the recorded graph
without Python in the loop. Tracing bakes in Python-side decisions taken on the example,
so the risk is a shape-dependent branch; the sequence length flows through the traced
ops (``tests/systems/rag/test_rag_query_encoder.py`` checks traced against eager at
lengths 3 to 256, FP32 and INT8).

Threads: PyTorch's intra-op pool is process-wide. ``threads`` sets it while this encoder
runs a forward pass and restores it afterwards, so a 1-thread query encoder can share the
machine with BM25 and other requests without changing the rest of the process.
"""

from __future__ import annotations

import numpy as np


def check_query_model(model, threads: int | None, encoder: str) -> None:
    """Both bare query encoders pool by mean and take None or >= 1 threads."""
    pooling = getattr(model[1], "pooling_mode", None) if len(model) > 1 else None
    if pooling != "mean":
        raise ValueError(
            f"{encoder} needs a mean-pooling model, got pooling {pooling!r}; "
            "use the model's own encode instead"
        )
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be >= 1 or None, got {threads}")


class ForwardQueryEncoder:
    """Sentence-transformers-compatible ``encode`` that runs the bare forward pass.

    Parameters
    ----------
    model : SentenceTransformer
        A loaded model whose modules are Transformer -> Pooling(mean) [-> Normalize].
    threads : int or None
        PyTorch intra-op threads during a forward pass; None keeps the process setting.
    traced : bool
        Run a frozen TorchScript trace of the transformer instead of the eager module.
    """

    def __init__(self, model, threads: int | None = None, traced: bool = False):
        check_query_model(model, threads, "ForwardQueryEncoder")
        self.model = model
        self.threads = threads
        self.traced = traced
        self.transformer_ = self._trace() if traced else model[0].auto_model

    def _trace(self):
        import warnings

        import torch

        example = self.model.tokenizer(["a short example query"], return_tensors="pt")
        with warnings.catch_warnings(), torch.inference_mode():
            # The tracer warns about every Python-side branch it records; the test suite
            # checks the traced graph against eager mode across sequence lengths instead.
            warnings.simplefilter("ignore")
            graph = torch.jit.trace(
                self.model[0].auto_model.eval(),
                (example["input_ids"], example["attention_mask"]),
                strict=False,
                check_trace=False,
            )
            return torch.jit.freeze(graph.eval())

    def encode(self, texts: list[str], batch_size: int = 1, show_progress_bar: bool = False, **_):
        """Unit vectors, shape (len(texts), dim), float32; one forward pass per text.

        ``batch_size`` and ``show_progress_bar`` are accepted for API compatibility: this
        encoder exists for one query at a time, where padding to a batch would only add work.
        """
        import torch

        if isinstance(texts, str):
            texts = [texts]
        before = torch.get_num_threads()
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                return np.vstack([self._one(t) for t in texts]).astype(np.float32, copy=False)
        finally:
            if self.threads is not None:
                torch.set_num_threads(before)

    def _one(self, text: str) -> np.ndarray:
        import torch

        batch = self.model.tokenizer(
            [text], return_tensors="pt", truncation=True, max_length=self.model.max_seq_length
        )
        out = self.transformer_(batch["input_ids"], batch["attention_mask"])
        hidden = out["last_hidden_state"] if isinstance(out, dict) else out[0]  # (1, L, dim)
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (1, L, 1)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1).numpy()
