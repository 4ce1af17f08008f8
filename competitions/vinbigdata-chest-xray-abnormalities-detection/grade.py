"""mAP at IoU 0.4 over the answers' classes, as MLE-bench's vinbigdata grader computes it with
pycocotools' COCOeval (pytest_mlebench.grading.detection.coco_average_precision).

As in MLE-bench:

* a PredictionString is split at single spaces, every value must be a number, and their
  count a multiple of 6 (MLE-bench fails otherwise); the class is the value truncated to an
  integer, and a class the answers do not have is not scored;
* COCO is handed ``xmin ymin xmax ymax`` as ``x y width height``, so overlaps are those of
  the boxes ``(xmin, ymin)`` to ``(xmin + xmax, ymin + ymax)``, while each box's area is that of
  its corners;
* annotations are numbered from 0, the true boxes over the answers' images (sorted by id),
  the predicted boxes over the submission's rows in the file's order. COCO takes id 0 for
  "unmatched": a prediction matched to the first true box counts as a false alarm, and the
  true box matched by the first predicted box stays free for the image's other predictions.

Variant ``coco-boxes`` grades as the metric intends: COCO gets ``xmin ymin width height``
and the annotations are numbered from 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.detection import (
    Boxes,
    CocoImage,
    coco_average_precision,
    parse_column,
)

SCORE_NAME = "map_iou_0.4"
ID, TARGET = "image_id", "PredictionString"
IOU_THRESHOLD = 0.4
COCO_BOXES = "coco-boxes"


def _single_spaces(text: str) -> list[str]:
    return text.split(" ")


def _classes(boxes: Boxes) -> np.ndarray:
    return np.array([int(float(label)) for label in boxes.labels], dtype=np.int64)


def _by_class(rows: list[Boxes], first_ids: np.ndarray, classes: list[int],
              with_scores: bool, widths: bool) -> dict[int, list[CocoImage]]:
    """Each class's boxes, image by image, with their areas and annotation ids; with ``widths``
    the corners become COCO's x, y, width, height (else they are handed over as they are)."""
    out: dict[int, list[CocoImage]] = {c: [] for c in classes}
    for boxes, first in zip(rows, first_ids, strict=True):
        labels = _classes(boxes)
        ids = first + np.arange(len(labels))
        sizes = boxes.coords[:, 2:] - boxes.coords[:, :2]
        coords = np.hstack([boxes.coords[:, :2], sizes]) if widths else boxes.coords
        for c in classes:
            keep = labels == c
            out[c].append(CocoImage(coords[keep], np.prod(sizes[keep], axis=1), ids[keep],
                                    boxes.scores[keep] if with_scores else None))
    return out


def _first_ids(counts: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Each row's first annotation id when rows are numbered in ``order``, from 0."""
    in_order = counts[order]
    first = np.empty(len(counts), dtype=np.int64)
    first[order] = np.cumsum(in_order) - in_order
    return first


def grade(submission: pd.DataFrame, answers: pd.DataFrame, variant: str | None = None) -> float:
    """``submission`` arrives checked, in the answers' row order, with its layout in the file."""
    fixed = variant == COCO_BOXES
    ids = answers[ID].astype(str).tolist()
    truths = parse_column(answers[TARGET].astype(str).tolist(), ids, TARGET, _single_spaces, True)
    preds = parse_column(submission[TARGET].astype(str).tolist(), ids, TARGET, _single_spaces, True)
    classes = sorted({int(c) for truth in truths for c in _classes(truth)})
    truth_ids = _first_ids(np.array([len(t.scores) for t in truths]), np.arange(len(truths))) + fixed
    pred_ids = _first_ids(np.array([len(p.scores) for p in preds]),
                          submission.attrs["layout"].file_order) + fixed
    return coco_average_precision(_by_class(preds, pred_ids, classes, True, fixed),
                                  _by_class(truths, truth_ids, classes, False, fixed), IOU_THRESHOLD)
