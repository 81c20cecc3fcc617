"""Loading a dataset in BEIR layout, with errors that name the file and line.

    DIR/corpus.jsonl       one JSON object per line: _id (required), title, text
    DIR/queries.jsonl      one JSON object per line: _id, text (both required)
    DIR/qrels/test.tsv     header line, then query-id <TAB> corpus-id <TAB> score (int)

Handling of unknown ids (documented and reported, not silent): qrels rows naming a query
or document that is not in the files are dropped and counted in ``dropped_qrels``; queries
without any judgment are not evaluated. A document whose title and text are both empty
(or whitespace) has nothing to index: it is dropped and counted in ``empty_documents``,
and its qrels rows count as dropped; a query with empty text likewise
(``empty_queries``). A corpus with no non-empty document, or nothing left to evaluate,
is an error.

``write_beir`` writes the same layout (one qrels file per split, e.g. train/dev/test), into
a new folder only, built beside it and renamed into place when complete.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path


class BeirFormatError(ValueError):
    """A BEIR file is missing or malformed; the message names the file and line."""


@dataclass
class BeirData:
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]
    dropped_qrels: int
    empty_documents: int = 0
    empty_queries: int = 0


def _jsonl(path: Path, required: tuple[str, ...]) -> list[dict]:
    if not path.is_file():
        raise BeirFormatError(
            f"{path} not found: a BEIR folder needs corpus.jsonl, queries.jsonl and qrels/test.tsv"
        )
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise BeirFormatError(f"{path}:{n}: not valid JSON ({err.msg})") from err
            if not isinstance(row, dict):
                raise BeirFormatError(f"{path}:{n}: expected a JSON object, got {type(row).__name__}")
            missing = [k for k in required if k not in row]
            if missing:
                raise BeirFormatError(f"{path}:{n}: missing field(s) {missing}")
            rows.append(row)
    if not rows:
        raise BeirFormatError(f"{path} is empty")
    return rows


def validation_split(folder: str | Path) -> str | None:
    """The folder's validation qrels split: ``dev`` if it has one, else ``train``, else None."""
    for split in ("dev", "train"):
        if (Path(folder) / "qrels" / f"{split}.tsv").is_file():
            return split
    return None


def load_beir(folder: str | Path, split: str = "test") -> BeirData:
    root = Path(folder)
    if not root.is_dir():
        raise BeirFormatError(f"BEIR folder {root} does not exist")
    every = {
        str(r["_id"]): (str(r.get("title") or ""), str(r.get("text") or ""))
        for r in _jsonl(root / "corpus.jsonl", ("_id",))
    }
    corpus = {d: tt for d, tt in every.items() if "".join(tt).strip()}
    if not corpus:
        raise BeirFormatError(
            f"{root / 'corpus.jsonl'}: all {len(every)} documents have an empty title "
            "and text; there is nothing to index"
        )
    asked = {str(r["_id"]): str(r["text"]) for r in _jsonl(root / "queries.jsonl", ("_id", "text"))}
    queries = {q: t for q, t in asked.items() if t.strip()}
    qpath = root / "qrels" / f"{split}.tsv"
    if not qpath.is_file():
        raise BeirFormatError(f"{qpath} not found (qrels for split {split!r})")
    qrels: dict[str, dict[str, int]] = {}
    dropped = 0
    with qpath.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        header = next(reader, None)
        if header is None or len(header) < 3:
            raise BeirFormatError(f"{qpath}:1: expected a header 'query-id, corpus-id, score'")
        for n, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) < 3:
                raise BeirFormatError(f"{qpath}:{n}: expected 3 tab-separated columns, got {len(row)}")
            try:
                grade = int(float(row[2]))
            except ValueError as err:
                raise BeirFormatError(f"{qpath}:{n}: score {row[2]!r} is not a number") from err
            if row[0] not in queries or row[1] not in corpus:
                dropped += 1
                continue
            qrels.setdefault(row[0], {})[row[1]] = grade
    qrels = {q: r for q, r in qrels.items() if any(g > 0 for g in r.values())}
    if not qrels:
        raise BeirFormatError(
            f"{qpath}: no judged query names a known query and document "
            f"({dropped} rows dropped for unknown ids)"
        )
    return BeirData(
        corpus,
        {q: queries[q] for q in qrels},
        qrels,
        dropped,
        empty_documents=len(every) - len(corpus),
        empty_queries=len(asked) - len(queries),
    )


def write_beir(
    folder: str | Path,
    corpus: dict[str, tuple[str, str]],
    queries: dict[str, str],
    qrels: dict[str, dict[str, dict[str, int]]],
) -> Path:
    """Write a BEIR folder: ``corpus`` doc id -> (title, text), ``qrels`` split -> query -> doc -> grade.

    The folder must not exist yet (nothing is overwritten); it appears only when complete.
    """
    root = Path(folder)
    if root.exists():
        raise BeirFormatError(f"{root} already exists; give a new folder (nothing was overwritten)")
    tmp = root.with_name(f".{root.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "qrels").mkdir(parents=True)
    with (tmp / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for d, (title, text) in corpus.items():
            f.write(json.dumps({"_id": d, "title": title, "text": text}) + "\n")
    with (tmp / "queries.jsonl").open("w", encoding="utf-8") as f:
        for q, text in queries.items():
            f.write(json.dumps({"_id": q, "text": text}) + "\n")
    for split, judged in qrels.items():
        with (tmp / "qrels" / f"{split}.tsv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(["query-id", "corpus-id", "score"])
            w.writerows([q, d, g] for q, rel in judged.items() for d, g in rel.items())
    os.replace(tmp, root)
    return root
