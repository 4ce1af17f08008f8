"""OpenVaccine: Kaggle's train.json and test.json (JSON lines), sample_submission.csv and bpps/.

As in Kaggle's files: ids of "id_" and nine hex digits; training sequences of 107 bases with
measurements (and their errors) for the first 68 in five conditions, signal_to_noise and
SN_filter (about two thirds pass); test sequences of 107 and of 130 bases (68 and 91
scored), without measurements; one base-pairing probability matrix per sequence in
bpps/<id>.npy. MLE-bench holds out 10% of the training sequences, drawn among those that
pass the filter, so train.json has 60 (6 held out).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, write_file

TARGETS = ["reactivity", "deg_Mg_pH10", "deg_pH10", "deg_Mg_50C", "deg_50C"]
ERRORS = ["reactivity_error", "deg_error_Mg_pH10", "deg_error_pH10", "deg_error_Mg_50C", "deg_error_50C"]
TRAIN, TEST = 60, 20
#: (seq_length, seq_scored) of Kaggle's public and private test sequences.
SHAPES = [(107, 68), (130, 91)]


def sequence(rng: np.random.Generator, length: int) -> dict[str, str]:
    """Bases, a dot-bracket structure (a few nested pairs) and a loop type per base."""
    structure = ["."] * length
    for i in range(int(rng.integers(2, 8))):
        structure[5 + i], structure[length - 30 - i] = "(", ")"
    loops = ["S" if s != "." else str(rng.choice(list("EHIMBX"))) for s in structure]
    return {"sequence": "".join(rng.choice(list("ACGU"), size=length)),
            "structure": "".join(structure), "predicted_loop_type": "".join(loops)}


def values(rng: np.random.Generator, n: int, scale: float) -> list[float]:
    """Measurements as Kaggle wrote them, four decimals, a few below zero."""
    return [round(float(v), 4) for v in rng.gamma(1.2, scale, n) - 0.05 * scale]


def train_record(index: int, id_: str, rng: np.random.Generator) -> dict[str, object]:
    record: dict[str, object] = {"index": index, "id": id_, **sequence(rng, 107)}
    record["signal_to_noise"] = round(float(rng.uniform(0, 12)), 3)
    record["SN_filter"] = float(rng.random() < 0.67)
    record.update(seq_length=107, seq_scored=68)
    record.update({name: [abs(v) for v in values(rng, 68, 0.1)] for name in ERRORS})
    record.update({name: values(rng, 68, 0.5) for name in TARGETS})
    return record


def json_lines(records: list[dict[str, object]]) -> str:
    return "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records)


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = ["id_" + h for h in hex_ids(rng, TRAIN + TEST, 9)]
    train = [train_record(i, id_, rng) for i, id_ in enumerate(ids[:TRAIN])]
    write_file(raw / "train.json", json_lines(train))
    shapes = [SHAPES[int(rng.random() < 0.8)] for _ in range(TEST)]
    test = [{"index": i, "id": id_, **sequence(rng, length), "seq_length": length, "seq_scored": scored}
            for i, (id_, (length, scored)) in enumerate(zip(ids[TRAIN:], shapes, strict=True))]
    write_file(raw / "test.json", json_lines(test))
    positions = [f"{r['id']}_{j}" for r in test for j in range(int(r["seq_length"]))]
    sample = pd.DataFrame({"id_seqpos": positions, **dict.fromkeys(TARGETS, 0.0)})
    write_file(raw / "sample_submission.csv", csv_bytes(sample))
    for record in [*train, *test]:
        length = int(record["seq_length"])
        (raw / "bpps").mkdir(exist_ok=True)
        np.save(raw / "bpps" / f"{record['id']}.npy", rng.uniform(0, 0.01, (length, length)))
