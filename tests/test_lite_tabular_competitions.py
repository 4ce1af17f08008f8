"""The four tabular competitions of the lite split, prepared from Kaggle-shaped raw files.

Each raw folder is made by the competition's synthetic.py with the file names and columns of
Kaggle's download (tiny made-up rows, zipped where Kaggle zips). The tests state what
users rely on: the agent's side holds no answers, the split holds out exactly
MLE-bench's rows, scores agree with MLE-bench's graders, malformed files are refused
with a reason, and a leaderboard in MLE-bench's format gives the medals Kaggle's rules
give.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import synthetic
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.registry import Competition, read_id_list
from pytest_mlebench.data.prepare.tabular import split_positions, stream_split_csv
from pytest_mlebench.data.synthetic import Builder
from pytest_mlebench.grading.medals import award
from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import GradingSpec, InvalidSubmission, read_csv
from pytest_mlebench.leaderboards.format import load_leaderboard, write_leaderboard

CATALOG = Path(__file__).resolve().parents[1] / "competitions"

TAXI = "new-york-city-taxi-fare-prediction"
NOMAD = "nomad2018-predict-transparent-conductors"
DEC = "tabular-playground-series-dec-2021"
MAY = "tabular-playground-series-may-2022"

#: MLE-bench's splits (its prepare.py files): train_test_split(test_size=..., random_state=0).
MLEBENCH_TEST_SIZE: dict[str, int | float] = {TAXI: 9914, NOMAD: 0.1, DEC: 0.1, MAY: 100_000}
#: The public training file, by MLE-bench's name for it.
TRAIN_FILE = {TAXI: "labels.csv", NOMAD: "train.csv", DEC: "train.csv", MAY: "train.csv"}
#: Competitions whose file is split while streaming: a block far smaller than the file.
STREAM_BLOCK_SIZE = 1 << 13

rng = np.random.default_rng


RAW_BUILDERS: dict[str, Builder] = {cid: synthetic(cid).build for cid in (TAXI, NOMAD, DEC, MAY)}


def raw_train(competition_id: str, raw: Path) -> pd.DataFrame:
    """Kaggle's labelled file as exact text cells, as MLE-bench's split sees its rows."""
    if competition_id == NOMAD:
        with zipfile.ZipFile(raw / "train.csv.zip") as archive:
            return pd.read_csv(io.BytesIO(archive.read("train.csv")), dtype=str, keep_default_na=False)
    return pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)


# -- preparing ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    competition: Competition
    raw: Path
    public: Path
    private: Path

    @property
    def spec(self) -> GradingSpec:
        comp = self.competition
        return GradingSpec(comp.id_column, comp.target_columns, get_metric(comp.metric))

    @property
    def answers(self) -> pd.DataFrame:
        return read_csv(self.private / "answers.csv")

    def score(self, submission: Path) -> float:
        return self.competition.grader(self.private / "answers.csv").score(submission)


@pytest.fixture(scope="module")
def prepare_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Prepared]:
    """Prepares a competition from its made-up raw folder, once per module."""
    done: dict[str, Prepared] = {}

    def prepare(competition_id: str) -> Prepared:
        if competition_id not in done:
            competition = Competition.from_folder(CATALOG / competition_id)
            root = tmp_path_factory.mktemp(competition_id)
            raw, public, private = root / "raw", root / "public", root / "private"
            for folder in (raw, public, private):
                folder.mkdir()
            RAW_BUILDERS[competition_id](raw, rng(0))
            streamed = {"block_size": STREAM_BLOCK_SIZE} if competition_id in (TAXI, DEC) else {}
            competition.prepare_into(raw, public, private, **streamed)
            done[competition_id] = Prepared(competition, raw, public, private)
        return done[competition_id]

    return prepare


@pytest.fixture(params=sorted(RAW_BUILDERS))
def prepared(request: pytest.FixtureRequest, prepare_once: Callable[[str], Prepared]) -> Prepared:
    return prepare_once(request.param)


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


# -- the catalog entries -------------------------------------------------------------------

def test_the_four_are_lite_kaggle_competitions_without_medals_on_kaggle() -> None:
    lite = read_id_list(CATALOG / "splits" / "lite.txt")
    for competition_id in RAW_BUILDERS:
        competition = Competition.from_folder(CATALOG / competition_id)
        assert competition_id in lite
        assert (competition.source, competition.leaderboard, competition.awards_medals) == (
            "kaggle", "mlebench", False)
        assert competition.implemented and competition.description_path.is_file()
        get_metric(competition.metric)


# -- the agent's side ------------------------------------------------------------------------

def test_public_side_holds_no_answers(prepared: Prepared) -> None:
    comp, targets = prepared.competition, list(prepared.competition.target_columns)
    assert not list(prepared.public.rglob("answers*"))
    public_csvs = {p.name for p in prepared.public.glob("*.csv")}
    assert public_csvs == {TRAIN_FILE[comp.id], "test.csv", "sample_submission.csv"}
    raw = raw_train(comp.id, prepared.raw)
    test = pd.read_csv(prepared.public / "test.csv", dtype=str, keep_default_na=False)
    assert list(test.columns) == [c for c in raw.columns if c not in targets]
    sample = pd.read_csv(prepared.public / "sample_submission.csv", dtype=str)
    assert list(sample.columns) == [comp.id_column, *targets]
    assert all(sample[c].nunique() == 1 for c in targets)  # a constant, not the truth
    assert sample[comp.id_column].tolist() == test[comp.id_column].tolist() == \
        prepared.answers[comp.id_column].tolist()
    # No held-out row (ids aside: some competitions renumber them) is among the training rows.
    train = pd.read_csv(prepared.public / TRAIN_FILE[comp.id], dtype=str, keep_default_na=False)
    features = [c for c in test.columns if c != comp.id_column]
    assert len(train) + len(test) == len(raw)
    assert train[features].merge(test[features], how="inner").empty


def test_nomad_geometries_follow_their_renumbered_material(prepare_once: Callable[[str], Prepared]) -> None:
    prepared = prepare_once(NOMAD)
    lattice = [f"lattice_vector_{i}_ang" for i in (1, 2, 3)]
    old_ids = raw_train(NOMAD, prepared.raw).set_index(lattice)["id"]
    for side in ("train", "test"):
        rows = pd.read_csv(prepared.public / f"{side}.csv", dtype=str, keep_default_na=False)
        assert rows["id"].tolist() == [str(i) for i in range(1, len(rows) + 1)]
        assert len(list((prepared.public / side).glob("*/geometry.xyz"))) == len(rows)
        for new_id, *vectors in rows[["id", *lattice]].itertuples(index=False):
            old_id = int(old_ids.loc[tuple(vectors)])
            placed = (prepared.public / side / new_id / "geometry.xyz").read_bytes()
            assert placed == synthetic(NOMAD).geometry("train", old_id)


# -- the split -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n_rows", [2, 11, 999, 10_001])
@pytest.mark.parametrize("test_size", [1, 0.1, 0.25, 0.5])
def test_split_positions_are_train_test_splits(n_rows: int, test_size: int | float) -> None:
    expected_train, expected_test = train_test_split(np.arange(n_rows), test_size=test_size, random_state=0)
    train, test = split_positions(n_rows, test_size, seed=0)
    assert train.tolist() == expected_train.tolist()
    assert test.tolist() == expected_test.tolist()


def test_split_holds_out_mlebench_rows(prepared: Prepared) -> None:
    """Same rows as MLE-bench's prepare.py (train_test_split on the raw file, seed 0), same
    test order, and its renumbered ids where it renumbers."""
    comp, spec = prepared.competition, prepared.spec
    raw = raw_train(comp.id, prepared.raw)
    if comp.id in (TAXI, DEC):
        size = (prepared.raw / "train.csv").stat().st_size
        assert size > 40 * STREAM_BLOCK_SIZE, "the streamed split must cross many blocks"
    ref_train, ref_test = train_test_split(raw, test_size=MLEBENCH_TEST_SIZE[comp.id], random_state=0)
    if comp.id == NOMAD:
        ref_train = ref_train.assign(id=[str(i) for i in range(1, len(ref_train) + 1)])
        ref_test = ref_test.assign(id=[str(i) for i in range(1, len(ref_test) + 1)])
    if comp.id == MAY:
        ref_train = ref_train.assign(id=[str(i) for i in range(len(ref_train))])
        ref_test = ref_test.assign(id=[str(i) for i in range(len(ref_train), len(raw))])
    if comp.id in (TAXI, DEC):
        ref_train = ref_train.sort_index()  # streamed: training rows keep the file's order
    answers = prepared.answers
    assert answers.equals(ref_test[list(spec.columns)].reset_index(drop=True))
    train = pd.read_csv(prepared.public / TRAIN_FILE[comp.id], dtype=str, keep_default_na=False)
    assert train.equals(ref_train.reset_index(drop=True))


def test_streamed_split_quotes_and_routes_awkward_rows(tmp_path: Path) -> None:
    """Text with commas, quotes and line breaks crosses block boundaries intact."""
    n = 3000
    texts = [f'plain {i}' if i % 7 else f'has, comma "{i}"\nand a line' for i in range(n)]
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "text": texts, "y": np.arange(n) % 3})
    source = _write(frame, tmp_path / "train.csv")
    test = stream_split_csv(source, tmp_path / "out.csv", 0.2, seed=4, block_size=4096)
    ref_train, ref_test = train_test_split(frame.astype(str), test_size=0.2, random_state=4)
    assert test.to_pandas().equals(ref_test.reset_index(drop=True))
    written = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert written.equals(ref_train.sort_index().reset_index(drop=True))


# -- grading ---------------------------------------------------------------------------------------

#: MLE-bench's grade.py of each, from its metric definition, on truth and predictions aligned by id
#: (nomad's: by position, see POSITIONAL).
MLEBENCH_GRADERS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    TAXI: lambda t, p: skm.root_mean_squared_error(t[:, 0], p[:, 0]),
    NOMAD: lambda t, p: np.mean([skm.root_mean_squared_log_error(t[:, i], p[:, i]) for i in (0, 1)]),
    DEC: lambda t, p: skm.accuracy_score(t[:, 0].astype(int), p[:, 0].astype(float)),
    MAY: lambda t, p: skm.roc_auc_score(t[:, 0].astype(int), p[:, 0]),
}
BEST_SCORE = {"rmse": 0.0, "mean_columnwise_rmsle": 0.0, "class_accuracy": 1.0, "roc_auc": 1.0}
#: MLE-bench's nomad grader pairs the i-th submission row with the i-th answer, ids unread.
POSITIONAL = {NOMAD}


def _noisy(answers: pd.DataFrame, prepared: Prepared) -> pd.DataFrame:
    """A plausible, imperfect submission in shuffled row order."""
    r = rng(11)
    submission = answers.copy()
    for column in prepared.spec.target_columns:
        truth = answers[column].astype(float).to_numpy()
        noise = r.normal(size=len(truth))
        kind = prepared.spec.metric.value_type
        if kind == "integer":
            values = np.where(r.random(len(truth)) < 0.3, 2, truth).astype(float)  # written as 2.0
        elif kind == "probability":
            values = np.clip(0.3 * truth + 0.2 * noise + 0.35, 0, 1)
        else:
            values = np.abs(truth + 0.3 * noise)
        submission[column] = values
    return submission.sample(frac=1.0, random_state=3)


def test_scores_agree_with_mlebench_graders(prepared: Prepared, tmp_path: Path) -> None:
    answers, spec = prepared.answers, prepared.spec
    mlebench = MLEBENCH_GRADERS[prepared.competition.id]
    for submission in (pd.read_csv(prepared.public / "sample_submission.csv", dtype=str),
                       _noisy(answers, prepared)):
        path = _write(submission, tmp_path / "submission.csv")
        aligned = (submission if prepared.competition.id in POSITIONAL
                   else submission.set_index(spec.id_column).loc[answers[spec.id_column]])
        expected = mlebench(answers[list(spec.target_columns)].to_numpy(dtype=float),
                            aligned[list(spec.target_columns)].to_numpy(dtype=float))
        assert prepared.score(path) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_the_answers_score_best(prepared: Prepared, tmp_path: Path) -> None:
    path = _write(prepared.answers, tmp_path / "submission.csv")
    assert prepared.score(path) == BEST_SCORE[prepared.competition.metric]


def _missing_id(s: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    return s.drop(columns=[spec.id_column])


def _duplicated_id(s: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    s = s.copy()
    s.loc[len(s) - 1, spec.id_column] = s.loc[0, spec.id_column]
    return s


def _wrong_column(s: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    return s.rename(columns={spec.target_columns[0]: "prediction"})


def _nan(s: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    s = s.copy()
    s.loc[len(s) // 2, spec.target_columns[-1]] = "nan" if spec.metric.value_type != "label" else ""
    return s


def _row_missing(s: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    return s.iloc[:-1]


@pytest.mark.parametrize(("malform", "reason"), [
    (_missing_id, "missing columns"),
    (_duplicated_id, "duplicated ids"),
    (_wrong_column, "missing columns"),
    (_nan, "missing or NaN values|empty labels"),
    (_row_missing, "wrong row count"),
])
def test_malformed_submissions_are_invalid_with_a_reason(
    prepared: Prepared, tmp_path: Path,
    malform: Callable[[pd.DataFrame, GradingSpec], pd.DataFrame], reason: str,
) -> None:
    sample = read_csv(prepared.public / "sample_submission.csv")
    path = _write(malform(sample, prepared.spec), tmp_path / "submission.csv")
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(path)


def test_dec_2021_compares_classes_as_numbers(prepare_once: Callable[[str], Prepared], tmp_path: Path
                                              ) -> None:
    prepared = prepare_once(DEC)
    answers = prepared.answers
    as_floats = answers.assign(Cover_Type=answers["Cover_Type"].astype(float))
    assert prepared.score(_write(as_floats, tmp_path / "floats.csv")) == 1.0
    with pytest.raises(InvalidSubmission, match="non-numeric values"):
        prepared.score(_write(answers.assign(Cover_Type="two"), tmp_path / "words.csv"))


@pytest.mark.parametrize("value, reason", [("inf", "infinite values"), ("-inf", "infinite values"),
                                           ("1e308", "not class numbers"), ("2.5", "non-integer")])
def test_dec_2021_refuses_a_cover_type_that_is_no_class(
        prepare_once: Callable[[str], Prepared], tmp_path: Path, value: str, reason: str) -> None:
    """MLE-bench's accuracy_score refuses these (scikit-learn sees no class labels), so they
    are invalid here too, not wrong classes."""
    prepared = prepare_once(DEC)
    answers = prepared.answers
    cover = answers["Cover_Type"].copy()
    cover.iloc[1] = value
    with pytest.raises(InvalidSubmission, match=reason) as excinfo:
        prepared.score(_write(answers.assign(Cover_Type=cover), tmp_path / "submission.csv"))
    assert repr(answers["Id"].iloc[1]) in str(excinfo.value)  # the reason names the row


def test_dec_2021_class_numbers_outside_the_classes_are_wrong_classes(
        prepare_once: Callable[[str], Prepared], tmp_path: Path) -> None:
    """A whole number that is no cover type (0, 8, 1e18) is a wrong answer there, as here."""
    prepared = prepare_once(DEC)
    answers = prepared.answers
    cover = answers["Cover_Type"].copy()
    cover.iloc[:3] = ["0", "8", "1e18"]
    value = prepared.score(_write(answers.assign(Cover_Type=cover), tmp_path / "submission.csv"))
    assert value == (len(answers) - 3) / len(answers)


def test_nomad_pairs_rows_by_position_as_mlebench(prepare_once: Callable[[str], Prepared],
                                                  tmp_path: Path) -> None:
    """The perfect answers in reverse row order: MLE-bench scores row i against answer i, so
    they score as the reversed truth; by id (the by-id variant) they are perfect."""
    prepared = prepare_once(NOMAD)
    answers = prepared.answers
    targets = ["formation_energy_ev_natom", "bandgap_energy_ev"]
    path = _write(answers.iloc[::-1], tmp_path / "submission.csv")
    truth = answers[targets].to_numpy(dtype=float)
    by_hand = np.mean([math.sqrt(np.mean((np.log1p(truth[::-1, i]) - np.log1p(truth[:, i])) ** 2))
                       for i in (0, 1)])
    assert prepared.score(path) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand > 0.01
    by_id = prepared.competition.with_variant("by-id").grader(prepared.private / "answers.csv")
    assert by_id.score(path) == 0.0


# -- medals ----------------------------------------------------------------------------------------

def _leaderboard_around(value: float, position: int, lower_is_better: bool, path: Path,
                        n_teams: int = 150, step: float = 1e-3) -> Path:
    """A leaderboard in MLE-bench's format whose team at ``position`` (from 1) scores ``value``."""
    offsets = (np.arange(n_teams) - (position - 1)) * step
    write_leaderboard(path, value + offsets if lower_is_better else value - offsets, lower_is_better)
    return path


def test_leaderboard_gives_kaggle_medals(prepared: Prepared, tmp_path: Path) -> None:
    """150 teams: gold down to position 10, silver to 30, bronze to 60, median at 75.5."""
    lower = prepared.spec.metric.lower_is_better
    sample = prepared.score(prepared.public / "sample_submission.csv")
    perfect = prepared.score(_write(prepared.answers, tmp_path / "answers.csv"))
    assert math.isfinite(sample)

    board = load_leaderboard(_leaderboard_around(sample, 45, lower, tmp_path / "lb.csv"), lower, "mlebench")
    bronze = award(sample, board)
    assert (bronze.gold_medal, bronze.silver_medal, bronze.bronze_medal, bronze.above_median) == (
        False, False, True, True)
    assert bronze.rank == 45
    assert award(perfect, board).gold_medal

    board = load_leaderboard(_leaderboard_around(sample, 150, lower, tmp_path / "last.csv"), lower,
                             "mlebench")
    last = award(sample, board)
    assert not last.any_medal and not last.above_median
