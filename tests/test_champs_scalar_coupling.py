"""champs-scalar-coupling (medium): MLE-bench's split of Kaggle's train.csv by molecule, the
per-molecule files cut to the training molecules (openai/mle-bench#70, and its variant), and
the mean over coupling types of the log MAE, on the competition's own synthetic raw files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "champs-scalar-coupling"
TARGET = "scalar_coupling_constant"
EXTRA_FILES = ["dipole_moments.csv", "magnetic_shielding_tensors.csv", "mulliken_charges.csv",
               "potential_energy.csv", "scalar_coupling_contributions.csv"]
PERFECT = math.log(1e-9)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def mlebench_split(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) as MLE-bench draws them: train_test_split over the groupby's molecules."""
    groups = list(text(raw / "train.csv").groupby("molecule_name"))
    train, test = train_test_split(groups, test_size=0.1, random_state=0)
    return pd.concat([g for _, g in train]), pd.concat([g for _, g in test])


def prepare_again(competition: Competition, raw: Path, root: Path, **options: object) -> tuple[Path, Path]:
    public, private = root / "public", root / "private"
    public.mkdir()
    private.mkdir()
    competition.prepare_into(raw, public, private, **options)
    return public, private


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    public, raw = prepared.data.public, prepared.raw
    train, test = mlebench_split(raw)
    molecules = text(raw / "train.csv")["molecule_name"].nunique()
    assert test["molecule_name"].nunique() == math.ceil(0.1 * molecules)
    # Training rows keep the file's order; the test rows come in MLE-bench's.
    assert text(public / "train.csv").equals(train.sort_index().reset_index(drop=True))
    assert text(public / "test.csv").equals(test.drop(columns=[TARGET]).reset_index(drop=True))
    assert prepared.answers.equals(test.reset_index(drop=True))
    sample = test[["id"]].assign(**{TARGET: "0"}).reset_index(drop=True)
    assert text(public / "sample_submission.csv").equals(sample)
    assert sorted(p.name for p in public.iterdir()) == sorted([
        "description.md", "sample_submission.csv", "structures", "structures.csv", "test.csv", "train.csv",
        *EXTRA_FILES])


def test_the_per_molecule_files_hold_the_training_molecules_only(prepared: Prepared) -> None:
    """As MLE-bench cuts them: the test molecules have no structure (openai/mle-bench#70)."""
    public, raw = prepared.data.public, prepared.raw
    train, test = mlebench_split(raw)
    molecules = set(train["molecule_name"])
    for name in ["structures.csv", *EXTRA_FILES]:
        kaggle = text(raw / name)
        expected = kaggle[kaggle["molecule_name"].isin(molecules)].reset_index(drop=True)
        assert text(public / name).equals(expected), name
        assert set(expected["molecule_name"]) == molecules, name
    assert sorted(p.name for p in (public / "structures").iterdir()) == sorted(f"{m}.xyz" for m in molecules)
    some = f"{sorted(molecules)[0]}.xyz"
    assert (public / "structures" / some).read_bytes() == (raw / "structures" / some).read_bytes()
    assert not set(test["molecule_name"]) & set(text(public / "structures.csv")["molecule_name"])


def test_small_blocks_give_the_same_files(prepared: Prepared, tmp_path: Path) -> None:
    public, private = prepare_again(prepared.competition, prepared.raw, tmp_path, block_size=2000)
    for path in sorted(prepared.data.public.rglob("*")):
        relative = path.relative_to(prepared.data.public)
        if path.is_file() and relative.name != "description.md":
            assert (public / relative).read_bytes() == path.read_bytes(), relative
    assert (private / "answers.csv").read_bytes() == prepared.data.answers_path.read_bytes()


def test_the_test_structures_variant_gives_the_test_molecules_structures(prepared: Prepared,
                                                                         tmp_path: Path) -> None:
    variant = prepared.competition.with_variant("test-structures")
    public, private = prepare_again(variant, prepared.raw, tmp_path)
    train, test = mlebench_split(prepared.raw)
    both = set(train["molecule_name"]) | set(test["molecule_name"])
    kaggle = text(prepared.raw / "structures.csv")
    expected = kaggle[kaggle["molecule_name"].isin(both)].reset_index(drop=True)
    assert text(public / "structures.csv").equals(expected)
    assert sorted(p.name for p in (public / "structures").iterdir()) == sorted(f"{m}.xyz" for m in both)
    assert len(both) < kaggle["molecule_name"].nunique(), "Kaggle's own test molecules stay out"
    for name in ["train.csv", "test.csv", "sample_submission.csv", *EXTRA_FILES]:
        assert (public / name).read_bytes() == (prepared.data.public / name).read_bytes(), name
    sample = prepared.sample_path
    assert variant.grader(private / "answers.csv").score(sample) == prepared.score(sample)


def test_the_sample_scores_the_log_of_each_type_s_mean_constant(prepared: Prepared) -> None:
    answers = prepared.answers
    constants = answers[TARGET].astype(float).abs()
    expected = np.mean(np.log(constants.groupby(answers["type"]).mean()))
    assert prepared.score(prepared.sample_path) == pytest.approx(expected, rel=1e-12)


def test_the_answers_score_kaggle_s_floor(prepared: Prepared, tmp_path: Path) -> None:
    """log(1e-9) for every type, where MLE-bench's grader, without the floor, gives -inf."""
    prepared.answers[["id", TARGET]].iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == pytest.approx(PERFECT, rel=1e-12)


def by_hand(prepared: Prepared, folder: Path, types: list[str], truth: list[float]) -> Grader:
    answers = pd.DataFrame({"id": range(len(types)), "molecule_name": "dsgdb9nsd_000001",
                            "atom_index_0": 1, "atom_index_1": 0, "type": types, TARGET: truth})
    answers.to_csv(folder / "answers.csv", index=False)
    return prepared.competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: list[float]) -> Path:
    pd.DataFrame({"id": range(len(predictions)), TARGET: predictions}).to_csv(folder / "sub.csv", index=False)
    return folder / "sub.csv"


def test_scores_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    grader = by_hand(prepared, tmp_path, ["1JHC", "1JHC", "1JHC", "3JHH"], [90.0, 80.0, 100.0, 5.0])
    # 1JHC: |90-91|, |80-82|, |100-97| -> MAE 2; 3JHH: |5-4.5| -> 0.5. Each type weighs the same,
    # whatever its number of pairs: (log 2 + log 0.5) / 2 = 0, where the pooled MAE is 1.625.
    assert grader.score(submit(tmp_path, [91.0, 82.0, 97.0, 4.5])) == pytest.approx(0.0, abs=1e-15)
    # 3JHH exact: its MAE is floored at 1e-9 instead of log(0) = -inf.
    assert grader.score(submit(tmp_path, [91.0, 82.0, 97.0, 5.0])) == pytest.approx(
        (math.log(2) + PERFECT) / 2, rel=1e-12)
    # An error below the floor counts as the floor.
    assert grader.score(submit(tmp_path, [91.0, 82.0, 97.0, 5.0 + 1e-12])) == pytest.approx(
        (math.log(2) + PERFECT) / 2, rel=1e-12)


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("renamed column", f"missing columns: '{TARGET}'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("blank value", "missing or NaN values"),
    ("NaN value", "missing or NaN values"),
    ("missing row", "wrong row count"),
    ("extra row", "wrong row count"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "id", TARGET).to_csv(tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def test_a_wrong_id_is_named(prepared: Prepared, tmp_path: Path) -> None:
    sample = text(prepared.sample_path)
    sample.assign(id=["99999999", *sample["id"][1:]]).to_csv(tmp_path / "wrong.csv", index=False)
    with pytest.raises(InvalidSubmission, match="1 ids are not test ids \\('99999999'\\)"):
        prepared.score(tmp_path / "wrong.csv")
