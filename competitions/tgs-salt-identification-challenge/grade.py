"""Mean precision over IoU thresholds 0.5 to 0.95, per 101x101 image, as MLE-bench grades it.

Each image holds at most one salt "object", its whole mask. Both masks empty: 1. An empty
truth with any predicted pixel: 0. Otherwise the image scores the share of the ten
thresholds (``np.arange(0.5, 1.0, 0.05)``) its IoU is strictly above. The images' scores are
averaged; rows pair by id (MLE-bench sorts both files by id).

MLE-bench counts the pixels with two-bin histograms, whose bins for an array of zeros are
centred on 0, so an empty prediction lands in the "salt" bin: against a non-empty truth it
is scored as a prediction of the whole image (IoU = salt pixels / 10201). Reproduced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pytest_mlebench.grading.salt_rle import decode, decode_truth

SCORE_NAME = "mean_precision_over_iou_thresholds"
SIZE = 101
THRESHOLDS = np.arange(0.5, 1.0, 0.05)


def image_score(truth: np.ndarray, predicted: np.ndarray) -> float:
    """One image's precision averaged over the thresholds (MLE-bench's histogram reading)."""
    if not truth.any():
        return 0.0 if predicted.any() else 1.0
    if not predicted.any():  # an array of zeros falls in the histogram's upper bin
        predicted = np.ones_like(predicted)
    iou = np.count_nonzero(truth & predicted) / np.count_nonzero(truth | predicted)
    return float(np.mean(iou > THRESHOLDS))


def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
    """``submission`` arrives checked, in the answers' row order (validate.score)."""
    scores = []
    for image, truth, predicted in zip(answers["id"], answers["rle_mask"], submission["rle_mask"],
                                       strict=True):
        true_mask = decode_truth(str(truth), SIZE, SIZE, f"id {image!r}")
        scores.append(image_score(true_mask, decode(str(predicted), SIZE, SIZE, f"id {image!r}")))
    return float(np.mean(scores))
