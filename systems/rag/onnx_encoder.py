"""One query to one unit vector through ONNX Runtime: the FP32 transformer without PyTorch.

The computation is ``query_encoder``'s, with the transformer run by ONNX Runtime:

    ids, mask = tokenizer(q)                        shape (1, L), L <= max_seq_length
    H         = session.run(ids, mask)              shape (1, L, 384), FP32
    v         = sum_t mask_t H_t / sum_t mask_t     mean pooling over real tokens (numpy)
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

    def _session(self, onnx_bytes: bytes):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1  # one graph, run in order: no parallel branches
        # ORT's pool threads spin for a while after each run by default, burning the cores
        # that BM25, the other branch of hybrid search, and the next request need
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if self.threads is not None:
            options.intra_op_num_threads = self.threads
        return ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 1, show_progress_bar: bool = False, **_):
        """Unit vectors, shape (len(texts), dim), float32; one session run per text."""
        if isinstance(texts, str):
            texts = [texts]
        return np.vstack([self._one(t) for t in texts]).astype(np.float32, copy=False)

    def _one(self, text: str) -> np.ndarray:
        batch = self.model.tokenizer(
            [text], return_tensors="np", truncation=True, max_length=self.model.max_seq_length
        )
        ids = batch["input_ids"].astype(np.int64)
        mask = batch["attention_mask"].astype(np.int64)
        (hidden,) = self.session_.run(None, {"input_ids": ids, "attention_mask": mask})  # (1, L, dim)
        m = mask[..., None].astype(np.float32)  # (1, L, 1)
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


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
