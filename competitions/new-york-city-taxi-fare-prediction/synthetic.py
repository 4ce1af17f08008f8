"""New York City Taxi Fare Prediction: Kaggle's train.csv, test.csv and sample, keys made of the
pickup time and a row number, a few negative fares and missing drop-offs as in Kaggle's file.

MLE-bench holds out a fixed 9,914 rides, so train.csv has more than that.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes


def rides(n: int, rng: np.random.Generator, with_fares: bool) -> pd.DataFrame:
    start = pd.Timestamp("2009-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365 * 86400, n), unit="s")
    when = pd.Series(start.strftime("%Y-%m-%d %H:%M:%S"))
    frame = pd.DataFrame({"key": when + "." + pd.Series(range(n)).astype(str).str.zfill(7)})
    if with_fares:
        frame["fare_amount"] = np.round(rng.gamma(2.0, 5.0, n) - 0.5, 2)  # a few negative, as Kaggle's
    frame["pickup_datetime"] = when + " UTC"
    for end in ("pickup", "dropoff"):
        frame[f"{end}_longitude"] = np.round(-73.97 + rng.normal(0, 0.04, n), 6)
        frame[f"{end}_latitude"] = np.round(40.75 + rng.normal(0, 0.03, n), 6)
    frame.loc[rng.random(n) < 0.01, ["dropoff_longitude", "dropoff_latitude"]] = np.nan
    frame["passenger_count"] = rng.integers(0, 7, n)
    return frame


def build(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(rides(12_000, rng, with_fares=True)))
    test = rides(50, rng, with_fares=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["key"]].assign(fare_amount=11.35)))
    (raw / "GCP-Coupons-Instructions.rtf").write_text("{\\rtf1 coupons}")
