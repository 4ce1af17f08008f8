"""Google QUEST Q&A Labeling: Kaggle's train.csv (11 text and id columns, then 30 targets written
as Kaggle writes them, "0.333333333333333" or "1"), test.csv and sample_submission.csv. Texts
hold line breaks, commas and quotes; question_type_spelling is almost always 0, as in Kaggle's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.synthetic import csv_bytes, text

N_TRAIN, N_TEST = 300, 40
#: Kaggle's 30 targets, in its order: the grading's target columns.
TARGETS = list(Competition.from_folder(Path(__file__).parent).target_columns)
#: Averages of a few raters' votes, as Kaggle wrote them.
LEVELS = ["0", "0.333333333333333", "0.5", "0.666666666666667", "0.777777777777778", "1"]
HOSTS = ["photo.stackexchange.com", "rpg.stackexchange.com", "stackoverflow.com", "math.stackexchange.com"]
CATEGORIES = ["LIFE_ARTS", "CULTURE", "SCIENCE", "STACKOVERFLOW", "TECHNOLOGY"]


def pairs(rng: np.random.Generator, qa_ids: np.ndarray) -> pd.DataFrame:
    """The question and answer columns of Kaggle's train.csv and test.csv."""
    n = len(qa_ids)
    hosts = rng.choice(HOSTS, n)
    users = rng.integers(1, 99999, (n, 2))
    return pd.DataFrame({
        "qa_id": qa_ids,
        "question_title": [text(rng, 6).capitalize() + "?" for _ in range(n)],
        "question_body": [text(rng, 12) + "\n\n" + text(rng, 8) for _ in range(n)],
        "question_user_name": rng.choice(["Dylan", "NA", "user12345", "Ömer"], n),
        "question_user_page": [f"https://{h}/users/{u}" for h, u in zip(hosts, users[:, 0], strict=True)],
        "answer": [text(rng, 15) + ",\n" + text(rng, 5) for _ in range(n)],
        "answer_user_name": rng.choice(["null", "Jon Skeet", "Rory", "Mazura"], n),
        "answer_user_page": [f"https://{h}/users/{u}" for h, u in zip(hosts, users[:, 1], strict=True)],
        "url": [f"http://{h}/questions/{q}" for h, q in zip(hosts, qa_ids * 7 + 1000, strict=True)],
        "category": rng.choice(CATEGORIES, n),
        "host": hosts,
    })


def build(raw: Path, rng: np.random.Generator) -> None:
    qa_ids = np.sort(rng.choice(10_000, N_TRAIN + N_TEST, replace=False))
    is_test = np.zeros(len(qa_ids), dtype=bool)
    is_test[rng.choice(len(qa_ids), N_TEST, replace=False)] = True
    train = pairs(rng, qa_ids[~is_test])
    labels = pd.DataFrame(rng.choice(LEVELS, (N_TRAIN, len(TARGETS))), columns=TARGETS)
    labels["question_type_spelling"] = "0"
    labels.loc[rng.choice(N_TRAIN, 3, replace=False), "question_type_spelling"] = "0.333333333333333"
    (raw / "train.csv").write_bytes(csv_bytes(pd.concat([train, labels], axis=1)))
    test = pairs(rng, qa_ids[is_test])
    (raw / "test.csv").write_bytes(csv_bytes(test))
    sample = pd.DataFrame({"qa_id": test["qa_id"], **dict.fromkeys(TARGETS, 0.00308613)})
    (raw / "sample_submission.csv").write_bytes(csv_bytes(sample))
