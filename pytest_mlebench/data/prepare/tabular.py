"""Kaggle's tabular files split the way MLE-bench splits them, every cell kept as written.

MLE-bench splits with scikit-learn's ``train_test_split(frame, test_size=..., random_state=seed)``,
which draws one permutation of the row positions, ``RandomState(seed).permutation(n)``,
and takes its first ``n_test`` entries as the test rows and the rest as the train rows,
in that order. :func:`split_positions` computes those positions from the row count
alone, so a file too large to load (the taxi set: 55 million rows, 5.7 GB) is split
while streaming (:func:`stream_split_csv`) into exactly the rows of the in-memory split.

Cells are read and written as text through Arrow: numbers keep the digits Kaggle
wrote (MLE-bench round-trips them through floats to the same values), and a column
is never retyped because one chunk happens to hold an empty cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ...catalog.registry import Competition
from ..store import ANSWERS

#: Bytes of CSV parsed at a time when streaming. Arrow reads up to 32 blocks ahead of
#: the consumer, so memory is a few dozen blocks whatever the file size; larger blocks
#: buy little speed.
DEFAULT_BLOCK_SIZE = 1 << 20

#: A CSV file, or the bytes of one (a member read from a Kaggle zip).
CsvSource = Path | bytes

#: Quoted values may span lines, as pandas (MLE-bench's reader) allows.
_PARSE = pcsv.ParseOptions(newlines_in_values=True)


def split_sizes(n_rows: int, test_size: int | float) -> tuple[int, int]:
    """(n_train, n_test) by scikit-learn's rule: an int is a count, a float a share rounded up."""
    if isinstance(test_size, float):
        if not 0 < test_size < 1:
            raise ValueError(f"a test share must lie in (0, 1), got {test_size}")
        n_test = math.ceil(test_size * n_rows)
    else:
        if not 0 < test_size < n_rows:
            raise ValueError(f"a test count must lie in (0, {n_rows}), got {test_size}")
        n_test = int(test_size)
    if n_test >= n_rows:
        raise ValueError(f"{n_rows} rows leave no training rows after {n_test} test rows")
    return n_rows - n_test, n_test


def split_positions(n_rows: int, test_size: int | float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (train, test) that ``train_test_split(..., random_state=seed)`` selects,
    in its order.

    The legacy generator's shuffle makes the same draws whatever the array's dtype, so
    the permutation is drawn into int32 when the count fits: 4 bytes a row (220 MB for
    the taxi set) instead of the 8 of ``RandomState.permutation``.
    """
    _n_train, n_test = split_sizes(n_rows, test_size)
    order = np.arange(n_rows, dtype=np.int32 if n_rows <= np.iinfo(np.int32).max else np.int64)
    np.random.RandomState(seed).shuffle(order)
    return order[n_test:], order[:n_test]


def _input(source: CsvSource) -> str | pa.BufferReader:
    return pa.BufferReader(source) if isinstance(source, bytes) else str(source)


def _text_columns(source: CsvSource, names: Sequence[str] | None = None) -> pcsv.ConvertOptions:
    """Read ``names`` (all columns by default) as text: Arrow needs the names to type them."""
    if names is None:
        names = pcsv.open_csv(_input(source), parse_options=_PARSE).schema.names
    return pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), include_columns=names)


def _open_text_csv(source: CsvSource, block_size: int, names: Sequence[str] | None = None
                   ) -> pcsv.CSVStreamingReader:
    return pcsv.open_csv(_input(source), read_options=pcsv.ReadOptions(block_size=block_size),
                         parse_options=_PARSE, convert_options=_text_columns(source, names))


def read_text_csv(source: CsvSource) -> pa.Table:
    """A whole CSV file, every column as text."""
    return pcsv.read_csv(_input(source), parse_options=_PARSE, convert_options=_text_columns(source))


def count_rows(source: CsvSource, block_size: int = DEFAULT_BLOCK_SIZE) -> int:
    """Data rows as the CSV parser sees them (a quoted line break is not a new row)."""
    first = pcsv.open_csv(_input(source), parse_options=_PARSE).schema.names[:1]
    with _open_text_csv(source, block_size, first) as reader:
        return sum(batch.num_rows for batch in reader)


def _quoted(column: pa.Array) -> pa.Array:
    """The column's values as CSV fields: quoted, with quotes doubled, where a value needs it."""
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
    return pc.if_else(pc.match_substring_regex(column, '[",\r\n]'), quoted, column)


def _joined(columns: Sequence[pa.Array]) -> bytes:
    rows = pc.binary_join_element_wise(*columns, ",")
    return pc.binary_join(pa.ListArray.from_arrays([0, len(rows)], rows), "\n")[0].as_buffer().to_pybytes()


def _csv_rows(batch: pa.RecordBatch) -> bytes:
    """The batch's rows as CSV text, each ending in a newline, quoted only where needed.

    pyarrow's own writer quotes every text value and pandas' is several times slower
    than parsing, so the fields are joined as they are; only when the joined text
    shows a quote, a carriage return, or more commas or line breaks than the row
    separators (a rare batch) is it joined again with the values that need quotes quoted.
    """
    if batch.num_rows == 0:
        return b""
    text = _joined(batch.columns)
    clean = (text.count(b",") == batch.num_rows * (batch.num_columns - 1)
             and text.count(b"\n") == batch.num_rows - 1
             and b'"' not in text and b"\r" not in text)
    if not clean:
        text = _joined([_quoted(column) for column in batch.columns])
    return text + b"\n"


def _csv_header(names: Sequence[str]) -> bytes:
    return _csv_rows(pa.RecordBatch.from_arrays([pa.array([name]) for name in names], names=names))


def write_csv(table: pa.Table, path: Path) -> None:
    """A text table as CSV, quoting only where needed, like ``DataFrame.to_csv``."""
    with open(path, "wb") as out:
        out.write(_csv_header(table.column_names))
        # Bounded batches: one joined batch must stay under Arrow's 2 GB string limit.
        for batch in table.to_batches(max_chunksize=1 << 16):
            out.write(_csv_rows(batch))


def split_table(table: pa.Table, test_size: int | float, seed: int) -> tuple[pa.Table, pa.Table]:
    """(train, test): the rows and the order ``train_test_split`` gives, for a table in memory."""
    train, test = split_positions(table.num_rows, test_size, seed)
    return table.take(train), table.take(test)


def stream_split_csv(
    source: Path,
    train_path: Path,
    test_size: int | float,
    seed: int,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> pa.Table:
    """Write the train rows of MLE-bench's split to ``train_path``; return the test rows.

    The file is read twice, a block at a time: once to count its rows, once to route
    each row by its position. Train rows keep the file's order (MLE-bench's are
    shuffled; nothing is graded on them); the test rows, few enough to hold, come
    back in MLE-bench's order. Peak memory: the permutation while test positions are
    drawn, then Arrow's read-ahead of a few dozen blocks.
    """
    n_rows = count_rows(source, block_size)
    # Copied so the permutation behind the view is freed before streaming starts.
    test_positions = split_positions(n_rows, test_size, seed)[1].copy()
    in_file_order = np.sort(test_positions)
    pieces: list[pa.RecordBatch] = []
    start = 0
    with _open_text_csv(source, block_size) as reader, open(train_path, "wb") as out:
        out.write(_csv_header(reader.schema.names))
        for batch in reader:
            lo, hi = np.searchsorted(in_file_order, [start, start + batch.num_rows])
            here = in_file_order[lo:hi] - start
            keep = np.ones(batch.num_rows, dtype=bool)
            keep[here] = False
            out.write(_csv_rows(batch.filter(pa.array(keep))))
            pieces.append(batch.take(pa.array(here)))
            start += batch.num_rows
        schema = reader.schema
    if start != n_rows:
        raise RuntimeError(f"{source} changed while being split: {n_rows} rows, then {start}")
    test = pa.Table.from_batches(pieces, schema=schema)
    return test.take(np.searchsorted(in_file_order, test_positions))


def with_ids(table: pa.Table, column: str, ids: np.ndarray) -> pa.Table:
    """The table with ``column`` replaced by new ids (MLE-bench renumbers some splits)."""
    return table.set_column(table.column_names.index(column), column, pa.array(ids.astype(str)))


def write_test_files(
    test: pa.Table, public: Path, private: Path, competition: Competition, sample: Mapping[str, str]
) -> None:
    """Public test.csv (targets dropped) and sample_submission.csv (``sample``: a constant
    per target, as Kaggle's), and the private answers.csv (id and targets)."""
    targets = list(competition.target_columns)
    if sorted(sample) != sorted(targets):
        raise ValueError(f"the sample submission must fill exactly the targets {targets}")
    write_csv(test.drop_columns(targets), public / "test.csv")
    constants = {name: pa.array([sample[name]] * test.num_rows) for name in targets}
    write_csv(pa.table({competition.id_column: test.column(competition.id_column), **constants}),
              public / "sample_submission.csv")
    write_csv(test.select([competition.id_column, *targets]), private / ANSWERS)
