"""TensorFlow 2.0 Question Answering: MLE-bench's split of Kaggle's simplified Natural Questions.

Kaggle's test answers were never released, so MLE-bench holds out part of
simplified-nq-train.jsonl (about 17 GB, 307,373 examples). It reads the file 1,000 lines
at a time and splits *each chunk* with ``train_test_split(test_size=0.1, random_state=0)``,
so every full chunk is shuffled by the same permutation; the train and test records are
appended chunk by chunk in that permutation's order. The file is streamed here the same
way, one chunk of lines in memory, and each record is written as pandas' ``to_json``
writes it for MLE-bench (compact, ASCII-only, "/" escaped, ``example_id`` as a string), so
the public files hold the same records in the same order.

The grading needs only the held-out annotations, so the private side is answers.csv:
MLE-bench's gold submission (``<id>_short`` then ``<id>_long`` for each test example, its
first short answer or YES/NO, its long answer) with every answer its grader counts as
right beside it; MLE-bench's private copy of the labelled test records is not kept.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import pandas as pd

from pytest_mlebench.data.prepare.files import partial_path, progress, write_csv
from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.store import ANSWERS

TRAIN, TEST = "simplified-nq-train.jsonl", "simplified-nq-test.jsonl"
#: MLE-bench's chunk of lines, each split on its own.
CHUNK_LINES = 1000
TEST_SIZE = 0.1
SEED = 0
#: The fields of a public test record, in MLE-bench's order (Kaggle's test file has these).
TEST_FIELDS = ("example_id", "question_text", "document_text", "long_answer_candidates")
#: The answers' columns: the id, MLE-bench's gold prediction and every prediction counted right.
ID, PREDICTION, CORRECT = "example_id", "PredictionString", "CorrectAnswers"
_MIB = 1 << 20


def _chunks(path: Path, advance_mib: Any) -> Iterator[list[bytes]]:
    """The file's non-empty lines, CHUNK_LINES at a time, calling ``advance_mib`` per MiB read."""
    chunk: list[bytes] = []
    done = 0
    with open(path, "rb") as fh:
        for line in fh:
            done += len(line)
            while done >= _MIB:
                done -= _MIB
                advance_mib()
            if line.strip():
                chunk.append(line)
            if len(chunk) == CHUNK_LINES:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _record(line: bytes) -> dict[str, Any]:
    record = json.loads(line)
    record[ID] = str(record[ID])  # MLE-bench keys examples by the id's text
    return record


def _line(record: dict[str, Any]) -> str:
    """The record as pandas' to_json(orient="records", lines=True) writes it (byte for byte,
    but for a DEL character, which json escapes and pandas does not: the same JSON value)."""
    return json.dumps(record, separators=(",", ":")).replace("/", "\\/") + "\n"


def span(start: int, end: int) -> str:
    return f"{int(start)}:{int(end)}"


def answer_rows(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(id, gold prediction, the predictions counted right, space-separated) for the example's
    short answer, then its long answer, as MLE-bench's gold submission orders them."""
    annotations = record["annotations"]
    if len(annotations) != 1:
        raise ValueError(f"example {record[ID]}: expected one annotation, got {len(annotations)}")
    (annotation,) = annotations
    yes_no = annotation["yes_no_answer"]
    shorts = [span(a["start_token"], a["end_token"]) for a in annotation["short_answers"]]
    short_right = shorts + ([yes_no] if yes_no != "NONE" else [])
    short_gold = yes_no if yes_no != "NONE" else (shorts[0] if shorts else "")
    long = annotation["long_answer"]
    long_gold = span(long["start_token"], long["end_token"]) if long["start_token"] != -1 else ""
    return [(f"{record[ID]}_short", short_gold, " ".join(short_right)),
            (f"{record[ID]}_long", long_gold, long_gold)]


def _split(raw: Path, outputs: dict[str, IO[str]]) -> list[tuple[str, str, str]]:
    """Stream the split into the open outputs; return the answers' rows."""
    rows: list[tuple[str, str, str]] = []
    size_mib = max(1, -(-(raw / TRAIN).stat().st_size // _MIB))
    with progress(f"splitting {TRAIN} (MiB)", size_mib) as advance:
        for lines in _chunks(raw / TRAIN, advance):
            records = [_record(line) for line in lines]
            train, test = split_positions(len(records), TEST_SIZE, SEED)
            outputs[TRAIN].write("".join(_line(records[i]) for i in train))
            outputs[TEST].write("".join(_line({k: records[i][k] for k in TEST_FIELDS}) for i in test))
            rows.extend(row for i in test for row in answer_rows(records[i]))
    return rows


def prepare(raw: Path, public: Path, private: Path) -> None:
    if (private / ANSWERS).is_file():  # written last: the rest is complete
        return
    with ExitStack() as stack:
        outputs = {name: stack.enter_context(open(partial_path(public / name), "w", encoding="ascii"))
                   for name in (TRAIN, TEST)}
        rows = _split(raw, outputs)
    for name in (TRAIN, TEST):
        os.replace(partial_path(public / name), public / name)
    answers = pd.DataFrame(rows, columns=[ID, PREDICTION, CORRECT])
    write_csv(answers[[ID]].assign(**{PREDICTION: ""}), public / "sample_submission.csv")
    write_csv(answers, private / ANSWERS)
