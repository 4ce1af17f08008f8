"""IceCube - Neutrinos in Deep Ice: Kaggle's train/batch_<n>.parquet pulse files (event_id the
pandas index; sensor_id int16, time int64, charge float64, auxiliary bool), train_meta.parquet
(one row per event, written in row groups that cut across batches, as a reader streaming it
meets them), test/batch_661.parquet with test_meta.parquet and sample_submission.parquet, and
sensor_geometry.csv with the detector's 5160 sensors. Twenty batches of fifteen events stand
for Kaggle's 660 batches of 200,000."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

SENSORS = 5160
BATCHES = 20
EVENTS_PER_BATCH = 15
TEST_BATCH = 661
#: Rows of train_meta.parquet per row group: not a divisor of the events per batch.
META_ROW_GROUP = 64


def pulses(event_ids: np.ndarray, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A batch's pulses (a few per event, in event order) and each event's first and last row."""
    counts = rng.integers(2, 9, size=len(event_ids))
    last = np.cumsum(counts) - 1
    frame = pd.DataFrame({
        "sensor_id": rng.integers(0, SENSORS, size=counts.sum()).astype(np.int16),
        "time": rng.integers(5_000, 20_000, size=counts.sum()).astype(np.int64),
        "charge": rng.gamma(1.5, 1.0, size=counts.sum()).astype(np.float16).astype(np.float64),
        "auxiliary": rng.random(counts.sum()) < 0.3,
    }, index=pd.Index(np.repeat(event_ids, counts), name="event_id"))
    pulse_index = pd.DataFrame({"first_pulse_index": last - counts + 1, "last_pulse_index": last})
    return frame, pulse_index


def batch(batch_id: int, event_ids: np.ndarray, folder: Path, rng: np.random.Generator) -> pd.DataFrame:
    """Write a batch's pulse file; return its events' meta rows (without targets)."""
    frame, pulse_index = pulses(event_ids, rng)
    folder.mkdir(exist_ok=True)
    frame.to_parquet(folder / f"batch_{batch_id}.parquet", engine="pyarrow")
    return pd.concat([pd.DataFrame({"batch_id": batch_id, "event_id": event_ids}), pulse_index], axis=1)


def build(raw: Path, rng: np.random.Generator) -> None:
    n_events = BATCHES * EVENTS_PER_BATCH
    event_ids = np.cumsum(rng.integers(1, 40, size=n_events + 5)).astype(np.int64)
    meta = pd.concat([batch(b + 1, event_ids[b * EVENTS_PER_BATCH:(b + 1) * EVENTS_PER_BATCH],
                            raw / "train", rng) for b in range(BATCHES)], ignore_index=True)
    meta["azimuth"] = rng.uniform(0, 2 * np.pi, size=n_events)
    meta["zenith"] = np.arccos(rng.uniform(-1, 1, size=n_events))
    pq.write_table(pa.Table.from_pandas(meta), raw / "train_meta.parquet", row_group_size=META_ROW_GROUP)

    test_meta = batch(TEST_BATCH, event_ids[n_events:], raw / "test", rng)
    test_meta.to_parquet(raw / "test_meta.parquet", engine="pyarrow")
    pd.DataFrame({"event_id": test_meta["event_id"], "azimuth": 1.0, "zenith": 1.0}).to_parquet(
        raw / "sample_submission.parquet", engine="pyarrow", index=False)
    geometry = pd.DataFrame({"sensor_id": np.arange(SENSORS),
                             **{axis: rng.uniform(-550, 550, SENSORS).round(2) for axis in "xyz"}})
    geometry.to_csv(raw / "sensor_geometry.csv", index=False)
