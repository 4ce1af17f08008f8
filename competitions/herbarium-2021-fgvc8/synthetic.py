"""Herbarium 2021: Kaggle's download unpacks to train/ (metadata.json, a COCO-style file of
images, annotations, categories, institutions, info and licenses, and
images/<category // 100>/<category % 100>/<image id>.jpg), test/ (metadata.json of images, info,
licenses; images/<id // 1000>/<id>.jpg) and sample_submission.csv (Id, Predicted)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

#: Images per category: the sizes that take each of MLE-bench's three split rules.
COUNTS = {0: 1, 7: 2, 42: 3, 199: 4, 2001: 5, 4310: 7, 33333: 9, 50000: 11, 64499: 18}
INFO = {"contributor": "Synthetic Herbarium", "date_created": "2021-02-24", "description": "synthetic",
        "url": "https://example.org", "version": "1.0", "year": 2021}
LICENSES = [{"id": 0, "name": "Public Domain Dedication", "url": "https://example.org/license"}]


def build(raw: Path, rng: np.random.Generator) -> None:
    categories = [c for c, n in COUNTS.items() for _ in range(n)]
    order = rng.permutation(len(categories))  # the file interleaves species
    ids = [int(i) for i in rng.choice(np.arange(1, 2_500_000), len(categories), replace=False)]
    images, annotations = [], []
    for k, position in enumerate(order):
        category, image_id = categories[position], ids[k]
        file_name = f"images/{category // 100:03d}/{category % 100:02d}/{image_id}.jpg"
        images.append({"file_name": file_name, "height": 8, "id": image_id, "license": 0, "width": 6})
        annotations.append({"category_id": category, "id": image_id, "image_id": image_id,
                            "institution_id": int(rng.integers(0, 3))})
        write_file(raw / "train" / file_name, photo(rng))
    metadata = {
        "annotations": annotations,
        "categories": [{"family": "Rosaceae", "id": c, "name": f"Rosa species{c}", "order": "Rosales"}
                       for c in COUNTS],
        "images": images, "info": INFO, "licenses": LICENSES,
        "institutions": [{"id": r, "name": f"Herbarium {r}"} for r in range(3)],
    }
    write_file(raw / "train/metadata.json", json.dumps(metadata))
    test = [{"file_name": f"images/{i // 1000:03d}/{i}.jpg", "height": 8, "id": i, "license": 0, "width": 6}
            for i in range(10)]
    for image in test:
        write_file(raw / "test" / image["file_name"], photo(rng))
    write_file(raw / "test/metadata.json", json.dumps({"images": test, "info": INFO, "licenses": LICENSES}))
    pd.DataFrame({"Id": range(10), "Predicted": 0}).to_csv(raw / "sample_submission.csv", index=False)
