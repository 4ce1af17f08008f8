"""Movie Review Sentiment Analysis: Kaggle's zipped train.tsv and test.tsv of parsed phrases
(PhraseId, SentenceId, Phrase; Sentiment 0-4 in train), and sampleSubmission.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_zip

#: Tokens as the Stanford parser leaves them: punctuation split off, quotes as `` and '',
#: and "null", a phrase pandas reads as missing.
TOKENS = ["the", "movie", "is", "n't", "a", "good", "bad", "film", ",", ".", "-LRB-", "-RRB-",
          "``", "''", "'s", "funny", "dull", "null", "story", "of"]


def sentences(first_phrase: int, first_sentence: int, n_sentences: int, rng: np.random.Generator,
              labelled: bool) -> pd.DataFrame:
    """Each sentence, then a few of its sub-phrases, as the parser lists them."""
    rows = []
    for sentence in range(first_sentence, first_sentence + n_sentences):
        words = list(rng.choice(TOKENS, size=int(rng.integers(4, 12))))
        rows.append((sentence, " ".join(words)))
        for _ in range(int(rng.integers(2, 8))):
            start = int(rng.integers(len(words)))
            rows.append((sentence, " ".join(words[start:start + int(rng.integers(1, 4))])))
    frame = pd.DataFrame(rows, columns=["SentenceId", "Phrase"])
    frame.insert(0, "PhraseId", np.arange(first_phrase, first_phrase + len(frame)))
    if labelled:
        frame["Sentiment"] = rng.integers(0, 5, len(frame))
    return frame


def tsv_zip(archive: Path, frame: pd.DataFrame) -> None:
    write_zip(archive, {archive.name.removesuffix(".zip"): frame.to_csv(sep="\t", index=False).encode()})


def build(raw: Path, rng: np.random.Generator) -> None:
    train = sentences(1, 1, 60, rng, labelled=True)
    test = sentences(len(train) + 1, 61, 25, rng, labelled=False)
    tsv_zip(raw / "train.tsv.zip", train)
    tsv_zip(raw / "test.tsv.zip", test)
    (raw / "sampleSubmission.csv").write_bytes(csv_bytes(test[["PhraseId"]].assign(Sentiment=2)))
