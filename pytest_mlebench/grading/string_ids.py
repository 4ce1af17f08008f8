"""Matching a submission's string ids to the answers' in numpy, on Arrow's own buffers.

pandas hashes strings (in ``factorize``, ``Index.get_indexer`` or ``has_duplicates``) by
first making a Python object of each: for a million ids of 30 characters that is about
100 MB and most of a grade's time. Here each id is read from the Arrow buffers that the
CSV reader filled, eight bytes at a time: a 64-bit hash pairs the ids by one sort of
integers, and the pairs are then compared as strings, so a hash that collides can only
send a file down the exact path (validate.py), never pair two different ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: How many strings are read at once: a block's temporaries stay in the CPU's cache.
BLOCK = 1 << 16

#: The masks that keep a word's lowest 0 ... 8 bytes.
_LOW_BYTES = np.array([(1 << (8 * kept)) - 1 for kept in range(9)], dtype=np.uint64)

#: splitmix64's constants: a cheap mix whose every output bit depends on every input bit.
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def _mixed(h: np.ndarray) -> np.ndarray:
    h ^= h >> np.uint64(30)
    h *= _MIX[0]
    h ^= h >> np.uint64(27)
    h *= _MIX[1]
    h ^= h >> np.uint64(31)
    return h


def chunks(values: pd.Index | pd.Series) -> list[pa.Array]:
    """The strings' Arrow chunks as large_string: those pandas' str dtype holds, without a copy."""
    array = pa.array(values.array)
    return [chunk.cast(pa.large_string())
            for chunk in (array.chunks if isinstance(array, pa.ChunkedArray) else [array])]


def blocks(values: pd.Index | pd.Series) -> Iterator[pa.Array]:
    """The strings' chunks cut into slices of at most BLOCK (views): a pass over a block at a
    time keeps its temporaries small, in the CPU's cache and out of the peak."""
    for chunk in chunks(values):
        for first in range(0, len(chunk), BLOCK):
            yield chunk.slice(first, BLOCK)


def joined(values: pd.Series) -> pd.Series:
    """The strings in one Arrow chunk: a copy, made once, of strings that are kept (the
    answers' ids, which HashIndex would otherwise copy into one chunk beside them)."""
    parts = chunks(values) if isinstance(values.dtype, pd.StringDtype) else []
    if len(parts) <= 1:
        return values
    return pd.Series(pa.chunked_array(parts).combine_chunks(), dtype="str", index=values.index,
                     name=values.name)


def _one_array(ids: pd.Index) -> pa.Array:
    """The ids' strings as one large_string array: their chunk itself, or the chunks joined (a copy)."""
    parts = chunks(ids)
    return parts[0] if len(parts) == 1 else pa.chunked_array(parts, type=pa.large_string()).combine_chunks()


class Strings:
    """One Arrow string array's bytes, read as words in place."""

    def __init__(self, array: pa.Array) -> None:
        array = array.cast(pa.large_string())
        _, offsets, data = array.buffers()
        ends = np.frombuffer(offsets, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
        raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
        if len(raw) < 8:
            raw = np.concatenate([raw, np.zeros(8, dtype=np.uint8)])
        self.nulls = array.null_count
        self.starts, self.lengths, self.raw = ends[:-1], np.diff(ends), raw
        # Every eight consecutive bytes of the data as one little-endian word (a view, no copy).
        self.words = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))

    def __len__(self) -> int:
        return len(self.lengths)

    def word(self, rows: np.ndarray | slice, at: int) -> np.ndarray:
        """Bytes ``at`` to ``at + 7`` of each of these strings as a word, zero past its end."""
        where, length = self.starts[rows] + at, self.lengths[rows]
        kept = np.clip(length - at, 0, 8)
        last = len(self.words) - 1
        word = self.words[np.minimum(where, last)]
        # A word that starts within 8 bytes of the data's end is read byte by byte.
        for row in np.flatnonzero((where > last) & (kept > 0)):
            word[row] = int.from_bytes(self.raw[where[row] : where[row] + kept[row]].tobytes(), "little")
        word &= _LOW_BYTES[kept]
        return word

    def edges(self) -> np.ndarray:
        """The first and the last byte of each string that has any."""
        filled = self.lengths > 0
        starts = self.starts[filled]
        return np.concatenate([self.raw[starts], self.raw[starts + self.lengths[filled] - 1]])

    def hashes(self) -> np.ndarray:
        """Each string's 64-bit hash: its length, then each 8 bytes of it in turn, mixed in. A
        round takes only the strings of a block that reach that far, so a long string costs
        its own length, not a pass over the whole block."""
        hashes = _mixed(self.lengths.astype(np.uint64))
        for first in range(0, len(self), BLOCK):
            live, at = np.arange(first, min(first + BLOCK, len(self))), 0
            while len(live := live[self.lengths[live] > at]):
                hashes[live] = _mixed(hashes[live] ^ self.word(live, at))
                at += 8
        return hashes


def hashable(parts: Sequence[Strings]) -> bool:
    """Whether these strings can be hashed here: no nulls."""
    return all(not part.nulls for part in parts)


def plainly_edged(values: pd.Index | pd.Series) -> bool:
    """Whether every string begins and ends with a printable ASCII character (or is empty), so
    that stripping whitespace would leave it as it is; found from two bytes of each."""
    return all(bool(((edges > ord(" ")) & (edges < 0x7F)).all())
               for edges in (Strings(chunk).edges() for chunk in chunks(values)))


def hashes(parts: Sequence[Strings]) -> np.ndarray:
    return np.concatenate([part.hashes() for part in parts]) if parts else np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True, eq=False)
class HashIndex:
    """The answers' ids by hash, sorted once, so that matching a submission is one sort of
    integers and one comparison of strings."""

    ids: pa.Array
    order: np.ndarray
    sorted_hashes: np.ndarray

    @classmethod
    def of(cls, ids: pd.Index) -> HashIndex | None:
        """None when the ids cannot be hashed or two of them hash alike (then they may repeat,
        which the caller checks exactly). Ids in several chunks are joined into one (a copy)."""
        array = _one_array(ids)
        strings = Strings(array)
        if not hashable([strings]):
            return None
        values = strings.hashes()
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        if (ordered[1:] == ordered[:-1]).any():
            return None
        return cls(array, order, ordered)

    def _equal(self, rows: np.ndarray, part: pa.Array) -> bool:
        """Whether answer id ``rows[i]`` is ``part[i]``, for every i: compared in C++, a slice
        at a time, so only a slice of the answers' ids is ever copied."""
        for first in range(0, len(part), BLOCK):
            taken = self.ids.take(pa.array(rows[first : first + BLOCK]))
            if not pc.all(pc.equal(taken, part.slice(first, BLOCK))).as_py():
                return False
        return True

    def _all_equal(self, rows: np.ndarray, arrays: Sequence[pa.Array]) -> bool:
        """``_equal`` over consecutive parts: ``rows`` names the answer id of each of their strings."""
        starts = np.cumsum([0, *map(len, arrays)])
        return all(self._equal(rows[start : start + len(array)], array)
                   for start, array in zip(starts, arrays, strict=False))

    def _lookup(self, given: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each hash, the row of these ids that may hold it and whether its hash is that
        row's; the hashes are looked up in sorted order, which is kinder to the cache."""
        if not len(self.sorted_hashes):
            return np.zeros(len(given), dtype=np.intp), np.zeros(len(given), dtype=bool)
        order = np.argsort(given)
        at = np.empty(len(given), dtype=np.intp)
        at[order] = np.searchsorted(self.sorted_hashes, given[order])
        np.minimum(at, len(self.sorted_hashes) - 1, out=at)
        return self.order[at], self.sorted_hashes[at] == given

    def rows_of(self, ids: pd.Index) -> np.ndarray | None:
        """The row of these answer ids that holds each of ``ids``, when every one of them is
        there (any may occur any number of times); None otherwise."""
        arrays = chunks(ids)
        parts = [Strings(array) for array in arrays]
        if not hashable(parts):
            return None
        rows, hit = self._lookup(hashes(parts))
        return rows if hit.all() and self._all_equal(rows, arrays) else None

    def holds_any(self, ids: pd.Index) -> bool | None:
        """Whether any of ``ids`` is one of these ids (compared exactly); None when ``ids``
        cannot be hashed."""
        arrays = chunks(ids)
        parts = [Strings(array) for array in arrays]
        if not hashable(parts):
            return None
        rows, hit = self._lookup(hashes(parts))
        if not hit.any():
            return False
        candidates = pa.chunked_array(arrays, type=pa.large_string()).take(pa.array(np.flatnonzero(hit)))
        return bool(pc.any(pc.equal(self.ids.take(pa.array(rows[hit])), candidates)).as_py())

    def positions(self, ids: pd.Index) -> np.ndarray | None:
        """Where each answer id sits among ``ids``, when ``ids`` are the answers' ids, each
        once, in any order; None otherwise (the exact checks then say what is wrong)."""
        arrays = chunks(ids)
        parts = [Strings(array) for array in arrays]
        if sum(map(len, parts)) != len(self.ids) or not hashable(parts):
            return None
        if self._all_equal(np.arange(len(self.ids)), arrays):
            return np.arange(len(self.ids))  # in the answers' order, as most files are
        given = hashes(parts)
        order = np.argsort(given)
        if not np.array_equal(given[order], self.sorted_hashes):
            return None
        truth_row = np.empty(len(order), dtype=np.intp)  # of each submission row
        truth_row[order] = self.order
        if not self._all_equal(truth_row, arrays):
            return None
        positions = np.empty(len(order), dtype=np.intp)
        positions[self.order] = order
        return positions


def factorized(ids: pd.Index) -> tuple[np.ndarray, HashIndex] | None:
    """Each id's code (equal ids, equal codes: the first row holding it among the distinct
    ids) and the distinct ids by hash, or None when the ids cannot be hashed or two unequal
    ids hash alike (then the caller encodes them exactly). Ids that all hash apart (nearly
    always) are each their own code, and their own distinct ids."""
    if (index := HashIndex.of(ids)) is not None:
        return np.arange(len(index.ids)), index
    array = _one_array(ids)
    strings = Strings(array)
    if not hashable([strings]):
        return None
    distinct_hashes, first_rows, codes = np.unique(strings.hashes(), return_index=True, return_inverse=True)
    distinct = HashIndex(array.take(pa.array(first_rows)), np.arange(len(first_rows)), distinct_hashes)
    # Each row after the first of its hash must hold that first row's id (the others are it).
    later = np.flatnonzero(first_rows[codes] != np.arange(len(codes)))
    return (codes, distinct) if distinct._equal(codes[later], array.take(pa.array(later))) else None
