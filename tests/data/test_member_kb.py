"""The member-services knowledge base: facts agree with the text, graded gold set, split discipline."""

import re

import pytest

from data.member_kb import generate


@pytest.fixture(scope="module")
def kb():
    return generate(n_plans=8, n_pairs=20, n_filler=10, n_questions=300, seed=0)


def test_deterministic_and_seed_dependent():
    a, b, c = (generate(4, 5, 2, 40, seed=s) for s in (1, 1, 2))
    assert [d.text for d in a.documents] == [d.text for d in b.documents]
    assert [q.text for q in a.questions] == [q.text for q in b.questions]
    assert [d.text for d in a.documents] != [d.text for d in c.documents]


def test_every_judged_document_exists_and_states_the_answer(kb):
    docs = {d.doc_id: d for d in kb.documents}
    assert len(docs) == len(kb.documents), "document ids are unique"
    for q in kb.questions:
        assert set(q.relevance) <= set(docs) and 2 in q.relevance.values()
        best = docs[next(d for d, g in q.relevance.items() if g == 2)]
        for money in re.findall(r"\$[\d,]+", q.answer):  # every price in the answer is in the document
            assert money in best.text, (q.qid, money, best.doc_id)
        if q.kind == "mixed":
            assert "interaction" in best.doc_id or best.doc_id.startswith("ix-")


def test_archived_summary_is_a_distractor(kb):
    docs = {d.doc_id: d.text for d in kb.documents}
    for d in (x for x in docs if x.startswith("sum-")):
        code = d[4:]
        arc = docs[f"arc-{code}"]
        assert code in arc and "no longer in effect" in arc and arc != docs[d]
    assert not any(d.startswith("arc-") for q in kb.questions for d in q.relevance)


def test_kinds_and_chronological_split(kb):
    assert {q.kind for q in kb.questions} == {"exact", "paraphrase", "mixed"}
    months = {s: {q.month for q in kb.split(s)} for s in ("train", "validation", "test")}
    assert max(months["train"]) <= 8 and months["validation"] == {9} and months["test"] == {10}
    n = len(kb.questions)
    assert sum(len(kb.split(s)) for s in ("train", "validation", "test")) == n
    assert 0.05 < len(kb.split("test")) / n < 0.15


def test_paraphrases_avoid_the_documents_terms(kb):
    docs = {d.doc_id: d.text.lower() for d in kb.documents}
    para = [
        q for q in kb.questions if q.kind == "paraphrase" and any(d.startswith("topic") for d in q.relevance)
    ]
    assert para
    for q in para:
        doc = docs[next(iter(q.relevance))]
        words = {w for w in re.findall(r"[a-z]+", q.text.lower()) if len(w) > 4}
        assert len([w for w in words if w in doc]) <= 2, (q.text, words)


def test_bad_arguments():
    with pytest.raises(ValueError, match=">= 1"):
        generate(n_plans=0)
    with pytest.raises(ValueError, match="unknown split"):
        generate(2, 2, 0, 10).split("dev")
