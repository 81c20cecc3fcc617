"""`rag --encoder fp32|int8` (issue 17): the default stays FP32, INT8 reaches the model loader
and gets its own embedding cache, an unknown kind is refused by the parser."""

import hashlib
import json

import pytest

from systems.core.config import parse_config
from systems.core.encoder import model_tag
from systems.core.report import start_run
from systems.rag import beir_run
from systems.rag.config import RagConfig

CORPUS = [
    {"_id": "d1", "title": "Mail order", "text": "A 90-day mail order supply of generic drugs costs $20."},
    {"_id": "d2", "title": "Appeals", "text": "Appeals must be filed within 180 days of a denial."},
]
QUERIES = [{"_id": "q1", "text": "mail order generic cost"}, {"_id": "q2", "text": "appeal deadline"}]


def _beir(folder):
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in CORPUS) + "\n")
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(r) for r in QUERIES) + "\n")
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    return folder


class _FakeST:
    def __init__(self, tokenizer, encoder):
        self.tokenizer, self._enc = tokenizer, encoder

    def encode(self, texts, batch_size=None, show_progress_bar=False):
        return self._enc.encode(texts)


def test_default_is_fp32_int8_is_accepted_and_other_kinds_are_refused(capsys):
    assert parse_config(RagConfig, [], "make rag", "").encoder == "fp32"
    assert parse_config(RagConfig, ["--encoder", "int8"], "make rag", "").encoder == "int8"
    with pytest.raises(SystemExit) as e:
        parse_config(RagConfig, ["--encoder", "fp16"], "make rag", "")
    assert e.value.code == 2 and "invalid choice: 'fp16'" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["fp32", "int8"])
def test_the_chosen_encoder_is_loaded_and_cached_under_its_own_tag(
    kind, tmp_path, monkeypatch, tokenizer, fake_encoder
):
    asked = []

    def fake_load(path=None, kind="fp32"):
        asked.append(kind)
        return _FakeST(tokenizer, fake_encoder)

    monkeypatch.setattr(beir_run, "load_model", fake_load)
    cfg = RagConfig(
        beir=_beir(tmp_path / "beir"), out=tmp_path / "r", cache_dir=tmp_path / "cache", encoder=kind
    )
    with start_run("rag_beir", cfg) as run:
        beir_run.run_beir(cfg, run)
    assert asked == [kind]
    # the cache file is named by the kind's tag, so INT8 vectors never answer for FP32 ones
    want = {f"emb-{hashlib.sha256(model_tag(k).encode()).hexdigest()[:16]}.npy": k for k in ("fp32", "int8")}
    assert len(want) == 2
    assert [want.get(p.name) for p in (tmp_path / "cache").glob("emb-*.npy")] == [kind]
