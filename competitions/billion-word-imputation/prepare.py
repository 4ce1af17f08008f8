"""Billion Word Imputation: MLE-bench's held-out sentences of Kaggle's train_v2.txt, one word removed.

Kaggle's test sentences were never released whole, so, as in MLE-bench, about 1% of
the training sentences are held out. One legacy generator, ``RandomState(0)``, decides
line by line: a ``uniform()`` draw for every line, and a line is held out when the draw
is at most 0.01 and it has more than two words; its quotes are doubled (CSV escaping),
and ``randint(1, words - 1)`` picks the word to remove, never the first nor the last.
The words are split on any whitespace and joined by single spaces. Held-out sentences
are numbered from 0.

The training file is 4 GB (30 million sentences), so it is read line by line (Python's
text mode: ``\\n``, ``\\r\\n`` and ``\\r`` all end a line, as in MLE-bench) and every output
is written as it goes, the zipped ones straight into their archives: memory stays flat.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import numpy as np

from pytest_mlebench.data.prepare.files import progress, write_once
from pytest_mlebench.data.prepare.text_normalization import _zip_writer as zip_writer
from pytest_mlebench.data.store import ANSWERS

TRAIN = "train_v2.txt"
TEST = "test_v2.txt"
SEED = 0
HELD_OUT = 0.01
#: The lines of Kaggle's train_v2.txt; MLE-bench reads no further than this.
TOTAL_LINES = 30_301_028
HEADER = '"id","sentence"\n'
#: Lines between two steps of the progress bar.
PROGRESS_STEP = 100_000


@contextmanager
def _training_lines(raw: Path) -> Iterator[IO[str]]:
    """Kaggle's train_v2.txt as text, from its zip (streamed) or already extracted."""
    if (raw / TRAIN).is_file():
        with open(raw / TRAIN, encoding="utf-8") as fh:
            yield fh
        return
    with zipfile.ZipFile(raw / f"{TRAIN}.zip") as zf, zf.open(TRAIN) as member:
        yield io.TextIOWrapper(member, encoding="utf-8")


def without_a_word(sentence: str, rng: np.random.RandomState) -> str:
    """The sentence less one word drawn from ``rng``, never its first nor its last."""
    words = sentence.split()
    gap = rng.randint(1, len(words) - 1)
    return " ".join(words[:gap] + words[gap + 1:])


def _split(raw: Path, public: Path, tmp_answers: Path) -> None:
    rng = np.random.RandomState(SEED)
    with ExitStack() as stack:
        lines = stack.enter_context(_training_lines(raw))
        # Text streamed straight into one-file zips, as Kaggle (and MLE-bench) ship these files.
        train = zip_writer(stack, public / f"{TRAIN}.zip", TRAIN)
        test = zip_writer(stack, public / f"{TEST}.zip", TEST)
        sample = stack.enter_context(open(public / "sample_submission.csv", "w", encoding="utf-8",
                                          newline=""))
        answers = stack.enter_context(open(tmp_answers, "w", encoding="utf-8", newline=""))
        advance = stack.enter_context(progress(f"splitting {TRAIN}", TOTAL_LINES // PROGRESS_STEP + 1))
        for out in (test, sample, answers):
            out.write(HEADER)
        held_out = 0
        for number, line in enumerate(lines, start=1):
            if rng.uniform() <= HELD_OUT and len(line.split()) > 2:
                sentence = line.strip().replace('"', '""')
                gapped = f'{held_out},"{without_a_word(sentence, rng)}"\n'
                test.write(gapped)
                sample.write(gapped)
                answers.write(f'{held_out},"{sentence}"\n')
                held_out += 1
            else:
                train.write(line)
            if number % PROGRESS_STEP == 0:
                advance()
            if number == TOTAL_LINES:
                break


def prepare(raw: Path, public: Path, private: Path) -> None:
    """Public: train_v2.txt.zip (the other sentences, as written), test_v2.txt.zip (``id``,
    ``sentence`` with a word removed) and sample_submission.csv (the same rows, unzipped);
    private: the whole held-out sentences. The answers are written last, so their
    presence means the split is complete."""
    write_once(private / ANSWERS, lambda tmp: _split(raw, public, tmp))
