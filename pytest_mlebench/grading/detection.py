"""Box detection scores as MLE-bench's two chest X-ray graders compute them (owner: chest).

Both competitions write a prediction as ``class confidence xmin ymin xmax ymax`` repeated in
one PredictionString cell. Two averages are computed over the parsed boxes:

* :func:`pooled_average_precision` (siim-covid19-detection): per class, every predicted box
  is matched greedily (highest confidence first) to an unmatched true box of its row with
  IoU > threshold; matches are (1, confidence) pairs, the other predictions (0, confidence),
  unmatched true boxes (1, 0), and a row with neither box nor prediction of the class (0, 0).
  scikit-learn's average_precision_score of the pairs, averaged over the answers' classes.
* :func:`coco_average_precision` (vinbigdata): pycocotools' COCOeval "bbox" AP at one IoU
  threshold, area "all", 100 detections per image and class, 101 recall points, averaged
  over the answers' classes, with MLE-bench's two quirks: the four numbers are handed to
  COCO as ``x, y, width, height``, and annotation ids start at 0, which COCO reads as
  "unmatched" (see the vinbigdata competition's known_issues).

Parsing refuses, naming the row, what MLE-bench's graders crash on or refuse (a count of
values that is not a multiple of 6, a value that is not a number) and non-finite numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import average_precision_score

from .validate import InvalidSubmission

#: Values per predicted box: class, confidence, xmin, ymin, xmax, ymax.
BOX_FIELDS = 6
#: COCOeval's recall points (0, 0.01, ..., 1) and its "all" area range.
RECALL_POINTS = np.linspace(0.0, 1.0, 101)
AREA_ALL = (0.0, 1e5**2)
MAX_DETECTIONS = 100

Tokenizer = Callable[[str], list[str]]


@dataclass(frozen=True)
class Boxes:
    """The boxes of one row: class labels (as written), confidences, and (n, 4) coordinates."""

    labels: np.ndarray
    scores: np.ndarray
    coords: np.ndarray

    def of(self, label: str) -> Boxes:
        keep = self.labels == label
        return Boxes(self.labels[keep], self.scores[keep], self.coords[keep])


def _number(token: str, row: str, column: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise InvalidSubmission(f"row {row!r}: {column} has {token!r} where a number belongs") from None
    if not math.isfinite(value):
        raise InvalidSubmission(f"row {row!r}: {column} has the non-finite number {token!r}")
    return value


def parse_boxes(text: str, row: str, column: str, tokens: Tokenizer,
                numeric_labels: bool = False) -> Boxes:
    """One cell's boxes; ``tokens`` splits it as the competition's grader does. With
    ``numeric_labels`` the class must be a number too (kept as written)."""
    if text == "":
        raise InvalidSubmission(f"row {row!r}: {column} is empty (MLE-bench reads it as missing)")
    parts = tokens(text)
    if len(parts) % BOX_FIELDS:
        raise InvalidSubmission(
            f"row {row!r}: {column} has {len(parts)} values, not a multiple of {BOX_FIELDS} "
            "(class confidence xmin ymin xmax ymax per box)")
    labels = parts[0::BOX_FIELDS]
    if numeric_labels:
        for label in labels:
            _number(label, row, column)
    numbers = [_number(t, row, column) for i, t in enumerate(parts) if i % BOX_FIELDS]
    values = np.array(numbers, dtype=np.float64).reshape(-1, BOX_FIELDS - 1)
    return Boxes(np.array(labels, dtype=object), values[:, 0], values[:, 1:])


def parse_column(cells: Sequence[str], rows: Sequence[str], column: str, tokens: Tokenizer,
                 numeric_labels: bool = False) -> list[Boxes]:
    return [parse_boxes(text, row, column, tokens, numeric_labels)
            for text, row in zip(cells, rows, strict=True)]


# -- siim: VOC-style pairs scored by scikit-learn ----------------------------------------------

def corner_iou(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """IoU of every (pred, truth) pair of ``xmin ymin xmax ymax`` boxes; 0 where the union is
    not positive (MLE-bench's siim formula)."""
    lo = np.maximum(pred[:, None, :2], truth[None, :, :2])
    hi = np.minimum(pred[:, None, 2:], truth[None, :, 2:])
    inter = np.prod(np.maximum(hi - lo, 0.0), axis=2)
    area = lambda b: (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])  # noqa: E731
    union = area(pred)[:, None] + area(truth)[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def _row_pairs(pred: Boxes, truth: Boxes, threshold: float) -> tuple[list[int], list[float]]:
    """(y_true, y_score) of one row for one class."""
    order = np.argsort(-pred.scores, kind="stable")
    ious = corner_iou(pred.coords[order], truth.coords)
    free = np.ones(len(truth.coords), dtype=bool)
    labels, scores = [], []
    for k, score in enumerate(pred.scores[order]):
        candidates = np.where(free & (ious[k] > threshold), ious[k], -np.inf)
        hit = len(candidates) > 0 and np.isfinite(candidates.max())
        if hit:
            free[int(np.argmax(candidates))] = False  # the first of equal IoUs
        labels.append(int(hit))
        scores.append(float(score))
    labels += [1] * int(free.sum())
    scores += [0.0] * int(free.sum())
    if not labels:
        return [0], [0.0]
    return labels, scores


def pooled_average_precision(preds: Sequence[Boxes], truths: Sequence[Boxes],
                             threshold: float) -> float:
    """Mean over the answers' classes of the average precision of the pooled pairs."""
    classes = sorted({str(label) for truth in truths for label in truth.labels})
    aps = []
    for label in classes:
        y_true: list[int] = []
        y_score: list[float] = []
        for pred, truth in zip(preds, truths, strict=True):
            labels, scores = _row_pairs(pred.of(label), truth.of(label), threshold)
            y_true += labels
            y_score += scores
        if all(y_true):
            raise InvalidSubmission(f"class {label!r}: every pair is a positive, so its average "
                                    "precision is undefined (MLE-bench's grader stops there)")
        aps.append(average_precision_score(y_true, y_score))
    return float(np.mean(aps)) if aps else 0.0


# -- vinbigdata: pycocotools' COCOeval -----------------------------------------------------------

def coco_iou(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """pycocotools' bbox IoU of every (pred, truth) pair of ``x y width height`` boxes (no crowds)."""
    lo = np.maximum(pred[:, None, :2], truth[None, :, :2])
    hi = np.minimum(pred[:, None, :2] + pred[:, None, 2:], truth[None, :, :2] + truth[None, :, 2:])
    side = hi - lo
    inter = side[..., 0] * side[..., 1]
    union = (np.prod(pred[:, 2:], axis=1)[:, None] + np.prod(truth[:, 2:], axis=1)[None, :] - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((side > 0).all(axis=2), inter / union, 0.0)


@dataclass(frozen=True)
class CocoImage:
    """One image's boxes of one class as COCOeval sees them: the four numbers as given, the
    area written with each annotation, and each annotation's id (0 means "unmatched" to COCO)."""

    coords: np.ndarray
    areas: np.ndarray
    ids: np.ndarray
    scores: np.ndarray | None = None


def _outside(areas: np.ndarray) -> np.ndarray:
    return (areas < AREA_ALL[0]) | (areas > AREA_ALL[1])


def _evaluate_image(pred: CocoImage, truth: CocoImage, threshold: float
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """COCOeval.evaluateImg at one threshold: (scores, matched truth ids, ignored, truth ignored)."""
    assert pred.scores is not None
    ignored_truth = _outside(truth.areas)
    t_order = np.argsort(ignored_truth, kind="stable")
    t_coords, t_ids, t_ignored = truth.coords[t_order], truth.ids[t_order], ignored_truth[t_order]
    p_order = np.argsort(-pred.scores, kind="stable")[:MAX_DETECTIONS]
    scores, p_ids = pred.scores[p_order], pred.ids[p_order]
    ious = coco_iou(pred.coords[p_order], t_coords)
    taken_by = np.zeros(len(t_ids))  # the id of the prediction matched to each truth box
    matched = np.zeros(len(p_ids))  # the id of the truth box matched to each prediction
    ignored = np.zeros(len(p_ids), dtype=bool)
    for k in range(len(p_ids)):
        usable = (taken_by <= 0) & (ious[k] >= min(threshold, 1 - 1e-10))
        for group in (~t_ignored, t_ignored):  # a kept truth box first, an ignored one else
            found = np.flatnonzero(usable & group)
            if len(found):
                best = found[::-1][np.argmax(ious[k, found[::-1]])]  # the last of equal IoUs
                ignored[k], matched[k], taken_by[best] = t_ignored[best], t_ids[best], p_ids[k]
                break
    ignored |= (matched == 0) & _outside(pred.areas[p_order])
    return scores, matched, ignored, t_ignored


def _class_precision(pairs: list[tuple[CocoImage, CocoImage]], threshold: float) -> float | None:
    """COCOeval.accumulate's precision at 101 recall points for one class, averaged; None
    where COCO leaves it -1 (no image with boxes, or no truth box that counts)."""
    results = [_evaluate_image(pred, truth, threshold) for pred, truth in pairs
               if len(pred.ids) or len(truth.ids)]
    if not results:
        return None
    scores, matched, ignored, t_ignored = (np.concatenate(parts) for parts in zip(*results, strict=True))
    counted = int(np.count_nonzero(~t_ignored))
    if counted == 0:
        return None
    order = np.argsort(-scores, kind="mergesort")
    matched, ignored = matched[order], ignored[order]
    tp = np.cumsum((matched != 0) & ~ignored).astype(float)
    fp = np.cumsum((matched == 0) & ~ignored).astype(float)
    recall = tp / counted
    precision = tp / (fp + tp + np.spacing(1))
    precision = np.maximum.accumulate(precision[::-1])[::-1]  # the best precision to the right
    at = np.searchsorted(recall, RECALL_POINTS, side="left")
    q = np.where(at < len(precision), precision[np.minimum(at, len(precision) - 1)], 0.0) \
        if len(precision) else np.zeros(len(RECALL_POINTS))
    return float(np.mean(q))


def coco_average_precision(preds: dict[int, list[CocoImage]], truths: dict[int, list[CocoImage]],
                           threshold: float) -> float:
    """COCOeval's stats[0] over the answers' classes: ``preds[c][i]`` and ``truths[c][i]`` are
    image i's boxes of class c (every class of ``truths``, every image, in the answers' order)."""
    values = [_class_precision(list(zip(preds[c], truths[c], strict=True)), threshold)
              for c in sorted(truths)]
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else -1.0
