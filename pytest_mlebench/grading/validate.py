"""Strict submission checks with one clear reason, then scoring.

MLE-bench's graders are plain functions of (submission, answers); the checks here
run first so that every competition rejects a malformed file the same way and
says why, in words an agent (through the validation endpoint) or a user (in the
report) can act on. A problem with the *answers* is the harness's, not the
submission's: it raises a plain ValueError, never InvalidSubmission.
"""

from __future__ import annotations

import functools
import inspect
import io
import itertools
import math
import os
import re
import sys
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from .errors import InvalidSubmission
from .metrics import VALUE_TYPES, Metric
from .string_ids import BLOCK, HashIndex, Strings, blocks, chunks, factorized, plainly_edged

#: Texts pandas reads as NaN: a missing value, not a garbled one.
_NAN_TEXTS = ("", "nan", "+nan", "-nan")

#: A file's first non-empty line (pyarrow skips empty lines, as pandas does).
_FIRST_LINE = re.compile(rb"[\r\n]*([^\r\n]*)")

#: The longest line a submission may have. Real submissions' lines are short (the longest,
#: lists of ids or of sentences, stay under tens of KiB); a parser handed one line of millions
#: of fields takes minutes and gigabytes, so such a file is refused before it is parsed.
MAX_LINE_BYTES = 1 << 20

#: The most header fields a submission may have, beyond the expected columns, before it is
#: refused unparsed: enough to name every unexpected column of an honest mistake.
MAX_EXTRA_COLUMNS = 64

#: A competition's grade.py ``grade(submission, answers)``; one that also takes ``truth`` (a
#: keyword) receives the answers' target columns already typed, so it parses nothing again.
GradeFn = Callable[..., float]


@dataclass(frozen=True, eq=False)
class Layout:
    """Where the checked predictions sit in the submission file, for the graders that, like
    MLE-bench's, pair rows or columns by position (``y_pred.attrs["layout"]``)."""

    #: The file row (from 0, header excluded) of each answer row.
    rows: np.ndarray
    #: The file's columns, in its order.
    columns: tuple[str, ...]

    @functools.cached_property
    def file_order(self) -> np.ndarray:
        """The answer row at each file row: ``rows`` inverted (a checked submission's rows are
        a permutation), for the graders that pair rows by position in the file."""
        order = np.empty_like(self.rows)
        order[self.rows] = np.arange(len(self.rows), dtype=self.rows.dtype)
        return order

    def __deepcopy__(self, memo: dict[int, object]) -> Layout:
        return self  # immutable: pandas copies attrs with every derived frame


@dataclass(frozen=True)
class GradingSpec:
    """Which columns a submission has and how they are scored."""

    id_column: str
    target_columns: tuple[str, ...]
    metric: Metric
    #: Columns a submission may also carry, never graded (MLE-bench's sample has them).
    extra_columns: tuple[str, ...] = ()
    #: Whether an id may occur more than once (free text used as the key): the k-th row of an
    #: id then pairs with the k-th answer of that id.
    repeated_ids: bool = False
    #: The longest line a submission (and the answers) may have.
    max_line_bytes: int = MAX_LINE_BYTES
    #: Whether the file's row i is scored against answer row i, whatever its id (MLE-bench's
    #: nomad2018 grader never reads the ids); the ids are checked all the same.
    pair_by_position: bool = False

    def __post_init__(self) -> None:
        if not self.target_columns or self.id_column in self.target_columns:
            raise ValueError(
                f"a grading spec needs target columns other than the id column {self.id_column!r}, "
                f"got {self.target_columns!r}"
            )

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.id_column, *self.target_columns)

    @property
    def allowed_columns(self) -> tuple[str, ...]:
        return (*self.columns, *self.extra_columns)


def _few(items: Sequence[object] | pd.Index, limit: int = 3, show: Callable[[object], str] = repr,
         total: int | None = None) -> str:
    """A few examples for a reason: enough to find the problem, short enough to read.
    ``total`` is how many there are, when ``items`` holds only the first few."""
    total = len(items) if total is None else total
    shown = ", ".join(show(item) for item in items[:limit])
    return shown + (f" and {total - limit} more" if total > limit else "")


def _longest_line(data: bytes) -> tuple[int, int]:
    """The longest line's length and number (from 1), by one linear pass in numpy."""
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    lengths = np.diff(np.concatenate(([-1], newlines, [len(data)]))) - 1
    return int(lengths.max()), int(lengths.argmax()) + 1


def _check_bounds(data: bytes, name: str, max_columns: int | None, max_line: int) -> None:
    """Refuse, before any parser sees it, a file whose lines or header are too large to be a
    submission.

    A line longer than ``max_line`` holds a whole window of half that size, aligned to
    that size, without a newline; looking for one newline per window is a few dozen calls
    to C's memchr for a file of tens of MB. Only a file with such a window is measured line
    by line.
    """
    window = (max_line + 2) // 2
    if any(data.find(b"\n", start, start + window) < 0
           for start in range(0, len(data) - window + 1, window)):
        longest, line = _longest_line(data)
        if longest > max_line:
            raise InvalidSubmission(
                f"{name}: line {line} is {longest:,} bytes long; a submission's lines are at most "
                f"{max_line:,} bytes")
    if max_columns is not None:
        fields = _FIRST_LINE.match(data)[1].count(b",") + 1
        if fields > max_columns + MAX_EXTRA_COLUMNS:
            raise InvalidSubmission(
                f"{name}: the header has {fields:,} fields; expected {max_columns} columns")


#: The longest wait for pyarrow to let go of a file's bytes after parsing them (it takes
#: well under a millisecond).
RELEASE_TIMEOUT_S = 1.0


def _arrow_table(data: bytes, types: dict[str, pa.DataType], skip_rows: int = 0) -> pa.Table | None:
    """The file parsed by pyarrow's CSV reader in C++ with these column names and types, or None
    where it cannot be (the callers then read it another way); returned once pyarrow holds no
    view of ``data`` any more (its references are back to what they were).

    The threaded reader drops its view on one of its own threads, sometimes just after
    read_csv returns (3-6% of parses here, within 0.2 ms). Dropping it takes the GIL; in a
    process already exiting it cannot be taken, and the C++ runtime aborts the process
    (SIGABRT, "terminate called without an active exception": apache/arrow#34314). The
    ``grade`` command, which exits as soon as it has graded, was killed so."""
    held = sys.getrefcount(data)
    try:
        return pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(column_names=list(types), skip_rows=skip_rows),
            convert_options=pcsv.ConvertOptions(column_types=types),
            memory_pool=pa.system_memory_pool(),
        )
    except pa.ArrowInvalid:
        return None
    finally:
        deadline = time.monotonic() + RELEASE_TIMEOUT_S
        while sys.getrefcount(data) > held and time.monotonic() < deadline:
            time.sleep(0.0001)  # the GIL goes to the thread dropping the view


def _unquoted_cells(data: bytes) -> pd.DataFrame | None:
    """Every cell as text, the header as row 0, parsed by pyarrow in C++ (pandas' own parser
    takes ten times longer on millions of rows); None when pandas must read the file.

    Without quotes, and with more than one column, the two parsers agree on every file
    pyarrow reads: rows of another length, whitespace-only lines or bad UTF-8 make pyarrow
    fail, and pandas then says why (or pads a short row). They may not agree on a file with
    quotes (pyarrow accepts one left open at the end of the file) or on a one-column file
    (pandas skips whitespace-only lines, pyarrow reads them as cells).
    """
    names = [f"f{i}" for i in range(_FIRST_LINE.match(data)[1].count(b",") + 1)]
    if b'"' in data or len(names) < 2:
        return None
    table = _arrow_table(data, dict.fromkeys(names, pa.large_string()))
    if table is None:
        return None
    return pd.DataFrame({i: pd.Series(column, dtype="str") for i, column in enumerate(table.columns)})


def _typed_cells(data: bytes, numbers: Collection[str]) -> TypedTable | None:
    """The file with the columns named in ``numbers`` parsed as floats by pyarrow and the others
    as text, or None unless that gives exactly what parsing the text would: no quotes, the
    header on the first line, and every such cell a number (a blank or "nan" is read as null,
    and then the text path finds it and names it).

    pyarrow's CSV parser and its cast of stripped text to float64 read a number alike; parsed
    here once, a value is held as 8 bytes rather than as its text and its float.
    """
    if b'"' in data or data[:1] in (b"\n", b"\r"):
        return None
    try:
        header = [n.strip() for n in _FIRST_LINE.match(data)[1].decode().removeprefix("\ufeff").split(",")]
    except UnicodeDecodeError:
        return None
    if len(header) < 2 or len(set(header)) < len(header) or not set(numbers) & set(header):
        return None
    types = {f"f{i}": pa.float64() if name in numbers else pa.large_string() for i, name in enumerate(header)}
    table = _arrow_table(data, types, skip_rows=1)
    if table is None:
        return None
    columns = dict(zip(header, table.columns, strict=True))
    if any(columns[name].null_count for name in numbers if name in columns):
        return None
    return TypedTable(header, columns, table.num_rows, [name for name in header if name in numbers])


@dataclass(eq=False)
class TypedTable:
    """A file's cells as pyarrow parsed them, numbers as floats, before they become a frame:
    that is done once the file's bytes are dropped, so the bytes, the parsed cells and the
    frame are never all held at once."""

    header: list[str]
    columns: dict[str, pa.ChunkedArray]
    rows: int
    floats: list[str]

    def frame(self) -> pd.DataFrame:
        """The frame, made once: each column's memory goes back as soon as it is copied out.

        The numbers go into one float64 block, filled a chunk at a time, which the frame
        holds as it is (a frame made of whole columns copies each twice: joined, then
        stacked into a block)."""
        block = np.empty((self.rows, len(self.floats)), order="F")
        for j, name in enumerate(self.floats):
            start = 0
            for chunk in self.columns.pop(name).chunks:
                block[start : start + len(chunk), j] = chunk.to_numpy()
                start += len(chunk)
        frame = pd.DataFrame(block, columns=self.floats, copy=False)
        for position, name in enumerate(self.header):
            if name in self.columns:
                frame.insert(position, name, pd.Series(self.columns.pop(name), dtype="str"))
        return frame


def frame_of(cells: pd.DataFrame | TypedTable) -> pd.DataFrame:
    return cells.frame() if isinstance(cells, TypedTable) else cells


def read_csv(path: str | os.PathLike[str], max_columns: int | None = None,
             numbers: Collection[str] = (), max_line: int = MAX_LINE_BYTES) -> pd.DataFrame:
    """A CSV file as exact text cells, or InvalidSubmission saying why it cannot be read.

    Nothing is guessed: ids such as "007" stay as written and no text becomes NaN
    behind the checks' back. Column names are stripped; a byte-order mark is dropped.
    With ``max_columns`` (a submission's), a header far wider than that is refused unparsed.
    The columns named in ``numbers`` come as float64 where every cell is a number (see
    ``_typed_cells``; the checks then find what the text would have told them). A line
    longer than ``max_line`` bytes is refused unparsed.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidSubmission(f"no file at {path}")
    # The bytes are dropped once parsed, before the cells become a frame.
    return frame_of(parse_cells(path.read_bytes(), path.name, max_columns, numbers, max_line))


def parse_cells(data: bytes, name: str, max_columns: int | None = None,
                numbers: Collection[str] = (), max_line: int = MAX_LINE_BYTES) -> pd.DataFrame | TypedTable:
    """:func:`read_csv` of a file's bytes already read (``name`` is the file's, for messages),
    but typed cells come as a TypedTable, for ``frame_of`` to make the frame once the caller
    has dropped the bytes."""
    _check_bounds(data, name, max_columns, max_line)
    if numbers and (typed := _typed_cells(data, numbers)) is not None:
        return typed
    raw = _unquoted_cells(data)
    if raw is None:
        try:
            # header=None: pandas would rename a repeated column to "x.1" and would
            # turn an extra field on every row into an index, hiding both. Its width is
            # the header's, so a longer row is an error, not thousands of new columns.
            # Cells go straight into Arrow strings (dtype=str makes a Python object of
            # each first: five times as long), then into pandas' str dtype.
            raw = pd.read_csv(io.BytesIO(data), header=None, dtype=pd.ArrowDtype(pa.string()),
                              na_filter=False, encoding="utf-8-sig").astype(str)
        except pd.errors.EmptyDataError:
            raise InvalidSubmission(f"{name} is empty") from None
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise InvalidSubmission(f"{name} is not parseable as CSV: {exc}") from None
    header = [name.strip() for name in raw.iloc[0]]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InvalidSubmission(f"{name} has duplicate column names: {_few(repeated)}")
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return frame


def _ids(frame: pd.DataFrame, column: str, integers: bool = False) -> tuple[pd.Index, np.ndarray | None]:
    """Ids as stripped strings, arrow-backed (pandas' str dtype), so they are stripped and
    hashed in C++ rather than as millions of Python objects; with ``integers``, also the ids as
    int64 where each is an integer written plainly (``_integers``), else None.

    Plain integers have no edge to strip, and other ids that begin and end with a printable
    ASCII character are kept as they are: stripping would copy them all. (An integer id with
    a space beside it is stripped and then matched as text.)"""
    ids = frame[column].astype(str)
    numbers = _integers(ids) if integers else None
    if numbers is None and not plainly_edged(ids):
        ids = ids.str.strip()
    return pd.Index(ids, name=column), numbers


#: The least and the greatest magnitude of an integer of d digits, at index d (20 and more:
#: beyond any int64; 0: none). A text of d digits that reads as an integer below the least is
#: not plain: a leading zero took a character. One that reads above the greatest is not plain
#: either: pyarrow also reads hexadecimal, so "0xFFFFFFFFFFFFFFF" (17 characters) is
#: 1152921504606846975 (19 digits).
_LEAST = np.array([1, 0, *(10**d for d in range(1, 19)), 2**64 - 1], dtype=np.uint64)
_MOST = np.array([0, *(10**d - 1 for d in range(1, 20)), 0], dtype=np.uint64)


def _integers(ids: pd.Index) -> np.ndarray | None:
    """The ids as int64 when each is an integer written the one way Python writes it (no
    sign, leading zero or decimal point that comparing them as text would tell apart), else
    None. pyarrow parses them; their lengths against their digit counts tell the plain ones.
    A block of ids at a time is parsed and measured, so only the result is ever whole."""
    numbers = np.empty(len(ids), dtype=np.int64)
    first = 0
    for block in blocks(ids):
        try:
            # A cast that fails is slow (0.47 s for a million ids such as "id012345"): a few
            # ids tell text ids apart first.
            if first == 0:
                pc.cast(block.slice(0, 64), pa.int64())
            parsed = pc.cast(block, pa.int64()).to_numpy()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        # Python's writing of n has as many characters as n has digits, plus its minus sign
        # (a text pyarrow reads as an integer is ASCII: one byte a character).
        magnitude = np.abs(parsed).view(np.uint64)  # abs(int64 min) is itself; as uint64, 2**63
        digits = Strings(block).lengths - (parsed < 0)
        np.minimum(digits, len(_LEAST) - 1, out=digits)
        if not ((_LEAST[digits] <= magnitude) & (magnitude <= _MOST[digits])).all():
            return None
        numbers[first : first + len(block)] = parsed
        first += len(block)
    return numbers


def _dense_span(*parts: np.ndarray) -> tuple[int, int] | None:
    """The smallest of these integers and how many values lie from it to the largest, when
    that range is dense enough for a table of its size (Kaggle's numeric ids are ranges)."""
    parts = tuple(part for part in parts if len(part))
    if not parts:
        return 0, 0
    low = min(int(part.min()) for part in parts)
    span = max(int(part.max()) for part in parts) - low + 1
    return None if span > 4 * sum(map(len, parts)) + 1024 else (low, span)


def _repeated(numbers: np.ndarray) -> bool:
    """Whether a number occurs twice: counted in a table where their range is dense, else by
    one sort (a hash table of a million int64 ids, as pandas' Index builds, takes several
    times the memory; the sort takes ten times as long as the count)."""
    if (dense := _dense_span(numbers)) is not None:
        return _repeats(numbers - dense[0], dense[1])
    ordered = np.sort(numbers)
    return bool((ordered[1:] == ordered[:-1]).any())


def _integer_codes(truth: Truth, given: np.ndarray) -> tuple[np.ndarray | None, np.ndarray, int] | None:
    """Integer ids' codes as their offset from the smallest, where their range is dense: no
    hashing at all (``given``, the submission's ids, becomes its codes in place). The answers'
    codes are None where they are the answers' rows: the answers list their range in order
    (as Kaggle's test files mostly do) and the ids given lie in it."""
    if (dense := _dense_span(truth.numbers, given)) is None:
        return None
    low, span = dense
    given -= low  # in place: the given ids' array becomes their codes
    if truth.in_order and span == len(truth.numbers):
        return None, given, span
    return truth.numbers - low, given, span


def _codes(
    truth: Truth, ids: pd.Index, numbers: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray, int]:
    """Integer codes of the answers' ids (None: their rows, see ``_integer_codes``) and the
    submission's, equal for equal ids, and how many codes there may be.

    Every later check is integer array arithmetic on the codes. Integer ids (a dense range,
    as Kaggle's are) are their own codes; other ids are factorized: the exact path, for the
    files ``HashIndex`` could not match (whose problems are then named) and ids it cannot
    hash. Ids in the answers' order are factorized once. ``numbers`` are the ids as integers
    (``_ids``), or None.
    """
    if truth.numbers is not None and numbers is not None:
        if (codes := _integer_codes(truth, numbers)) is not None:
            return codes
    if len(ids) == len(truth.ids) and (ids == truth.ids).all():
        codes, uniques = pd.factorize(truth.ids, use_na_sentinel=False)
        return codes, codes, len(uniques)
    codes, uniques = pd.factorize(truth.ids.append(ids), use_na_sentinel=False)
    return codes[: len(truth.ids)], codes[len(truth.ids) :], len(uniques)


def _repeats(codes: np.ndarray, distinct: int) -> bool:
    """Whether a code occurs twice: counting is a fraction of the cost of duplicated(),
    which only runs to name the repeated ids."""
    return bool(np.bincount(codes, minlength=distinct).max(initial=0) > 1)


def _joint_codes(*parts: pd.Index) -> tuple[list[np.ndarray], pa.Array]:
    """Codes of each part's ids from one dictionary encoding of them all, in C++ (equal ids,
    equal codes), and the distinct ids in code order."""
    pieces = [chunk for part in parts for chunk in chunks(part)]
    encoded = pa.chunked_array(pieces, type=pa.large_string()).dictionary_encode()
    codes = np.concatenate([chunk.indices.to_numpy() for chunk in encoded.chunks]
                           or [np.zeros(0, dtype=np.int32)]).astype(np.intp)
    uniques = encoded.chunks[0].dictionary if encoded.num_chunks else pa.array([], pa.large_string())
    bounds = np.cumsum([0, *map(len, parts)])
    return [codes[start:end] for start, end in itertools.pairwise(bounds)], uniques


def _occurrence_numbers(codes: np.ndarray) -> np.ndarray:
    """For each row, how many rows before it hold the same code (0 for the first); only the
    rows of codes that repeat are sorted to count them."""
    nth = np.zeros(len(codes), dtype=np.intp)
    rows = np.flatnonzero(np.bincount(codes)[codes] > 1)
    order = rows[np.argsort(codes[rows], kind="stable")]
    ordered = codes[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    run_starts = np.repeat(starts, np.diff(np.append(starts, len(order))))
    nth[order] = np.arange(len(order)) - run_starts
    return nth


def _qualified(ids: pd.Index, nth: np.ndarray) -> pd.Index:
    """Each id qualified by its occurrence (``nth``: "text", "text #2", ...), so repeated ids
    pair in order. Ids that all occur once are their own (a copy would double them)."""
    if not nth.any():
        return ids
    text = pa.chunked_array(chunks(ids), type=pa.large_string())
    numbered = pc.binary_join_element_wise(text, pa.array(nth + 1).cast(pa.large_string()),
                                           pa.scalar(" #", pa.large_string()))
    qualified = pc.if_else(pa.array(nth > 0), numbered, text)
    return pd.Index(pd.Series(qualified, dtype="str"), name=ids.name)


@dataclass(frozen=True, eq=False)
class Repeats:
    """The answers' ids where they may repeat, counted once: each row's code (equal ids,
    equal codes), how often each code occurs, and each row's code and occurrence as one key."""

    codes: np.ndarray
    counts: np.ndarray
    #: How many rows before each hold its id (0 for the first).
    occurrences: np.ndarray
    #: Where each code's rows begin among the keys: ``starts[code] + occurrence``, a
    #: permutation of the rows, pairs the k-th row of an id with the k-th answer of that id.
    starts: np.ndarray
    #: The distinct ids by hash, in code order, where they hash apart; else None.
    distinct: HashIndex | None

    @classmethod
    def of(cls, ids: pd.Index) -> Repeats:
        factored = factorized(ids)
        codes, distinct = factored if factored is not None else (_joint_codes(ids)[0][0], None)
        counts = np.bincount(codes)
        return cls(codes, counts, _occurrence_numbers(codes), np.cumsum(counts) - counts, distinct)

    def unique_when_qualified(self, qualified: pd.Index) -> bool:
        """Whether the qualified ids are all different: they are unless a qualified one ("x #2")
        is itself one of the ids, which only the rows after an id's first can tell."""
        later = qualified[self.occurrences > 0]
        if self.distinct is not None and (holds := self.distinct.holds_any(later)) is not None:
            return not holds
        return not qualified.has_duplicates

    def positions(self, ids: pd.Index) -> np.ndarray | None:
        """Where each answer row sits among ``ids``, when ``ids`` hold every id exactly as often
        as the answers do, found from the keys alone; None otherwise (or where the ids cannot
        be looked up by hash), for the exact path to say what is wrong."""
        if self.distinct is not None and len(self.counts) == len(self.codes):  # each id once
            return self.distinct.positions(ids)
        codes = self.distinct.rows_of(ids) if self.distinct is not None else None
        if codes is None or len(codes) != len(self.codes):
            return None
        if not np.array_equal(np.bincount(codes, minlength=len(self.counts)), self.counts):
            return None
        row_of_key = np.empty(len(codes), dtype=np.intp)
        row_of_key[self.starts[codes] + _occurrence_numbers(codes)] = np.arange(len(codes))
        return row_of_key[self.starts[self.codes] + self.occurrences]


def _repeats_checked(truth_ids: pd.Index, ids: pd.Index) -> pd.Index:
    """Where ids may repeat, each must occur as often as in the test set (else say which do
    not); the submission's ids qualified by occurrence."""
    (truth_codes, codes), uniques = _joint_codes(truth_ids, ids)
    expected = np.bincount(truth_codes, minlength=len(uniques))
    given = np.bincount(codes, minlength=len(uniques))
    extra = np.flatnonzero(given > expected)
    if len(extra):
        # The commonest first, then in the order the file first has them.
        first_row = np.full(len(uniques), len(codes))
        np.minimum.at(first_row, codes, np.arange(len(codes)))
        extra = extra[np.lexsort((first_row[extra], -given[extra]))]
        names = uniques.take(pa.array(extra[:3])).to_pylist()
        shown = [f"{name!r} {given[code]} times, expected {expected[code]}"
                 for name, code in zip(names, extra, strict=False)]
        raise InvalidSubmission(f"duplicated ids: {len(extra)} ids appear more often than in the "
                                f"test set ({_few(shown, show=str, total=len(extra))})")
    return _qualified(ids, _occurrence_numbers(codes))


def _check_columns(submission: pd.DataFrame, spec: GradingSpec) -> None:
    missing = [c for c in spec.columns if c not in submission.columns]
    unexpected = [c for c in submission.columns if c not in spec.allowed_columns]
    if missing:
        raise InvalidSubmission(
            f"missing columns: {_few(missing, 10)}; expected columns {list(spec.columns)}"
        )
    if unexpected:
        hint = (" (an unnamed column is usually a DataFrame index: write the file with "
                "index=False)" if "" in unexpected else "")
        raise InvalidSubmission(
            f"unexpected columns: {_few(unexpected, 10)}; expected only {list(spec.allowed_columns)}{hint}"
        )


def _positions(
    ids: pd.Index, codes: np.ndarray, truth_ids: pd.Index, truth_codes: np.ndarray | None, distinct: int
) -> np.ndarray:
    """Where each test id sits in the submission, or InvalidSubmission saying how the ids
    fail to match (``truth_codes`` None: the answer rows' codes are their rows)."""
    row = np.full(distinct, -1, dtype=np.intp)
    row[codes] = np.arange(len(codes))
    if np.count_nonzero(row >= 0) < len(codes):  # fewer codes written than rows: one repeats
        repeated = ids[pd.Index(codes).duplicated()].unique()
        raise InvalidSubmission(
            f"duplicated ids: {len(repeated)} ids appear more than once ({_few(repeated)})"
        )
    if len(ids) != len(truth_ids):
        raise InvalidSubmission(
            f"wrong row count: expected {len(truth_ids)} rows (one per test id), got {len(ids)}"
        )
    positions = row if truth_codes is None else row[truth_codes]
    missing = truth_ids[positions < 0]
    if len(missing):  # as many rows as test ids, none repeated: then some are unknown too
        known = np.zeros(distinct, dtype=bool)
        known[slice(None) if truth_codes is None else truth_codes] = True
        unknown = ids[~known[codes]]
        raise InvalidSubmission(
            f"ids do not match the test set: {len(missing)} test ids are missing "
            f"({_few(missing)}) and {len(unknown)} ids are not test ids "
            f"({_few(unknown)})"
        )
    return positions


def _matched(truth: Truth, ids: pd.Index, numbers: np.ndarray | None) -> np.ndarray:
    """Where each test id sits in the submission (``numbers``: the ids as integers, or None):
    by hash where the answers' ids allow it, else (or where that fails) by the exact path that
    names what is wrong."""
    if truth.hashed is not None and (positions := truth.hashed.positions(ids)) is not None:
        return positions
    truth_codes, codes, distinct = _codes(truth, ids, numbers)
    return _positions(ids, codes, truth.ids, truth_codes, distinct)


def _floats(text: pd.Series) -> np.ndarray | None:
    """The values parsed as numbers by pyarrow in C++ (pd.to_numeric parses one by one), or
    None unless all of them are numbers other than NaN: pandas then finds and names the bad
    ones. Both parsers read a number as the same float."""
    try:
        numbers = pc.cast(pa.array(text.array), pa.float64()).to_numpy()
    except pa.ArrowInvalid:
        return None
    return None if np.isnan(numbers).any() else numbers


def _fractional(values: np.ndarray) -> np.ndarray:
    """Which values are not whole numbers, a block at a time: rounding a million at once
    would write a new 8 MB array, which costs more in fresh pages than in arithmetic."""
    bad = np.empty(len(values), dtype=bool)
    for first in range(0, len(values), BLOCK):
        part = values[first : first + BLOCK]
        np.not_equal(part, np.rint(part), out=bad[first : first + BLOCK])
    return bad


def _typed(
    column: pd.Series, rows: np.ndarray | None, ids: pd.Index, value_type: str
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """The column's ``rows`` (all when None), one per id of ``ids``, as floats, or stripped
    strings for labels; InvalidSubmission names the values, by id, that break the metric's
    value_type.

    Numbers are parsed in the file's order and then moved, which is cheaper than moving
    their text; the text is put in ``ids`` order only to parse labels or name bad values.
    """
    def aligned() -> pd.Series:
        return (column if rows is None else column.iloc[rows]).set_axis(ids)

    def reject(bad: np.ndarray, what: str) -> None:
        if bad.any():
            examples = [f"id {i!r} = {v!r}" for i, v in aligned()[bad].items()]
            raise InvalidSubmission(
                f"column {column.name!r} has {int(bad.sum())} {what}: {_few(examples, show=str)}; "
                f"expected {VALUE_TYPES[value_type]}"
            )

    if value_type == "text":
        return aligned().astype(str).array
    if value_type == "label":
        text = aligned().astype(str).str.strip()
        reject((text == "").to_numpy(), "empty labels")
        return text.array
    if pd.api.types.is_numeric_dtype(column):
        array = column.to_numpy(dtype="float64")
        array = array if rows is None else array[rows]
    else:
        array = _floats(column.astype(str).str.strip())
        if array is None:
            text = aligned().astype(str).str.strip()
            numbers = pd.to_numeric(text, errors="coerce").astype("float64")
            reject((numbers.isna() & ~text.str.lower().isin(_NAN_TEXTS)).to_numpy(),
                   "non-numeric values")
            array = numbers.to_numpy()
        elif rows is not None:
            array = array[rows]
    reject(np.isnan(array), "missing or NaN values")
    reject(np.isinf(array), "infinite values")
    if value_type in ("probability", "distribution"):
        reject((array < 0) | (array > 1), "values outside [0, 1]")
    elif value_type == "nonnegative":
        reject(array < 0, "negative values")
    elif value_type == "integer":
        reject(_fractional(array), "non-integer values")
    return array


def _targets(
    frame: pd.DataFrame, rows: np.ndarray | None, ids: pd.Index, spec: GradingSpec
) -> pd.DataFrame:
    """The target columns of ``frame``'s ``rows`` (all when None), typed, indexed by ``ids``.

    Numbers are written into one float64 block, column by column, which the frame then holds
    as it is (a frame made of separate columns copies them into such a block)."""
    if not spec.metric.numeric:
        return pd.DataFrame(
            {c: _typed(frame[c], rows, ids, spec.metric.value_type) for c in spec.target_columns},
            index=ids,
        )
    targets = list(spec.target_columns)
    if rows is None and all(frame[column].dtype == np.float64 for column in targets):
        for column in targets:  # the checks alone: a float column's values are a view
            _typed(frame[column], None, ids, spec.metric.value_type)
        # Floats the answers already hold (read typed) are shared, not copied.
        return pd.DataFrame(frame[targets].to_numpy(), index=ids, columns=targets, copy=False)
    values = np.empty((len(ids), len(spec.target_columns)), order="F")
    for j, column in enumerate(spec.target_columns):
        values[:, j] = _typed(frame[column], rows, ids, spec.metric.value_type)
    return pd.DataFrame(values, index=ids, columns=list(spec.target_columns), copy=False)


@dataclass(frozen=True, eq=False)
class Truth:
    """What every grade needs of the answers, worked out once: a grader keeps it, so each
    submission costs only its own parsing (and a forked grading child inherits it)."""

    #: The answers' ids, stripped (qualified by occurrence where ids repeat), in their order.
    ids: pd.Index
    #: The ids as given, stripped: what repeated ids are counted against.
    given_ids: pd.Index
    #: The ids as int64 when all are integers written plainly (see ``_integers``), else None.
    numbers: np.ndarray | None
    #: The other ids by hash, where they all hash apart (nearly always), else None.
    hashed: HashIndex | None
    #: The target columns, typed as the metric takes them, indexed by ``ids``.
    y_true: pd.DataFrame
    #: The given ids counted, where ids may repeat; else None.
    repeats: Repeats | None = None
    #: Whether ``numbers`` run in steps of 1 (the answers list their range in order).
    in_order: bool = False

    @classmethod
    def of(cls, answers: pd.DataFrame, spec: GradingSpec) -> Truth:
        """A problem with the answers is the harness's: a plain ValueError."""
        absent = [c for c in spec.columns if c not in answers.columns]
        if absent:
            raise ValueError(f"the answers lack columns {absent}")
        given, numbers = _ids(answers, spec.id_column, integers=not spec.repeated_ids)
        # Integer ids in steps of 1 are unique, and each one's code is its row (_integer_codes).
        in_order = numbers is not None and len(numbers) > 0 and bool((np.diff(numbers) == 1).all())
        if spec.repeated_ids:  # placed by counts (Repeats), or matched exactly
            repeats, hashed = Repeats.of(given), None
            ids = _qualified(given, repeats.occurrences)
            unique = repeats.unique_when_qualified(ids)
        else:
            repeats, ids = None, given
            hashed = HashIndex.of(ids) if numbers is None else None
            unique = in_order or hashed is not None or not (
                ids.has_duplicates if numbers is None else _repeated(numbers))
        if not unique:
            raise ValueError(f"the answers repeat ids: {_few(ids[ids.duplicated()])}")
        try:
            y_true = _targets(answers, None, ids, spec)
        except InvalidSubmission as exc:
            raise ValueError(f"the answers do not fit metric {spec.metric.name!r}: {exc}") from None
        return cls(ids, given, numbers, hashed, y_true, repeats, in_order)


def check_submission(
    submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec, truth: Truth | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reject a submission with one clear reason, or return (y_true, y_pred).

    Both are indexed by the answers' ids (stripped strings) in the answers' order,
    hold the target columns only, and are float64 unless the metric takes labels.
    Column order in the submission does not matter; ids are compared as stripped
    strings. ``y_pred.attrs["layout"]`` says where they sit in the file (Layout).
    ``truth`` is ``Truth.of(answers, spec)``, when the caller keeps it.
    """
    truth = truth or Truth.of(answers, spec)
    # A submission without an id column (refused below) contributes no ids.
    has_ids = spec.id_column in submission.columns
    ids, numbers = (_ids(submission, spec.id_column, integers=truth.numbers is not None) if has_ids
                    else (truth.ids[:0], None))
    # Repeated ids that pair as they should are placed by their counts alone (nearly always);
    # the others are qualified by occurrence and matched as text, which names the problems.
    positions = truth.repeats.positions(ids) if truth.repeats is not None else None
    if spec.repeated_ids and positions is None:
        ids = _repeats_checked(truth.given_ids, ids)
    _check_columns(submission, spec)
    if positions is None:
        positions = _matched(truth, ids, numbers)

    if spec.pair_by_position:  # the file's own rows, in its order: nothing is moved
        y_pred = _targets(submission, None, ids, spec)
    else:
        y_pred = _targets(submission, positions, truth.ids, spec)
    if spec.metric.check is not None and (reason := spec.metric.check(y_pred)) is not None:
        raise InvalidSubmission(reason)
    if spec.pair_by_position:  # named by their own ids above; scored as the answer rows they meet
        y_pred = y_pred.set_axis(truth.ids)
    y_pred.attrs["layout"] = Layout(positions, tuple(submission.columns))
    # A shallow copy: under copy-on-write a metric that assigns to it leaves the kept truth as it was.
    return truth.y_true.copy(deep=False), y_pred


def takes_truth(grade_fn: GradeFn) -> bool:
    """Whether a grade.py's ``grade`` takes the answers' targets typed (``truth``): it then
    reads no target of the answers' as text, so a grader may hold them as numbers."""
    return "truth" in inspect.signature(grade_fn).parameters


def score(
    submission_path: str | os.PathLike[str],
    answers: pd.DataFrame,
    spec: GradingSpec,
    grade_fn: GradeFn | None = None,
    truth: Truth | None = None,
) -> float:
    """The submission's score as a Python float, or InvalidSubmission with the reason.

    A competition's own ``grade_fn(submission, answers)`` runs only after the strict
    checks; it receives the checked submission in the answers' row order, with the
    answers' own id values and typed target columns, and the answers unchanged (and, if it
    takes ``truth``, the answers' target columns typed, in their order; a Grader then holds
    the answers' numeric targets as float64, not text). ``truth`` is
    ``Truth.of(answers, spec)``, when the caller keeps it.
    """
    submission = read_csv(submission_path, max_columns=len(spec.allowed_columns),
                          numbers=spec.target_columns if spec.metric.numeric else (),
                          max_line=spec.max_line_bytes)
    y_true, y_pred = check_submission(submission, answers, spec, truth)
    del submission  # y_pred holds all the metric needs: the file's cells are not kept meanwhile
    if grade_fn is None:
        value = float(spec.metric.fn(y_true, y_pred))
    else:
        checked = y_pred.reset_index(drop=True)
        checked.insert(0, spec.id_column, answers[spec.id_column].array)
        checked.attrs = y_pred.attrs
        typed = {"truth": y_true.reset_index(drop=True)} if takes_truth(grade_fn) else {}
        value = float(grade_fn(checked, answers, **typed))
    if not math.isfinite(value):
        raise InvalidSubmission(f"the submission scores {value} under {spec.metric.name}")
    return value
