"""Preparation shared by the offline competitions (data from installed packages).

Each offline ``prepare.py`` only builds its rows (features or images, and the
labels as train.csv shows them) and hands them to :func:`prepare_offline`, which
does what every one of them needs the same way: read the grading settings from
competition.yaml, split, give ids, write the public and private files, and run
the reference ladder for the leaderboard.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from ..catalog.registry import Competition
from ..grading.metrics import Metric, get_metric
from ..leaderboards.ladder import constant_prediction, run_ladder, write_ladder_leaderboard
from .store import ANSWERS, GENERATED_LEADERBOARD

TEST_FRACTION = 0.2


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """One CSV dialect everywhere, so preparing twice gives the same bytes on every OS."""
    frame.to_csv(path, index=False, lineterminator="\n")


def _write_pngs(folder: Path, ids: np.ndarray, images: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for row_id, image in zip(ids, images, strict=True):
        Image.fromarray(image).save(folder / f"{row_id}.png")


def _answers(labels: pd.DataFrame, metric: Metric, columns: list[str]) -> pd.DataFrame:
    """The truth in the submission's shape: one-hot columns for a distribution."""
    if metric.value_type == "distribution":
        if labels.shape[1] != 1 or not set(labels.iloc[:, 0]) <= set(columns):
            raise ValueError(f"a distribution needs one label column with values among {columns}")
        truth = labels.iloc[:, 0].to_numpy()[:, None] == np.asarray(columns)[None, :]
        return pd.DataFrame(truth.astype(int), columns=columns, index=labels.index)
    if list(labels.columns) != columns:
        raise ValueError(f"label columns {list(labels.columns)} must be the target columns {columns}")
    return labels


def _ladder_targets(labels: pd.DataFrame) -> np.ndarray:
    """What the ladder fits: one label column as 1-D, several as a 2-D matrix."""
    values = labels.to_numpy()
    return values[:, 0] if values.shape[1] == 1 else values


def prepare_offline(
    competition: Competition,
    public: Path,
    private: Path,
    labels: pd.DataFrame,
    *,
    features: pd.DataFrame | None = None,
    images: np.ndarray | None = None,
    seed: int = 0,
) -> None:
    """Write an offline competition's public and private files and its ladder leaderboard.

    ``labels`` holds the target columns as train.csv shows them (one label column
    of class names for a distribution, whose values are then the target columns).
    Give ``features`` (columns of train.csv and test.csv) or ``images`` (uint8
    arrays written as ``train/<id>.png`` and ``test/<id>.png``; the ladder fits
    their flattened pixels), not both.

    Ids are a random permutation, so neither an id nor a row's position (files are
    sorted by id) says anything about its label; the split is a seeded random 80/20.
    """
    if (features is None) == (images is None):
        raise ValueError("give exactly one of features or images")
    metric = get_metric(competition.metric)
    id_column, columns = competition.id_column, list(competition.target_columns)
    answers = _answers(labels, metric, columns)

    n = len(labels)
    rng = np.random.default_rng(seed)
    ids = rng.permutation(n)  # row i is called ids[i]
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, size=round(TEST_FRACTION * n), replace=False)] = True
    by_id = np.argsort(ids)  # row numbers in id order: the order of every file
    train_rows, test_rows = by_id[~is_test[by_id]], by_id[is_test[by_id]]

    shown = pd.DataFrame(index=range(n)) if features is None else features.reset_index(drop=True)
    x = (images.reshape(n, -1) if images is not None else shown.to_numpy()).astype(float)
    id_frame = pd.DataFrame({id_column: ids})
    train = pd.concat([id_frame, shown, labels.reset_index(drop=True)], axis=1)
    test = pd.concat([id_frame, shown], axis=1)
    y = _ladder_targets(labels)
    test_ids = id_frame.iloc[test_rows].reset_index(drop=True)
    test_truth = answers.reset_index(drop=True).iloc[test_rows].reset_index(drop=True)

    public.mkdir(parents=True, exist_ok=True)
    private.mkdir(parents=True, exist_ok=True)
    _write_csv(train.iloc[train_rows], public / "train.csv")
    _write_csv(test.iloc[test_rows], public / "test.csv")
    if images is not None:
        _write_pngs(public / "train", ids[train_rows], images[train_rows])
        _write_pngs(public / "test", ids[test_rows], images[test_rows])
    sample = constant_prediction(y[train_rows], x[test_rows], metric, columns)
    _write_csv(pd.concat([test_ids, sample], axis=1), public / "sample_submission.csv")
    _write_csv(pd.concat([test_ids, test_truth], axis=1), private / ANSWERS)

    entries = run_ladder(x[train_rows], y[train_rows], x[test_rows], test_truth, metric)
    write_ladder_leaderboard(private / GENERATED_LEADERBOARD, entries, metric)
