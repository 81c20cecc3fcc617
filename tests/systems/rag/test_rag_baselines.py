"""The BEIR baseline rows against the libraries they stand for, and choices made on validation only.

References: bm25s used directly (``BM25.retrieve``), our BM25Index (itself checked against
rank-bm25), a brute-force numpy ranking, the retriever's own MAX roll-up and RRF, and a
BEIR folder written and read back.
"""

import json

import bm25s
import numpy as np
import pytest

from systems.core.report import start_run
from systems.rag import baselines as B
from systems.rag import beir_compare as C
from systems.rag.__main__ import main
from systems.rag.beir import BeirFormatError, load_beir, validation_split, write_beir
from systems.rag.beir_run import run_beir
from systems.rag.config import RagConfig
from systems.rag.keyword import BM25Index
from systems.rag.retriever import roll_up
from systems.rag.rrf import rrf

TEXTS = [
    "Mail order generic drugs cost $20 for a 90-day supply.",
    "Replacement identification cards can be requested online.",
    "Appeals must be filed within 180 days of the denial letter.",
    "Generic drugs at a retail pharmacy cost $10 for 30 days.",
    "Warfarin and ibuprofen together raise the risk of bleeding.",
    "The appeal form asks for the denial date and the claim number.",
]
QUERIES = {"q1": "generic drug cost mail order", "q2": "appeal denial days", "q3": "bleeding risk warfarin"}


def units(doc_of=None):
    return B.Units("chunks", TEXTS, doc_of or [f"d{i}" for i in range(len(TEXTS))])


def test_ours_bm25_ranks_like_the_retrievers_bm25_index():
    lists = B.bm25_lists(units(), QUERIES, "ours", k1=1.2, b=0.75, method="robertson", depth=4)
    index = BM25Index(k1=1.2, b=0.75).fit(TEXTS)
    for qid, q in QUERIES.items():
        ids, _ = index.search(q, 4)
        assert lists.ids[qid] == ids.tolist(), (qid, lists.ids[qid], ids.tolist())


def test_plain_bm25_ranks_like_bm25s_used_directly():
    lists = B.bm25_lists(units(), QUERIES, "bm25s", k1=1.5, b=0.75, method="lucene", depth=3)
    model = bm25s.BM25()  # the library's defaults: Lucene idf, k1 = 1.5, b = 0.75
    model.index(bm25s.tokenize(TEXTS, stopwords="en", show_progress=False), show_progress=False)
    for qid, q in QUERIES.items():
        docs, scores = model.retrieve(
            bm25s.tokenize([q], stopwords="en", show_progress=False), k=3, show_progress=False
        )
        hits = [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]  # ours lists hits only
        assert lists.ids[qid] == hits, (qid, lists.ids[qid], hits)


def test_bm25_lists_leave_out_units_without_a_query_term():
    lists = B.bm25_lists(units(), {"q": "warfarin"}, "bm25s", depth=6)
    assert lists.ids["q"] == [4]


def test_dense_lists_exact_is_a_brute_force_ranking_and_ivf_goes_through_the_index():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((6, 8))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    qv = rng.standard_normal((2, 8))
    lists = B.dense_lists(v, units(), qv, ["a", "b"], depth=4)
    for qid, row in zip(["a", "b"], qv, strict=True):
        assert lists.ids[qid] == np.argsort(-(v @ row))[:4].tolist()

    class Index:  # stands for the fitted IVF index: what it returns is what the lists hold
        def search(self, queries, k):
            return None, np.array([[5, 1, -1, -1], [0, 2, 3, -1]])

    via = B.dense_lists(v, units(), qv, ["a", "b"], depth=4, index=Index())
    assert via.ids == {"a": [5, 1], "b": [0, 2, 3]}, "faiss pads missing hits with -1"


def test_document_rankings_are_the_retrievers_max_roll_up():
    doc_of = ["d1", "d2", "d1", "d3", "d2", "d4"]
    lists = B.Lists(units(doc_of), {"q": [2, 4, 0, 3, 1, 5]})
    ranked = [2, 4, 0, 3, 1, 5]
    scores = [-r for r in range(len(ranked))]  # a rank list: its order is its score
    assert lists.docs("q") == [d for d, _ in roll_up(ranked, scores, doc_of)] == ["d1", "d2", "d3", "d4"]
    assert lists.docs("q", k=2) == ["d1", "d2"]
    assert lists.head(2).ids == {"q": [2, 4]}


def test_fuse_over_the_same_units_is_rrf_over_the_unit_ids():
    u = units()
    a, b = B.Lists(u, {"q": [0, 1, 2, 3]}), B.Lists(u, {"q": [1, 0, 5]})
    fused = B.fuse(a, b, depth=2, documents=u, k=60)
    assert fused.ids["q"] == [i for i, _ in rrf([[0, 1, 2, 3], [1, 0, 5]], k=60, top_n=2)]


def test_fuse_across_units_rolls_both_up_to_documents_first():
    chunks = units(["d1", "d1", "d2", "d3", "d3", "d2"])
    docs = B.Units("documents", ["t1", "t2", "t3"], ["d1", "d2", "d3"])
    a = B.Lists(chunks, {"q": [3, 4, 0, 2]})  # documents d3, d1, d2
    b = B.Lists(docs, {"q": [0, 1]})  # d1, d2
    fused = B.fuse(a, b, depth=100, documents=docs, k=60)
    # d1: 1/62 + 1/61; d2: 1/63 + 1/62; d3: 1/61  -> d1, d2, d3
    assert fused.units is docs and fused.docs("q") == ["d1", "d2", "d3"]


def _scored(name, val, test):
    row = B.Row("bm25", name, "", B.Lists(units(), {}))
    return C.Scored(row, np.asarray(test, float), np.asarray(val, float))


def test_the_choice_reads_validation_never_test():
    worse_on_test = _scored("a", val=[0.9, 0.8], test=[0.1, 0.1])
    better_on_test = _scored("b", val=[0.5, 0.5], test=[1.0, 1.0])
    assert C._best([better_on_test, worse_on_test]) is worse_on_test
    tie = _scored("c", val=[0.9, 0.8], test=[0.0, 0.0])
    assert C._best([worse_on_test, tie]) is worse_on_test, "ties go to the earlier row"


def test_paired_effect_is_the_mean_difference_with_a_t_interval():
    a, b = np.array([0.5, 0.7, 0.9, 0.4]), np.array([0.4, 0.7, 0.6, 0.4])
    e = C._paired(a, b)
    d = a - b
    half = 3.182446305284263 * d.std(ddof=1) / 2  # t_{0.975, 3} * s / sqrt(4)
    assert e.mean == pytest.approx(d.mean())
    assert (e.interval.low, e.interval.high) == pytest.approx((d.mean() - half, d.mean() + half))
    same = C._paired(a, a - 0.1)
    assert (same.interval.low, same.interval.high) == pytest.approx((0.1, 0.1)), "no spread: the point"


def _table_row(family, name, test, plain_test=None, chosen=False):
    vs = None if plain_test is None else C._paired(np.asarray(test, float), np.asarray(plain_test, float))
    return C.TableRow(family, name, "", None, float(np.mean(test)), None, vs, chosen)


def test_goals_compare_each_chosen_row_with_plain_and_call_only_clear_intervals():
    plain = [0.5, 0.6, 0.4, 0.5]
    rows = [
        _table_row("bm25", "ours", [0.9, 1.0, 0.8, 0.95], plain),  # clearly above
        _table_row("bm25", "plain", plain, chosen=False),
        _table_row("bm25", "chosen: grid", [0.1, 0.2, 0.0, 0.1], plain, chosen=True),  # clearly below
        _table_row("dense", "ours", [0.9, 0.1, 0.9, 0.1], plain),  # crosses 0
        _table_row("dense", "plain", plain, chosen=True),
        _table_row("hybrid", "ours", [0.9, 0.1, 0.9, 0.1], plain),
        _table_row("hybrid", "plain", plain),
    ]
    g = {x.family: x for x in C.goals(rows)}
    assert (g["bm25"].row, g["bm25"].verdict) == ("chosen: grid", "below"), "the chosen row, not ours"
    assert (g["dense"].row, g["dense"].verdict, g["dense"].vs_plain) == ("plain", "at plain", None)
    assert (g["hybrid"].row, g["hybrid"].verdict) == ("ours", "not separable"), "no choice: ours as shipped"
    rows[5] = _table_row("hybrid", "ours", plain, plain, chosen=True)
    assert C.goals(rows)[2].verdict == "equal to plain on every query"
    rows[0] = _table_row("bm25", "ours", [0.9, 1.0, 0.8, 0.95], plain, chosen=True)
    rows[2] = _table_row("bm25", "chosen: grid", [0.1, 0.2, 0.0, 0.1], plain)
    assert C.goals(rows)[0].verdict == "above"
    assert C.goals(rows)[0].to_json()["plain_test_ndcg_at_10"] == 0.5


def test_write_beir_round_trips_and_never_overwrites(tmp_path):
    corpus = {"d1": ("T1", "one"), "d2": ("", "two")}
    queries = {"q1": "one?", "q2": "two?"}
    qrels = {"train": {"q1": {"d1": 1}}, "dev": {"q2": {"d2": 2}}, "test": {"q1": {"d1": 1}, "q2": {"d2": 1}}}
    root = write_beir(tmp_path / "kb", corpus, queries, qrels)
    test = load_beir(root)
    assert test.corpus == corpus and test.qrels == qrels["test"]
    assert validation_split(root) == "dev" and load_beir(root, "dev").qrels == qrels["dev"]
    (root / "qrels" / "dev.tsv").unlink()
    assert validation_split(root) == "train"
    with pytest.raises(BeirFormatError, match="already exists"):
        write_beir(root, corpus, queries, qrels)
    assert load_beir(root).corpus == corpus, "the existing folder is left as it was"
    assert not list(tmp_path.glob(".kb.tmp-*"))


def test_export_cli_writes_the_knowledge_base_with_month_splits(tmp_path, capsys):
    small = ["--n-plans", "4", "--n-pairs", "3", "--n-filler", "5", "--n-questions", "40"]
    assert main(["--export-beir", str(tmp_path / "kb"), *small]) == 0
    splits = {s: load_beir(tmp_path / "kb", s) for s in ("train", "dev", "test")}
    qids = [set(d.qrels) for d in splits.values()]
    assert not (qids[0] & qids[1] or qids[0] & qids[2] or qids[1] & qids[2]), "splits are disjoint"
    assert sum(len(q) for q in qids) == 40
    assert main(["--export-beir", str(tmp_path / "kb"), *small]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("index", ["auto", "ivf"])
def test_ours_rows_score_what_the_retriever_scores(tmp_path, tokenizer, fake_encoder, index):
    from tests.systems.rag.test_rag_beir import FakeST, write

    folder = write(tmp_path / "beir")
    (folder / "qrels" / "dev.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq3\td4\t1\n")
    cfg = RagConfig(beir=folder, out=tmp_path / "reports", cache_dir=tmp_path / "cache", index=index)
    with start_run("rag_beir", cfg) as run:
        rows = run_beir(cfg, run, model=FakeST(tokenizer, fake_encoder))
    metrics = json.loads((tmp_path / "reports" / "rag_beir" / "metrics.json").read_text())
    for r in rows:
        ours = metrics[f"{r.config}_ours"]["test_ndcg_at_10"]
        assert ours == pytest.approx(r.ndcg_at_10), (r.config, ours, r.ndcg_at_10)
    table = (tmp_path / "reports" / "rag_beir" / "baselines.md").read_text()
    assert table.count("| yes |") == 3, "one configuration per family is chosen on dev"
    # a few chunks: "auto" searches exactly, so the dense family has no step to exact search
    dense_rows = [line.split(" | ")[1] for line in table.splitlines() if line.startswith("| dense |")]
    steps = ["ours", "plain"] if index == "auto" else ["ours", "exact search", "plain"]
    assert dense_rows[: len(steps)] == steps, dense_rows
    label = "exact (Flat)" if index == "auto" else "IVF nlist 1, nprobe 1"
    assert label in table, table
    goals = (tmp_path / "reports" / "rag_beir" / "goals.md").read_text()
    assert goals.count("\n| bm25 |") == goals.count("\n| dense |") == goals.count("\n| hybrid |") == 1
    assert "best_chosen_test_ndcg_at_10" in json.dumps(metrics)


@pytest.mark.parametrize("unit", ["documents", "chunks"])
def test_bm25_steps_name_ours_where_our_bm25_alone_ranks(unit):
    from types import SimpleNamespace

    x = SimpleNamespace(k1=1.2, b=0.75, depth=20, bm25_unit=unit)
    steps = B.bm25_steps(x)
    assert [c.unit for c, _, _ in steps] == ["chunks", "documents", "documents", "documents"]
    ours = [c for c, name, _ in steps if name == "ours"]
    assert len(ours) == 1 and ours[0].unit == unit and ours[0].tokenizer == "ours"
    assert (ours[0].k1, ours[0].b, ours[0].method) == (1.2, 0.75, "robertson")
    assert steps[-1][0] == B.Bm25Config("documents", "bm25s", "lucene", 1.5, 0.75), "plain: bm25s defaults"


def test_without_a_choice_the_goal_is_ours_even_when_it_is_not_the_first_row():
    plain = [0.5, 0.6, 0.4, 0.5]
    rows = [
        _table_row(fam, name, test, None if name == "plain" else plain)
        for fam in ("bm25", "dense", "hybrid")
        for name, test in (
            ("chunks (hybrid's list)", [0.1, 0.2, 0.0, 0.1]),
            ("ours", plain),
            ("plain", plain),
        )
    ]
    assert [(g.row, g.verdict) for g in C.goals(rows)] == [("ours", "equal to plain on every query")] * 3


def test_ours_whole_document_row_ranks_like_the_retrievers_bm25_alone(tokenizer, fake_encoder):
    from systems.rag.pipeline import build_retriever, chunk_corpus

    # the first text opens with its title: both sides must still index title + text
    titles = ["Mail order", "Cards", "Appeals", "Generic drugs", "Interactions", "Appeal form"]
    docs = {f"d{i}": (t, x) for i, (t, x) in enumerate(zip(titles, TEXTS, strict=True))}
    corpus = chunk_corpus(docs, tokenizer, 24, 8, progress=False)
    retriever, _ = build_retriever(corpus, fake_encoder, kind="flat", k1=1.2, b=0.75)
    documents = B.Units("documents", [f"{t} {x}".strip() for t, x in docs.values()], list(docs))
    lists = B.bm25_lists(documents, QUERIES, "ours", k1=1.2, b=0.75, method="robertson")
    same_text = BM25Index(k1=1.2, b=0.75).fit(documents.texts)  # scores see every tf and length
    for qid, q in QUERIES.items():
        res = retriever.search(q, "bm25")
        assert [d for d, _ in res.docs] == lists.docs(qid), (qid, res.docs, lists.docs(qid))
        ids, scores = same_text.search(q, 10)
        np.testing.assert_allclose([s for _, s in res.docs], scores, rtol=1e-6, err_msg=qid)
    retriever.close()
