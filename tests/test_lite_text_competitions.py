"""The six text competitions of the lite split, prepared from Kaggle-shaped raw folders.

Each raw folder is made by the competition's synthetic.py with Kaggle's file names and columns
(tiny made-up rows, zipped where Kaggle zips) and prepared through the real DataStore. The
checks are what a user relies on: the agent's side holds no answers, the shipped
sample submission is valid, the truth scores best, a malformed file is refused
with its reason, the test rows are the ones MLE-bench's split picks from the same
input, and medals come out of a leaderboard in MLE-bench's format.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, prepare_all, synthetic
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare import text_normalization
from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.medals import award
from pytest_mlebench.grading.validate import InvalidSubmission, read_csv, score
from pytest_mlebench.leaderboards.format import load_leaderboard, write_leaderboard

JIGSAW_LABELS = synthetic("jigsaw-toxic-comment-classification-challenge").LABELS
PIZZA_TEST_FIELDS = synthetic("random-acts-of-pizza").TEST_FIELDS

# -- reading the prepared public side -------------------------------------------------------

def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _json(path: Path) -> pd.DataFrame:
    return pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Case:
    #: The public test file and how to read it into a frame.
    test_file: str
    read_test: Callable[[Path], pd.DataFrame]
    #: Columns that hold labels in the training data and must not reach the public test file.
    label_columns: tuple[str, ...]
    #: A leaderboard (any order) on which the truth wins gold and the sample submission no medal.
    leaderboard: tuple[float, ...]


AUC_BOARD = tuple(np.linspace(0.98, 0.6, 20))
CASES = {
    "detecting-insults-in-social-commentary": Case("test.csv", _csv, ("Insult",), AUC_BOARD),
    "jigsaw-toxic-comment-classification-challenge": Case(
        "test.csv", _csv, tuple(JIGSAW_LABELS), AUC_BOARD),
    "random-acts-of-pizza": Case("test.json", _json, ("requester_received_pizza",), AUC_BOARD),
    "spooky-author-identification": Case(
        "test.csv", _csv, ("author",), tuple(np.linspace(0.2, 1.0, 20))),
    "text-normalization-challenge-english-language": Case(
        "en_test_2.csv.zip", _csv, ("class", "after"), AUC_BOARD),
    "text-normalization-challenge-russian-language": Case(
        "ru_test_2.csv.zip", _csv, ("class", "after"), AUC_BOARD),
}


@pytest.fixture(scope="module")
def prepared_all(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Prepared]:
    """Every case prepared once; tiny chunks so text normalization crosses chunk boundaries."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text_normalization, "CHUNK_ROWS", 37)
        return prepare_all(tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("data"),
                           {cid: synthetic(cid).build for cid in CASES})


@pytest.fixture(params=list(CASES))
def prepared(request: pytest.FixtureRequest, prepared_all: dict[str, Prepared]) -> Prepared:
    return prepared_all[request.param]


# -- every competition ----------------------------------------------------------------------

def test_public_side_holds_no_answers(prepared: Prepared) -> None:
    case = CASES[prepared.competition.id]
    public, private = prepared.data.public, prepared.data.private
    test = case.read_test(public / case.test_file)
    assert not set(case.label_columns) & set(test.columns)
    assert {p.name for p in private.iterdir()} == {"answers.csv"}
    assert "answers.csv" not in {p.name for p in public.rglob("*")}
    assert (public / "description.md").is_file()
    assert set(prepared.competition.grading_spec().columns) <= set(prepared.answers.columns)


def test_sample_submission_is_valid(prepared: Prepared) -> None:
    value = prepared.score(prepared.sample_path)
    assert np.isfinite(value)


def test_answers_submitted_score_best(prepared: Prepared, tmp_path: Path) -> None:
    spec = prepared.competition.grading_spec()
    path = tmp_path / "submission.csv"
    prepared.answers[list(spec.columns)].to_csv(path, index=False)
    assert prepared.score(path) == pytest.approx(prepared.best_score, abs=1e-9)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns"),
    ("extra column", "unexpected columns"),
    ("blank value", None),
    ("missing row", "wrong row count"),
])
def test_malformed_submission_is_refused_with_reason(
    prepared: Prepared, tmp_path: Path, kind: str, reason: str | None
) -> None:
    value_type = prepared.competition.grading_spec().metric.value_type
    if value_type == "text" and kind == "blank value":
        # MLE-bench reads a blank cell as NaN and compares its text "nan": a valid prediction.
        assert np.isfinite(prepared.score_broken_sample(kind, tmp_path))
        return
    if reason is None:
        reason = "empty labels" if value_type == "label" else "missing or NaN values"
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score_broken_sample(kind, tmp_path)


def test_medals_against_leaderboard_in_mlebench_format(prepared: Prepared, tmp_path: Path) -> None:
    spec = prepared.competition.grading_spec()
    lower = spec.metric.lower_is_better
    path = tmp_path / "leaderboard.csv"
    write_leaderboard(path, CASES[prepared.competition.id].leaderboard, lower)
    board = load_leaderboard(path, lower, "mlebench")
    ranked = board.scores  # best first; 20 teams: gold to 2nd place, silver to 4th, bronze to 8th

    perfect = tmp_path / "perfect.csv"
    prepared.answers[list(spec.columns)].to_csv(perfect, index=False)
    assert award(prepared.score(perfect), board).gold_medal
    sample = award(prepared.score(prepared.sample_path), board)
    assert not sample.any_medal and not sample.above_median
    fourth = award(ranked[3], board)
    assert fourth.silver_medal and not fourth.gold_medal and fourth.rank == 4
    eighth = award(ranked[7], board)
    assert eighth.bronze_medal and not eighth.silver_medal and eighth.above_median
    assert not award(ranked[8], board).any_medal


# -- each competition's split, against MLE-bench's rule applied to the same raw input ----------

def test_insults_test_set_is_kaggles_labelled_test_set(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["detecting-insults-in-social-commentary"]
    kaggle = _csv(p.raw / "test_with_solutions.csv")
    test = _csv(p.data.public / "test.csv")
    assert (p.data.public / "train.csv").read_bytes() == (p.raw / "train.csv").read_bytes()
    # MLE-bench's layout: the test set without its labels, rows known by their comment, and
    # its sample submission's name and columns.
    assert list(test.columns) == ["Date", "Comment"]
    assert test.equals(kaggle[["Date", "Comment"]])
    sample = _csv(p.data.public / "sample_submission_null.csv")
    assert list(sample.columns) == ["Insult", "Date", "Comment"] and set(sample["Insult"]) == {"0"}
    assert p.answers[["Insult", "Date", "Comment"]].equals(kaggle[["Insult", "Date", "Comment"]])


def test_insults_pairs_a_repeated_comment_in_order_and_ignores_the_date(
    prepared_all: dict[str, Prepared], tmp_path: Path
) -> None:
    p = prepared_all["detecting-insults-in-social-commentary"]
    truth = p.answers[["Insult", "Date", "Comment"]].copy()
    # Make the first two comments the same text, with different labels: the first row of the
    # text pairs with its first answer, the second with the second.
    truth.loc[1, "Comment"] = truth.loc[0, "Comment"]
    truth.loc[0, "Insult"], truth.loc[1, "Insult"] = "1", "0"
    answers = tmp_path / "answers.csv"
    truth.to_csv(answers, index=False)
    grader = Grader.load(p.data.competition.grading_spec(), answers)
    perfect = truth.assign(Insult=truth["Insult"].astype(float))
    # Another row order that keeps the repeated comment's two rows in their order.
    perfect.iloc[[*range(len(perfect) - 1, 1, -1), 0, 1]].to_csv(tmp_path / "reversed.csv", index=False)
    assert grader.score(tmp_path / "reversed.csv") == 1.0
    perfect.drop(columns=["Date"]).to_csv(tmp_path / "no-date.csv", index=False)
    assert grader.score(tmp_path / "no-date.csv") == 1.0
    swapped = perfect.copy()
    swapped.loc[[0, 1], "Insult"] = [0.0, 1.0]
    swapped.to_csv(tmp_path / "swapped.csv", index=False)
    assert grader.score(tmp_path / "swapped.csv") < 1.0
    perfect.drop(index=1).to_csv(tmp_path / "short.csv", index=False)
    assert "wrong row count" in (grader.check(tmp_path / "short.csv") or "")


def test_jigsaw_ships_kaggles_files_and_scores_only_labelled_rows(
    prepared_all: dict[str, Prepared], tmp_path: Path
) -> None:
    p = prepared_all["jigsaw-toxic-comment-classification-challenge"]
    for name in ("train.csv", "test.csv"):
        with zipfile.ZipFile(p.raw / f"{name}.zip") as zf:
            assert (p.data.public / name).read_bytes() == zf.read(name)
    truth = pd.read_csv(p.raw / "test_labels.csv.zip", dtype={"id": str})
    assert p.answers["id"].tolist() == truth["id"].tolist()
    labelled = (truth[JIGSAW_LABELS] != -1).all(axis=1).to_numpy()

    # MLE-bench's computation: sklearn's macro ROC AUC over the rows not marked -1.
    predictions = pd.DataFrame(np.random.default_rng(1).random((len(truth), 6)), columns=JIGSAW_LABELS)
    path = tmp_path / "submission.csv"
    pd.concat([truth[["id"]], predictions], axis=1).to_csv(path, index=False)
    expected = roc_auc_score(truth.loc[labelled, JIGSAW_LABELS], predictions[labelled], average="macro")
    assert p.score(path) == pytest.approx(expected, abs=1e-12)

    # Whatever is predicted for the unlabelled rows does not count.
    exact = truth[JIGSAW_LABELS].where(pd.DataFrame({c: labelled for c in JIGSAW_LABELS}), 1 - predictions)
    pd.concat([truth[["id"]], exact.clip(0, 1)], axis=1).to_csv(path, index=False)
    assert p.score(path) == 1.0

    # MLE-bench pairs the file's label columns with the answers' by position: the perfect
    # columns in reverse order are each scored against another label.
    reordered = pd.concat([truth[["id"]], exact.clip(0, 1)[JIGSAW_LABELS[::-1]]], axis=1)
    reordered.to_csv(path, index=False)
    by_position = roc_auc_score(truth.loc[labelled, JIGSAW_LABELS].to_numpy(),
                                reordered.loc[labelled, JIGSAW_LABELS[::-1]].to_numpy(), average="macro")
    assert p.score(path) == pytest.approx(by_position, abs=1e-12) and by_position < 1.0
    by_name = partial(p.competition.module("grade").grade, variant="columns-by-name")
    assert score(path, p.answers, p.competition.grading_spec(), by_name) == 1.0


def test_pizza_holds_out_mlebench_share_of_train_json(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["random-acts-of-pizza"]
    requests = json.loads((p.raw / "train.json").read_text())
    kaggle_test = json.loads((p.raw / "test.json").read_text())
    share = len(kaggle_test) / (len(requests) + len(kaggle_test))
    train_rows, test_rows = train_test_split(np.arange(len(requests)), test_size=share, random_state=0)

    assert json.loads((p.data.public / "train.json").read_text()) == [requests[i] for i in train_rows]
    public_test = json.loads((p.data.public / "test.json").read_text())
    assert [r["request_id"] for r in public_test] == [requests[i]["request_id"] for i in test_rows]
    assert all(list(r) == PIZZA_TEST_FIELDS for r in public_test)
    assert p.answers["request_id"].tolist() == [requests[i]["request_id"] for i in test_rows]
    assert p.answers["requester_received_pizza"].tolist() == [
        str(int(requests[i]["requester_received_pizza"])) for i in test_rows]


EPS = 2.0**-52  # scikit-learn's log loss clips at the float64 machine epsilon, as MLE-bench's graders


def test_spooky_scores_hard_predictions_and_refuses_rows_off_one(
    prepared_all: dict[str, Prepared], tmp_path: Path
) -> None:
    p = prepared_all["spooky-author-identification"]
    answers = p.answers
    authors = ["EAP", "HPL", "MWS"]
    hard = answers.copy()
    hard.loc[hard.index[:2], authors] = hard.loc[hard.index[:2], authors[::-1]].to_numpy()  # 2 misses
    misses = int((hard[authors] != answers[authors]).any(axis=1).sum())
    path = tmp_path / "submission.csv"
    hard.to_csv(path, index=False)
    n = len(answers)
    by_hand = (misses * 52 * math.log(2) - (n - misses) * math.log1p(-EPS)) / n
    assert p.score(path) == pytest.approx(by_hand, rel=1e-12)

    off = answers.assign(EAP=0.5, HPL=0.3, MWS=0.3)  # every row sums to 1.1
    off.to_csv(path, index=False)
    with pytest.raises(InvalidSubmission, match=f"{n} rows of class probabilities do not sum to 1") as exc:
        p.score(path)
    assert f"id {answers['id'].iloc[0]!r} = 1.1" in str(exc.value)

    answers[["EAP", "id", "HPL", "MWS"]].to_csv(path, index=False)  # MLE-bench reads columns 2+ as classes
    with pytest.raises(InvalidSubmission, match="first column must be 'id'"):
        p.score(path)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_text_normalization_counts_pandas_missing_texts_as_equal(
    prepared_all: dict[str, Prepared], tmp_path: Path, language: str
) -> None:
    """MLE-bench reads answers and submission with pandas' default NA rules and compares
    ``astype(str)``: a token "NA" or "null" predicted as "" (or "nan") is right, spaces count."""
    name = {"en": "english", "ru": "russian"}[language]
    p = prepared_all[f"text-normalization-challenge-{name}-language"]
    answers = p.answers
    na_like = answers["after"].isin(["NA", "null", "", "nan"])
    assert na_like.any(), "the synthetic tokens include 'null'"
    submission = answers.assign(after=answers["after"].where(~na_like, ""))
    spaced = answers.index[~na_like][:3]
    submission.loc[spaced, "after"] = " " + submission.loc[spaced, "after"]
    path = tmp_path / "submission.csv"
    submission.to_csv(path, index=False)
    assert p.score(path) == pytest.approx(1 - 3 / len(answers), abs=1e-12)


def test_spooky_holds_out_mlebench_tenth_of_train(prepared_all: dict[str, Prepared]) -> None:
    p = prepared_all["spooky-author-identification"]
    excerpts = _csv(p.raw / "train.zip")
    train, test = train_test_split(excerpts, test_size=0.1, random_state=0)
    assert _csv(p.data.public / "train.csv").equals(train.reset_index(drop=True))
    assert _csv(p.data.public / "test.csv").equals(test[["id", "text"]].reset_index(drop=True))
    answers = p.answers
    assert answers["id"].tolist() == test["id"].tolist()
    one_hot = answers[["EAP", "HPL", "MWS"]].astype(int)
    assert (one_hot.sum(axis=1) == 1).all()
    assert one_hot.idxmax(axis=1).tolist() == test["author"].tolist()


def _read_zip_csv(path: Path) -> pd.DataFrame:
    with zipfile.ZipFile(path) as zf:
        (member,) = zf.namelist()
        assert member == path.name.removesuffix(".zip")
        return _csv(io.BytesIO(zf.read(member)))


def _renumbered(tokens: pd.DataFrame) -> pd.DataFrame:
    """MLE-bench's renumbering: sentences from 0 in order of first appearance."""
    new_ids = {old: new for new, old in enumerate(tokens["sentence_id"].unique())}
    return tokens.assign(sentence_id=tokens["sentence_id"].map(new_ids).astype(str)).reset_index(drop=True)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_text_normalization_holds_out_mlebench_tenth_of_sentences(
    prepared_all: dict[str, Prepared], language: str
) -> None:
    name = {"en": "english", "ru": "russian"}[language]
    p = prepared_all[f"text-normalization-challenge-{name}-language"]
    tokens = pd.read_csv(p.raw / f"{language}_train.csv.zip", keep_default_na=False,
                         dtype={"class": str, "before": str, "after": str})
    _, test_sentences = train_test_split(tokens["sentence_id"].unique(), test_size=0.1, random_state=0)
    held_out = tokens["sentence_id"].isin(test_sentences)
    expected_train = _renumbered(tokens[~held_out]).astype(str)
    expected_test = _renumbered(tokens[held_out]).astype(str)

    assert _read_zip_csv(p.data.public / f"{language}_train.csv.zip").equals(expected_train)
    test = _read_zip_csv(p.data.public / f"{language}_test_2.csv.zip")
    assert test.equals(expected_test[["sentence_id", "token_id", "before"]])
    ids = (expected_test["sentence_id"] + "_" + expected_test["token_id"]).tolist()
    assert p.answers["id"].tolist() == ids
    assert p.answers["after"].tolist() == expected_test["after"].tolist()
    assert p.sample_path.name == f"{language}_sample_submission_2.csv"  # zipped, as MLE-bench ships it
    sample = read_csv(p.sample_path)
    assert sample["id"].tolist() == ids
    assert sample["after"].tolist() == expected_test["before"].tolist()
