"""Chunking with the model's tokenizer: windows, overlap, sentence packing, boundary cases."""

import pytest

from systems.rag.chunking import boundary_stats, fixed_chunks, sentence_chunks, sentences, truncation_loss

TEXT = " ".join(
    f"Sentence number {i} says the copay for tier {i % 4} is {10 + i} dollars." for i in range(60)
)


def _ids(tok, text):
    return tok(text, add_special_tokens=False)["input_ids"]


@pytest.mark.parametrize(("size", "overlap"), [(64, 0), (64, 16), (100, 50)])
def test_fixed_windows_sizes_and_overlap(tokenizer, size, overlap):
    chunks = fixed_chunks("d", TEXT, tokenizer, size, overlap)
    n = len(_ids(tokenizer, TEXT))
    assert all(c.n_tokens <= size for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(TEXT.rstrip())
    step = size - overlap
    assert len(chunks) == max(1, -(-(n - overlap) // step))
    for a, b in zip(chunks, chunks[1:], strict=False):
        # neighbours share exactly `overlap` tokens of source text
        shared = TEXT[b.start : a.end]
        assert len(_ids(tokenizer, shared)) == overlap if overlap else b.start >= a.end


def test_sentence_chunks_never_split_a_sentence(tokenizer):
    spans = sentences(TEXT)
    starts, ends = {a for a, _ in spans}, {b for _, b in spans}
    chunks = sentence_chunks("d", TEXT, tokenizer, size=80, overlap=20)
    assert len(chunks) > 3
    for c in chunks:
        assert c.start in starts and c.end in ends
        assert c.n_tokens <= 80
    # overlap carries whole trailing sentences into the next chunk
    assert any(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False))


def test_short_sentences_are_merged(tokenizer):
    text = "Yes. No. Maybe. Call us. " * 5
    chunks = sentence_chunks("d", text, tokenizer, size=100, overlap=0)
    assert len(chunks) == 1 and chunks[0].text.count(".") == 20


def test_sentence_longer_than_size_falls_back_to_windows(tokenizer):
    text = "word " * 300 + "end."
    chunks = sentence_chunks("d", text, tokenizer, size=64, overlap=8)
    assert len(chunks) >= 5 and all(c.n_tokens <= 64 for c in chunks)


def test_bad_sizes(tokenizer):
    with pytest.raises(ValueError, match="overlap < size"):
        fixed_chunks("d", TEXT, tokenizer, 50, 50)
    with pytest.raises(ValueError, match="overlap < size"):
        sentence_chunks("d", TEXT, tokenizer, 0, 0)


def test_empty_text_gives_no_chunks(tokenizer):
    assert fixed_chunks("d", "", tokenizer) == [] and sentence_chunks("d", "  \n", tokenizer) == []


def test_boundary_cases_caught_by_overlap(tokenizer):
    docs = {"d": TEXT}
    stats = boundary_stats(docs, [("d", a, b) for a, b in sentences(TEXT)], tokenizer, 64, (8, 32))
    assert stats[0].boundary_cases >= 3
    # sentences are ~15 tokens: an overlap of 32 holds any cut sentence whole, 8 holds fewer
    assert stats[32].caught == 1.0
    assert stats[8].caught < stats[32].caught
    assert stats[32].size_increase > stats[8].size_increase > 0


def test_truncation_loss(tokenizer):
    chunks = fixed_chunks("d", TEXT, tokenizer, 512, 0)
    loss = truncation_loss(chunks, 256)
    expected = sum(max(0, c.n_tokens - 254) for c in chunks) / sum(c.n_tokens for c in chunks)
    assert loss == pytest.approx(expected) and 0 < loss < 1
    assert truncation_loss(fixed_chunks("d", TEXT, tokenizer, 200, 0), 256) == 0
