"""Herbarium 2020: Kaggle's download unpacks to nybg2020/train/ (metadata.json, a COCO-style file
of images, annotations, categories, regions, info and licenses, not valid UTF-8, and
images/<category // 100>/<category % 100>/<image id>.jpg), nybg2020/test/ (metadata.json of
images, info, licenses; images/<id // 1000>/<id>.jpg) and sample_submission.csv (Id, Predicted)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, write_file

#: Images per category: the sizes that take each of MLE-bench's three split rules.
COUNTS = {0: 1, 3: 2, 17: 3, 105: 4, 1503: 5, 2210: 6, 15504: 9, 23079: 12, 32093: 20}
INFO = {"contributor": "Synthetic Herbarium", "date_created": "2020-02-12", "description": "synthetic",
        "url": "https://example.org", "version": "1.0", "year": 2020}
LICENSES = [{"id": 1, "name": "Attribution License", "url": "https://example.org/license"}]


def build(raw: Path, rng: np.random.Generator) -> None:
    categories = [c for c, n in COUNTS.items() for _ in range(n)]
    order = rng.permutation(len(categories))  # the file interleaves species
    ids = [int(i) for i in rng.choice(np.arange(1000, 999_999), len(categories), replace=False)]
    images, annotations = [], []
    for k, position in enumerate(order):
        category, image_id = categories[position], ids[k]
        file_name = f"images/{category // 100:03d}/{category % 100:02d}/{image_id}.jpg"
        images.append({"file_name": file_name, "height": 8, "id": image_id, "license": 1, "width": 6})
        annotations.append({"category_id": category, "id": image_id, "image_id": image_id,
                            "region_id": int(rng.integers(0, 3))})
        write_file(raw / "nybg2020/train" / file_name, photo(rng))
    metadata = {
        "annotations": annotations,
        "categories": [{"family": "Orchidaceae", "genus": f"Genus{c}", "id": c,
                        "name": f"Genus{c} sp. L\u00f6w"} for c in COUNTS],
        "images": images, "info": INFO, "licenses": LICENSES,
        "regions": [{"id": r, "name": f"Region {r}"} for r in range(3)],
    }
    # Latin-1 bytes (the "ö"): Kaggle's file does not decode as UTF-8 either.
    write_file(raw / "nybg2020/train/metadata.json",
               json.dumps(metadata, ensure_ascii=False).encode("latin-1"))
    test = [{"file_name": f"images/{i // 1000:03d}/{i}.jpg", "height": 8, "id": i, "license": 1, "width": 6}
            for i in range(10)]
    for image in test:
        write_file(raw / "nybg2020/test" / image["file_name"], photo(rng))
    write_file(raw / "nybg2020/test/metadata.json",
               json.dumps({"images": test, "info": INFO, "licenses": LICENSES}))
    pd.DataFrame({"Id": range(10), "Predicted": 0}).to_csv(raw / "sample_submission.csv", index=False)
