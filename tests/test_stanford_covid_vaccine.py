"""stanford-covid-vaccine: MLE-bench's split of Kaggle's train.json among filtered sequences and its
MCRMSE over three columns at the scored bases, row selection by file line included, on the
competition's own synthetic raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text

from pytest_mlebench.grading.grader import Grader

CID = "stanford-covid-vaccine"
TARGETS = ["reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C"]
SCORED = ["reactivity", "deg_Mg_pH10", "deg_Mg_50C"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public = prepared.data.public
    kaggle = pd.read_json(prepared.raw / "train.json", lines=True)
    # MLE-bench: a tenth of the sequences, drawn among those passing the filter; file order kept.
    chosen = kaggle[kaggle["SN_filter"] > 0].sample(n=len(kaggle) // 10, random_state=0).index
    test = kaggle[kaggle.index.isin(chosen)]
    train = pd.read_json(public / "train.json", lines=True)
    assert train.drop(columns="index").equals(kaggle[~kaggle.index.isin(chosen)].drop(columns="index")
                                              .reset_index(drop=True))
    assert train["index"].tolist() == list(range(len(kaggle) - 6))
    unlabelled = pd.read_json(public / "test.json", lines=True)
    kaggle_test = pd.read_json(prepared.raw / "test.json", lines=True)
    assert list(unlabelled.columns) == list(kaggle_test.columns)
    assert unlabelled["id"].tolist() == test["id"].tolist() and (test["SN_filter"] == 1).all()
    assert unlabelled["index"].tolist() == list(range(6))
    assert sorted(p.name for p in public.iterdir()) == [
        "description.md", "sample_submission.csv", "test.json", "train.json"]
    # The answers: every base of each test sequence, in order, measured where scored, else 0.
    answers = pd.read_csv(prepared.data.answers_path)
    assert answers["id_seqpos"].tolist() == [f"{i}_{j}" for i in test["id"] for j in range(107)]
    assert answers["keep"].tolist() == [j < 68 for _ in test["id"] for j in range(107)]
    for column in TARGETS:
        expected = np.concatenate([[*values, *[0.0] * 39] for values in test[column]])
        assert np.allclose(answers[column], expected, rtol=0, atol=5e-11)
    assert text(prepared.data.answers_path)["reactivity"].str.fullmatch(r"-?\d+\.\d{10}").all()
    sample = text(prepared.sample_path)
    assert sample.equals(pd.DataFrame({"id_seqpos": answers["id_seqpos"],
                                       **dict.fromkeys(TARGETS, "0.0000000000")}))


def perfect(prepared: Prepared) -> pd.DataFrame:
    return text(prepared.data.answers_path)[["id_seqpos", *TARGETS]]


def test_the_answers_score_0_and_the_sample_the_rms_of_the_scored_truths(prepared: Prepared,
                                                                        tmp_path: Path) -> None:
    perfect(prepared).to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 0.0
    answers = pd.read_csv(prepared.data.answers_path)
    scored = answers[answers["keep"]]
    expected = np.mean([np.sqrt((scored[c] ** 2).mean()) for c in SCORED])
    assert prepared.score(prepared.sample_path) == pytest.approx(expected, rel=1e-12)


def test_unscored_columns_and_bases_do_not_count(prepared: Prepared, tmp_path: Path) -> None:
    answers = pd.read_csv(prepared.data.answers_path)
    wild = answers[["id_seqpos", *TARGETS]].assign(deg_pH10=1e6, deg_50C=-1e6)
    wild.loc[~answers["keep"], SCORED] = 1e6
    wild.to_csv(tmp_path / "wild.csv", index=False)
    assert prepared.score(tmp_path / "wild.csv") == 0.0


def grader_by_hand(prepared: Prepared, folder: Path, variant: str | None = None) -> Grader:
    """Answers written by hand: two sequences of three bases, the first two of each scored."""
    answers = pd.DataFrame({"id_seqpos": ["id_a_0", "id_a_1", "id_a_2", "id_b_0", "id_b_1", "id_b_2"],
                            "reactivity": [1.0, 2.0, 0.0, 3.0, 4.0, 0.0],
                            "deg_Mg_pH10": [0.5, 0.5, 0.0, 0.5, 0.5, 0.0],
                            "deg_pH10": 0.0,
                            "deg_Mg_50C": [1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
                            "deg_50C": 0.0,
                            "keep": [True, True, False, True, True, False]})
    answers.to_csv(folder / "answers.csv", index=False, float_format="%.10f")
    competition = prepared.competition if variant is None else prepared.competition.with_variant(variant)
    return competition.grader(folder / "answers.csv")


def submit(folder: Path, ids: list[str], reactivity: list[float]) -> Path:
    """Predictions equal to the hand-written truths except reactivity."""
    truth = {"id_a_0": (0.5, 1.0), "id_a_1": (0.5, 1.0), "id_a_2": (0.0, 0.0),
             "id_b_0": (0.5, 1.0), "id_b_1": (0.5, 1.0), "id_b_2": (0.0, 0.0)}
    frame = pd.DataFrame({"id_seqpos": ids, "reactivity": reactivity,
                          "deg_Mg_pH10": [truth[i][0] for i in ids], "deg_pH10": 0.0,
                          "deg_Mg_50C": [truth[i][1] for i in ids], "deg_50C": 0.0})
    frame.to_csv(folder / "submission.csv", index=False)
    return folder / "submission.csv"


def test_a_score_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    grader = grader_by_hand(prepared, tmp_path)
    ids = ["id_a_0", "id_a_1", "id_a_2", "id_b_0", "id_b_1", "id_b_2"]
    # Reactivity off by 1 and 3 at two of the four scored bases (the unscored base's 9 does not
    # count): RMSE sqrt((1 + 9) / 4) there, 0 in the other two scored columns.
    path = submit(tmp_path, ids, [2.0, 2.0, 9.0, 0.0, 4.0, 0.0])
    assert grader.score(path) == pytest.approx(np.sqrt(10 / 4) / 3)


def test_rows_out_of_the_answers_order_are_selected_by_file_line(prepared: Prepared, tmp_path: Path) -> None:
    """As MLE-bench does: the submission's line i is scored when the answers' line i is, and the
    kept rows of both are then paired in id order; the by-id variant pairs by id."""
    ids = ["id_a_2", "id_a_0", "id_a_1", "id_b_0", "id_b_1", "id_b_2"]
    path = submit(tmp_path, ids, [0.0, 1.0, 2.0, 3.0, 4.0, 0.0])  # every prediction right
    assert grader_by_hand(prepared, tmp_path, "by-id").score(path) == 0.0
    # Kept by line: lines 0, 1, 3, 4 (id_a_2, id_a_0, id_b_0, id_b_1), in id order id_a_0,
    # id_a_2, id_b_0, id_b_1, paired with the scored truths id_a_0, id_a_1, id_b_0, id_b_1.
    # reactivity: 1 vs 1, 0 vs 2, 3 vs 3, 4 vs 4; deg_Mg_pH10: 0.5 vs 0.5, 0 vs 0.5, ...;
    # deg_Mg_50C: 1 vs 1, 0 vs 1, ...
    expected = (np.sqrt(4 / 4) + np.sqrt(0.25 / 4) + np.sqrt(1 / 4)) / 3
    assert grader_by_hand(prepared, tmp_path).score(path) == pytest.approx(expected)


def test_a_sorted_copy_of_the_answers_is_not_perfect_by_default(prepared: Prepared, tmp_path: Path) -> None:
    perfect(prepared).sort_values("id_seqpos").to_csv(tmp_path / "sorted.csv", index=False)
    assert prepared.score(tmp_path / "sorted.csv") > 0.1
    by_id = prepared.competition.with_variant("by-id").grader(prepared.data.answers_path)
    assert by_id.score(tmp_path / "sorted.csv") == 0.0


@pytest.mark.parametrize(("kind", "target", "reason"), [
    ("no id column", "reactivity", "missing columns: 'id_seqpos'"),
    ("repeated id", "reactivity", "duplicated ids"),
    ("renamed column", "reactivity", "missing columns: 'reactivity'"),
    ("renamed column", "deg_pH10", "missing columns: 'deg_pH10'"),
    ("extra column", "reactivity", "unexpected columns: 'extra'"),
    ("blank value", "deg_Mg_50C", "column 'deg_Mg_50C' has 1 missing or NaN values"),
    ("NaN value", "deg_50C", "column 'deg_50C' has 1 missing or NaN values"),
    ("missing row", "reactivity", "wrong row count: expected 642 rows"),
    ("extra row", "reactivity", "wrong row count: expected 642 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, target: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "id_seqpos", target)
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")
