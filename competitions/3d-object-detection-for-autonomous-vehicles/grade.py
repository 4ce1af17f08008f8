"""Lyft's 3D mAP, as MLE-bench grades it: per sample, averaged over samples and IoU thresholds.

A PredictionString is a run of boxes, nine tokens each (split at single spaces, as MLE-bench
splits them): ``confidence center_x center_y center_z width length height yaw class_name``.
An empty cell (or one pandas reads as NaN) predicts nothing. For each sample and each IoU
threshold t in 0.5, 0.55, ..., 0.95, the classes are those of the sample's ground truth; a
class's average precision comes from the predictions of that class, taken by decreasing
confidence (ties in the order written): a prediction is a true positive when its best IoU
with the class's boxes exceeds t and that box was not matched before, else a false positive
(no second-best box is tried). The AP is the area under the precision envelope, recall going
from 0 to 1. The sample's mAP at t is the mean AP over its classes; the score is the mean of
every (sample, threshold) mAP. Predictions of a class the sample's ground truth lacks
(a known class or any other name) are never looked at, as in MLE-bench.

The IoU is of volumes: the boxes' bird's-eye rectangles intersected with shapely (GEOS, as
Lyft's evaluation does), times the overlap of their heights, over the union of volumes.
Each sample's IoUs are computed once, for all ten thresholds.

Refused, naming the row: a token count that is not a multiple of nine, a number that Python's
float() cannot read (MLE-bench crashes there), a NaN confidence, a box value that is not
finite, and a size that is not positive (MLE-bench crashes on the last two, but only for
boxes of a class its sample's ground truth has).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import shapely

from pytest_mlebench.grading.metrics import PANDAS_NA_TEXTS
from pytest_mlebench.grading.validate import InvalidSubmission

SCORE_NAME = "mean_average_precision_3d_iou"
ID, PREDICTION = "Id", "PredictionString"
IOU_THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
FIELDS = ("confidence", "center_x", "center_y", "center_z", "width", "length", "height", "yaw")
TOKENS_PER_BOX = len(FIELDS) + 1


class Boxes(NamedTuple):
    """One sample's boxes, in the order written: ``values`` has a row of FIELDS per box."""

    values: np.ndarray
    names: list[str]

    def of(self, name: str) -> Boxes:
        keep = [i for i, n in enumerate(self.names) if n == name]
        return Boxes(self.values[keep], [name] * len(keep))


def parse(cell: str, row_id: str) -> Boxes:
    """The boxes of one PredictionString, or InvalidSubmission naming the row and the box."""
    if cell in PANDAS_NA_TEXTS or cell.strip() == "":
        return Boxes(np.empty((0, len(FIELDS))), [])
    tokens = cell.split(" ")
    if len(tokens) % TOKENS_PER_BOX:
        raise InvalidSubmission(
            f"row Id {row_id!r}: {PREDICTION} has {len(tokens)} space-separated tokens, not a "
            f"multiple of {TOKENS_PER_BOX} (confidence center_x center_y center_z width length "
            f"height yaw class_name per box)")
    groups = [tokens[i:i + TOKENS_PER_BOX] for i in range(0, len(tokens), TOKENS_PER_BOX)]
    values = np.empty((len(groups), len(FIELDS)))
    for k, group in enumerate(groups):
        for j, token in enumerate(group[:-1]):
            try:
                values[k, j] = float(token)
            except ValueError:
                raise InvalidSubmission(f"row Id {row_id!r}: box {k + 1} has {FIELDS[j]} "
                                        f"{token!r}, not a number") from None
    bad = [f"box {k + 1} has a NaN confidence" for k in np.flatnonzero(np.isnan(values[:, 0]))]
    bad += [f"box {k + 1} has a non-finite {FIELDS[j + 1]}"
            for k, j in zip(*np.nonzero(~np.isfinite(values[:, 1:])), strict=True)]
    bad += [f"box {k + 1} has {FIELDS[j + 4]} {float(values[k, j + 4])!r}, not positive"
            for k, j in zip(*np.nonzero(values[:, 4:7] <= 0), strict=True)]
    if bad:
        raise InvalidSubmission(f"row Id {row_id!r}: {bad[0]}")
    return Boxes(values, [group[-1] for group in groups])


def _footprints(values: np.ndarray) -> np.ndarray:
    """Each box's ground rectangle as Lyft's evaluation builds it: the yaw turned into a
    quaternion about z, its rotation matrix's first column as (cos, sin), corners summed in
    the same order."""
    w, z = np.cos(values[:, 7] / 2), np.sin(values[:, 7] / 2)
    cos, sin = w * w - z * z, z * w + w * z
    x, y, width, length = values[:, 1], values[:, 2], values[:, 4], values[:, 5]
    half_l, half_w = length / 2, width / 2
    corners = [(x + half_l * cos + half_w * sin, y + half_l * sin - half_w * cos),
               (x + half_l * cos - half_w * sin, y + half_l * sin + half_w * cos),
               (x - half_l * cos - half_w * sin, y - half_l * sin + half_w * cos),
               (x - half_l * cos + half_w * sin, y - half_l * sin - half_w * cos)]
    ring = np.stack([np.stack(c, axis=-1) for c in [*corners, corners[0]]], axis=1)
    return shapely.polygons(ring)


def ious(predicted: Boxes, truth: Boxes) -> np.ndarray:
    """IoU of every (prediction, true box) pair: the intersection of the footprints times the
    overlap of the heights, over the sum of the volumes less that intersection, clipped to [0, 1].
    Footprints whose bounds do not meet (or boxes whose heights do not) intersect in nothing,
    so GEOS only sees the pairs that may touch."""
    p, t = predicted.values, truth.values
    heights = np.maximum(0, np.minimum(p[:, 3, None] + p[:, 6, None] / 2, t[None, :, 3] + t[None, :, 6] / 2)
                         - np.maximum(p[:, 3, None] - p[:, 6, None] / 2, t[None, :, 3] - t[None, :, 6] / 2))
    polygons_p, polygons_t = _footprints(p), _footprints(t)
    bounds_p, bounds_t = shapely.bounds(polygons_p), shapely.bounds(polygons_t)
    meet = ((bounds_p[:, None, 0] <= bounds_t[None, :, 2]) & (bounds_t[None, :, 0] <= bounds_p[:, None, 2])
            & (bounds_p[:, None, 1] <= bounds_t[None, :, 3]) & (bounds_t[None, :, 1] <= bounds_p[:, None, 3])
            & (heights > 0))
    areas = np.zeros(heights.shape)
    rows, cols = np.nonzero(meet)
    areas[rows, cols] = shapely.area(shapely.intersection(polygons_p[rows], polygons_t[cols]))
    intersection = heights * areas
    volumes_p = p[:, 4] * p[:, 5] * p[:, 6]
    volumes_t = t[:, 4] * t[:, 5] * t[:, 6]
    return np.clip(intersection / (volumes_p[:, None] + volumes_t[None, :] - intersection), 0, 1)


def average_precision(best: np.ndarray, top: np.ndarray, truths: int, threshold: float) -> float:
    """AP of one class's predictions (by decreasing confidence), each with its best true box
    (``best``, the first of equal IoUs) and that IoU (``top``), against ``truths`` boxes.

    Taken in order, a prediction above the threshold is a hit unless an earlier one above it
    took the same box: the first of each box's claimants is the hit, at once for all."""
    tp = np.zeros(len(best))
    claimants = np.flatnonzero(top > threshold)
    _, first = np.unique(best[claimants], return_index=True)
    tp[claimants[first]] = 1.0
    hits = np.cumsum(tp)
    misses = np.cumsum(1.0 - tp)
    recalls = np.concatenate(([0.0], hits / float(truths), [1.0]))
    precisions = np.concatenate(([0.0], hits / np.maximum(hits + misses, np.finfo(np.float64).eps), [0.0]))
    envelope = np.maximum.accumulate(precisions[::-1])[::-1]
    steps = np.flatnonzero(recalls[1:] != recalls[:-1])
    return float(np.sum((recalls[steps + 1] - recalls[steps]) * envelope[steps + 1]))


def sample_maps(truth: Boxes, predicted: Boxes) -> list[float]:
    """The sample's mAP at each IoU threshold: the mean AP over its ground truth's classes."""
    classes = sorted(set(truth.names))
    aps = np.zeros((len(IOU_THRESHOLDS), len(classes)))
    for c, name in enumerate(classes):
        mine = predicted.of(name)
        if not mine.names:
            continue
        order = sorted(range(len(mine.names)), key=lambda i: mine.values[i, 0], reverse=True)
        overlaps = ious(Boxes(mine.values[order], mine.names), truth.of(name))
        best = np.argmax(overlaps, axis=1)
        top = overlaps[np.arange(len(best)), best]
        for t, threshold in enumerate(IOU_THRESHOLDS):
            aps[t, c] = average_precision(best, top, overlaps.shape[1], threshold)
    return [float(np.mean(row)) for row in aps]


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order; samples are taken by Id, as
    MLE-bench sorts them, so the mean adds the same values in the same order."""
    rows = sorted(zip(answers[ID].astype(str), answers[PREDICTION].astype(str),
                      submission[PREDICTION].astype(str), strict=True))
    predicted = [parse(cell, row_id) for row_id, _, cell in rows]
    maps = []
    for (row_id, truth_cell, _), boxes in zip(rows, predicted, strict=True):
        try:
            truth = parse(truth_cell, row_id)
        except InvalidSubmission as exc:
            raise ValueError(f"the answers are malformed: {exc}") from None
        if not truth.names:
            raise ValueError(f"the answers' row {row_id!r} holds no box")
        maps.extend(sample_maps(truth, boxes))
    return float(np.mean(maps))
