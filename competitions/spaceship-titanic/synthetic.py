"""Spaceship Titanic: Kaggle's train.csv, test.csv and sample of passengers, ids "gggg_pp",
blanks where Kaggle's file has them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes

PLANETS = ["Earth", "Europa", "Mars"]
DESTINATIONS = ["TRAPPIST-1e", "55 Cancri e", "PSO J318.5-22"]
SPENDING = ["RoomService", "FoodCourt", "ShoppingMall", "Spa", "VRDeck"]


def passengers(n: int, rng: np.random.Generator, first_group: int, with_target: bool) -> pd.DataFrame:
    groups = first_group + np.sort(rng.integers(0, n, n))
    members = pd.Series(groups).groupby(groups).cumcount().to_numpy() + 1
    frame = pd.DataFrame({
        "PassengerId": [f"{g:04d}_{m:02d}" for g, m in zip(groups, members, strict=True)],
        "HomePlanet": rng.choice(PLANETS, n),
        "CryoSleep": rng.choice(["True", "False"], n),
        "Cabin": [f"{d}/{rng.integers(0, 1800)}/{s}" for d, s in
                  zip(rng.choice(list("ABCDEFG"), n), rng.choice(["P", "S"], n), strict=True)],
        "Destination": rng.choice(DESTINATIONS, n),
        "Age": rng.integers(0, 80, n).astype(float),
        "VIP": rng.choice(["True", "False"], n, p=[0.05, 0.95]),
        **{column: np.round(rng.exponential(300, n) * (rng.random(n) < 0.4)) for column in SPENDING},
        "Name": [f"Name{i} Family{rng.integers(0, 50)}" for i in range(n)],
    })
    blank = rng.random((n, 3)) < 0.02
    frame = frame.astype(object)
    for j, column in enumerate(("HomePlanet", "Age", "Cabin")):
        frame.loc[blank[:, j], column] = ""
    if with_target:
        frame["Transported"] = np.where(frame["CryoSleep"] == "True", "True",
                                        rng.choice(["True", "False"], n))
    return frame


def build(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(passengers(300, rng, 1, with_target=True)))
    test = passengers(60, rng, 9000, with_target=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["PassengerId"]].assign(Transported="False")))
