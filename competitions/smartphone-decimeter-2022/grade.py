"""Kaggle's GSDC 2022 score as MLE-bench computes it: per trip (one phone on one drive), the mean
of the 50th and 95th percentiles of the horizontal errors in metres, averaged over the trips.

Each error is the haversine distance on a sphere of radius 6,371,000 m between the predicted
and the true point, and the percentiles are numpy's (linear interpolation). MLE-bench pairs
the rows of a trip by position: the submission's k-th row of a trip is scored against the k-th
epoch of that trip, whatever its ``UnixTimeMillis`` says. That is reproduced (the generic checks
pair the k-th occurrence of a trip id with the k-th answer of that trip); each trip's
timestamps must still be exactly the test epochs, in any order, or the file is refused. The
``by-time`` variant pairs each row with the epoch its timestamp names, as Kaggle did.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.validate import InvalidSubmission

SCORE_NAME = "mean over trips of (p50 + p95) / 2 haversine error (m)"
TRIP = "tripId"
TIME = "UnixTimeMillis"
LAT = "LatitudeDegrees"
LNG = "LongitudeDegrees"
#: The sphere MLE-bench's (Kaggle's baseline notebook's) haversine distance is taken on.
EARTH_RADIUS_M = 6_371_000


def haversine(lat1: np.ndarray, lng1: np.ndarray, lat2: np.ndarray, lng2: np.ndarray) -> np.ndarray:
    """Great-circle distances in metres between points given in degrees."""
    lat1, lng1, lat2, lng2 = (np.deg2rad(v) for v in (lat1, lng1, lat2, lng2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def _examples(trips: list[str], limit: int = 3) -> str:
    more = f" and {len(trips) - limit} more" if len(trips) > limit else ""
    return ", ".join(map(repr, trips[:limit])) + more


def _check_degrees(submission: pd.DataFrame) -> None:
    """A latitude beyond a pole or a longitude beyond the antimeridian is not a WGS84 position
    (MLE-bench's formula would still give it a distance, or NaN)."""
    for column, bound in ((LAT, 90), (LNG, 180)):
        bad = (submission[column].abs() > bound).to_numpy()
        if bad.any():
            shown = ", ".join(f"{t!r} at {ms:.0f} = {v!r}" for t, ms, v in
                              submission.loc[bad, [TRIP, TIME, column]].head(3).itertuples(index=False))
            raise InvalidSubmission(f"column {column!r} has {int(bad.sum())} values outside "
                                    f"[-{bound}, {bound}] degrees: {shown}")


def _time_order(frame: pd.DataFrame) -> np.ndarray:
    """Row positions sorted by trip, then time (stable: equal epochs keep their order)."""
    return np.lexsort((frame[TIME].to_numpy(dtype=float), frame[TRIP].astype(str).to_numpy()))


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score): its k-th row of
    a trip is the file's k-th row of that trip."""
    if variant not in (None, "by-time"):
        raise ValueError(f"unknown variant {variant!r}")
    _check_degrees(submission)
    truth = answers[[TRIP, TIME, LAT, LNG]].astype({TRIP: str, TIME: float, LAT: float, LNG: float})
    by_time, truth_by_time = _time_order(submission), _time_order(truth)
    stray = submission[TIME].to_numpy()[by_time] != truth[TIME].to_numpy()[truth_by_time]
    if stray.any():
        trips = list(pd.unique(truth[TRIP].to_numpy()[truth_by_time][stray]))
        raise InvalidSubmission(
            f"{len(trips)} trips do not list exactly their test epochs in {TIME!r} ({_examples(trips)}): "
            f"a trip needs one row per epoch of the test set, no other timestamps")
    predicted = submission
    if variant == "by-time":  # row i of the trip's epochs in time order meets its prediction
        predicted = submission.iloc[by_time[np.argsort(truth_by_time)]]
    errors = haversine(predicted[LAT].to_numpy(), predicted[LNG].to_numpy(),
                       truth[LAT].to_numpy(), truth[LNG].to_numpy())
    if np.isnan(errors).any():  # nearly antipodal points: sqrt or arcsin of a value rounded past 1
        trips = list(pd.unique(truth.loc[np.isnan(errors), TRIP]))
        raise InvalidSubmission(f"the haversine distance is undefined (a point antipodal to the truth) "
                                f"in trips {_examples(trips)}")
    trip_of = truth[TRIP].to_numpy()
    scores = [np.mean([np.quantile(errors[trip_of == trip], q) for q in (0.50, 0.95)])
              for trip in pd.unique(trip_of)]
    return float(np.mean(scores))
