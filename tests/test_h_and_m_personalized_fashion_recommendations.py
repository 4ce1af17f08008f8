"""h-and-m-personalized-fashion-recommendations: MLE-bench's hold-out of the last 8 days of
Kaggle's transactions_train.csv, streamed, and its MAP@12 over the customers who bought in
them, read as MLE-bench's pandas reads a submission, on the competition's own synthetic raw
files."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.grader import Grader

CID = "h-and-m-personalized-fashion-recommendations"
PUBLIC_FILES = ["articles.csv", "customers.csv", "description.md", "images", "sample_submission.csv",
                "transactions_train.csv"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def prepare(competition: Competition, raw: Path, root: Path, **options: int) -> tuple[Path, Path]:
    public, private = root / "public", root / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    competition.prepare_into(raw, public, private, **options)
    return public, private


def held_out_split(raw: Path, days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, held out) as MLE-bench computes them: rows dated on or after the last date less
    ``days``, article ids read as integers."""
    purchases = text(raw / "transactions_train.csv")
    purchases["article_id"] = purchases["article_id"].astype(int).astype(str)
    dates = pd.to_datetime(purchases["t_dat"])
    late = dates >= dates.max() - pd.Timedelta(days=days)
    return purchases[~late].reset_index(drop=True), purchases[late]


def buyers(answers: pd.DataFrame) -> pd.Series:
    """customer -> articles bought, for the customers who bought something, by customer."""
    return answers[answers["prediction"] != ""].set_index("customer_id")["prediction"].sort_index()


def deduplicated(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers as the best submission: each bought article once, in the order bought."""
    return answers.assign(prediction=[" ".join(dict.fromkeys(t.split())) for t in answers["prediction"]])


def grader_over(prepared: Prepared, folder: Path, bought: dict[str, str], variant: str | None = None
                ) -> Grader:
    """The grader over answers written by hand: customer -> articles bought ("" for none)."""
    pd.DataFrame({"customer_id": list(bought), "prediction": list(bought.values())}).to_csv(
        folder / "answers.csv", index=False)
    competition = prepared.competition.with_variant(variant) if variant else prepared.competition
    return competition.grader(folder / "answers.csv")


def submit(folder: Path, predictions: dict[str, str], name: str = "submission.csv") -> Path:
    pd.DataFrame({"customer_id": list(predictions), "prediction": list(predictions.values())}).to_csv(
        folder / name, index=False)
    return folder / name


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    train, held_out = held_out_split(raw, 7)
    assert held_out["t_dat"].nunique() == 8 and held_out["t_dat"].min() == "2020-09-15"
    assert text(public / "transactions_train.csv").equals(train)
    assert not train["article_id"].str.startswith("0").any()
    assert (raw / "transactions_train.csv").read_text().count(",1.69491525423729e-05,") == 1
    assert "1.69491525423729e-05" in set(train["price"]) | set(held_out["price"]), "prices keep Kaggle's text"
    bought = held_out.groupby("customer_id")["article_id"].agg(" ".join)
    answers = text(prepared.data.answers_path)
    sample = text(prepared.sample_path)
    assert answers["customer_id"].equals(sample["customer_id"])
    assert buyers(answers).equals(bought.rename("prediction"))
    assert 0 < len(bought) < len(answers), "some customers bought nothing in the held-out days"
    assert sorted(p.name for p in public.iterdir()) == PUBLIC_FILES


def test_kaggle_s_other_files_are_linked_unchanged(prepared: Prepared) -> None:
    raw, public = prepared.raw, prepared.data.public
    for name in ("articles.csv", "customers.csv", "sample_submission.csv"):
        assert (public / name).read_bytes() == (raw / name).read_bytes()
    images = sorted(p.relative_to(raw).as_posix() for p in (raw / "images").rglob("*.jpg"))
    assert images == sorted(p.relative_to(public).as_posix() for p in (public / "images").rglob("*.jpg"))
    assert all((public / key).samefile(raw / key) for key in images)
    assert text(public / "articles.csv")["article_id"].str.fullmatch(r"0\d{9}").all()


def test_small_blocks_do_not_change_the_files(prepared: Prepared, tmp_path: Path) -> None:
    public, private = prepare(prepared.competition, prepared.raw, tmp_path, block_size=3000)
    assert (public / "transactions_train.csv").read_bytes() == (
        prepared.data.public / "transactions_train.csv").read_bytes()
    assert (private / "answers.csv").read_bytes() == prepared.data.answers_path.read_bytes()


def test_the_seven_day_variant_holds_out_seven_dates(prepared: Prepared, tmp_path: Path) -> None:
    competition = prepared.competition.with_variant("seven-day-test")
    public, private = prepare(competition, prepared.raw, tmp_path)
    train, held_out = held_out_split(prepared.raw, 6)
    assert held_out["t_dat"].nunique() == 7 and held_out["t_dat"].min() == "2020-09-16"
    assert text(public / "transactions_train.csv").equals(train)
    bought = held_out.groupby("customer_id")["article_id"].agg(" ".join).rename("prediction")
    assert buyers(text(private / "answers.csv")).equals(bought)


def test_the_sample_is_valid_and_the_best_submission_scores_1(prepared: Prepared, tmp_path: Path) -> None:
    # Kaggle's ten-digit ids never match the answers' (known issue): the sample scores 0.
    assert prepared.score(prepared.sample_path) == 0.0
    numeric = prepared.competition.with_variant("numeric-article-ids").grader(prepared.data.answers_path)
    assert numeric.score(prepared.sample_path) > 0
    answers = text(prepared.data.answers_path)
    deduplicated(answers).to_csv(tmp_path / "best.csv", index=False)
    assert prepared.score(tmp_path / "best.csv") == 1.0
    # The answers themselves repeat an article bought twice, which earns nothing the second time.
    assert answers["prediction"].map(lambda t: len(t.split()) > len(set(t.split()))).any()
    assert prepared.score(prepared.data.answers_path) < 1.0
    # In Kaggle's form the best submission is worth 1 only when ids are compared as numbers.
    kaggle_form = deduplicated(answers).assign(prediction=lambda f: f["prediction"].map(
        lambda t: " ".join(f"{int(a):010d}" for a in t.split())))
    kaggle_form.iloc[::-1].to_csv(tmp_path / "kaggle_form.csv", index=False)
    assert numeric.score(tmp_path / "kaggle_form.csv") == 1.0
    assert prepared.score(tmp_path / "kaggle_form.csv") < 1.0


def test_map_at_12_by_hand(prepared: Prepared, tmp_path: Path) -> None:
    twenty = " ".join(map(str, range(20, 40)))
    grader = grader_over(prepared, tmp_path, {"a": "1 2 2", "b": "3", "c": "", "d": twenty})
    scores = {
        # hits at places 1 and 3 of 2 articles bought: (1/1 + 2/3) / 2
        "a": ("2 9 1", (1 + 2 / 3) / 2),
        # a repeated hit earns nothing; "3" at place 2: (1/2) / 1
        "b": ("9 3 3", 1 / 2),
        # not graded: bought nothing
        "c": ("1 2 3", None),
        # 20 bought, 12 recommended, the last 6 right: divided by 12, not 20
        "d": (" ".join(map(str, [*range(90, 96), *range(20, 26)])),
              sum((i + 1) / (6 + i + 1) for i in range(6)) / 12),
    }
    expected = np.mean([score for _text, score in scores.values() if score is not None])
    assert grader.score(submit(tmp_path, {c: t for c, (t, _s) in scores.items()})) == pytest.approx(expected)
    # Only the first 12 count: the right article 13th is worth nothing.
    late = {"a": "1 2", "b": " ".join(["9"] * 12 + ["3"]), "c": "", "d": " ".join(map(str, range(20, 32)))}
    assert grader.score(submit(tmp_path, late)) == pytest.approx((1 + 0 + 1) / 3)
    # Split at single spaces: two spaces make an empty recommendation that takes a place.
    spaced = {"a": "1  2", "b": "3", "c": "", "d": " ".join(map(str, range(20, 32)))}
    assert grader.score(submit(tmp_path, spaced)) == pytest.approx(((1 + 2 / 3) / 2 + 1 + 1) / 3)


def test_predictions_are_read_as_mlebench_s_pandas_reads_them(prepared: Prepared, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of rows that each recommend one article are read as numbers: a leading zero goes.
    Joined with a block of floats (one with a blank cell), every number is a float ("100.0");
    joined with a block of text, each keeps its block's type."""
    bought = {f"c{i}": f"{100 + i}" for i in range(6)}
    grader = grader_over(prepared, tmp_path, bought)
    zeros = {c: f"0{a}" for c, a in bought.items()}
    assert grader.score(submit(tmp_path, zeros)) == 1.0
    assert grader.score(submit(tmp_path, {**zeros, "c5": ""})) == 0.0
    assert grader.score(submit(tmp_path, {**zeros, "c5": "NA"})) == 0.0
    # A row of two articles keeps its whole block as text: no leading zero dropped there.
    assert grader.score(submit(tmp_path, {**zeros, "c5": "0105 7"})) == 0.0
    # Blocks of 2 rows (pandas' are 262,144): the file's rows c0 c1 | c2 c3 | c4 c5.
    monkeypatch.setattr(prepared.competition.module("grade"), "PANDAS_BLOCK_ROWS", 2)
    assert grader.score(submit(tmp_path, {**zeros, "c5": "0105 7"})) == pytest.approx(4 / 6)
    # Integers and floats only: all floats, even in the blocks without a blank.
    assert grader.score(submit(tmp_path, {**zeros, "c0": ""})) == 0.0
    # With a block of text, the integers of c2 c3 stay integers, the floats of c0 c1 floats.
    assert grader.score(submit(tmp_path, {**zeros, "c0": "", "c5": "0105 7"})) == pytest.approx(2 / 6)
    # The file's order makes the blocks, not the answers': rows c5 c4 c3 c2 | c1 c0 in blocks
    # of 4, the two articles of c0 keep c1 and c0 as text.
    monkeypatch.setattr(prepared.competition.module("grade"), "PANDAS_BLOCK_ROWS", 4)
    rows = dict(reversed(list({**zeros, "c0": "0100 7"}.items())))
    assert grader.score(submit(tmp_path, rows)) == pytest.approx(4 / 6)
    numeric = grader_over(prepared, tmp_path, bought, "numeric-article-ids")
    assert numeric.score(submit(tmp_path, {**zeros, "c0": "", "c5": "0105 7"})) == pytest.approx(5 / 6)


def test_pandas_types_a_two_column_file_262144_rows_at_a_time() -> None:
    """What PANDAS_BLOCK_ROWS stands for, checked against the pandas installed."""
    rows = ["c,0105"] * 300_000
    rows[270_000] = "c,0105 7"
    with pytest.warns(pd.errors.DtypeWarning):
        column = pd.read_csv(io.StringIO("\n".join(["customer_id,prediction", *rows])))["prediction"]
    kinds = [type(value) for value in column.tolist()]
    assert set(kinds[:262_144]) == {int} and str not in kinds[:262_144]
    assert set(kinds[262_144:]) == {str}


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns"),
    ("repeated id", "duplicated ids"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 120 rows"),
    ("extra row", "wrong row count: expected 120 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    broken = malformed(text(prepared.sample_path), kind, "customer_id", "prediction")
    broken.to_csv(tmp_path / "broken.csv", index=False)
    assert reason in (prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "broken.csv")
                      or "")


def test_other_columns_or_customers_than_the_sample_s_are_refused(prepared: Prepared,
                                                                  tmp_path: Path) -> None:
    """MLE-bench takes any superset of the buyers; here exactly the sample's customers."""
    sample = text(prepared.sample_path)
    sample.rename(columns={"prediction": "predictions"}).to_csv(tmp_path / "renamed.csv", index=False)
    assert "missing columns: 'prediction'" in (
        prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "renamed.csv") or "")
    other = sample.assign(customer_id=["f" * 64, *sample["customer_id"][1:]])
    other.to_csv(tmp_path / "other.csv", index=False)
    assert "ids do not match the test set: 1 test ids are missing" in (
        prepared.competition.grader(prepared.data.answers_path).check(tmp_path / "other.csv") or "")


def test_a_blank_prediction_is_valid(prepared: Prepared, tmp_path: Path) -> None:
    best = deduplicated(text(prepared.data.answers_path))
    bought = best.index[best["prediction"] != ""]
    best.loc[bought[0], "prediction"] = ""
    best.to_csv(tmp_path / "blank.csv", index=False)
    assert prepared.score(tmp_path / "blank.csv") == pytest.approx(1 - 1 / len(bought))



def test_a_sample_without_a_buyer_or_with_a_customer_twice_stops_the_preparation(
        prepared: Prepared, tmp_path: Path) -> None:
    """Every buyer must be gradable, and answers cannot repeat a customer."""
    raw = tmp_path / "raw"
    shutil.copytree(prepared.raw, raw)
    sample = text(raw / "sample_submission.csv")
    buyer = buyers(text(prepared.data.answers_path)).index[0]
    sample[sample["customer_id"] != buyer].to_csv(raw / "sample_submission.csv", index=False)
    with pytest.raises(ValueError, match=r"1 of the \d+ customers who bought in the held-out days"):
        prepare(prepared.competition, raw, tmp_path / "without")
    pd.concat([sample, sample.iloc[:1]]).to_csv(raw / "sample_submission.csv", index=False)
    with pytest.raises(ValueError, match="lists a customer more than once"):
        prepare(prepared.competition, raw, tmp_path / "twice")
