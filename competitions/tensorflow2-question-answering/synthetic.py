"""TensorFlow 2.0 QA: Kaggle's simplified-nq-train.jsonl, simplified-nq-test.jsonl and
sample_submission.csv. One JSON record a line, with Kaggle's fields in its order, 64-bit
integer ids (some negative), whitespace-tokenized documents with HTML tags, candidates and
one annotation per training example: a long answer or none (-1), short spans, YES/NO.

1,150 training lines, so MLE-bench's 1,000-line chunks are crossed once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes

N_TRAIN, N_TEST = 1150, 12
WORDS = ["the", "river", "flows", "through", "Zürich", "in", "1921", "and", "its", "name", "is",
         "Limmat", "a/b", "\"quoted\"", "city", "—", "north", "of", "lake", "NA"]


def _id(rng: np.random.Generator) -> int:
    return int(rng.integers(-(2**63), 2**63 - 1, dtype=np.int64))


def _document(rng: np.random.Generator, title: str) -> tuple[str, list[dict[str, Any]]]:
    """A page of paragraphs (<P> ... </P>) and the paragraphs as long answer candidates."""
    tokens = [title, "-", "Wikipedia", "<H1>", title, "</H1>"]
    candidates = []
    for _ in range(int(rng.integers(2, 6))):
        start = len(tokens)
        tokens += ["<P>", *rng.choice(WORDS, int(rng.integers(4, 12))), "</P>"]
        candidates.append({"start_token": start, "top_level": True, "end_token": len(tokens)})
    return " ".join(tokens), candidates


def _annotation(rng: np.random.Generator, candidates: list[dict[str, Any]]) -> dict[str, Any]:
    kind = rng.choice(["none", "long", "short", "two short", "yes", "no"], p=[.3, .2, .3, .08, .07, .05])
    if kind == "none":
        return {"yes_no_answer": "NONE", "long_answer": {"start_token": -1, "candidate_index": -1,
                                                         "end_token": -1},
                "short_answers": [], "annotation_id": int(rng.integers(0, 2**62))}
    index = int(rng.integers(0, len(candidates)))
    start, end = candidates[index]["start_token"], candidates[index]["end_token"]
    shorts = []
    for _ in range({"short": 1, "two short": 2}.get(kind, 0)):
        first = int(rng.integers(start + 1, end - 1))
        shorts.append({"start_token": first, "end_token": int(rng.integers(first + 1, end))})
    return {"yes_no_answer": kind.upper() if kind in ("yes", "no") else "NONE",
            "long_answer": {"start_token": start, "candidate_index": index, "end_token": end},
            "short_answers": shorts, "annotation_id": int(rng.integers(0, 2**62))}


def _question(rng: np.random.Generator) -> str:
    return "what " + " ".join(rng.choice(WORDS[:12], int(rng.integers(2, 6))))


def _train_record(rng: np.random.Generator, n: int) -> dict[str, Any]:
    title = f"Page_{n}"
    document, candidates = _document(rng, title)
    return {"document_text": document, "long_answer_candidates": candidates,
            "question_text": _question(rng), "annotations": [_annotation(rng, candidates)],
            "document_url": f"https://en.wikipedia.org//w/index.php?title={title}&amp;oldid={n}",
            "example_id": _id(rng)}


def _test_record(rng: np.random.Generator, n: int) -> dict[str, Any]:
    document, candidates = _document(rng, f"Test_{n}")
    return {"example_id": _id(rng), "question_text": _question(rng), "document_text": document,
            "long_answer_candidates": candidates}


def _jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def build(raw: Path, rng: np.random.Generator) -> None:
    (raw / "simplified-nq-train.jsonl").write_text(
        _jsonl([_train_record(rng, n) for n in range(N_TRAIN)]), encoding="utf-8")
    test = [_test_record(rng, n) for n in range(N_TEST)]
    (raw / "simplified-nq-test.jsonl").write_text(_jsonl(test), encoding="utf-8")
    ids = [f"{r['example_id']}_{part}" for r in test for part in ("long", "short")]
    (raw / "sample_submission.csv").write_bytes(csv_bytes(pd.DataFrame({"example_id": ids,
                                                                        "PredictionString": ""})))
