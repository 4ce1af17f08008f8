"""Tweet Sentiment Extraction: Kaggle's train.csv, test.csv and sample_submission.csv, ten-hex-digit
textIDs, tweets with leading spaces, commas, quotes and backticks, and the one blank tweet of
Kaggle's train.csv at its row, 314 (a train row in MLE-bench's split, here as there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids

SENTIMENTS = ["negative", "neutral", "positive"]
#: Words each sentiment's selection is drawn from, and words any tweet may hold around it.
TONE = {"negative": ["sad", "miss", "hate", "bored", "sick,", "ugh"],
        "positive": ["love", "happy", "great!", "fun", "thanks", "awesome"]}
FILLER = ["i`m", "going", "to", "the", "work", "today", "http://t.co/x1", "\"so\"", "NA", "lol",
          "my", "day", "is", "@friend", "...", "it`s"]
BLANK_ROW = 314


def tweet(rng: np.random.Generator, sentiment: str) -> tuple[str, str]:
    """A tweet and its selected text: the whole tweet when neutral, else a few words of it."""
    before, after = (list(rng.choice(FILLER, size=int(rng.integers(0, 5)))) for _ in range(2))
    if sentiment == "neutral":
        text = " ".join([*before, *rng.choice(FILLER, size=2), *after])
        selected = text
    else:
        selected = " ".join(rng.choice(TONE[sentiment], size=int(rng.integers(1, 4))))
        text = " ".join([*before, selected, *after])
    # Kaggle's tweets often start with a space, which its selected texts then lack.
    return (" " + text if rng.random() < 0.4 else text), selected


def tweets(ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    sentiments = rng.choice(SENTIMENTS, size=len(ids))
    pairs = [tweet(rng, s) for s in sentiments]
    return pd.DataFrame({"textID": ids, "text": [t for t, _ in pairs],
                         "selected_text": [s for _, s in pairs], "sentiment": sentiments})


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 480, 10)
    train = tweets(ids[:400], rng)
    train.loc[BLANK_ROW, ["text", "selected_text"]] = ""
    train.loc[BLANK_ROW, "sentiment"] = "neutral"
    (raw / "train.csv").write_bytes(csv_bytes(train))
    test = tweets(ids[400:], rng).drop(columns=["selected_text"])
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["textID"]].assign(selected_text="")))
