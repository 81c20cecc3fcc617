"""One query to one unit vector through ONNX Runtime: the FP32 transformer without PyTorch.

The computation is ``query_encoder``'s, with the transformer run by ONNX Runtime:

    ids       = tokenizer(q)                        shape (1, L), L <= max_seq_length
    mask      = 1                                   one text: no padding, every token is real
    H         = session.run(ids, mask)              shape (1, L, 384), FP32
    v         = (1/L) sum_t H_t                     mean pooling over the real tokens (numpy)
    v         = v / ||v||_2

Export: ``torch.onnx.export`` (the TorchScript-based exporter, opset 17) records the
transformer once on a short example with the batch and length axes left dynamic, into
memory; nothing is written to disk. Attention is exported in its plain form (matmul,
softmax, matmul; ``attn_implementation="eager"`` for the export only) because that is the
pattern ONNX Runtime's BERT optimizer recognises: it fuses each layer's attention into one
``Attention`` kernel, the embeddings into ``EmbedLayerNormalization``, and residual +
LayerNorm and bias + GELU into single kernels (about 100 small operators fewer per query).
The session then runs the graph as one C++ loop, so a short query pays neither Python nor
PyTorch's per-operator dispatch. The weights stay FP32, so the vectors match
``SentenceTransformer.encode`` to float rounding (fused kernels sum in another order;
a few 1e-6), unlike the dynamic INT8 model, whose activations are rounded per call.

Threads: a session has its own intra-op pool (``intra_op_num_threads``), so this encoder
never changes PyTorch's process-wide setting. Only FP32 models export: PyTorch's dynamic
INT8 Linear has no ONNX form.
"""

from __future__ import annotations

import io

import numpy as np

from systems.rag.query_encoder import check_query_model

OPSET = 17


class OnnxQueryEncoder:
    """Sentence-transformers-compatible ``encode`` running the transformer in ONNX Runtime.

    Parameters
    ----------
    model : SentenceTransformer
        An FP32 model whose modules are Transformer -> Pooling(mean) [-> Normalize].
    threads : int or None
        ONNX Runtime intra-op threads; None lets it pick (one per core).
    """

    def __init__(self, model, threads: int | None = None):
        check_query_model(model, threads, "OnnxQueryEncoder")
        if _is_quantized(model[0].auto_model):
            raise ValueError("only FP32 models export to ONNX (dynamic INT8 Linear has no ONNX form)")
        self.model = model
        self.threads = threads
        self.session_ = self._session(_fuse(_export(model), model[0].auto_model.config))
        self.tokenizer_ = _own_tokenizer(model.tokenizer)

    def _session(self, onnx_bytes: bytes):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1  # one graph, run in order: no parallel branches
        # Pool threads spin between the ~60 operators of one run: a sleeping thread takes a
        # futex wake-up per operator, which ate most of what the second core gave (2 threads:
        # p50 5.7 ms not spinning, 4.7 ms spinning). By default they also keep spinning after
        # the run, burning the cores that BM25 and other variants need (FP32 encode ran 2x
        # slower beside it); force_spinning_stop ends the spin when the run returns.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1")
        options.add_session_config_entry("session.force_spinning_stop", "1")
        if self.threads is not None:
            options.intra_op_num_threads = self.threads
        return ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 1, show_progress_bar: bool = False, **_):
        """Unit vectors, shape (len(texts), dim), float32; one session run per text."""
        if isinstance(texts, str):
            texts = [texts]
        return np.vstack([self._one(t) for t in texts]).astype(np.float32, copy=False)

    def _ids(self, text: str) -> np.ndarray:
        """Token ids, shape (1, L): the Rust tokenizer directly when the text fits the window."""
        if self.tokenizer_ is not None:
            ids = self.tokenizer_.encode(text).ids
            if len(ids) <= self.model.max_seq_length:
                return np.asarray([ids], dtype=np.int64)
        # longer than the window (or no fast tokenizer): the library's truncation keeps [SEP]
        batch = self.model.tokenizer(
            [text], return_tensors="np", truncation=True, max_length=self.model.max_seq_length
        )
        return batch["input_ids"].astype(np.int64)

    def _one(self, text: str) -> np.ndarray:
        ids = self._ids(text)
        mask = np.ones_like(ids)  # one text, no padding: every token is real
        (hidden,) = self.session_.run(None, {"input_ids": ids, "attention_mask": mask})  # (1, L, dim)
        pooled = hidden.mean(axis=1)  # mean pooling over real tokens = over all of them
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _own_tokenizer(tokenizer):
    """A private copy of the Rust tokenizer behind ``tokenizer``, without truncation or padding.

    The transformers wrapper costs about 0.2 ms per call around a 0.03 ms Rust encode (5% of a
    query). The copy matters: the shared backend carries the hub file's settings (MiniLM's pads
    and truncates to 128) and whatever its last caller set. None for a slow tokenizer.
    """
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return None
    from tokenizers import Tokenizer

    own = Tokenizer.from_str(backend.to_str())
    own.no_truncation()
    own.no_padding()
    return own


def _is_quantized(module) -> bool:
    return any(type(m).__module__.startswith("torch.ao.nn.quantized") for m in module.modules())


def _export(model) -> bytes:
    """The transformer as ONNX bytes: inputs (input_ids, attention_mask), output hidden states."""
    import torch

    class Transformer(torch.nn.Module):
        # HF forward takes many optional arguments; the export sees exactly these two
        def __init__(self, auto_model):
            super().__init__()
            self.auto_model = auto_model

        def forward(self, input_ids, attention_mask):
            return self.auto_model(input_ids=input_ids, attention_mask=attention_mask, return_dict=False)[0]

    example = model.tokenizer(["a short example query"], return_tensors="pt")
    axes = {0: "batch", 1: "length"}
    buffer = io.BytesIO()
    auto_model = model[0].auto_model
    before = auto_model.config._attn_implementation
    auto_model.set_attn_implementation("eager")  # the fusable pattern; restored below
    try:
        _write(Transformer(auto_model).eval(), example, axes, buffer)
    finally:
        auto_model.set_attn_implementation(before)
    return buffer.getvalue()


def _write(module, example, axes, buffer) -> None:
    import warnings

    import torch

    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer warnings on Python branches; tests check lengths
        torch.onnx.export(
            module,
            (example["input_ids"], example["attention_mask"]),
            buffer,
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=OPSET,
        )


def _fuse(onnx_bytes: bytes, config) -> bytes:
    """ONNX Runtime's BERT fusions (attention, embedding LayerNorm, skip LayerNorm, bias GELU)."""
    import onnx
    from onnxruntime.transformers.optimizer import optimize_model

    fused = optimize_model(
        onnx.load_from_string(onnx_bytes),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    )
    return fused.model.SerializeToString()
