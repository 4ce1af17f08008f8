"""LMSYS Chatbot Arena: Kaggle's three CSV files, unzipped: integer ids, model names, and the
prompts and responses of each conversation as JSON lists of strings (slashes escaped, a missing
turn as null), with one-hot winner columns."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, text, write_file

MODELS = ["gpt-4-1106-preview", "gpt-3.5-turbo-0613", "claude-2.1", "llama-2-13b-chat",
          "mixtral-8x7b-instruct-v0.1", "zephyr-7b-beta"]
CLASSES = ["winner_model_a", "winner_model_b", "winner_tie"]
N_TRAIN, N_TEST = 400, 3


def _turns(rng: np.random.Generator, n_turns: int, missing: float = 0.0) -> str:
    """A JSON list of ``n_turns`` texts, as Kaggle writes it (slashes escaped)."""
    turns = [None if rng.random() < missing else f"{text(rng, 7)} a/b \"x\"" for _ in range(n_turns)]
    return json.dumps(turns).replace("/", "\\/")


def _conversations(rng: np.random.Generator, n: int) -> pd.DataFrame:
    turns = rng.integers(1, 4, n)
    return pd.DataFrame({
        "id": rng.choice(2**32, size=n, replace=False),
        "prompt": [_turns(rng, t) for t in turns],
        "response_a": [_turns(rng, t, 0.05) for t in turns],
        "response_b": [_turns(rng, t, 0.05) for t in turns],
    })


def build(raw: Path, rng: np.random.Generator) -> None:
    train = _conversations(rng, N_TRAIN)
    pair = [rng.choice(MODELS, size=2, replace=False) for _ in range(N_TRAIN)]
    train.insert(1, "model_a", [a for a, _ in pair])
    train.insert(2, "model_b", [b for _, b in pair])
    winners = rng.choice(3, size=N_TRAIN, p=[0.35, 0.34, 0.31])
    for k, name in enumerate(CLASSES):
        train[name] = (winners == k).astype(int)
    write_file(raw / "train.csv", csv_bytes(train))
    test = _conversations(rng, N_TEST)
    write_file(raw / "test.csv", csv_bytes(test))
    write_file(raw / "sample_submission.csv",
               csv_bytes(test[["id"]].assign(**dict.fromkeys(CLASSES, 1 / 3))))
