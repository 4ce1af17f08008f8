"""0.4 x Dice + 0.6 x (1 - 3-D Hausdorff distance), as MLE-bench grades UW-Madison.

Every mask is decoded column-major with the height and width of the answers' row at the same
position (salt_rle.decode). Then, as MLE-bench:

* Dice, per row: 2 |P & T| / (|P| + |T|), the file's i-th row against the answers' i-th row,
  whatever their ids or classes; rows where both masks are empty are left out of the mean.
* Hausdorff, per case and day: the rows of a slice (its three organs) are joined into one
  mask, the slices stacked in id order into a volume, and each volume's voxel coordinates
  divided by the true volume's shape. Both empty: left out of the mean; equal: 0; one empty,
  or more than 10 times the true voxels predicted: 1; else the symmetric Hausdorff distance
  (MLE-bench's scipy directed_hausdorff both ways, the same distances found here with a k-d
  tree) over the unit cube's diagonal, sqrt(3).

The submission arrives checked, in the answers' order (the k-th row of an id paired with its
k-th answer); its rows are put back in the file's order first, which is the pairing
MLE-bench's Dice makes. A file whose order decodes one slice's rows, or one day's slices, at
different sizes fails in MLE-bench and is refused here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from pytest_mlebench.grading.salt_rle import decode, decode_truth
from pytest_mlebench.grading.validate import InvalidSubmission

SCORE_NAME = "dice_hausdorff_combo"
DICE_WEIGHT, HAUSDORFF_WEIGHT = 0.4, 0.6
#: A prediction with more voxels than this many times the truth's is at distance 1.
MAX_VOXEL_RATIO = 10


def dice(predicted: np.ndarray, truth: np.ndarray) -> float:
    """NaN when both are empty."""
    total = np.count_nonzero(predicted) + np.count_nonzero(truth)
    return 2 * np.count_nonzero(predicted & truth) / total if total else np.nan


def hausdorff(predicted: np.ndarray, truth: np.ndarray) -> float:
    """The normalised symmetric Hausdorff distance of two volumes (NaN when both are empty)."""
    n_pred, n_true = np.count_nonzero(predicted), np.count_nonzero(truth)
    if not n_pred and not n_true:
        return np.nan
    if np.array_equal(predicted, truth):
        return 0.0
    if not n_pred or not n_true or n_pred > MAX_VOXEL_RATIO * n_true:
        return 1.0
    scale = np.array(truth.shape)
    true_points, pred_points = np.argwhere(truth) / scale, np.argwhere(predicted) / scale
    return max(farthest(true_points, pred_points), farthest(pred_points, true_points)) / np.sqrt(3)


def farthest(points: np.ndarray, others: np.ndarray) -> float:
    """The directed Hausdorff distance, the one scipy's ``directed_hausdorff`` returns, found with
    a k-d tree: its early-break search scans most of a day's hundreds of thousands of voxels
    for each voxel of two near masks, minutes a day where the tree takes a second."""
    return float(cKDTree(others).query(points, k=1)[0].max())


def days_of(ids: np.ndarray) -> dict[str, dict[str, list[int]]]:
    """``<case>_<day>`` -> its slices' ids, in id order -> their rows; days in the order of
    their first id, as MLE-bench's sorted grouping lists them."""
    rows: dict[str, list[int]] = {}
    for i, image in enumerate(ids):
        rows.setdefault(image, []).append(i)
    days: dict[str, dict[str, list[int]]] = {}
    for image in sorted(rows):
        days.setdefault(image.split("_slice_")[0], {})[image] = rows[image]
    return days


def volume(slices: dict[str, list[int]], mask: Callable[[int], np.ndarray], what: str) -> np.ndarray:
    """One day's volume: each slice's rows joined into one mask, the slices stacked in id order."""
    joined = []
    for image, rows in slices.items():
        masks = [mask(i) for i in rows]
        if len({m.shape for m in masks}) > 1:
            raise InvalidSubmission(f"{what}: the rows of id {image!r} sit where the answers hold "
                                    "slices of different sizes (MLE-bench pairs rows by position)")
        joined.append(np.logical_or.reduce(masks))
    if len({m.shape for m in joined}) > 1:
        day = next(iter(slices)).split("_slice_")[0]
        raise InvalidSubmission(f"{what}: the slices of {day} sit where the answers hold images of "
                                "different sizes (MLE-bench pairs rows by position)")
    return np.stack(joined)


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    in_file = submission.iloc[submission.attrs["layout"].file_order]
    sub_ids, predicted = in_file["id"].to_numpy(), in_file["predicted"].astype(str).to_numpy()
    true_ids, truth = answers["id"].to_numpy(), answers["predicted"].astype(str).to_numpy()
    heights = answers["image_height"].astype(float).astype(int).to_numpy()
    widths = answers["image_width"].astype(float).astype(int).to_numpy()

    def prediction(i: int) -> np.ndarray:
        """The file's i-th mask, at the size of the answers' i-th row."""
        return decode(predicted[i], heights[i], widths[i], f"row {i + 1} (id {sub_ids[i]!r})")

    def true_mask(i: int) -> np.ndarray:
        return decode_truth(truth[i], heights[i], widths[i], f"id {true_ids[i]!r}")

    dice_score = np.nanmean([dice(prediction(i), true_mask(i)) for i in range(len(truth))])
    predicted_days, true_days = days_of(sub_ids), days_of(true_ids)
    distance = np.nanmean([hausdorff(volume(predicted_days[day], prediction, "the submission"),
                                     volume(slices, true_mask, "the answers"))
                           for day, slices in true_days.items()])
    return float(DICE_WEIGHT * dice_score + HAUSDORFF_WEIGHT * (1 - distance))
