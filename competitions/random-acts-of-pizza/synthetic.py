"""Random Acts of Pizza: Kaggle's train.json of full requests and test.json with only the
fields known at request time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pytest_mlebench.data.synthetic import text

TEST_FIELDS = ["giver_username_if_known", "request_id", "request_text_edit_aware",
               "request_title", "requester_account_age_in_days_at_request",
               "requester_subreddits_at_request", "requester_username",
               "unix_timestamp_of_request"]


def request(request_id: str, rng: np.random.Generator) -> dict[str, object]:
    received = bool(rng.random() < 0.25)
    return {
        "giver_username_if_known": "N/A", "number_of_downvotes_of_request_at_retrieval": int(rng.integers(5)),
        "number_of_upvotes_of_request_at_retrieval": int(rng.integers(20)),
        "post_was_edited": bool(rng.random() < 0.1), "request_id": request_id,
        "request_number_of_comments_at_retrieval": int(rng.integers(10)),
        "request_text": text(rng, 12), "request_text_edit_aware": text(rng, 12),
        "request_title": "[Request] " + text(rng, 4),
        "requester_account_age_in_days_at_request": float(rng.random() * 900),
        "requester_received_pizza": received,
        "requester_subreddits_at_request": list(rng.choice(["AskReddit", "pics", "Pizza"], size=2)),
        "requester_user_flair": "shroom" if received else None,
        "requester_username": f"user{rng.integers(10**6)}",
        "unix_timestamp_of_request": float(1.3e9 + rng.integers(10**7)),
    }


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"t3_{x:x}" for x in rng.choice(36**5, size=420, replace=False)]
    requests = [request(i, rng) for i in ids]
    (raw / "train.json").write_text(json.dumps(requests[:300], indent=4))
    kaggle_test = [{k: r[k] for k in TEST_FIELDS} for r in requests[300:]]
    (raw / "test.json").write_text(json.dumps(kaggle_test, indent=4))
