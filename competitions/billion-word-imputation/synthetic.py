"""Billion Word Imputation: Kaggle's train_v2.txt.zip (one tokenized sentence a line, ending in a
period) and test_v2.txt.zip (``"id","sentence"`` from 1, a word removed, every sentence quoted).

Some sentences have only two words (never held out), and some carry quotes, commas and
words pandas would read as missing ("NA", "null"), as the real corpus does."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pytest_mlebench.data.synthetic import write_zip

WORDS = ["the", "a", "of", "to", "in", "said", "market", "company", "year", "Mr.", "Obama", "'s", ",",
         '"', "--", "NA", "null", "café", "3.5", "per", "cent", "shares", "rose", "on", "Monday"]
LINES = 4000


def sentence(rng: np.random.Generator) -> str:
    n_words = 1 if rng.random() < 0.03 else int(rng.integers(2, 20))
    return " ".join([*rng.choice(WORDS, size=n_words), "."])


def build(raw: Path, rng: np.random.Generator) -> None:
    train = "".join(f"{sentence(rng)}\n" for _ in range(LINES))
    write_zip(raw / "train_v2.txt.zip", {"train_v2.txt": train.encode()})
    test = [sentence(rng).replace('"', '""') for _ in range(40)]
    rows = "".join(f'{i},"{text}"\n' for i, text in enumerate(test, start=1))
    write_zip(raw / "test_v2.txt.zip", {"test_v2.txt": f'"id","sentence"\n{rows}'.encode()})
