"""H&M Personalized Fashion Recommendations: MLE-bench's last-week hold-out of Kaggle's
transactions_train.csv (31.8 million purchases, 3.5 GB).

Kaggle's test week was never released, so MLE-bench holds out the purchases of the last
days of transactions_train.csv: every row whose date is on or after the last date minus 7
days (8 dates, not 7: see known_issues; variant ``seven-day-test`` keeps 7). The rest,
in the file's order, is the public transactions_train.csv; the answers are, for each
customer, the articles bought in those days, in the file's order and repeated when bought
twice.

As MLE-bench's pandas reading does, an article id loses its leading zero (``0663713001``
becomes ``663713001``) in the public transactions and in the answers, while articles.csv,
the image names and the sample submission keep Kaggle's ten digits (see known_issues).
Prices, dates and customer ids keep Kaggle's text.

The CSV is never loaded whole: it is read twice, a block at a time, with Arrow's streaming
reader (once for its last date, once to route each block's rows), so memory does not grow
with the file; only the held-out purchases (about 1% of the rows) are kept. Images are
hard-linked (copied only across filesystems), as are articles.csv, customers.csv and
Kaggle's sample_submission.csv, which lists all 1.37 million customers.

The answers list every customer of the sample submission, in its order, with an empty
prediction for those who bought nothing in the held-out days: the grader checks that a
submission has exactly the sample's customers, and, as MLE-bench's, scores only the
customers who bought something.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from pytest_mlebench.data.prepare.files import link_or_copy, progress, write_new
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.tabular import DEFAULT_BLOCK_SIZE, _csv_header, _csv_rows, write_csv
from pytest_mlebench.data.store import ANSWERS

TRANSACTIONS = "transactions_train.csv"
COLUMNS = ("t_dat", "customer_id", "article_id", "price", "sales_channel_id")
SAMPLE = "sample_submission.csv"
#: Copied to the agent's side as they are.
UNCHANGED = ("articles.csv", "customers.csv", SAMPLE)
#: MLE-bench keeps the rows dated on or after the last date minus this many days.
HELD_OUT_DAYS = 7
#: The variant that holds out 7 dates, as MLE-bench's comment and Kaggle's test week say.
SEVEN_DAYS = "seven-day-test"


@contextmanager
def _blocks(path: Path, block_size: int, columns: tuple[str, ...] = COLUMNS,
            types: dict[str, pa.DataType] | None = None) -> Iterator[Iterator[pa.RecordBatch]]:
    """``columns`` of the CSV (as text unless ``types`` says otherwise) a block at a time,
    with a progress bar over the blocks."""
    types = {name: pa.string() for name in columns} | (types or {})
    reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=block_size),
                           convert_options=pcsv.ConvertOptions(column_types=types,
                                                               include_columns=list(columns)))
    blocks = max(1, math.ceil(path.stat().st_size / block_size))
    with reader, progress(f"reading {path.name}", blocks) as advance:
        def batches() -> Iterator[pa.RecordBatch]:
            for batch in reader:
                yield batch
                advance()
        yield batches()


def first_held_out_date(path: Path, variant: str | None, block_size: int) -> dt.date:
    """The earliest date held out: the last purchase's date less 7 days (6 for SEVEN_DAYS)."""
    last = None
    with _blocks(path, block_size, ("t_dat",), {"t_dat": pa.date32()}) as batches:
        for batch in batches:
            latest = pc.max(batch.column(0)).as_py()
            if latest is not None and (last is None or latest > last):
                last = latest
    if last is None:
        raise ValueError(f"{path} holds no purchases")
    return last - dt.timedelta(days=HELD_OUT_DAYS - (variant == SEVEN_DAYS))


def _as_integers(article_ids: pa.Array) -> pa.Array:
    """Article ids as pandas reads them for MLE-bench: integers, so without the leading zero."""
    return pc.cast(pc.cast(article_ids, pa.int64()), pa.string())


def split_transactions(path: Path, train_path: Path, first_held_out: dt.date,
                       block_size: int) -> pa.Table:
    """Write the purchases before ``first_held_out`` to ``train_path``, in the file's order;
    return the held-out ones (customer_id, article_id), in the file's order too."""
    held_out: list[pa.RecordBatch] = []
    cutoff = pa.scalar(first_held_out, pa.date32())
    with _blocks(path, block_size) as batches, open(train_path, "wb") as out:
        out.write(_csv_header(COLUMNS))
        for batch in batches:
            batch = batch.set_column(2, "article_id", _as_integers(batch.column(2)))
            late = pc.greater_equal(pc.cast(batch.column(0), pa.date32()), cutoff)
            out.write(_csv_rows(batch.filter(pc.invert(late))))
            held_out.append(batch.filter(late).select(["customer_id", "article_id"]))
    return pa.Table.from_batches(held_out, schema=pa.schema([("customer_id", pa.string()),
                                                             ("article_id", pa.string())]))


def _all_different(ids: pa.ChunkedArray) -> bool:
    """Whether no id repeats: at once when they are sorted, as Kaggle's are (hashing 1.37
    million ids takes a few hundred megabytes)."""
    if len(ids) < 2 or pc.all(pc.less(ids[:-1], ids[1:])).as_py():
        return True
    return len(pc.unique(ids)) == len(ids)


def answers(held_out: pa.Table, sample: Path, block_size: int) -> pa.Table:
    """Every customer of the sample submission, in its order, with the articles they bought in
    the held-out days (space-separated, in the file's order) or nothing."""
    bought = (held_out.to_pandas().groupby("customer_id", sort=False)["article_id"]
              .agg(" ".join))
    with _blocks(sample, block_size, ("customer_id",)) as batches:
        customers = pa.chunked_array([batch.column(0) for batch in batches], pa.string())
    where = pc.index_in(customers, value_set=pa.array(bought.index, pa.string()))
    found = pc.count(where).as_py()
    if not _all_different(customers):
        raise ValueError(f"{sample} lists a customer more than once")
    if found != len(bought):
        raise ValueError(f"{sample} must list every customer: {len(bought) - found} of the "
                         f"{len(bought)} customers who bought in the held-out days are missing")
    predictions = pc.take(pa.array(bought.to_numpy(), pa.string()), where).fill_null("")
    return pa.table({"customer_id": customers, "prediction": predictions})


def prepare(raw: Path, public: Path, private: Path, block_size: int = DEFAULT_BLOCK_SIZE,
            variant: str | None = None) -> None:
    """``block_size``: bytes of transactions_train.csv parsed at a time, which bounds memory."""
    source, train = raw / TRANSACTIONS, public / TRANSACTIONS
    if not (train.exists() and (private / ANSWERS).exists()):
        first_held_out = first_held_out_date(source, variant, block_size)
        held_out: list[pa.Table] = []
        write_new(train, lambda tmp: held_out.append(
            split_transactions(source, tmp, first_held_out, block_size)))
        table = answers(held_out[0], raw / SAMPLE, block_size)
        write_new(private / ANSWERS, lambda tmp: write_csv(table, tmp))
    for name in UNCHANGED:
        if not (public / name).exists():
            link_or_copy(raw / name, public / name)
    with RawImages(raw, "images") as images:
        images.place({key: public / "images" / key for key in images.keys}, "linking article images")
