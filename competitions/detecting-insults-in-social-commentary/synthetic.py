"""Detecting Insults in Social Commentary: Kaggle's train.csv and test_with_solutions.csv,
comments quoted as Kaggle quotes them, some dates blank."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import text


def comments(n: int, rng: np.random.Generator) -> pd.DataFrame:
    months, days = rng.integers(1, 13, n), rng.integers(1, 29, n)
    dates = [f"2012{m:02d}{d:02d}120000Z" for m, d in zip(months, days, strict=True)]
    return pd.DataFrame({
        "Insult": rng.integers(0, 2, n),
        "Date": np.where(rng.random(n) < 0.2, "", dates),
        "Comment": [f'"{text(rng)}"' for _ in range(n)],
    })


def build(raw: Path, rng: np.random.Generator) -> None:
    comments(300, rng).to_csv(raw / "train.csv", index=False)
    test = comments(200, rng)
    test["Usage"] = np.where(np.arange(200) < 70, "PublicTest", "PrivateTest")
    test.to_csv(raw / "test_with_solutions.csv", index=False)
