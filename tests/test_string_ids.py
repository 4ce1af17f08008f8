"""String ids hashed and compared on Arrow's buffers (grading/string_ids.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pytest_mlebench.grading.string_ids import HashIndex, Strings, chunks, hashable, plainly_edged

WORDS = ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefgh1", "abcdefgh2", "\xe9t\xe9", "\U0001f600x",
         "prefix-shared-by-several-ids-1", "prefix-shared-by-several-ids-2", "z" * 256]


def index(*parts: list[str]) -> pd.Index:
    """A pandas str Index over an Arrow array of these chunks, as the CSV reader makes them."""
    return pd.Index(pd.Series(pa.chunked_array([pa.array(p, pa.large_string()) for p in parts]), dtype="str"))


def test_equal_strings_hash_alike_wherever_they_are_stored():
    """A slice (an offset into the buffers), a string ending at the buffer's last byte and a
    buffer shorter than a word hash as the same strings stored alone; different ones do not."""
    whole = Strings(pa.array(WORDS)).hashes()
    assert len(set(whole.tolist())) == len(WORDS)
    for start in range(len(WORDS)):
        alone = Strings(pa.array(WORDS[start:])).hashes()
        assert np.array_equal(Strings(pa.array(WORDS).slice(start)).hashes(), alone)
        assert np.array_equal(whole[start:], alone)
        assert Strings(pa.array(WORDS[start : start + 1], pa.string())).hashes()[0] == whole[start]


def test_what_cannot_be_hashed_goes_the_exact_way():
    assert hashable([Strings(pa.array(WORDS))])
    assert not hashable([Strings(pa.array(["a", None]))])
    assert HashIndex.of(index(["x", "y", "x"])) is None  # repeated: hashes alike


def test_long_strings_hash_by_every_byte_beside_short_ones():
    """A round of the hash takes only the strings that reach it: a long string's last bytes
    still count, and its neighbours' hashes are those they have alone."""
    long = ["k" * 5000, "k" * 4999 + "j", "k" * 5001]
    mixed = Strings(pa.array(["a", *long, "b"])).hashes()
    assert len(set(mixed.tolist())) == 5
    assert mixed[0] == Strings(pa.array(["a"])).hashes()[0]
    assert mixed[4] == Strings(pa.array(["b"])).hashes()[0]
    assert np.array_equal(mixed[1:4], Strings(pa.array(long)).hashes())
    assert HashIndex.of(index(["x", "z" * 300])) is not None


@pytest.mark.parametrize(("text", "plain"), [
    ("id-1", True), ("", True), (" id", False), ("id\t", False), ("\xa0id", False), ("id\u3000", False),
    ("\x7fid", False),
])
def test_only_ids_with_an_edge_that_may_be_whitespace_are_stripped(text, plain):
    assert plainly_edged(index(["a", "b"], [text])) is plain


def test_ids_in_several_chunks_are_matched_to_the_answers_in_one():
    rng = np.random.default_rng(0)
    truth = HashIndex.of(index(WORDS))
    assert truth is not None
    order = rng.permutation(len(WORDS))
    shuffled = [WORDS[i] for i in order]
    positions = truth.positions(index(shuffled[:5], shuffled[5:7], shuffled[7:]))
    assert [shuffled[p] for p in positions] == WORDS
    assert truth.positions(index(WORDS[:3], WORDS[3:])).tolist() == list(range(len(WORDS)))
    assert truth.positions(index(shuffled[:-1])) is None  # one id short
    assert truth.positions(index(shuffled[:-1], ["not an id"])) is None
    assert truth.positions(index(shuffled[:-1], [shuffled[0]])) is None  # one id twice


def test_a_grader_holds_the_answers_ids_once(tmp_path):
    """Answers read in several Arrow chunks are joined once, and the hash index reads that
    one copy rather than making another."""
    from pytest_mlebench.grading.grader import Grader
    from pytest_mlebench.grading.metrics import get_metric
    from pytest_mlebench.grading.validate import GradingSpec

    path = tmp_path / "answers.csv"
    path.write_text("key,y\n" + "".join(f"key-{i:07d}-{i % 97},{i % 5}\n" for i in range(120_000)))
    grader = Grader.load(GradingSpec("key", ("y",), get_metric("rmse")), path)
    if not isinstance(grader.answers["key"].dtype, pd.StringDtype):
        pytest.skip("pandas 2 holds the ids as Python objects")
    (held,) = chunks(grader.answers["key"])
    assert grader.truth is not None and grader.truth.hashed is not None
    assert grader.truth.hashed.ids.buffers()[2].address == held.buffers()[2].address
    assert grader.score(path) == 0.0
