"""FAISS indexes: Flat equals brute force, IVF with every cell probed equals Flat, the nlist rule, files."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from systems.rag.dense import (
    FLAT_MAX_VECTORS,
    DenseIndex,
    index_kind,
    nlist_rule,
    recall_per_query,
    recall_vs_exact,
    train_sample_size,
)
from systems.rag.ivf_sweep import clustered_vectors, story_cells, sweep


@pytest.fixture
def vecs():
    return clustered_vectors(2000, 32, 20, 1.0, np.random.default_rng(0))


def test_flat_matches_numpy(vecs):
    q = vecs[:5]
    scores, ids = DenseIndex("flat").fit(vecs).search(q, 10)
    ref = q @ vecs.T
    ref_ids = np.argsort(-ref, axis=1)[:, :10]
    assert_allclose(scores, np.take_along_axis(ref, ref_ids, 1), rtol=1e-5, err_msg="faiss vs numpy scores")
    assert recall_vs_exact(ids, ref_ids) == 1.0


def test_ivf_all_cells_is_exact_and_fewer_cells_lose_recall(vecs):
    flat_ids = DenseIndex("flat").fit(vecs).search(vecs[:50], 10)[1]
    ivf = DenseIndex("ivf", nlist=32, nprobe=32).fit(vecs)
    assert recall_vs_exact(ivf.search(vecs[:50], 10)[1], flat_ids) == 1.0
    ivf.set_nprobe(1)
    assert recall_vs_exact(ivf.search(vecs[:50], 10)[1], flat_ids) < 1.0


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (100, 2), (2000, 32), (50_000, 128), (2_000_000, 256)])
def test_nlist_rule(n, expected):
    assert nlist_rule(n) == expected
    assert train_sample_size(n, expected) <= n


def test_auto_is_exact_up_to_the_limit_and_ivf_above():
    assert FLAT_MAX_VECTORS == 10_000
    assert [index_kind(n) for n in (1, FLAT_MAX_VECTORS, FLAT_MAX_VECTORS + 1)] == ["flat", "flat", "ivf"]
    assert index_kind(5, "ivf") == "ivf" and index_kind(10**6, "flat") == "flat", "an explicit kind wins"
    assert DenseIndex().kind == "auto"


def test_auto_index_on_a_small_corpus_is_flat_and_labelled(vecs):
    auto = DenseIndex(nprobe=4).fit(vecs)
    assert auto.kind == "auto" and auto.kind_ == "flat" and auto.describe() == "exact (Flat)"
    flat_ids = DenseIndex("flat").fit(vecs).search(vecs[:20], 10)[1]
    assert np.array_equal(auto.search(vecs[:20], 10)[1], flat_ids)
    with pytest.raises(ValueError, match="nprobe applies to an IVF index"):
        auto.set_nprobe(3)
    assert DenseIndex("ivf", nlist=16, nprobe=4).fit(vecs).describe() == "IVF nlist 16, nprobe 4"


def test_save_load_and_missing_file(vecs, tmp_path):
    ivf = DenseIndex("ivf", nlist=16, nprobe=4).fit(vecs)
    ivf.save(tmp_path / "x.faiss")
    back = DenseIndex.load(tmp_path / "x.faiss")
    back.set_nprobe(4)
    assert np.array_equal(back.search(vecs[:3], 5)[1], ivf.search(vecs[:3], 5)[1])
    assert (back.kind_, back.nlist_) == ("ivf", 16)
    with pytest.raises(FileNotFoundError, match="not found; build it first"):
        DenseIndex.load(tmp_path / "missing.faiss")


def test_bad_inputs():
    with pytest.raises(ValueError, match="non-empty"):
        DenseIndex("flat").fit(np.zeros((0, 8), dtype=np.float32))
    with pytest.raises(ValueError, match="unknown index kind"):
        DenseIndex("hnsw").fit(np.ones((4, 8), dtype=np.float32))
    with pytest.raises(ValueError, match="empty corpus"):
        nlist_rule(0)


def test_small_sweep_rows():
    rows = sweep(3000, 40, nlists=(16, 32), nprobes=(1, 32), dim=16, seed=0)
    assert rows[0].nlist == 0 and len(rows) == 5
    by = {(r.nlist, r.nprobe): r for r in rows}
    assert by[(32, 32)].recall_at_10 == 1.0 and by[(32, 32)].searched_fraction == pytest.approx(1.0)
    assert by[(32, 1)].searched_fraction < by[(16, 1)].searched_fraction + 0.05


def test_studies_reuse_the_runs_own_index_and_fit_the_other_kind(vecs):
    from systems.rag.config import RagConfig
    from systems.rag.kb_run import corpus_index

    cfg = RagConfig(nprobe=4, seed=3)
    ours = DenseIndex(nprobe=cfg.nprobe, seed=cfg.seed).fit(vecs)  # 2,000 vectors: exact
    assert corpus_index(cfg, ours, vecs, "flat") is ours
    ivf = corpus_index(cfg, ours, vecs, "ivf")
    same = DenseIndex("ivf", nprobe=4, seed=3).fit(vecs)
    assert ivf.kind_ == "ivf" and ivf.index_.nprobe == 4
    assert np.array_equal(ivf.search(vecs[:20], 10)[1], same.search(vecs[:20], 10)[1]), "seeded as the run's"
    assert corpus_index(cfg, ivf, vecs, "ivf") is ivf


def test_recall_per_query_counts_the_shared_neighbours_of_each_query():
    exact = np.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    approx = np.array([[4, 3, 9, 9], [5, 6, 7, 8]])
    assert_allclose(recall_per_query(approx, exact), [0.5, 1.0])
    assert recall_vs_exact(approx, exact) == pytest.approx(0.75)


def test_story_cells_pair_the_sweeps_own_cells_with_intervals():
    n, n_q, kw = 8000, 60, {"dim": 16, "n_topics": 50, "seed": 0}
    cells = story_cells(n, n_q, rounds=5, **kw)
    rows = {(r.nlist, r.nprobe): r for r in sweep(n, n_q, nlists=(256, 512), nprobes=(10,), **kw)}
    # the same vectors, queries and index seeds as the sweep: its recall means, differenced
    sweep_diff = rows[(512, 10)].recall_at_10 - rows[(256, 10)].recall_at_10
    assert cells.recall_512_minus_256 == pytest.approx(sweep_diff, abs=1e-12), (cells, sweep_diff)
    assert cells.recall_512_minus_256_lo <= cells.recall_512_minus_256 <= cells.recall_512_minus_256_hi
    assert 0 < cells.ms_128_over_256_lo <= cells.ms_128_over_256 <= cells.ms_128_over_256_hi
    assert cells.rounds == 5
