"""Handwritten digits (scikit-learn's load_digits) as 8x8 grayscale PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.offline import prepare_offline

#: load_digits counts pixels on a 0..16 scale; PNG grayscale runs 0..255.
SCALE = 255 / 16


def prepare(raw: Path | None, public: Path, private: Path, *, competition: Competition) -> None:
    """``raw`` is unused: the images ship with scikit-learn."""
    digits = load_digits()
    images = np.round(digits.images * SCALE).astype(np.uint8)
    labels = pd.DataFrame({"label": digits.target})
    prepare_offline(competition, public, private, labels, images=images)
