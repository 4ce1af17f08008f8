"""COCO-style metadata (parallel ``images`` and ``annotations`` lists) split per category.

Several FGVC competitions (the Herbarium years among them) ship one JSON "table of contents"
for their labelled images. Kaggle kept their test labels, so MLE-bench holds out a share of
each category of the training metadata, the same way every time:

* the (annotation, image) pairs are grouped by ``category_id``, categories in the order
  they first appear, pairs in file order;
* each category is split by ``train_test_split(test_size, random_state)``, or, under the
  "small categories" rule, a category of one pair stays in train and one of two to four pairs
  gives its last ``max(1, int(n * test_size))`` pairs;
* the held-out pairs of all categories, concatenated, are shuffled by ``random.Random(seed)``
  and renumbered 0, 1, 2, ... in that order.

The helpers here do that and write JSON as MLE-bench's preparers dump it (indent 4, sorted
keys, non-ASCII escaped), once, by rename. The image files themselves are placed with
:class:`~pytest_mlebench.data.prepare.images.RawImages`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from .files import write_once
from .images import RawImages

#: One labelled image: its annotation and its image record.
Pair = tuple[dict[str, Any], dict[str, Any]]


def read_json(path: Path, encoding: str = "utf-8") -> Any:
    """A metadata file. The whole file: MLE-bench rewrites it with sorted keys, which needs it all."""
    with open(path, encoding=encoding) as f:
        return json.load(f)


def write_json(content: Any, path: Path) -> None:
    """``content`` as MLE-bench's preparers dump it: ``indent=4, sort_keys=True``, ASCII only."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="ascii") as out:
            json.dump(content, out, indent=4, sort_keys=True)

    write_once(path, write)


def by_category(metadata: dict[str, Any], image_key: str = "id") -> dict[int, list[Pair]]:
    """The (annotation, image) pairs grouped by category, categories in first-seen order.

    The two lists are parallel; a pair whose ids disagree is an error in the raw file.
    """
    groups: dict[int, list[Pair]] = {}
    for annotation, image in zip(metadata["annotations"], metadata["images"], strict=True):
        if annotation["image_id"] != image[image_key]:
            raise ValueError(f"annotation of image {annotation['image_id']!r} is paired with image "
                             f"{image[image_key]!r}")
        groups.setdefault(annotation["category_id"], []).append((annotation, image))
    return groups


def split_category(pairs: list[Pair], test_size: float, seed: int,
                   small_rule: bool) -> tuple[list[Pair], list[Pair]]:
    """One category's (train, test) pairs; ``small_rule`` treats categories under five pairs
    as MLE-bench's per-category splits do (without it, a category of one pair is refused by
    scikit-learn, as it is by MLE-bench)."""
    n = len(pairs)
    if small_rule and n == 1:
        return pairs, []
    if small_rule and n < 5:
        held_out = max(1, int(n * test_size))
        return pairs[:-held_out], pairs[-held_out:]
    train, test = train_test_split(range(n), test_size=test_size, random_state=seed)
    return [pairs[i] for i in train], [pairs[i] for i in test]


def split_by_category(groups: dict[int, list[Pair]], test_size: float, seed: int, shuffle_seed: int,
                      small_rule: bool) -> tuple[dict[int, list[Pair]], list[Pair]]:
    """The train pairs by category (in ``groups`` order) and the held-out pairs, flattened in
    category order then shuffled by ``random.Random(shuffle_seed)``: test image i is the i-th."""
    train: dict[int, list[Pair]] = {}
    test: list[Pair] = []
    for category, pairs in groups.items():
        train[category], held_out = split_category(pairs, test_size, seed, small_rule)
        test.extend(held_out)
    random.Random(shuffle_seed).shuffle(test)
    return train, test


def category_folder(category_id: int) -> str:
    """The nested folder the Herbarium datasets file a category's images under: 15504 -> 155/04."""
    return f"{category_id // 100:03d}/{category_id % 100:02d}"


def answers_and_sample(test: list[Pair], sample_class: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The private answers (``Id`` = the test image's new number, ``Predicted`` = its category)
    and a sample submission predicting ``sample_class`` for every test image."""
    ids = [str(i) for i in range(len(test))]
    answers = pd.DataFrame({"Id": ids, "Predicted": [annotation["category_id"] for annotation, _ in test]})
    return answers, pd.DataFrame({"Id": ids, "Predicted": sample_class})


def split_metadata_folder(raw: Path, folder: str, public: Path, encoding: str = "utf-8") -> list[Pair]:
    """MLE-bench's split of a ``<folder>/metadata.json`` + ``<folder>/images/`` training set
    (Herbarium 2020 and 2021): 20% of each category held out under the small-categories rule
    (seed 0, shuffle seed 0), written to ``public/<parent of folder>/{train,test}/``.

    Train keeps its records, file names and every top-level key. Test image i becomes
    ``images/<i // 1000, 3 digits>/<i>.jpg`` with id ``"i"``, and its metadata.json keeps
    only ``images``, ``info`` and ``licenses``. Returns the test pairs, test image i the i-th
    (their answers and sample are the caller's to write: see :func:`answers_and_sample`).
    """
    metadata = read_json(raw / folder / "metadata.json", encoding)
    train, test = split_by_category(by_category(metadata), test_size=0.2, seed=0, shuffle_seed=0,
                                    small_rule=True)
    train_pairs = [pair for pairs in train.values() for pair in pairs]
    test_images = [{**image, "id": str(i), "file_name": f"images/{i // 1000:03d}/{i}.jpg"}
                   for i, (_, image) in enumerate(test)]
    out = public / Path(folder).parent
    with RawImages(raw, folder) as files:
        files.place({**{image["file_name"]: out / "train" / image["file_name"] for _, image in train_pairs},
                     **{old["file_name"]: out / "test" / new["file_name"]
                        for (_, old), new in zip(test, test_images, strict=True)}},
                    f"linking {folder} images")
    write_json({**metadata, "annotations": [annotation for annotation, _ in train_pairs],
                "images": [image for _, image in train_pairs]}, out / "train" / "metadata.json")
    write_json({"images": test_images, "info": metadata["info"], "licenses": metadata["licenses"]},
               out / "test" / "metadata.json")
    return test
