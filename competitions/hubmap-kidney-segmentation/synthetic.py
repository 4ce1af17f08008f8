"""HuBMAP - Hacking the Kidney: Kaggle's download as it extracts.

- ``train/``: per annotated slide (15), ``{id}.tiff`` (an RGB image; gigapixels in
  Kaggle's, a few hundred pixels here, written by Pillow), ``{id}.json`` (the glomeruli as
  GeoJSON polygon features) and ``{id}-anatomical-structure.json`` (cortex and medulla);
- ``test/``: 5 slides, each ``{id}.tiff`` and ``{id}-anatomical-structure.json``;
- ``train.csv``: id (9 hex digits, a letter among them), encoding (the glomerulus mask
  run-length encoded, pixels top to bottom then left to right);
- ``sample_submission.csv``: id, predicted (blank) for the 5 test slides;
- ``HuBMAP-20-dataset_information.csv``: one row per slide (20): image_file, the image's size,
  its two JSON files and anonymised patient data, some blank.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, image_bytes, write_file
from pytest_mlebench.grading.rle import encode

N_TRAIN, N_TEST = 15, 5


def polygon(x0: int, y0: int, x1: int, y1: int) -> list[list[list[int]]]:
    """A closed rectangle in GeoJSON's (x, y) order."""
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


def feature(name: str, colour: int, rings: list[list[list[int]]], locked: bool) -> dict[str, object]:
    return {"type": "Feature", "id": "PathAnnotationObject",
            "geometry": {"type": "Polygon", "coordinates": rings},
            "properties": {"classification": {"name": name, "colorRGB": colour},
                           "isLocked": locked, "measurements": []}}


def glomeruli(height: int, width: int,
              rng: np.random.Generator) -> tuple[np.ndarray, list[dict[str, object]]]:
    """A few rectangular glomeruli: their mask and their features."""
    mask = np.zeros((height, width), dtype=bool)
    features = []
    for _ in range(int(rng.integers(1, 4))):
        y0, x0 = int(rng.integers(0, height - 4)), int(rng.integers(0, width - 4))
        y1, x1 = y0 + int(rng.integers(2, 5)), x0 + int(rng.integers(2, 5))
        mask[y0:y1, x0:x1] = True
        features.append(feature("glomerulus", -3140401, polygon(x0, y0, x1, y1), True))
    return mask, features


def anatomy(height: int, width: int) -> bytes:
    """Cortex over the top two thirds, medulla below, as unlocked features."""
    cut = 2 * height // 3
    return json.dumps([feature("Cortex", -11396, polygon(0, 0, width, cut), False),
                       feature("Medulla", -8388608, polygon(0, cut, width, height), False)]).encode()


def patients(ids: list[str], sizes: list[tuple[int, int]], annotated: int,
             rng: np.random.Generator) -> pd.DataFrame:
    n = len(ids)
    weight = rng.uniform(50, 120, n).round(1)
    height_cm = rng.integers(150, 195, n)
    return pd.DataFrame({
        "image_file": [f"{i}.tiff" for i in ids],
        "width_pixels": [w for _, w in sizes], "height_pixels": [h for h, _ in sizes],
        "anatomical_structures_segmention_file": [f"{i}-anatomical-structure.json" for i in ids],
        "glomerulus_segmentation_file": [f"{i}.json" if k < annotated else "" for k, i in enumerate(ids)],
        "patient_number": rng.integers(67000, 68600, n),
        "race": rng.choice(["White", "Black or African American", ""], n),
        "ethnicity": rng.choice(["Not Hispanic or Latino", "Hispanic or Latino"], n),
        "sex": rng.choice(["Male", "Female"], n), "age": rng.integers(30, 80, n),
        "weight_kilograms": weight, "height_centimeters": height_cm,
        "bmi_kg/m^2": (weight / (height_cm / 100) ** 2).round(1),
        "laterality": rng.choice(["Left", "Right"], n),
        "percent_cortex": (pc := rng.integers(50, 100, n)), "percent_medulla": 100 - pc,
    })


def slide_ids(rng: np.random.Generator, n: int) -> list[str]:
    """Nine hex digits with a letter other than e among them, as all of Kaggle's have: pandas
    (MLE-bench's reader) would read 147660010 or 123e45678 as a number."""
    ids: list[str] = []
    while len(ids) < n:
        ids += [i for i in hex_ids(rng, n - len(ids), 9) if set(i) & set("abcdf") and i not in ids]
    return ids


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = slide_ids(rng, N_TRAIN + N_TEST)
    sizes = [(int(rng.integers(16, 33)), int(rng.integers(16, 41))) for _ in ids]
    encodings = []
    for k, (image_id, (height, width)) in enumerate(zip(ids, sizes, strict=True)):
        folder = raw / ("train" if k < N_TRAIN else "test")
        pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        write_file(folder / f"{image_id}.tiff", image_bytes(pixels, "TIFF"))
        write_file(folder / f"{image_id}-anatomical-structure.json", anatomy(height, width))
        if k < N_TRAIN:
            mask, features = glomeruli(height, width, rng)
            write_file(folder / f"{image_id}.json", json.dumps(features).encode())
            encodings.append(encode(mask, "F"))
    write_file(raw / "train.csv", csv_bytes(pd.DataFrame({"id": ids[:N_TRAIN], "encoding": encodings})))
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"id": ids[N_TRAIN:], "predicted": ""})))
    write_file(raw / "HuBMAP-20-dataset_information.csv", csv_bytes(patients(ids, sizes, N_TRAIN, rng)))
