"""HMS - Harmful Brain Activity Classification: Kaggle's train.csv (one row per labelled window:
an EEG's sub-window and the matching spectrogram window, with the six classes' vote counts), the
one-row test.csv and sample submission, one parquet file per EEG (the 19 electrodes and EKG, float32)
in train_eegs/ and per spectrogram (``time``, then 100 frequencies for each of the four regions)
in train_spectrograms/, the test example in test_eegs/ and test_spectrograms/, and the PNGs of
example_figures/.

As in Kaggle's file, an EEG's windows are consecutive rows, the EEGs come in no particular
order, a spectrogram holds one or more EEGs, and a patient several spectrograms. The recordings
are a few samples long: only their files' names, columns and types are Kaggle's.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pytest_mlebench.data.synthetic import csv_bytes, photo, write_folder

SPECTROGRAMS, PATIENTS = 30, 12
ELECTRODES = ["Fp1", "F3", "C3", "P3", "F7", "T3", "T5", "O1", "Fz", "Cz", "Pz", "Fp2", "F4", "C4",
              "P4", "F8", "T4", "T6", "O2", "EKG"]
#: The spectrograms' columns: LL_0.59 ... RP_19.92 (bins 0.195 Hz apart).
REGIONS = ["LL", "RL", "LP", "RP"]
FREQUENCIES = [f"{0.5859375 + k * 0.1953125:.2f}" for k in range(100)]
CLASSES = ["Seizure", "LPD", "GPD", "LRDA", "GRDA", "Other"]
VOTES = [f"{c.lower()}_vote" for c in CLASSES]
#: Kaggle's one test example.
TEST_EEG, TEST_SPECTROGRAM, TEST_PATIENT = 3911565283, 853520, 6885


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, write_statistics=False)  # statistics of 400 columns: 25 KB a file
    return buffer.getvalue()


def eeg(rng: np.random.Generator) -> bytes:
    return parquet_bytes(pa.table({name: rng.normal(0, 50, 8).astype(np.float32) for name in ELECTRODES}))


def spectrogram(rng: np.random.Generator) -> bytes:
    columns = {"time": np.arange(1.0, 9.0, 2.0)}
    columns.update({f"{region}_{f}": rng.gamma(1.0, 5.0, 4).astype(np.float32)
                    for region in REGIONS for f in FREQUENCIES})
    return parquet_bytes(pa.table(columns))


def windows(eeg_id: int, spectrogram_id: int, start: float, sub: int, patient: int,
            rng: np.random.Generator) -> pd.DataFrame:
    """An EEG's labelled windows: its sub-windows a few seconds apart, placed ``start`` seconds into
    the spectrogram, whose window count continues at ``sub``; three to twenty raters each, or one."""
    n = int(rng.integers(2, 13))
    offsets = np.cumsum(np.r_[0, rng.integers(1, 6, n - 1) * 2]).astype(float)
    raters = int(rng.integers(3, 21)) if rng.random() < 0.8 else 1
    votes = rng.multinomial(raters, rng.dirichlet(np.full(6, 0.4)), size=n)
    return pd.DataFrame({
        "eeg_id": eeg_id, "eeg_sub_id": np.arange(n), "eeg_label_offset_seconds": offsets,
        "spectrogram_id": spectrogram_id, "spectrogram_sub_id": sub + np.arange(n),
        "spectrogram_label_offset_seconds": start + offsets,
        "label_id": 0, "patient_id": patient,
        "expert_consensus": [CLASSES[i] for i in votes.argmax(axis=1)],
        **{name: votes[:, k] for k, name in enumerate(VOTES)},
    })


def build(raw: Path, rng: np.random.Generator) -> None:
    spectrogram_ids = rng.choice(2 * 10**9, size=SPECTROGRAMS, replace=False)
    patients = rng.choice(65_000, size=PATIENTS, replace=False)
    eegs_per_spectrogram = rng.integers(1, 4, size=SPECTROGRAMS)
    eeg_ids = iter(rng.choice(4_300_000_000, size=int(eegs_per_spectrogram.sum()), replace=False))
    groups = []
    for spectrogram_id, count in zip(spectrogram_ids, eegs_per_spectrogram, strict=True):
        patient, start, sub = int(rng.choice(patients)), float(rng.integers(0, 20) * 2), 0
        for _ in range(count):
            groups.append(windows(int(next(eeg_ids)), int(spectrogram_id), start, sub, patient, rng))
            start, sub = start + 600, sub + len(groups[-1])
    labels = pd.concat([groups[i] for i in rng.permutation(len(groups))], ignore_index=True)
    labels["label_id"] = rng.choice(4_300_000_000, size=len(labels), replace=False)
    (raw / "train.csv").write_bytes(csv_bytes(labels))
    write_folder(raw / "train_eegs", {f"{i}.parquet": eeg(rng) for i in labels["eeg_id"].unique()})
    write_folder(raw / "train_spectrograms",
                 {f"{i}.parquet": spectrogram(rng) for i in labels["spectrogram_id"].unique()})

    test = pd.DataFrame({"spectrogram_id": [TEST_SPECTROGRAM], "eeg_id": [TEST_EEG],
                         "patient_id": [TEST_PATIENT]})
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(
        pd.DataFrame({"eeg_id": [TEST_EEG], **dict.fromkeys(VOTES, 1 / 6)})))
    write_folder(raw / "test_eegs", {f"{TEST_EEG}.parquet": eeg(rng)})
    write_folder(raw / "test_spectrograms", {f"{TEST_SPECTROGRAM}.parquet": spectrogram(rng)})
    write_folder(raw / "example_figures", {f"Sample0{k}.png": photo(rng, "PNG") for k in range(1, 4)})
