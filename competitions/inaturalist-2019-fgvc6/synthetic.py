"""iNaturalist 2019: Kaggle's COCO-style train2019.json and val2019.json (info, images,
annotations in the images' order, categories, licenses), test2019.json (info, images,
licenses), kaggle_sample_submission.csv (id, predicted) and the gzipped tars
train_val2019.tar.gz (train_val2019/<supercategory>/<category id>/<32 hex digits>.jpg, the
training and validation photos together) and test2019.tar.gz (test2019/<32 hex digits>.jpg).
Image ids are whole numbers counted over train, val and test; 1,010 categories, ids 0-1009."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo

#: Images per category in the training file: one alone (kept in train), a few under five
#: (the last one held out), the rest split by train_test_split.
TRAIN_COUNTS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 7, 9]
SUPERCATEGORIES = ["Plants", "Insects", "Birds", "Fungi"]
INFO = {"year": 2019, "version": "1.0", "description": "Synthetic iNaturalist 2019 data",
        "contributor": "pytest-mlebench", "url": "https://example.org", "date_created": "2019-02-25"}
LICENSES = [{"url": "http://creativecommons.org/licenses/by-nc/4.0/", "id": 1, "name": "CC BY-NC 4.0"}]


def _records(rng: np.random.Generator, labels: list[int], supers: dict[int, str], first_id: int,
             folder: str) -> tuple[list[dict], list[dict]]:
    names = hex_ids(rng, len(labels), 32)
    images, annotations = [], []
    for k, (label, name) in enumerate(zip(labels, names, strict=True)):
        image_id = first_id + k
        file_name = f"{folder}/{supers[label]}/{label}/{name}.jpg" if folder == "train_val2019" else \
            f"{folder}/{name}.jpg"
        images.append({"license": 1, "file_name": file_name, "rights_holder": "Someone",
                       "height": 6, "width": 8, "id": image_id})
        annotations.append({"image_id": image_id, "category_id": label, "id": image_id})
    return images, annotations


def _tar(path: Path, files: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def build(raw: Path, rng: np.random.Generator) -> None:
    labels = sorted(rng.choice(1010, len(TRAIN_COUNTS), replace=False).tolist())
    supers = {label: SUPERCATEGORIES[i % len(SUPERCATEGORIES)] for i, label in enumerate(labels)}
    categories = [{"id": label, "name": f"Species {label}", "kingdom": supers[label], "phylum": "P",
                   "class": "C", "order": "O", "family": "F", "genus": "G"} for label in labels]
    train_labels = rng.permutation(np.repeat(labels, TRAIN_COUNTS)).tolist()
    val_labels = labels[:6]
    train = _records(rng, train_labels, supers, 0, "train_val2019")
    val = _records(rng, val_labels, supers, len(train_labels), "train_val2019")
    test_images, _ = _records(rng, [labels[0]] * 10, supers, len(train_labels) + len(val_labels), "test2019")
    for name, (images, labelled) in (("train2019.json", train), ("val2019.json", val)):
        (raw / name).write_text(json.dumps({"info": INFO, "images": images, "annotations": labelled,
                                            "categories": categories, "licenses": LICENSES}))
    test = {"info": INFO, "images": test_images, "licenses": LICENSES}
    (raw / "test2019.json").write_text(json.dumps(test))
    pd.DataFrame({"id": [image["id"] for image in test_images], "predicted": 0}).to_csv(
        raw / "kaggle_sample_submission.csv", index=False)
    _tar(raw / "train_val2019.tar.gz",
         {image["file_name"]: photo(rng, shape=(6, 8)) for image in train[0] + val[0]})
    _tar(raw / "test2019.tar.gz", {image["file_name"]: photo(rng, shape=(6, 8)) for image in test_images})
