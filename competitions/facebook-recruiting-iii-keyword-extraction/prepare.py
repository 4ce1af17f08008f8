"""Facebook Recruiting III: MLE-bench's split of Kaggle's Train.csv (6,034,195 questions, 6.8 GB).

Kaggle's test tags were never released, so MLE-bench holds out 10% of Train.csv with
train_test_split(random_state=0) and writes the rest as train.csv. Here the same rows
are selected while the CSV streams out of Train.zip a block at a time (its quoted
bodies span lines), so memory does not grow with the file:

1. one pass counts the questions, which fixes the permutation that train_test_split draws;
2. a second pass writes each training question to train.csv as it comes (in the
   file's order; MLE-bench's are shuffled, and nothing is graded on them) and sends each
   test question, tagged with its place in MLE-bench's test order, to one of a few
   on-disk buckets of consecutive places (Arrow files in the private folder);
3. each bucket in turn, small enough to sort in memory, is sorted and appended to
   test.csv, sample_submission.csv and the answers, which so come out in MLE-bench's order.

Cells are kept as written except where pandas, MLE-bench's reader, reads a cell as
missing (NA, null, None, nan, ...): MLE-bench writes those back empty, and so does this.
As in MLE-bench, the sample submission keeps the test questions' Title and Body.
"""

from __future__ import annotations

import math
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from pytest_mlebench.data.prepare.files import progress
from pytest_mlebench.data.prepare.tabular import (
    DEFAULT_BLOCK_SIZE,
    _csv_header,
    _csv_rows,
    split_positions,
    split_sizes,
)
from pytest_mlebench.data.store import ANSWERS
from pytest_mlebench.grading.metrics import PANDAS_NA_TEXT_ARRAY

ARCHIVE, MEMBER = "Train.zip", "Train.csv"
COLUMNS = ("Id", "Title", "Body", "Tags")
TEST_SIZE = 0.1
SEED = 0
#: MLE-bench's sample submission gives every test question these five tags.
SAMPLE_TAGS = "javascript c# python php java"
#: Test questions gathered before they are sent to their buckets, the size of a bucket (what
#: one sort holds in memory) and the rows of test questions turned into CSV text at a time.
GATHER_BYTES = 16 << 20
BUCKET_BYTES = 32 << 20
WRITE_ROWS = 4096
RANK = "__rank"


@contextmanager
def _questions(archive: Path, block_size: int, columns: Sequence[str] = COLUMNS
               ) -> Iterator[tuple[pcsv.CSVStreamingReader, int]]:
    """Train.csv's ``columns`` as text, read from the archive a block at a time, and the
    number of blocks it makes (for the progress bar)."""
    with zipfile.ZipFile(archive) as zf, zf.open(MEMBER) as member:
        size = zf.getinfo(MEMBER).file_size
        reader = pcsv.open_csv(
            member,
            read_options=pcsv.ReadOptions(block_size=block_size),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(COLUMNS, pa.string()),
                                                include_columns=list(columns)),
        )
        with reader:
            yield reader, max(1, math.ceil(size / block_size))


def _as_pandas_reads(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The cells pandas reads as missing made empty, as MLE-bench's round trip writes them."""
    columns = [pc.if_else(pc.is_in(column, value_set=PANDAS_NA_TEXT_ARRAY), "", column)
               for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _count(archive: Path, block_size: int) -> int:
    with _questions(archive, block_size, COLUMNS[:1]) as (reader, blocks), \
            progress(f"counting the questions of {MEMBER}", blocks) as advance:
        total = 0
        for batch in reader:
            total += batch.num_rows
            advance()
        return total


class _Buckets:
    """Test questions on disk, in buckets of consecutive ranks (places in MLE-bench's order)."""

    def __init__(self, folder: Path, n_test: int, n_buckets: int) -> None:
        self.folder, self.n_test, self.n_buckets = folder, n_test, n_buckets
        self.pending: list[pa.RecordBatch] = []
        self.pending_bytes = 0
        self.writers: dict[int, pa.ipc.RecordBatchStreamWriter] = {}
        self._files = ExitStack()
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, bucket: int) -> Path:
        return self.folder / f"{bucket:05d}.arrow"

    def add(self, questions: pa.RecordBatch, ranks: np.ndarray) -> None:
        self.pending.append(questions.append_column(RANK, pa.array(ranks, pa.int64())))
        self.pending_bytes += self.pending[-1].nbytes
        if self.pending_bytes >= GATHER_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        table = pa.Table.from_batches(self.pending)
        self.pending, self.pending_bytes = [], 0
        bucket = table.column(RANK).to_numpy() * self.n_buckets // self.n_test
        order = np.argsort(bucket, kind="stable")
        table, bucket = table.take(order), bucket[order]
        bounds = np.searchsorted(bucket, np.arange(self.n_buckets + 1))
        for b in np.unique(bucket):
            if b not in self.writers:
                sink = self._files.enter_context(open(self.path(b), "wb"))
                self.writers[b] = self._files.enter_context(pa.ipc.new_stream(sink, table.schema))
            self.writers[b].write_table(table.slice(bounds[b], bounds[b + 1] - bounds[b]))

    def close(self) -> None:
        self.flush()
        self._files.close()

    def in_rank_order(self) -> Iterator[pa.Table]:
        """Each bucket sorted by rank, checked to continue the ranks before it, then deleted."""
        expected = 0
        for b in range(self.n_buckets):
            if b not in self.writers:
                continue
            with pa.ipc.open_stream(self.path(b)) as stream:
                table = stream.read_all()
            ranks = table.column(RANK).to_numpy()
            order = np.argsort(ranks)
            if not np.array_equal(ranks[order], np.arange(expected, expected + len(ranks))):
                raise RuntimeError(f"bucket {b} of the test questions lost or repeated a question")
            expected += len(ranks)
            self.path(b).unlink()
            yield table.take(order).drop_columns([RANK])
        if expected != self.n_test:
            raise RuntimeError(f"{expected} test questions came out of the buckets, expected {self.n_test}")
        shutil.rmtree(self.folder)


def _route(archive: Path, block_size: int, n_rows: int, train_path: Path, buckets: _Buckets) -> None:
    """Training questions to ``train_path`` in file order, test questions to their buckets."""
    # Copied so the permutation behind the view is freed before streaming starts.
    test_positions = split_positions(n_rows, TEST_SIZE, SEED)[1].copy()
    rank_in_file_order = np.argsort(test_positions).astype(test_positions.dtype)
    in_file_order = test_positions[rank_in_file_order]
    start = 0
    with _questions(archive, block_size) as (reader, blocks), open(train_path, "wb") as out, \
            progress(f"splitting {MEMBER}", blocks) as advance:
        out.write(_csv_header(COLUMNS))
        for batch in reader:
            batch = _as_pandas_reads(batch)
            lo, hi = np.searchsorted(in_file_order, [start, start + batch.num_rows])
            here = in_file_order[lo:hi] - start
            keep = np.ones(batch.num_rows, dtype=bool)
            keep[here] = False
            out.write(_csv_rows(batch.filter(pa.array(keep))))
            buckets.add(batch.take(pa.array(here)), rank_in_file_order[lo:hi])
            start += batch.num_rows
            advance()
    buckets.close()
    if start != n_rows:
        raise RuntimeError(f"{archive} changed while being split: {n_rows} questions, then {start}")


def _write_test_files(buckets: _Buckets, public: Path, private: Path) -> None:
    outputs: dict[str, tuple[Path, Sequence[str]]] = {
        "test": (public / "test.csv", COLUMNS[:3]),
        "sample": (public / "sample_submission.csv", COLUMNS),
        "answers": (private / ANSWERS, ("Id", "Tags")),
    }
    with ExitStack() as stack:
        files: dict[str, BinaryIO] = {}
        for name, (path, columns) in outputs.items():
            files[name] = stack.enter_context(open(path, "wb"))
            files[name].write(_csv_header(columns))
        for table in buckets.in_rank_order():
            sample = table.set_column(3, "Tags", pa.array([SAMPLE_TAGS] * table.num_rows))
            for part, name in ((table.select(COLUMNS[:3]), "test"), (sample, "sample"),
                                (table.select(["Id", "Tags"]), "answers")):
                for batch in part.to_batches(max_chunksize=WRITE_ROWS):
                    files[name].write(_csv_rows(batch))


def prepare(raw: Path, public: Path, private: Path, block_size: int = DEFAULT_BLOCK_SIZE) -> None:
    """``block_size``: bytes of CSV parsed at a time, which bounds memory with the bucket size."""
    archive = raw / ARCHIVE
    n_rows = _count(archive, block_size)
    _n_train, n_test = split_sizes(n_rows, TEST_SIZE)
    with zipfile.ZipFile(archive) as zf:
        test_bytes = zf.getinfo(MEMBER).file_size * n_test / n_rows
    buckets = _Buckets(private / ".test-by-rank", n_test, max(1, math.ceil(test_bytes / BUCKET_BYTES)))
    _route(archive, block_size, n_rows, public / "train.csv", buckets)
    _write_test_files(buckets, public, private)
