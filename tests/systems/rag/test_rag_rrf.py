"""RRF: the story's worked example (RAG-05) and the fusion rules."""

import pytest
from numpy.testing import assert_allclose

from systems.rag.rrf import rrf


def test_story_worked_example():
    # dense returns A, B; BM25 returns B, C (follow-up 13 of the story)
    fused = rrf([["A", "B"], ["B", "C"]], k=60)
    assert [d for d, _ in fused] == ["B", "A", "C"]
    got = dict(fused)
    assert_allclose([got["A"], got["B"], got["C"]], [1 / 61, 1 / 62 + 1 / 61, 1 / 62], rtol=1e-12)
    assert round(got["A"], 4) == 0.0164 and round(got["B"], 4) == 0.0325
    # the story prints C = 0.0159; 1/62 rounds to 0.0161 (0.0159 would be 1/63)
    assert round(got["C"], 4) == 0.0161


def test_top_n_cuts_each_list_and_k_flattens():
    long = [f"d{i}" for i in range(30)]
    fused = dict(rrf([long], k=60, top_n=20))
    assert len(fused) == 20 and "d20" not in fused
    low, high = dict(rrf([["a", "b"]], k=1)), dict(rrf([["a", "b"]], k=1000))
    assert low["a"] / low["b"] > high["a"] / high["b"]


def test_ties_keep_first_appearance():
    assert [d for d, _ in rrf([["x"], ["y"]])] == ["x", "y"]


@pytest.mark.parametrize("k", [0, -1])
def test_bad_k(k):
    with pytest.raises(ValueError, match="k must be > 0"):
        rrf([["a"]], k=k)


def test_duplicate_in_list_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        rrf([["a", "a"]])


def test_defaults_are_the_papers_k_and_the_top_20():
    """Cormack et al. (2009) fuse with k = 60; each list contributes its first 20 items."""
    a = [f"a{i}" for i in range(25)]
    b = list(reversed(a))
    fused = dict(rrf([a, b]))
    expected = {}
    for ranking in (a[:20], b[:20]):
        for rank, item in enumerate(ranking, start=1):
            expected[item] = expected.get(item, 0.0) + 1.0 / (60 + rank)
    assert fused.keys() == expected.keys()
    assert_allclose([fused[x] for x in expected], list(expected.values()), rtol=1e-15)
    assert len(dict(rrf([a, b], top_n=None))) == 25  # None: every item takes part
    with pytest.raises(ValueError, match=r"^a ranked list names the same item twice$"):
        rrf([["x", "y", "x"]])
