"""iNaturalist 2019: MLE-bench's per-species split of Kaggle's labelled training photos.

Kaggle kept its test labels, so MLE-bench holds out 12% of each category of train2019.json:
a category of one image stays in train, one of two to four images gives its last image, a
larger one goes through train_test_split(test_size=0.12, random_state=0). The new
train2019.json lists the kept images category by category (in the order the categories first
appear); test2019.json lists the held-out ones shuffled by random.Random(0), renamed
test2019/<name>.jpg, without categories or annotations. val2019.json ships unchanged, though
its photos do not. As MLE-bench writes them, the photo archives are plain (uncompressed) tars
named .tar.gz, train_val2019.tar.gz holding <supercategory>/<category>/<name>.jpg and
test2019.tar.gz holding <name>.jpg, both without the folder the JSON file names start with.
The sample submission predicts one class for all: random.Random(42).randint(0, 1009), drawn
afresh for every row.
"""

from __future__ import annotations

import json
import os
import random
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, partial_path, progress, write_csv, write_once
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.12
SEED = 0
SHUFFLE_SEED = 0
SAMPLE_SEED = 42
PHOTOS = "train_val2019"


def _split(pairs: list[tuple[dict, dict]]) -> tuple[list, list]:
    """One category's (annotation, image) pairs as MLE-bench splits them: (train, test)."""
    if len(pairs) == 1:
        return pairs, []
    if len(pairs) < 5:
        held_out = max(1, int(len(pairs) * TEST_SIZE))
        return pairs[:-held_out], pairs[-held_out:]
    return train_test_split(pairs, test_size=TEST_SIZE, random_state=SEED)


def _raw_photos(raw: Path, wanted: set[str]) -> Iterator[tuple[str, int, float, IO[bytes]]]:
    """(file name, size, mtime, contents) of each wanted photo: from the unpacked folder
    raw/train_val2019/ when there is one, else streamed from Kaggle's tar.gz, front to back."""
    if (raw / PHOTOS).is_dir():
        for name in sorted(wanted):
            path = raw / name
            with open(path, "rb") as f:
                stat = os.stat(path)
                yield name, stat.st_size, stat.st_mtime, f
        return
    with tarfile.open(raw / f"{PHOTOS}.tar.gz", "r|gz") as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if member.isfile() and name in wanted:
                f = tar.extractfile(member)
                assert f is not None
                yield name, member.size, member.mtime, f


def _pack_photos(raw: Path, names: dict[str, tuple[Path, str]]) -> None:
    """Write each photo (its JSON file name) into its archive under its new name, in one pass
    over the raw photos; the archives appear complete or not at all."""
    archives = sorted({archive for archive, _ in names.values()})
    if all(archive.exists() for archive in archives):
        return
    tars = {archive: tarfile.open(partial_path(archive), "w") for archive in archives}
    found = set()
    try:
        with progress("packing iNaturalist photos", len(names)) as advance:
            for name, size, mtime, contents in _raw_photos(raw, set(names)):
                archive, member = names[name]
                info = tarfile.TarInfo(member)
                info.size, info.mtime, info.mode = size, int(mtime), 0o644
                tars[archive].addfile(info, contents)
                found.add(name)
                advance()
        for tar in tars.values():
            tar.close()
        missing = sorted(set(names) - found)
        if missing:
            raise FileNotFoundError(f"{raw}: {len(missing)} photos of train2019.json are missing: "
                                    f"{missing[:3]}")
        for archive in archives:
            os.replace(partial_path(archive), archive)
    finally:
        for archive, tar in tars.items():
            tar.close()
            partial_path(archive).unlink(missing_ok=True)


def _write_json(content: dict, path: Path) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=4, sort_keys=True)

    write_once(path, write)


def prepare(raw: Path, public: Path, private: Path) -> None:
    with open(raw / "train2019.json", encoding="utf-8") as f:
        kaggle = json.load(f)
    by_category: dict[int, list[tuple[dict, dict]]] = {}
    for annotation, image in zip(kaggle["annotations"], kaggle["images"], strict=True):
        if annotation["image_id"] != image["id"]:
            raise ValueError(f"train2019.json: annotation of image {annotation['image_id']} is paired "
                             f"with image {image['id']}")
        by_category.setdefault(annotation["category_id"], []).append((annotation, image))
    splits = [_split(pairs) for pairs in by_category.values()]
    train = [pair for kept, _ in splits for pair in kept]
    test = [pair for _, held_out in splits for pair in held_out]
    random.Random(SHUFFLE_SEED).shuffle(test)
    test_images = [{**image, "file_name": "test2019/" + image["file_name"].split("/")[-1]}
                   for _, image in test]

    photos = {image["file_name"]: (public / f"{PHOTOS}.tar.gz", image["file_name"].split("/", 1)[1])
              for _, image in train}
    photos |= {image["file_name"]: (public / "test2019.tar.gz", image["file_name"].split("/")[-1])
               for _, image in test}
    _pack_photos(raw, photos)

    _write_json({**kaggle, "annotations": [a for a, _ in train], "images": [i for _, i in train]},
                public / "train2019.json")
    _write_json({key: value for key, value in kaggle.items() if key not in ("annotations", "categories")}
                | {"images": test_images}, public / "test2019.json")
    if not (public / "val2019.json").exists():
        link_or_copy(raw / "val2019.json", public / "val2019.json")

    answers = pd.DataFrame({"id": [image["id"] for image in test_images],
                            "predicted": [annotation["category_id"] for annotation, _ in test]})
    sample = answers.assign(predicted=random.Random(SAMPLE_SEED).randint(0, 1009))
    write_csv(sample, public / "kaggle_sample_submission.csv")
    write_csv(answers, private / ANSWERS)
