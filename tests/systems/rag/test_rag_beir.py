"""BEIR loading (malformed files are named errors) and `--beir` end to end on a folder the test writes."""

import json
import logging

import numpy as np
import pytest

from systems.core.report import start_run
from systems.rag.__main__ import main
from systems.rag.beir import BeirFormatError, load_beir
from systems.rag.beir_run import run_beir
from systems.rag.config import RagConfig

CORPUS = [
    {"_id": "d1", "title": "Mail order", "text": "A 90-day mail order supply of generic drugs costs $20."},
    {"_id": "d2", "title": "ID cards", "text": "Request a replacement identification card online."},
    {"_id": "d3", "title": "Appeals", "text": "Appeals must be filed within 180 days of a denial."},
    {"_id": "d4", "title": "", "text": "Warfarin and ibuprofen together raise bleeding risk."},
]
QUERIES = [
    {"_id": "q1", "text": "mail order generic cost"},
    {"_id": "q2", "text": "appeal deadline denial"},
    {"_id": "q3", "text": "warfarin ibuprofen"},
]


def write(
    folder,
    corpus=CORPUS,
    queries=QUERIES,
    qrels="query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t2\nq3\td4\t1\nq3\tunknown-doc\t1\n",
):
    (folder / "qrels").mkdir(parents=True, exist_ok=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in corpus) + "\n")
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(r) for r in queries) + "\n")
    (folder / "qrels" / "test.tsv").write_text(qrels)
    return folder


def test_load_and_report_unknown_ids(tmp_path):
    data = load_beir(write(tmp_path))
    assert set(data.corpus) == {"d1", "d2", "d3", "d4"} and data.qrels["q2"] == {"d3": 2}
    assert data.dropped_qrels == 1 and set(data.queries) == {"q1", "q2", "q3"}


@pytest.mark.parametrize(
    ("corpus_line", "message"),
    [
        ('{"title": "no id"}', "missing field"),
        ("{not json", "not valid JSON"),
        ('["a", "list"]', "expected a JSON object"),
    ],
)
def test_malformed_corpus_names_file_and_line(tmp_path, corpus_line, message):
    write(tmp_path)
    (tmp_path / "corpus.jsonl").write_text(json.dumps(CORPUS[0]) + "\n" + corpus_line + "\n")
    with pytest.raises(BeirFormatError, match=rf"corpus.jsonl:2: {message}"):
        load_beir(tmp_path)


def test_missing_files_and_bad_qrels(tmp_path):
    with pytest.raises(BeirFormatError, match="does not exist"):
        load_beir(tmp_path / "nope")
    write(tmp_path)
    (tmp_path / "queries.jsonl").unlink()
    with pytest.raises(BeirFormatError, match="queries.jsonl not found"):
        load_beir(tmp_path)
    write(tmp_path, qrels="query-id\tcorpus-id\tscore\nq1\td1\tvery\n")
    with pytest.raises(BeirFormatError, match="test.tsv:2: score 'very'"):
        load_beir(tmp_path)
    write(tmp_path, qrels="query-id\tcorpus-id\tscore\nq1\td1\n")
    with pytest.raises(BeirFormatError, match="3 tab-separated"):
        load_beir(tmp_path)
    write(tmp_path, qrels="query-id\tcorpus-id\tscore\nqx\td1\t1\n")
    with pytest.raises(BeirFormatError, match="no judged query"):
        load_beir(tmp_path)
    write(tmp_path, corpus=[])
    (tmp_path / "corpus.jsonl").write_text("")
    with pytest.raises(BeirFormatError, match="corpus.jsonl is empty"):
        load_beir(tmp_path)


class FakeST:
    """What run_beir needs from a SentenceTransformer: a tokenizer and encode()."""

    def __init__(self, tokenizer, encoder):
        self.tokenizer, self._enc = tokenizer, encoder

    def encode(self, texts, batch_size=None, show_progress_bar=False):
        return self._enc.encode(texts)


def test_run_beir_end_to_end(tmp_path, tokenizer, fake_encoder):
    folder = write(tmp_path / "beir")
    cfg = RagConfig(beir=folder, out=tmp_path / "reports", cache_dir=tmp_path / "cache")
    with start_run("rag_beir", cfg) as run:
        rows = run_beir(cfg, run, model=FakeST(tokenizer, fake_encoder))
    assert [r.config for r in rows] == ["bm25", "dense", "hybrid"]
    by = {r.config: r for r in rows}
    assert by["bm25"].recall_at_10 == 1.0  # every query shares its words with its document
    out = tmp_path / "reports" / "rag_beir"
    assert (out / "config_table.md").exists()
    per_q = json.loads((out / "per_query.json").read_text())
    assert per_q["qids"] == ["q1", "q2", "q3"]
    assert np.isclose(np.mean(per_q["scores"]["hybrid"]["mrr"]), by["hybrid"].mrr)
    assert list((tmp_path / "cache").glob("emb-*.npy")), "embeddings are cached on disk"


def test_cli_help_and_bad_beir_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0 and "--beir" in capsys.readouterr().out
    assert main(["--beir", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["--reranker-path", str(tmp_path)]) == 2
    assert "not a model folder" in capsys.readouterr().err
    bad = write(tmp_path / "bad")
    (bad / "corpus.jsonl").write_text("{oops\n")
    assert main(["--beir", str(bad), "--out", str(tmp_path / "r")]) == 2
    assert "corpus.jsonl:1" in capsys.readouterr().err


def test_every_document_empty_is_one_clear_error(tmp_path, capsys):
    empty = [{"_id": d["_id"], "title": "", "text": "  "} for d in CORPUS]
    folder = write(tmp_path / "beir", corpus=empty)
    with pytest.raises(BeirFormatError, match="all 4 documents have an empty title and text"):
        load_beir(folder)
    assert main(["--beir", str(folder), "--out", str(tmp_path / "r")]) == 2
    # stderr: the run's "== ..." header (a log line), then the one error line
    err = [line for line in capsys.readouterr().err.splitlines() if line and not line.startswith("== ")]
    assert len(err) == 1 and "nothing to index" in err[0]
    assert not (tmp_path / "r" / "rag_beir").exists()


def test_one_empty_document_is_dropped_and_the_console_counts_it(tmp_path, tokenizer, fake_encoder, caplog):
    corpus = [*CORPUS, {"_id": "d5", "title": " ", "text": ""}]
    queries = [*QUERIES, {"_id": "q4", "text": "   "}]
    qrels = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t2\nq3\td4\t1\nq1\td5\t1\nq4\td2\t1\n"
    folder = write(tmp_path / "beir", corpus=corpus, queries=queries, qrels=qrels)
    data = load_beir(folder)
    assert (len(data.corpus), data.empty_documents, data.empty_queries) == (4, 1, 1)
    assert data.dropped_qrels == 2, "rows naming the empty document or the empty query"
    cfg = RagConfig(beir=folder, out=tmp_path / "reports", cache_dir=tmp_path / "cache")
    with caplog.at_level(logging.INFO, logger="systems.rag"), start_run("rag_beir", cfg) as run:
        run_beir(cfg, run, model=FakeST(tokenizer, fake_encoder))
    assert "4 documents indexed (1 empty dropped), 3 judged queries (1 empty dropped)" in caplog.text
    metrics = json.loads((tmp_path / "reports" / "rag_beir" / "metrics.json").read_text())
    assert (metrics["documents"], metrics["empty_documents"]) == (4, 1)
