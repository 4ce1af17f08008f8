"""IceCube - Neutrinos in Deep Ice: MLE-bench's split of Kaggle's training batches.

Kaggle's test events are hidden behind its notebook runner, so MLE-bench holds out a tenth of
the training *batches*: train_test_split(test_size=0.1, random_state=0) over the batch ids of
train_meta.parquet in order of first appearance (pandas' unique). The events of the held-out
batches become test_meta.parquet (their targets dropped) and the answers; their pulse files
go from train/ to test/. Kaggle's own test/ folder, test_meta.parquet and
sample_submission.parquet are not shipped.

The files are large: train_meta.parquet has about 132 million events (near 6 GB as a pandas
frame) and there are 660 pulse files. So the meta file is read twice as a stream of record
batches, never whole: once for its batch ids (one column), once to route each event to
train_meta.parquet, test_meta.parquet, the answers and the sample submission, all written
as they come (each keeps the raw file's order, as MLE-bench's filter does). Reads go through
a small buffer with pyarrow's pre-buffering off, which would otherwise hold a whole row group
in memory, however many million rows it has. Pulse files are hard-linked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, partial_path, progress
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

META = "train_meta.parquet"
#: train_meta.parquet's columns, which MLE-bench's train_meta.parquet keeps, in this order.
COLUMNS = ("batch_id", "event_id", "first_pulse_index", "last_pulse_index", "azimuth", "zenith")
TARGETS = ("azimuth", "zenith")
TEST_SIZE = 0.1
SEED = 0
#: MLE-bench's sample submission predicts 1 radian for both angles.
SAMPLE_ANGLE = 1
#: The one column worth dictionary-encoding: pyarrow tries a dictionary on every column by
#: default, which on the unique event ids and angles is ten times slower and larger.
DICTIONARY = ["batch_id"]
#: Meta rows read at a time, and the read buffer: a few dozen MB whatever the file's row groups.
BATCH_ROWS = 1 << 18
BUFFER_BYTES = 1 << 20


def _events(raw: Path, columns: tuple[str, ...]) -> tuple[Iterator[pa.RecordBatch], int]:
    """train_meta.parquet's ``columns``, a record batch at a time, and how many batches come."""
    meta = pq.ParquetFile(raw / META, buffer_size=BUFFER_BYTES, pre_buffer=False)
    missing = sorted(set(columns) - set(meta.schema_arrow.names))
    if missing:
        raise ValueError(f"{raw / META} lacks the columns {missing}")
    batches = (batch.select(list(columns)) for batch in meta.iter_batches(BATCH_ROWS, columns=list(columns)))
    return batches, -(-meta.metadata.num_rows // BATCH_ROWS)


def split_batches(raw: Path) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) batch ids as MLE-bench draws them from the ids in order of first appearance."""
    batches, total = _events(raw, ("batch_id",))
    with progress(f"reading the batch ids of {META}", total) as advance:
        seen = []
        for batch in batches:
            seen.append(pc.unique(batch.column(0)).to_numpy())
            advance()
    ids = pd.unique(np.concatenate(seen))
    train, test = train_test_split(ids, test_size=TEST_SIZE, random_state=SEED)
    return np.asarray(train), np.asarray(test)


def _csv(stack: ExitStack, path: Path, schema: pa.Schema) -> pcsv.CSVWriter:
    """A CSV writer with pandas' plain header (pyarrow's own quotes every name)."""
    out = stack.enter_context(open(path, "wb"))
    out.write((",".join(schema.names) + "\n").encode())
    return stack.enter_context(pcsv.CSVWriter(
        out, schema, write_options=pcsv.WriteOptions(include_header=False, quoting_style="none")))


def _write_tables(raw: Path, outputs: dict[str, Path], test_ids: np.ndarray) -> None:
    """Route every event to the train or the test side, writing the four tables as it goes."""
    batches, total = _events(raw, COLUMNS)
    # The raw file's pandas metadata (its index's length) would not describe the subsets.
    raw_schema = pq.read_schema(raw / META).remove_metadata()
    schema = pa.schema([raw_schema.field(name) for name in COLUMNS])
    answer_fields = [schema.field("event_id"), *(schema.field(t) for t in TARGETS)]
    test_set = pa.array(test_ids)
    with ExitStack() as stack, progress(f"splitting {META}", total) as advance:
        train_out = stack.enter_context(pq.ParquetWriter(outputs["train"], schema, use_dictionary=DICTIONARY))
        test_out = stack.enter_context(pq.ParquetWriter(
            outputs["test"], pa.schema([field for field in schema if field.name not in TARGETS]),
            use_dictionary=DICTIONARY))
        answers = _csv(stack, outputs["answers"], pa.schema(answer_fields))
        sample = _csv(stack, outputs["sample"], pa.schema(
            [answer_fields[0], *(pa.field(t, pa.int64()) for t in TARGETS)]))
        for batch in batches:
            held_out = pc.is_in(batch.column("batch_id"), value_set=test_set)
            train, test = batch.filter(pc.invert(held_out)), batch.filter(held_out)
            if train.num_rows:
                train_out.write_batch(train)
            if test.num_rows:
                test_out.write_batch(test.drop_columns(list(TARGETS)))
                answers.write_batch(test.select(["event_id", *TARGETS]))
                constant = pa.array(np.full(test.num_rows, SAMPLE_ANGLE, dtype=np.int64))
                sample.write_batch(pa.record_batch([test.column("event_id"), constant, constant],
                                                   names=["event_id", *TARGETS]))
            advance()


def _link_pulse_files(raw: Path, public: Path, train_ids: np.ndarray, test_ids: np.ndarray) -> None:
    """Each batch's train/batch_<id>.parquet into public/train/ or public/test/ (MLE-bench
    takes the id from the name's last ``_`` field and ignores files of other batches)."""
    side = {**dict.fromkeys(train_ids.tolist(), "train"), **dict.fromkeys(test_ids.tolist(), "test")}
    with RawImages(raw, "train") as files:
        found = {int(Path(key).stem.split("_")[-1]): key for key in files.keys
                 if "/" not in key and key.endswith(".parquet")}
        missing = sorted(set(side) - set(found))
        if missing:
            raise FileNotFoundError(f"{files.path} lacks the pulse files of batches {missing[:5]}")
        files.place({found[b]: public / folder / found[b] for b, folder in side.items()},
                    "linking pulse files")


def prepare(raw: Path, public: Path, private: Path) -> None:
    train_ids, test_ids = split_batches(raw)
    outputs = {"train": public / META, "test": public / "test_meta.parquet",
               "answers": private / ANSWERS, "sample": public / "sample_submission.csv"}
    if not all(path.exists() for path in outputs.values()):
        # Written under temporary names, renamed once all four are complete.
        _write_tables(raw, {side: partial_path(path) for side, path in outputs.items()}, test_ids)
        for path in outputs.values():
            os.replace(partial_path(path), path)
    if not (public / "sensor_geometry.csv").exists():
        link_or_copy(raw / "sensor_geometry.csv", public / "sensor_geometry.csv")
    _link_pulse_files(raw, public, train_ids, test_ids)
