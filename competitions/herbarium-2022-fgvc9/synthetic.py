"""Herbarium 2022: Kaggle's download unpacks to train_metadata.json (a COCO-style object of
annotations, images, categories, genera, distances, institutions and licenses; image ids like
``00000__001``), train_images/<category // 100>/<category % 100>/<image id>.jpg,
test_metadata.json (a bare list of image records: file_name, image_id "0", "1", ..., license),
test_images/<i // 1000>/test-<i, 6 digits>.jpg and sample_submission.csv (Id, Predicted)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

#: Images per category (Kaggle's has at least two of each, as MLE-bench's split needs).
COUNTS = {0: 2, 5: 3, 42: 4, 108: 5, 1234: 6, 7777: 8, 12001: 10, 15504: 14}
GENERA = 3


def build(raw: Path, rng: np.random.Generator) -> None:
    records = []
    for category, n in COUNTS.items():
        for k in range(1, n + 1):
            image_id = f"{category:05d}__{k:03d}"
            records.append((category, image_id, f"{category // 100:03d}/{category % 100:02d}/{image_id}.jpg"))
    order = rng.permutation(len(records))  # interleaved species: the split follows first appearance
    images, annotations = [], []
    for position in order:
        category, image_id, file_name = records[position]
        genus = category % GENERA
        images.append({"file_name": file_name, "image_id": image_id, "license": 0})
        annotations.append({"category_id": category, "genus_id": genus, "image_id": image_id,
                            "institution_id": int(rng.integers(0, 2))})
        write_file(raw / "train_images" / file_name, photo(rng))
    metadata = {
        "annotations": annotations,
        "categories": [{"authors": "L.", "category_id": c, "family": "Fabaceae",
                        "genus": f"Genus{c % GENERA}", "scientific_name": f"Genus{c % GENERA} species{c}",
                        "species": f"species{c}"}
                       for c in COUNTS],
        "distances": [{"distance": float(abs(a - b)), "genus_id_x": a, "genus_id_y": b}
                      for a in range(GENERA) for b in range(GENERA) if a != b],
        "genera": [{"genus": f"Genus{g}", "genus_id": g} for g in range(GENERA)],
        "images": images,
        "institutions": [{"collection_code": f"H{i}", "institution_id": i} for i in range(2)],
        "licenses": [{"id": 0, "name": "Public Domain Dedication", "url": "https://example.org/license"}],
    }
    write_file(raw / "train_metadata.json", json.dumps(metadata))
    test = [{"file_name": f"{i // 1000:03d}/test-{i:06d}.jpg", "image_id": str(i), "license": 0}
            for i in range(10)]
    for image in test:
        write_file(raw / "test_images" / image["file_name"], photo(rng))
    write_file(raw / "test_metadata.json", json.dumps(test))
    pd.DataFrame({"Id": range(10), "Predicted": 42}).to_csv(raw / "sample_submission.csv", index=False)
