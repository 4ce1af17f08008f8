"""Strict submission checks: each failure gives one reason a user can act on."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pytest_mlebench.grading import string_ids, validate
from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.metrics import Metric, get_metric
from pytest_mlebench.grading.validate import (
    GradingSpec,
    InvalidSubmission,
    Truth,
    check_submission,
    read_csv,
    score,
)

ANSWERS = pd.DataFrame({"id": ["a", "b", "c", "d"], "target": [0, 1, 1, 0]})
AUC = GradingSpec("id", ("target",), get_metric("roc_auc"))


def write(tmp_path: Path, text: str, name: str = "submission.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def reason(tmp_path: Path, text: str, answers: pd.DataFrame = ANSWERS,
           spec: GradingSpec = AUC) -> str:
    """The reason a submission with this text is refused (it must be refused)."""
    with pytest.raises(InvalidSubmission) as excinfo:
        check_submission(read_csv(write(tmp_path, text)), answers, spec)
    return str(excinfo.value)


# read_csv


def test_read_csv_keeps_ids_and_values_as_written(tmp_path):
    frame = read_csv(write(tmp_path, "id,target\n007,0.5\n8,NA\n"))
    assert frame["id"].tolist() == ["007", "8"]
    assert frame["target"].tolist() == ["0.5", "NA"]


def test_read_csv_strips_column_names_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "submission.csv"
    path.write_bytes("\ufeffid , target\n1,0.5\n".encode())
    assert list(read_csv(path).columns) == ["id", "target"]


def test_read_csv_missing_file(tmp_path):
    with pytest.raises(InvalidSubmission, match=r"no file at .*nothing\.csv"):
        read_csv(tmp_path / "nothing.csv")


def test_read_csv_empty_file(tmp_path):
    with pytest.raises(InvalidSubmission, match=r"submission\.csv is empty"):
        read_csv(write(tmp_path, ""))


@pytest.mark.parametrize("text", ['id,target\n1,"0.5\n', "id,target\n1,0.5,9\n"])
def test_read_csv_unparseable(tmp_path, text):
    with pytest.raises(InvalidSubmission, match="not parseable as CSV"):
        read_csv(write(tmp_path, text))


def test_read_csv_binary_garbage_is_unparseable(tmp_path):
    path = tmp_path / "submission.csv"
    path.write_bytes(b"\xff\xfe\x00\x81id,target\n")
    with pytest.raises(InvalidSubmission, match="not parseable as CSV"):
        read_csv(path)


@pytest.mark.parametrize("text", [
    "id,target\n007,0.5\na b,\n\xe9,1e-3\n",
    '"id","target"\n"007","0.5"\n"a b",""\n"\xe9",1e-3\n',
])
def test_read_csv_reads_the_same_cells_with_or_without_quotes(tmp_path, text):
    # Files without quotes are parsed by pyarrow, files with quotes by pandas.
    frame = read_csv(write(tmp_path, text))
    assert frame.to_dict("list") == {"id": ["007", "a b", "\xe9"], "target": ["0.5", "", "1e-3"]}
    assert list(frame.index) == [0, 1, 2]


def test_read_csv_keeps_quoted_commas_and_newlines(tmp_path):
    frame = read_csv(write(tmp_path, 'id,target\n"a,b",1\n"c\nd",2\n'))
    assert frame["id"].tolist() == ["a,b", "c\nd"]


def test_read_csv_skips_whitespace_only_lines(tmp_path):
    assert read_csv(write(tmp_path, "id,target\na,1\n  \n\nb,2\n"))["id"].tolist() == ["a", "b"]
    assert read_csv(write(tmp_path, "id\na\n \t\nb\n"))["id"].tolist() == ["a", "b"]


def test_read_csv_pads_a_short_row_with_an_empty_cell(tmp_path):
    assert reason(tmp_path, "id,target\na,0.1\nb\nc,0.3\nd,0.4\n") == (
        "column 'target' has 1 missing or NaN values: id 'b' = ''; expected numbers in [0, 1]")


def test_read_csv_duplicate_column_names(tmp_path):
    with pytest.raises(InvalidSubmission, match="duplicate column names: 'target'"):
        read_csv(write(tmp_path, "id,target,target\n1,0.5,0.5\n"))


# check_submission: structure


def test_missing_columns_are_named(tmp_path):
    text = reason(tmp_path, "id,prediction\na,0.1\nb,0.2\nc,0.3\nd,0.4\n")
    assert text.startswith("missing columns: 'target'")


def test_unexpected_columns_are_named(tmp_path):
    text = reason(tmp_path, "id,target,extra\na,0.1,1\nb,0.2,1\nc,0.3,1\nd,0.4,1\n")
    assert text.startswith("unexpected columns: 'extra'")


def test_an_index_written_as_a_column_gets_a_hint(tmp_path):
    text = reason(tmp_path, ",id,target\n0,a,0.1\n1,b,0.2\n2,c,0.3\n3,d,0.4\n")
    assert "unexpected columns: ''" in text and "index=False" in text


def test_wrong_row_count_says_expected_and_got(tmp_path):
    text = reason(tmp_path, "id,target\na,0.1\nb,0.2\nc,0.3\n")
    assert text == "wrong row count: expected 4 rows (one per test id), got 3"


def test_header_only_file_is_a_wrong_row_count(tmp_path):
    assert "expected 4 rows" in reason(tmp_path, "id,target\n")


def test_duplicated_ids_are_named(tmp_path):
    text = reason(tmp_path, "id,target\na,0.1\nb,0.2\nb,0.3\nd,0.4\n")
    assert text == "duplicated ids: 1 ids appear more than once ('b')"


def test_missing_and_unknown_ids_are_counted_with_examples(tmp_path):
    text = reason(tmp_path, "id,target\na,0.1\nb,0.2\nx,0.3\ny,0.4\n")
    assert text == ("ids do not match the test set: 2 test ids are missing ('c', 'd') "
                    "and 2 ids are not test ids ('x', 'y')")


def test_long_lists_of_ids_are_cut_short():
    answers = pd.DataFrame({"id": [str(i) for i in range(10)], "target": [0, 1] * 5})
    submission = pd.DataFrame({"id": [str(i + 100) for i in range(10)], "target": ["0.5"] * 10})
    with pytest.raises(InvalidSubmission, match=r"'0', '1', '2' and 7 more"):
        check_submission(submission, answers, AUC)


def test_ids_that_look_numeric_are_matched_as_written_after_stripping(tmp_path):
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["007", "7", "1_2_3"], "y": [1.0, 2.0, 3.0]})
    _, y_pred = check_submission(
        read_csv(write(tmp_path, "id,y\n 7,20\n1_2_3 ,30\n007,10\n")), answers, spec)
    assert y_pred["y"].tolist() == [10.0, 20.0, 30.0]
    assert reason(tmp_path, "id,y\n7,1\n07,2\n1_2_3,3\n", answers, spec) == (
        "ids do not match the test set: 1 test ids are missing ('007') "
        "and 1 ids are not test ids ('07')")


@pytest.mark.parametrize("written", ["007", "+7", "7.0", "07", "0x7", "-0", "9999999999999999999"])
def test_integer_ids_are_matched_as_written_too(tmp_path, written):
    """All-integer ids take the no-hashing path; a 7 written another way is still another id."""
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["7", "8", "9"], "y": [1.0, 2.0, 3.0]})
    assert reason(tmp_path, f"id,y\n9,1\n{written},2\n8,3\n", answers, spec) == (
        "ids do not match the test set: 1 test ids are missing ('7') "
        f"and 1 ids are not test ids ({written!r})")


@pytest.mark.parametrize("ids", [["3", "1", "2"], ["-5", "10000000000000000", "0"],
                                 ["-9223372036854775808", "9223372036854775807", "1000000000000000000"]])
def test_integer_ids_dense_or_sparse_pair_each_prediction_with_its_id(tmp_path, ids):
    """A dense range is aligned by offset, a sparse one by hashing: both by id."""
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ids, "y": [1.0, 2.0, 3.0]})
    text = "id,y\n" + "".join(f"{i},{v}\n" for i, v in zip(ids[::-1], [30, 20, 10], strict=True))
    _, y_pred = check_submission(read_csv(write(tmp_path, text)), answers, spec)
    assert y_pred["y"].tolist() == [10.0, 20.0, 30.0]


def test_unicode_ids_are_matched_after_stripping_unicode_whitespace(tmp_path):
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["\xe9t\xe9", "\u65e5\u672c", "stra\xdfe"], "y": [1.0, 2.0, 3.0]})
    text = "id,y\nstra\xdfe,3\n\u3000\u65e5\u672c\xa0,2\n\xe9t\xe9,1\n"
    y_true, y_pred = check_submission(read_csv(write(tmp_path, text)), answers, spec)
    assert list(y_pred.index) == ["\xe9t\xe9", "\u65e5\u672c", "stra\xdfe"]
    assert y_pred["y"].tolist() == y_true["y"].tolist()


def _random_ids(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct ids of 1 to 40 characters, some of them not ASCII, many sharing a long prefix."""
    alphabet = [*"abcXYZ019-_.:", "\xe9", "\u65e5", "\U0001f600"]
    prefix = "prefix-shared-by-many-"
    ids = {prefix * int(rng.integers(2)) + "".join(rng.choice(alphabet, rng.integers(1, 19)))
           for _ in range(count)}
    return sorted(ids)


@pytest.mark.parametrize("longest", [40, 3000])
def test_string_ids_pair_each_prediction_with_its_id_by_hash(tmp_path, monkeypatch, longest):
    """Ids short and long are matched by hash (and their bytes compared); the file is large
    enough to be read in several blocks (Arrow chunks)."""
    rng = np.random.default_rng(2)
    ids = _random_ids(rng, 60000)
    ids[5] = "L" * longest
    answers = pd.DataFrame({"id": ids, "y": np.arange(len(ids), dtype=float)})
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    truth = Truth.of(answers, spec)
    assert truth.hashed is not None
    order = rng.permutation(len(ids))
    text = "id,y\n" + "".join(f"{ids[i]},{i * 10}\n" for i in order)
    submission = read_csv(write(tmp_path, text))
    if isinstance(submission["id"].dtype, pd.StringDtype):  # pandas 3: Arrow's chunks, as read
        assert len(string_ids.chunks(submission["id"])) > 1
    with monkeypatch.context() as patched:
        patched.setattr(validate, "_codes", None)  # matched by hash alone, not by the exact path
        _, y_pred = check_submission(submission, answers, spec, truth)
    assert y_pred["y"].tolist() == [i * 10.0 for i in range(len(ids))]
    swapped = text.replace(f"\n{ids[order[0]]},", f"\n{ids[order[0]]}?,", 1)
    with pytest.raises(InvalidSubmission, match=r"1 test ids are missing .* and 1 ids are not test ids"):
        check_submission(read_csv(write(tmp_path, swapped)), answers, spec, truth)


@pytest.mark.parametrize("seed, repeats", [(0, True), (1, True), (2, True), (3, False)])
def test_repeated_ids_pair_by_occurrence_alike_by_counts_and_as_text(tmp_path, monkeypatch, seed, repeats):
    """Where ids may repeat, the k-th row of an id pairs with the k-th answer of that id:
    placed by counts (the usual path; by hash alone where the answers hold each id once)
    exactly as by the qualified texts (the exact path)."""
    rng = np.random.default_rng(seed)
    words = [f"comment {i}" + " long" * int(rng.integers(0, 80)) for i in range(300)]
    ids = [words[i] for i in (rng.integers(0, len(words), 2000) if repeats else rng.permutation(len(words)))]
    answers = pd.DataFrame({"id": ids, "y": np.arange(len(ids), dtype=float)})
    spec = GradingSpec("id", ("y",), get_metric("rmse"), repeated_ids=True)
    by_id: dict[str, list[int]] = {}
    for i in range(len(ids)):
        by_id.setdefault(ids[i], []).append(i)
    # Rows shuffled, but each id's rows in its answers' order: the k-th holds the k-th answer's value.
    file_rows = [by_id[ids[i]].pop(0) for i in rng.permutation(len(ids))]
    text = "id,y\n" + "".join(f"{ids[i]},{i * 10}\n" for i in file_rows)
    submission = read_csv(write(tmp_path, text))
    truth = Truth.of(answers, spec)
    with monkeypatch.context() as patched:
        patched.setattr(validate, "_repeats_checked", None)  # placed by counts alone
        _, by_counts = check_submission(submission, answers, spec, truth)
    with monkeypatch.context() as patched:
        patched.setattr(validate.Repeats, "positions", lambda self, ids: None)
        _, as_text = check_submission(submission, answers, spec, truth)
    assert by_counts["y"].tolist() == as_text["y"].tolist() == [i * 10.0 for i in range(len(ids))]
    assert np.array_equal(by_counts.attrs["layout"].rows, as_text.attrs["layout"].rows)
    extra = text + f"{ids[0]},1\n"
    with pytest.raises(InvalidSubmission, match="appear more often than in the test set"):
        check_submission(read_csv(write(tmp_path, extra)), answers, spec, truth)


def test_answers_whose_qualified_ids_meet_a_given_one_are_refused():
    """Where ids may repeat, the second 'a' is 'a #2': answers that also hold 'a #2' itself
    cannot be paired, a problem of the answers."""
    spec = GradingSpec("id", ("y",), get_metric("rmse"), repeated_ids=True)
    clash = pd.DataFrame({"id": ["a", "a #2", "a", "b"], "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match="the answers repeat ids: 'a #2'"):
        Truth.of(clash, spec)
    fine = clash.assign(id=["a", "a #3", "a", "b"])
    assert Truth.of(fine, spec).ids.tolist() == ["a", "a #3", "a #2", "b"]


def test_equal_hashes_never_pair_unequal_ids(tmp_path, monkeypatch):
    """A hash that collides (here: one that ignores the order of a string's characters) makes
    matching fall back to the exact checks, which name the ids, instead of pairing 'ab' with 'ba'."""
    def anagram_hash(strings: string_ids.Strings) -> np.ndarray:
        spans = zip(strings.starts, strings.lengths, strict=True)
        texts = [strings.raw[start : start + length].tobytes() for start, length in spans]
        return np.array([hash(bytes(sorted(t))) for t in texts]).astype(np.uint64)

    monkeypatch.setattr(string_ids.Strings, "hashes", anagram_hash)
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["ab", "cd", "ef"], "y": [1.0, 2.0, 3.0]})
    assert Truth.of(answers, spec).hashed is not None
    assert reason(tmp_path, "id,y\ncd,2\nba,1\nef,3\n", answers, spec) == (
        "ids do not match the test set: 1 test ids are missing ('ab') and 1 ids are not test ids ('ba')")
    colliding = pd.DataFrame({"id": ["ab", "ba", "ef"], "y": [1.0, 2.0, 3.0]})
    assert Truth.of(colliding, spec).hashed is None  # two answers hash alike: the exact path
    _, y_pred = check_submission(read_csv(write(tmp_path, "id,y\nba,20\nef,30\nab,10\n")), colliding, spec)
    assert y_pred["y"].tolist() == [10.0, 20.0, 30.0]


def test_ids_with_whitespace_at_either_end_are_stripped_on_the_hashed_path(tmp_path):
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["id-1", "id-2", "id-3"], "y": [1.0, 2.0, 3.0]})
    for text in ("id,y\n id-3,3\nid-1\t,1\nid-2,2\n", "id,y\nid-3\xa0,3\nid-1,1\n\u3000id-2,2\n"):
        y_true, y_pred = check_submission(read_csv(write(tmp_path, text)), answers, spec)
        assert y_pred["y"].tolist() == y_true["y"].tolist()


def test_ids_in_the_answers_order_are_checked_like_any_other_order():
    submission = pd.DataFrame({"id": ["a", "a"], "target": ["0.1", "0.2"]})
    with pytest.raises(ValueError, match="the answers repeat ids: 'a'") as excinfo:
        check_submission(submission, pd.DataFrame({"id": ["a", "a"], "target": [0, 1]}), AUC)
    assert not isinstance(excinfo.value, InvalidSubmission)
    _, y_pred = check_submission(
        pd.DataFrame({"id": ["a", "b", "c", "d"], "target": ["0.1", "0.2", "0.3", "0.4"]}),
        ANSWERS, AUC)
    assert list(y_pred.index) == ["a", "b", "c", "d"]
    assert y_pred["target"].tolist() == [0.1, 0.2, 0.3, 0.4]


def test_a_file_of_many_blocks_is_aligned_and_its_problems_named(tmp_path):
    # Over a megabyte: pyarrow parses it in several blocks, hashed as one id list.
    rng = np.random.default_rng(0)
    ids = np.array([f"{i // 1000}_{i % 1000:04d}" for i in range(120_000)], dtype=object)
    answers = pd.DataFrame({"id": ids, "target": rng.integers(0, 2, len(ids)).astype(str)})
    order = rng.permutation(len(ids))
    values = (order / len(ids)).round(6).astype(str)
    rows = [f"{i},{v}" for i, v in zip(ids[order], values, strict=True)]
    y_true, y_pred = check_submission(
        read_csv(write(tmp_path, "id,target\n" + "\n".join(rows) + "\n")), answers, AUC)
    assert list(y_pred.index[:2]) == ["0_0000", "0_0001"]
    expected = np.empty(len(ids))
    expected[order] = values.astype(float)
    assert np.array_equal(y_pred["target"].to_numpy(), expected)
    assert y_true["target"].tolist() == answers["target"].astype(float).tolist()

    first, second = ids[order[5]], ids[order[7]]
    rows[100_000], rows[110_000] = f"{first},0.5", f" {second} ,0.5"
    assert reason(tmp_path, "id,target\n" + "\n".join(rows) + "\n", answers) == (
        f"duplicated ids: 2 ids appear more than once ('{first}', '{second}')")


# check_submission: values


@pytest.mark.parametrize("value, what", [
    ("high", "1 non-numeric values: id 'c' = 'high'"),
    ("nan", "1 missing or NaN values: id 'c' = 'nan'"),
    ("", "1 missing or NaN values: id 'c' = ''"),
    ("inf", "1 infinite values: id 'c' = 'inf'"),
    ("1.5", "1 values outside [0, 1]: id 'c' = '1.5'"),
    ("-0.1", "1 values outside [0, 1]: id 'c' = '-0.1'"),
])
def test_probability_values_are_checked_naming_column_and_ids(tmp_path, value, what):
    text = reason(tmp_path, f"id,target\na,0.1\nb,0.2\nc,{value}\nd,0.4\n")
    assert text == f"column 'target' has {what}; expected numbers in [0, 1]"


def test_value_problems_name_a_few_row_ids(tmp_path):
    text = reason(tmp_path, "id,target\na,2\nb,3\nc,4\nd,5\n")
    assert ("4 values outside [0, 1]: id 'a' = '2', id 'b' = '3', id 'c' = '4' and 1 more"
            in text)


def test_number_metrics_accept_any_finite_number(tmp_path):
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["1", "2"], "y": [1.5, 2.0]})
    _, y_pred = check_submission(read_csv(write(tmp_path, "id,y\n1,-3e5\n2, 42\n")), answers, spec)
    assert y_pred["y"].tolist() == [-3e5, 42.0]
    assert "infinite values" in reason(tmp_path, "id,y\n1,-inf\n2,1\n", answers, spec)


@pytest.mark.parametrize("value, number", [
    ("1e-3", 1e-3), ("+.5", 0.5), (" 0.25 ", 0.25), ("1E2", 100.0), ("007", 7.0), ("-0", 0.0),
    ("0.07405789875871516", 0.07405789875871516), ("1e-400", 0.0),
])
def test_numbers_are_read_as_pandas_reads_them(tmp_path, value, number):
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["1", "2"], "y": [1.5, 2.0]})
    _, y_pred = check_submission(read_csv(write(tmp_path, f"id,y\n1,{value}\n2,1\n")), answers, spec)
    assert y_pred["y"].tolist() == [number, 1.0]


@pytest.mark.parametrize("value, what", [
    ("NaN", "missing or NaN values"), ("-nan", "missing or NaN values"),
    ("nan(1)", "non-numeric values"), ("0x1", "non-numeric values"), ("1_0", "non-numeric values"),
    ("1,5", "non-numeric values"),
])
def test_nan_and_garbled_numbers_are_told_apart_as_pandas_does(tmp_path, value, what):
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    answers = pd.DataFrame({"id": ["1", "2"], "y": [1.5, 2.0]})
    assert reason(tmp_path, f'id,y\n1,1\n2,"{value}"\n', answers, spec) == (
        f"column 'y' has 1 {what}: id '2' = {value!r}; expected finite numbers")
    if "," not in value:  # the same without quotes, read by pyarrow
        assert reason(tmp_path, f"id,y\n1,1\n2,{value}\n", answers, spec).startswith(
            f"column 'y' has 1 {what}")


def test_rmsle_refuses_negative_predictions(tmp_path):
    spec = GradingSpec("id", ("y",), get_metric("rmsle"))
    answers = pd.DataFrame({"id": ["1", "2"], "y": [1.5, 2.0]})
    text = reason(tmp_path, "id,y\n1,-0.5\n2,1\n", answers, spec)
    assert text == "column 'y' has 1 negative values: id '1' = '-0.5'; expected finite numbers >= 0"


def test_kappa_refuses_fractional_predictions_but_takes_written_out_integers(tmp_path):
    spec = GradingSpec("id", ("rating",), get_metric("quadratic_weighted_kappa"))
    answers = pd.DataFrame({"id": ["1", "2"], "rating": [1, 3]})
    assert "1 non-integer values: id '2' = '2.5'" in reason(
        tmp_path, "id,rating\n1,1\n2,2.5\n", answers, spec)
    _, y_pred = check_submission(pd.DataFrame({"id": ["1", "2"], "rating": ["1.0", "3"]}),
                                 answers, spec)
    assert y_pred["rating"].tolist() == [1.0, 3.0]


def test_labels_must_not_be_empty(tmp_path):
    spec = GradingSpec("id", ("label",), get_metric("accuracy"))
    answers = pd.DataFrame({"id": ["1", "2"], "label": ["cat", "dog"]})
    text = reason(tmp_path, "id,label\n1,cat\n2,  \n", answers, spec)
    assert text == "column 'label' has 1 empty labels: id '2' = '  '; expected non-empty labels"


def test_the_first_bad_target_column_is_reported(tmp_path):
    spec = GradingSpec("id", ("a", "b"), get_metric("mean_columnwise_roc_auc"))
    answers = pd.DataFrame({"id": ["1", "2"], "a": [0, 1], "b": [1, 0]})
    assert reason(tmp_path, "id,b,a\n1,x,0.5\n2,0.5,0.5\n", answers, spec).startswith(
        "column 'b' has 1 non-numeric values")


# check_submission: what it returns


def test_rows_are_aligned_to_the_answers_whatever_the_order_of_rows_and_columns(tmp_path):
    submission = read_csv(write(tmp_path, "target,id\n0.4,d\n0.1, a \n0.3,c\n0.2,b\n"))
    y_true, y_pred = check_submission(submission, ANSWERS, AUC)
    assert list(y_pred.index) == ["a", "b", "c", "d"]
    assert y_pred["target"].tolist() == [0.1, 0.2, 0.3, 0.4]
    assert y_true["target"].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert list(y_true.columns) == list(y_pred.columns) == ["target"]
    assert y_pred["target"].dtype == y_true["target"].dtype == np.float64


def test_ids_are_compared_as_stripped_strings():
    answers = pd.DataFrame({"id": [1, 2], "y": [1.0, 2.0]})
    submission = pd.DataFrame({"id": [" 2", "1 "], "y": ["20", "10"]})
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    _, y_pred = check_submission(submission, answers, spec)
    assert y_pred["y"].tolist() == [10.0, 20.0]


def test_labels_come_back_as_stripped_strings():
    spec = GradingSpec("id", ("label",), get_metric("accuracy"))
    answers = pd.DataFrame({"id": ["1", "2"], "label": [3, "dog"]})
    y_true, y_pred = check_submission(
        pd.DataFrame({"id": ["1", "2"], "label": [" 3", "cat "]}), answers, spec)
    assert y_true["label"].tolist() == ["3", "dog"]
    assert y_pred["label"].tolist() == ["3", "cat"]


def test_broken_answers_are_the_harness_fault_not_the_submission():
    submission = pd.DataFrame({"id": ["a", "b"], "target": ["0.1", "0.2"]})
    repeated = pd.DataFrame({"id": ["a", "a"], "target": [0, 1]})
    for answers, message in [
        (repeated, "the answers repeat ids"),
        (repeated.rename(columns={"target": "label"}), "the answers lack columns"),
        (pd.DataFrame({"id": ["a", "b"], "target": [0, 7]}), "the answers do not fit"),
    ]:
        with pytest.raises(ValueError, match=message) as excinfo:
            check_submission(submission, answers, AUC)
        assert not isinstance(excinfo.value, InvalidSubmission)


def test_a_spec_needs_target_columns_apart_from_the_id():
    with pytest.raises(ValueError, match="target columns"):
        GradingSpec("id", ("id",), get_metric("rmse"))
    with pytest.raises(ValueError, match="target columns"):
        GradingSpec("id", (), get_metric("rmse"))


# score and validation_reason


def test_score_is_the_metric_on_the_aligned_submission(tmp_path):
    path = write(tmp_path, "id,target\nc,0.7\na,0.6\nd,0.75\nb,0.8\n")
    value = score(path, ANSWERS, AUC)
    assert type(value) is float
    # Positives b, c (0.8, 0.7) against negatives a, d (0.6, 0.75): 3 wins of 4 pairs.
    # Read in file order instead of by id, the same values would give 1 of 4.
    assert value == 0.75


def test_score_refuses_an_invalid_submission(tmp_path):
    with pytest.raises(InvalidSubmission, match="wrong row count"):
        score(write(tmp_path, "id,target\na,0.5\n"), ANSWERS, AUC)


def test_a_competition_grader_runs_after_the_checks_on_the_checked_submission(tmp_path):
    answers = pd.DataFrame({"id": [10, 20, 30], "y": [1.0, 2.0, 3.0]})
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    seen: list[pd.DataFrame] = []

    def grade(submission: pd.DataFrame, given_answers: pd.DataFrame) -> float:
        seen.append(submission)
        merged = submission.merge(given_answers, on="id", suffixes=("_pred", "_true"))
        return np.float64((merged["y_pred"] - merged["y_true"]).abs().max())

    value = score(write(tmp_path, "y,id\n3.5,30\n1,10\n2,20\n"), answers, spec, grade)
    assert type(value) is float and value == 0.5
    (submission,) = seen
    assert submission["id"].tolist() == [10, 20, 30]
    assert submission["y"].tolist() == [1.0, 2.0, 3.5]

    with pytest.raises(InvalidSubmission, match="non-numeric"):
        score(write(tmp_path, "id,y\n10,one\n20,2\n30,3\n"), answers, spec, grade)
    assert len(seen) == 1


def test_a_competition_grader_gets_the_answers_ids_with_their_dtype(tmp_path):
    answers = read_csv(write(tmp_path, "id,y\n007,1\nb,2\n", "answers.csv"))
    seen: list[pd.DataFrame] = []

    def grade(submission: pd.DataFrame, given_answers: pd.DataFrame) -> float:
        seen.append(submission)
        return 0.0

    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    score(write(tmp_path, "id,y\nb, 2\n 007,1.5\n"), answers, spec, grade)
    (submission,) = seen
    assert submission["id"].tolist() == ["007", "b"]
    assert submission["id"].dtype == answers["id"].dtype
    assert submission["y"].tolist() == [1.5, 2.0]


def test_a_grader_holds_numeric_answer_targets_as_text_unless_its_grade_takes_them_typed(tmp_path):
    """A grade.py may parse the answers' targets itself; one that takes ``truth`` does not."""
    answers = write(tmp_path, "id,y\n1,0.5\n2,1.5\n3,2.5\n", "answers.csv")
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    submission = write(tmp_path, "id,y\n3,2.5\n1,0.5\n2,1.0\n")

    def reads_text(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
        return float(np.abs(pd.to_numeric(answers["y"]) - submission["y"]).max())

    def takes_truth(submission: pd.DataFrame, answers: pd.DataFrame, truth: pd.DataFrame) -> float:
        return float(np.abs(truth["y"] - submission["y"]).max())

    for grade, dtype, value in [(reads_text, "str", 0.5), (takes_truth, "float64", 0.5),
                                (None, "float64", math.sqrt(0.25 / 3))]:
        grader = Grader.load(spec, answers, grade)
        assert grader.answers["y"].dtype == dtype
        assert grader.score(submission) == pytest.approx(value)


def test_a_layout_gives_each_file_row_its_answer_row(tmp_path):
    answers = pd.DataFrame({"id": ["a", "b", "c", "d"], "y": [1.0, 2.0, 3.0, 4.0]})
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    _, y_pred = check_submission(read_csv(write(tmp_path, "id,y\nc,3\na,1\nd,4\nb,2\n")), answers, spec)
    layout = y_pred.attrs["layout"]
    assert layout.rows.tolist() == [1, 3, 0, 2]  # answer row -> file row
    assert layout.file_order.tolist() == [2, 0, 3, 1]  # file row -> answer row
    assert y_pred["y"].to_numpy()[layout.file_order].tolist() == [3.0, 1.0, 4.0, 2.0]


@pytest.mark.parametrize("text", [
    "id,y\n3,3\n1,1\n4,4\n2,2\n",  # valid, shuffled
    "id,y\n3,3\n1,1\n3,4\n2,2\n",  # a repeated id
    "id,y\n3,3\n1,1\n5,4\n2,2\n",  # an id past the test range
    "id,y\n3,3\n1,1\n0,4\n2,2\n",  # an id before it
    "id,y\n3,3\n1,1\n2,2\n",  # a row short
    "id,y\n3,3\n1,1\n04,4\n2,2\n",  # an id not written as a plain integer
], ids=["valid", "repeated", "past", "before", "short", "zero-padded"])
def test_answers_listing_their_integer_range_in_order_match_as_shuffled_answers_do(tmp_path, text):
    """Answers whose ids run 1, 2, 3, ... have their rows as codes (no table of them); the
    verdict, the reason and the placement are those of the same answers in another order."""
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    in_order = pd.DataFrame({"id": ["1", "2", "3", "4"], "y": [1.0, 2.0, 3.0, 4.0]})
    shuffled = in_order.iloc[[2, 0, 3, 1]].reset_index(drop=True)
    outcomes = []
    for answers in (in_order, shuffled):
        truth = Truth.of(answers, spec)
        # The in-order answers' codes are their rows: no array of them is made.
        assert (validate._integer_codes(truth, truth.numbers.copy())[0] is None) == truth.in_order
        try:
            _, y_pred = check_submission(read_csv(write(tmp_path, text)), answers, spec, truth)
            file_row_of = dict(zip(answers["id"], y_pred.attrs["layout"].rows.tolist(), strict=True))
            outcomes.append((truth.in_order, file_row_of, y_pred["y"].sort_index().tolist()))
        except InvalidSubmission as exc:
            outcomes.append((truth.in_order, str(exc)))
    assert outcomes[0][0] and not outcomes[1][0]
    assert outcomes[0][1:] == outcomes[1][1:]


def test_once_a_file_is_parsed_pyarrow_holds_no_view_of_its_bytes():
    """pyarrow's threaded reader can drop its view of the bytes on its own thread a moment after
    returning; a process exiting meanwhile is aborted (apache/arrow#34314: the grade command
    was). Parsing returns only once the view is gone, every time."""
    data = ("id,y\n" + "".join(f"{i},{i / 7}\n" for i in range(300_000))).encode()  # 6 blocks
    types = {"id": pa.large_string(), "y": pa.float64()}
    held = sys.getrefcount(data)
    for _ in range(300):
        # Checked right where read_csv returns: later work would give the view time to go anyway.
        assert validate._arrow_table(data, types, skip_rows=1) is not None
        assert sys.getrefcount(data) == held


def test_an_id_written_in_hexadecimal_is_not_the_integer_it_reads_as(tmp_path):
    """pyarrow reads "0x..." as an integer, and a long one has fewer characters than the integer
    has digits: it is text that no test id is, whatever number it stands for."""
    first = int("FFFFFFFFFFFFFFF", 16)  # 17 characters in hexadecimal, 19 digits
    answers = pd.DataFrame({"id": [str(first + i) for i in range(4)], "y": [1.0, 2.0, 3.0, 4.0]})
    spec = GradingSpec("id", ("y",), get_metric("rmse"))
    rows = [f"{first + 2},3", "0xFFFFFFFFFFFFFFF,1", f"{first + 3},4", f"{first + 1},2"]
    assert validate._integers(pd.Index(pd.Series(["0xFFFFFFFFFFFFFFF"], dtype="str"))) is None
    assert "1 ids are not test ids ('0xFFFFFFFFFFFFFFF')" in reason(
        tmp_path, "id,y\n" + "\n".join(rows) + "\n", answers, spec)
    rows[1] = f"{first},1"
    _, y_pred = check_submission(read_csv(write(tmp_path, "id,y\n" + "\n".join(rows) + "\n")), answers, spec)
    assert y_pred["y"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_pairing_by_position_scores_row_i_against_answer_i_and_still_checks_the_ids(tmp_path):
    """MLE-bench's nomad2018 pairing: the file's rows meet the answers' in order, the values
    keep the file's order, yet every id must be a test id, once, and a bad value is named by
    the id on its own row."""
    answers = pd.DataFrame({"id": ["a", "b", "c", "d"], "y": [1.0, 2.0, 3.0, 4.0]})
    spec = GradingSpec("id", ("y",), get_metric("rmse"), pair_by_position=True)
    y_true, y_pred = check_submission(read_csv(write(tmp_path, "id,y\nc,3\na,1\nd,4\nb,2\n")), answers, spec)
    assert y_pred["y"].tolist() == [3.0, 1.0, 4.0, 2.0]
    assert y_pred.index.equals(y_true.index)
    assert y_pred.attrs["layout"].rows.tolist() == [1, 3, 0, 2]
    assert "1 ids are not test ids ('e')" in reason(tmp_path, "id,y\nc,3\na,1\ne,4\nb,2\n", answers, spec)
    assert "duplicated ids" in reason(tmp_path, "id,y\nc,3\na,1\na,4\nb,2\n", answers, spec)
    assert "id 'd' = 'inf'" in reason(tmp_path, "id,y\nc,3\na,1\nd,inf\nb,2\n", answers, spec)


@pytest.mark.parametrize("ids", [[5, 6, 7, 6], [1, 10**12, 7, 10**12]], ids=["dense", "sparse"])
def test_answers_that_repeat_an_integer_id_are_refused_whatever_their_range(ids):
    answers = pd.DataFrame({"id": [str(i) for i in ids], "y": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match="the answers repeat ids"):
        Truth.of(answers, GradingSpec("id", ("y",), get_metric("rmse")))
    answers["id"] = [str(i) for i in (*ids[:3], 8)]
    assert Truth.of(answers, GradingSpec("id", ("y",), get_metric("rmse"))).numbers is not None


def test_a_non_finite_score_is_invalid(tmp_path):
    spec = GradingSpec("id", ("target",), Metric("nan_metric", True, "probability",
                                                 lambda t, p: math.nan))
    with pytest.raises(InvalidSubmission, match="scores nan under nan_metric"):
        score(write(tmp_path, "id,target\na,0.1\nb,0.2\nc,0.3\nd,0.4\n"), ANSWERS, spec)


def test_the_grader_check_decides_as_grading_does_and_never_returns_a_score(tmp_path):
    """The validation endpoint's answer: the competition's own checks included."""

    def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
        if (submission["target"] == 0.5).any():
            raise InvalidSubmission("0.5 is not a decision")
        return 0.75

    grader = Grader(AUC, ANSWERS, grade)
    valid = write(tmp_path, "id,target\na,0.1\nb,0.2\nc,0.3\nd,0.4\n", "valid.csv")
    assert grader.check(valid) is None and grader.score(valid) == 0.75
    own = write(tmp_path, "id,target\na,0.5\nb,0.2\nc,0.3\nd,0.4\n", "own.csv")
    assert grader.check(own) == "0.5 is not a decision"
    with pytest.raises(InvalidSubmission, match="not a decision"):
        grader.score(own)
    short = write(tmp_path, "id,target\na,0.1\n", "short.csv")
    assert grader.check(short) == "wrong row count: expected 4 rows (one per test id), got 1"
    assert grader.check(tmp_path / "absent.csv").startswith("no file at")


def test_a_line_of_millions_of_fields_is_refused_unparsed(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b",".join([b"1"] * 2_000_000) + b"\n")
    with pytest.raises(InvalidSubmission, match=r"line 1 is 3,999,999 bytes long"):
        score(path, ANSWERS, AUC)


def test_a_header_far_wider_than_the_submission_is_refused_unparsed(tmp_path):
    header = ",".join(f"c{i}" for i in range(5000))
    path = write(tmp_path, f"{header}\n" + ",".join("0" * 5000) + "\n")
    with pytest.raises(InvalidSubmission, match="the header has 5,000 fields; expected 2 columns"):
        score(path, ANSWERS, AUC)


def test_a_few_unexpected_columns_are_still_named(tmp_path):
    path = write(tmp_path, "id,target,extra\na,0.1,1\nb,0.2,1\nc,0.3,1\nd,0.4,1\n")
    with pytest.raises(InvalidSubmission, match="unexpected columns: 'extra'"):
        score(path, ANSWERS, AUC)


def test_a_long_row_under_a_short_header_is_a_parse_error_not_new_columns(tmp_path):
    path = write(tmp_path, 'id,target\n"a",0.1\nb,0.2' + ",0" * 100_000 + "\nc,0.3\nd,0.4\n")
    with pytest.raises(InvalidSubmission, match="not parseable as CSV"):
        score(path, ANSWERS, AUC)
