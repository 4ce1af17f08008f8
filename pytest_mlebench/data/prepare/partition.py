"""Kaggle's tables split by the value of one column (a game, a patient, a drive), streamed, every
cell kept as written.

MLE-bench splits some competitions by group: it draws the groups of the test side with
``train_test_split`` over ``frame[column].unique()``, then keeps ``frame[frame[column].isin(groups)]``
for each side, rows in the file's order. :func:`distinct_in_order` gives those groups in pandas'
order and :func:`partition_csv` writes each side's rows a block at a time, so a table of
millions of rows (NFL contact detection's labels) is never held whole.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from contextlib import ExitStack
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .tabular import DEFAULT_BLOCK_SIZE, CsvSource, _csv_header, _csv_rows, _open_text_csv


def distinct_in_order(source: CsvSource, column: str, block_size: int = DEFAULT_BLOCK_SIZE) -> list[str]:
    """The column's distinct values in the order they first occur, as pandas' ``unique()`` lists them."""
    seen: dict[str, None] = {}
    with _open_text_csv(source, block_size, [column]) as reader:
        for batch in reader:
            seen.update(dict.fromkeys(pc.unique(batch.column(0)).to_pylist()))
    return list(seen)


def partition_csv(source: CsvSource, column: str, parts: Mapping[Path, Collection[str]],
                  block_size: int = DEFAULT_BLOCK_SIZE) -> dict[Path, int]:
    """Write to each path the rows whose ``column`` holds one of its values, in the file's order,
    under the file's header; rows of no part's values are dropped. Returns the rows each got."""
    values = {path: pa.array(sorted(set(chosen)), type=pa.string()) for path, chosen in parts.items()}
    written = dict.fromkeys(parts, 0)
    with ExitStack() as files, _open_text_csv(source, block_size) as reader:
        outputs = {path: files.enter_context(open(path, "wb")) for path in parts}
        for out in outputs.values():
            out.write(_csv_header(reader.schema.names))
        if column not in reader.schema.names:
            raise ValueError(f"{source if isinstance(source, Path) else 'the CSV'} has no column {column!r}")
        index = reader.schema.get_field_index(column)
        for batch in reader:
            for path, out in outputs.items():
                rows = batch.filter(pc.is_in(batch.column(index), value_set=values[path]))
                out.write(_csv_rows(rows))
                written[path] += rows.num_rows
    return written
