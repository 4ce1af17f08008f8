"""tensorflow2-question-answering: MLE-bench's chunk-by-chunk split of Kaggle's simplified
Natural Questions and its micro F1 over long and short answers, on the competition's own
synthetic raw files (1,150 lines: one full 1,000-line chunk and a partial one)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from competition_checks import Prepared, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.grading.validate import InvalidSubmission
from pytest_mlebench.runners.endpoint import ValidationServer

CID = "tensorflow2-question-answering"
TRAIN, TEST = "simplified-nq-train.jsonl", "simplified-nq-test.jsonl"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]



def answers(prepared: Prepared) -> pd.DataFrame:
    return text(prepared.data.answers_path)


def submit(frame: pd.DataFrame, folder: Path, name: str = "submission.csv") -> Path:
    path = folder / name
    frame.to_csv(path, index=False)
    return path


def gold(prepared: Prepared) -> pd.DataFrame:
    return answers(prepared)[["example_id", "PredictionString"]]


def expected_split(raw: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """MLE-bench's rule applied to the raw records: 1,000 at a time, each chunk split alone."""
    train: list[dict[str, Any]] = []
    test: list[dict[str, Any]] = []
    for start in range(0, len(raw), 1000):
        chunk_train, chunk_test = train_test_split(raw[start:start + 1000], test_size=0.1, random_state=0)
        train += chunk_train
        test += chunk_test
    return train, test


def span(answer: dict[str, int]) -> str:
    return f"{answer['start_token']}:{answer['end_token']}"


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw = records(prepared.raw / TRAIN)
    train, test = expected_split(raw)
    public = prepared.data.public
    as_written = [{**r, "example_id": str(r["example_id"])} for r in train]
    assert records(public / TRAIN) == as_written
    fields = ["example_id", "question_text", "document_text", "long_answer_candidates"]
    public_test = records(public / TEST)
    assert [list(r) for r in public_test] == [fields] * len(test)
    assert public_test == [{k: (str(r[k]) if k == "example_id" else r[k]) for k in fields} for r in test]
    assert (len(raw), len(train), len(test)) == (1150, 1035, 115)
    assert sorted(p.name for p in public.iterdir()) == sorted(
        ["description.md", "sample_submission.csv", TEST, TRAIN])
    assert [p.name for p in prepared.data.private.iterdir()] == ["answers.csv"]


def test_records_are_written_as_pandas_writes_them(prepared: Prepared) -> None:
    """MLE-bench's files come from DataFrame.to_json: compact, ASCII only, "/" escaped."""
    line = (prepared.data.public / TRAIN).read_text(encoding="ascii").splitlines()[0]
    assert line.startswith('{"document_text":"') and ", " not in line.split('"document_text"')[0]
    assert "<\\/P>" in line and '"example_id":"' in line
    assert "\\u00fc" in (prepared.data.public / TRAIN).read_text(encoding="ascii")


def test_the_answers_are_mlebench_s_gold_with_every_right_answer(prepared: Prepared) -> None:
    _train, test = expected_split(records(prepared.raw / TRAIN))
    rows = []
    for r in test:
        (a,) = r["annotations"]
        shorts = [span(s) for s in a["short_answers"]]
        yes_no = [a["yes_no_answer"]] if a["yes_no_answer"] != "NONE" else []
        long = span(a["long_answer"]) if a["long_answer"]["start_token"] != -1 else ""
        rows += [(f"{r['example_id']}_short", (yes_no + shorts + [""])[0], " ".join(shorts + yes_no)),
                 (f"{r['example_id']}_long", long, long)]
    expected = pd.DataFrame(rows, columns=["example_id", "PredictionString", "CorrectAnswers"])
    assert answers(prepared).equals(expected)
    sample = text(prepared.sample_path)
    assert sample["example_id"].tolist() == expected["example_id"].tolist()
    assert set(sample["PredictionString"]) == {""}
    # The synthetic file has every kind of answer.
    kinds = " ".join(expected["CorrectAnswers"])
    assert {"YES", "NO"} <= set(kinds.split()) and (expected["CorrectAnswers"] == "").any()
    assert expected["CorrectAnswers"].str.contains(" ").any()


def test_the_sample_is_valid_and_the_gold_scores_1(prepared: Prepared, tmp_path: Path) -> None:
    truth = answers(prepared)
    blank_right = (truth["CorrectAnswers"] == "").mean()
    assert prepared.score(prepared.sample_path) == pytest.approx(blank_right, abs=1e-12)
    assert prepared.score(submit(gold(prepared), tmp_path)) == 1.0
    # Any of the annotated answers is right, in any row order.
    last = truth["CorrectAnswers"].str.split().map(lambda xs: xs[-1] if xs else "")
    other = truth[["example_id"]].assign(PredictionString=last).iloc[::-1]
    assert prepared.score(submit(other, tmp_path)) == 1.0


def test_a_hand_computed_score(prepared: Prepared, tmp_path: Path) -> None:
    """Six rows: right are a YES among the short answers, " 4:9 " (stripped), "NA" (blank) where
    nothing is annotated, "+2:3" (int() reads +2); wrong are a span one token off and a YES on a
    long row. F1 over the rows' 0/1 labels, micro-averaged: 4 of 6."""
    truth = pd.DataFrame({
        "example_id": ["1_short", "1_long", "2_short", "2_long", "3_short", "3_long"],
        "PredictionString": ["YES", "4:9", "", "10:20", "2:3", "0:8"],
        "CorrectAnswers": ["5:6 YES", "4:9", "", "10:20", "2:3", "0:8"],
    })
    truth.to_csv(tmp_path / "answers.csv", index=False)
    grader = prepared.competition.grader(tmp_path / "answers.csv")
    predictions = ["YES", " 4:9 ", "NA", "10:21", "+2:3", "YES"]
    sub = submit(truth[["example_id"]].assign(PredictionString=predictions), tmp_path)
    assert grader.score(sub) == pytest.approx(4 / 6, abs=1e-12)
    assert grader.score(submit(truth[["example_id"]].assign(PredictionString=""), tmp_path)) == 1 / 6


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("extra column", "unexpected columns"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_a_malformed_submission_is_invalid_with_its_reason(
    prepared: Prepared, tmp_path: Path, kind: str, reason: str
) -> None:
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


@pytest.mark.parametrize("kind", ["blank value", "NaN value"])
def test_a_missing_prediction_is_a_blank_one(prepared: Prepared, tmp_path: Path, kind: str) -> None:
    """MLE-bench reads "nan" as a missing value and fills it with "": no answer."""
    assert prepared.score_broken_sample(kind, tmp_path) == prepared.score(prepared.sample_path)


@pytest.mark.parametrize("value", ["abc", "yes", "1:x", "1:2:3", "1.5:3", ":5", "5:"])
def test_a_prediction_of_no_known_form_is_invalid_naming_its_row(
    prepared: Prepared, tmp_path: Path, value: str
) -> None:
    broken = gold(prepared)
    broken.loc[3, "PredictionString"] = value
    with pytest.raises(InvalidSubmission, match="not START:END") as info:
        prepared.score(submit(broken, tmp_path))
    assert repr(broken.loc[3, "example_id"]) in str(info.value) and repr(value) in str(info.value)


def test_the_validation_endpoint_agrees_with_grading(prepared: Prepared, tmp_path: Path) -> None:
    """MLE-bench's validate_submission read this competition's JSONL answers as CSV and
    refused every file (openai/mle-bench#134); here it asks the grader that scores."""
    grader = prepared.competition.grader(prepared.data.answers_path)
    broken = gold(prepared).assign(PredictionString="maybe")

    def post(url: str, path: Path) -> dict[str, Any]:
        request = urllib.request.Request(url, data=path.read_bytes(), method="POST",
                                         headers={"Content-Type": "text/csv"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    with ValidationServer(grader.check, min_interval_s=0.0) as server:
        assert post(server.url, prepared.sample_path) == {"valid": True, "reason": None}
        assert post(server.url, submit(gold(prepared), tmp_path)) == {"valid": True, "reason": None}
        answer = post(server.url, submit(broken, tmp_path, "broken.csv"))
        assert not answer["valid"] and "'maybe'" in answer["reason"]
