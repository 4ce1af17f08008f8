"""iWildCam 2020: Kaggle's COCO-style iwildcam2020_train_annotations.json (annotations, images,
categories, info), iwildcam2020_test_information.json (images, categories, info),
iwildcam2020_megadetector_results.json (animal boxes per image), sample_submission.csv (Id,
Category) and the JPEG folders train/ and test/. Image ids are UUIDs with their file names
<id>.jpg; each image has one annotation; class numbers lie in 0-675."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_folder

#: A few of Kaggle's categories (id, name); 0 is an empty frame.
CATEGORIES = [(0, "empty"), (2, "tayassu pecari"), (3, "dasyprocta punctata"), (4, "cuniculus paca"),
              (6, "puma concolor"), (7, "tapirus terrestris"), (8, "pecari tajacu"), (372, "bos taurus"),
              (374, "canis familiaris"), (675, "motorcycle")]
INFO = {"version": "1.0", "description": "Synthetic iWildCam 2020 data", "year": 2020,
        "contributor": "pytest-mlebench", "date_created": "2020-02-21"}


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=1))


def _images(rng: np.random.Generator, n: int, locations: np.ndarray) -> list[dict]:
    ids = [_uuid(rng) for _ in range(n)]
    return [{"seq_num_frames": 3, "location": int(rng.choice(locations)),
             "datetime": f"2013-0{rng.integers(1, 10)}-1{rng.integers(0, 10)} 10:00:00.000",
             "id": i, "frame_num": int(rng.integers(1, 4)), "seq_id": _uuid(rng),
             "width": 2048, "height": 1536, "file_name": f"{i}.jpg"} for i in ids]


def build(raw: Path, rng: np.random.Generator) -> None:
    categories = [{"count": int(rng.integers(1, 1000)), "id": c, "name": name} for c, name in CATEGORIES]
    train, test = _images(rng, 200, np.arange(30)), _images(rng, 30, np.arange(30, 36))
    annotations = [{"count": int(rng.integers(1, 4)), "image_id": image["id"], "id": _uuid(rng),
                    "category_id": int(rng.choice([c for c, _ in CATEGORIES]))} for image in train]
    files = {"iwildcam2020_train_annotations.json": {"annotations": annotations, "images": train,
                                                     "categories": categories, "info": INFO},
             "iwildcam2020_test_information.json": {"images": test, "categories": categories, "info": INFO},
             "iwildcam2020_megadetector_results.json": {
                 "info": {"detector": "megadetector_v3"},
                 "detection_categories": {"1": "animal", "2": "person"},
                 "images": [{"id": image["id"], "max_detection_conf": 0.9,
                             "detections": [{"category": "1", "conf": 0.9, "bbox": [0.1, 0.2, 0.3, 0.4]}]}
                            for image in train + test]}}
    for name, content in files.items():
        (raw / name).write_text(json.dumps(content), encoding="utf-8")
    pd.DataFrame({"Id": [image["id"] for image in test], "Category": 0}).to_csv(
        raw / "sample_submission.csv", index=False)
    write_folder(raw / "train", {image["file_name"]: photo(rng, shape=(6, 8)) for image in train})
    write_folder(raw / "test", {image["file_name"]: photo(rng, shape=(6, 8)) for image in test})
