"""Denoising Dirty Documents: Kaggle's train.zip, train_cleaned.zip and test.zip of grey PNG pages
(two page heights, as Kaggle's), each zip with its folder entry, and sampleSubmission.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pytest_mlebench.data.synthetic import image_bytes, write_file, write_zip


def build(raw: Path, rng: np.random.Generator) -> None:
    pages = [f"{n}.png" for n in rng.choice(np.arange(1, 217), size=20, replace=False)]
    noisy, clean = {}, {}
    for i, page in enumerate(pages):
        shape = (5, 8) if i % 2 else (7, 8)  # Kaggle's pages come in two heights
        clean[page] = np.where(rng.random(shape) < 0.8, 255, rng.integers(0, 80, shape)).astype(np.uint8)
        noisy[page] = np.clip(clean[page] * 0.8 + rng.integers(0, 60, shape), 0, 255).astype(np.uint8)
    kaggle_test = {f"{n}.png": rng.integers(0, 256, (5, 8), dtype=np.uint8) for n in (217, 218)}
    for folder, images in (("train", noisy), ("train_cleaned", clean), ("test", kaggle_test)):
        members = {f"{folder}/{name}": image_bytes(pixels, "PNG") for name, pixels in images.items()}
        write_zip(raw / f"{folder}.zip", members, folder_entries=True)
    write_file(raw / "sampleSubmission.csv", "id,value\n217_1_1,1\n")
