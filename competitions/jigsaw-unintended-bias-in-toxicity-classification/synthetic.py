"""Jigsaw Unintended Bias: Kaggle's eight CSV files, unzipped, with integer ids, comments with line
breaks and quotes, annotator fractions as toxicity and identity scores, and identity columns left
blank for comments nobody annotated for identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, text, write_file

SUBTYPES = ["severe_toxicity", "obscene", "identity_attack", "insult", "threat"]
IDENTITIES = ["asian", "atheist", "bisexual", "black", "buddhist", "christian", "female",
              "heterosexual", "hindu", "homosexual_gay_or_lesbian",
              "intellectual_or_learning_disability", "jewish", "latino", "male", "muslim",
              "other_disability", "other_gender", "other_race_or_ethnicity", "other_religion",
              "other_sexual_orientation", "physical_disability", "psychiatric_or_mental_illness",
              "transgender", "white"]
#: The identities the metric scores (grade.py's), each given toxic and non-toxic mentions.
SCORED = ["male", "female", "homosexual_gay_or_lesbian", "christian", "jewish", "muslim", "black",
          "white", "psychiatric_or_mental_illness"]
METADATA = ["created_date", "publication_id", "parent_id", "article_id", "rating", "funny", "wow",
            "sad", "likes", "disagree"]
#: The expanded test files' and all_data.csv's order of the label columns.
EXPANDED_LABELS = ["toxicity", "severe_toxicity", "obscene", "sexual_explicit", "identity_attack",
                   "insult", "threat", "male", "female", "transgender", "other_gender",
                   "heterosexual", "homosexual_gay_or_lesbian", "bisexual",
                   "other_sexual_orientation", "christian", "jewish", "muslim", "hindu", "buddhist",
                   "atheist", "other_religion", "black", "white", "asian", "latino",
                   "other_race_or_ethnicity", "physical_disability",
                   "intellectual_or_learning_disability", "psychiatric_or_mental_illness",
                   "other_disability"]
COUNTS = ["identity_annotator_count", "toxicity_annotator_count"]
N_TRAIN, N_TEST = 300, 200


def _fractions(rng: np.random.Generator, n: int, annotators: np.ndarray, share: float) -> np.ndarray:
    """Shares of ``annotators`` who said yes, as Kaggle's scores are."""
    return rng.binomial(annotators, share * rng.random(n) * 2) / annotators


def _comments(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Comments with their labels, metadata and counts, by column name."""
    annotators = rng.choice([4, 5, 6, 10], size=n)
    identity_annotators = np.where(rng.random(n) < 0.8, rng.choice([4, 10], size=n), 0)
    frame = {
        "comment_text": [text(rng, 9).replace(" lol ", "\nlol\n") for _ in range(n)],
        "created_date": [f"2017-{m:02d}-{d:02d} {h:02d}:{s:02d}:41.987077+00" for m, d, h, s in
                         zip(rng.integers(1, 13, n), rng.integers(1, 29, n), rng.integers(0, 24, n),
                             rng.integers(0, 60, n), strict=True)],
        "publication_id": rng.integers(2, 120, n),
        "parent_id": [f"{p}.0" if p % 3 else "" for p in rng.integers(10**5, 10**7, n)],
        "article_id": rng.integers(2000, 400000, n),
        "rating": rng.choice(["approved", "rejected"], size=n),
        **{name: rng.poisson(1, n) for name in ("funny", "wow", "sad", "likes", "disagree")},
        "toxicity": _fractions(rng, n, annotators, 0.3),
        **{name: _fractions(rng, n, annotators, 0.1) for name in [*SUBTYPES, "sexual_explicit"]},
        "identity_annotator_count": identity_annotators,
        "toxicity_annotator_count": annotators,
    }
    for identity in IDENTITIES:
        shares = _fractions(rng, n, np.maximum(identity_annotators, 1), 0.25)
        frame[identity] = np.where(identity_annotators > 0, shares, np.nan)
    comments = pd.DataFrame(frame)
    # Every scored identity has a toxic and a non-toxic mention, so each of its AUCs is defined.
    for k, identity in enumerate(SCORED):
        comments.loc[[2 * k, 2 * k + 1], identity] = 1.0
        comments.loc[[2 * k, 2 * k + 1], "toxicity"] = [0.8, 0.1]
        comments.loc[[2 * k, 2 * k + 1], "identity_annotator_count"] = 10
    return comments


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = 59848 + np.sort(rng.choice(7 * 10**6, size=N_TRAIN, replace=False))
    train = _comments(rng, N_TRAIN).rename(columns={"toxicity": "target"})
    train.insert(0, "id", ids)
    train = train[["id", "target", "comment_text", *SUBTYPES, *IDENTITIES, *METADATA,
                   "sexual_explicit", *COUNTS]]
    write_file(raw / "train.csv", csv_bytes(train))

    expanded = {}
    for name, first_id in (("public", 7000000), ("private", 7097320)):
        test = _comments(rng, N_TEST)
        test.insert(0, "id", first_id + np.arange(N_TEST))
        expanded[name] = test[["id", "comment_text", *METADATA, *EXPANDED_LABELS, *COUNTS]]
        write_file(raw / f"test_{name}_expanded.csv", csv_bytes(expanded[name]))
    # A comment pandas reads as missing, as MLE-bench's test.csv then writes it.
    expanded["private"].loc[5, "comment_text"] = "NA"
    write_file(raw / "test_private_expanded.csv", csv_bytes(expanded["private"]))
    public = expanded["public"]
    write_file(raw / "test.csv", csv_bytes(public[["id", "comment_text"]]))
    write_file(raw / "sample_submission.csv", csv_bytes(public[["id"]].assign(prediction=0.0)))

    everything = pd.concat([train.rename(columns={"target": "toxicity"}).assign(split="train"),
                            public.assign(split="test"), expanded["private"].assign(split="test")])
    write_file(raw / "all_data.csv", csv_bytes(everything[["id", "comment_text", "split", *METADATA,
                                                           *EXPANDED_LABELS, *COUNTS]]))
    workers = rng.integers(0, 4000, size=len(everything))
    toxicity_votes = pd.DataFrame({"id": everything["id"].to_numpy(), "worker": workers,
                                   "toxic": rng.integers(0, 2, len(everything))})
    for label in ("severe_toxic", "identity_attack", "insult", "obscene", "sexual_explicit", "threat"):
        toxicity_votes[label] = rng.integers(0, 2, len(everything))
    write_file(raw / "toxicity_individual_annotations.csv", csv_bytes(toxicity_votes))
    identity_votes = pd.DataFrame({"id": everything["id"].to_numpy(), "worker": workers})
    for group in ("disability", "gender", "race_or_ethnicity", "religion", "sexual_orientation"):
        identity_votes[group] = rng.choice(["none", "male", "black", "christian"], size=len(everything))
    write_file(raw / "identity_individual_annotations.csv", csv_bytes(identity_votes))
