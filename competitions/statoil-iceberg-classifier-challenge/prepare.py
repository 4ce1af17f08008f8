"""Statoil/C-CORE Iceberg Classifier: MLE-bench's 80/20 split of Kaggle's labelled radar images.

Kaggle ships train.json.7z and test.json.7z, each a JSON list of images (``id``, ``band_1``,
``band_2``, ``inc_angle``; train's also ``is_iceberg``) at data/processed/ in the archive.
Kaggle's test labels were never released, so, as in MLE-bench, a fifth of the training list
is held out (``train_test_split(test_size=0.2, random_state=0)`` over the list in order). As
MLE-bench does, both sides are written back with ``json.dump`` (the held-out images keep only
the fields of Kaggle's test images, in their order) and shipped as train.json.7z and
test.json.7z holding train.json and test.json; the sample, 0.5 for every image, ships as
sample_submission.csv.7z, and also sits in private/ as MLE-bench keeps it there.

train.json is a few hundred MB of numbers: it is parsed one image at a time as py7zr
decompresses it, each image's JSON text is kept in a scratch file and the two lists are put
together from it in the split's order. Of Kaggle's 1.5 GB test.json only the first image is
read, for the fields a test image has.
"""

from __future__ import annotations

import codecs
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import py7zr
from py7zr.io import Py7zIO, WriterFactory

from pytest_mlebench.data.prepare.files import constant_submission, progress, write_csv, write_once
from pytest_mlebench.data.prepare.tabular import split_positions
from pytest_mlebench.data.store import ANSWERS

TRAIN_MEMBER = "data/processed/train.json"
TEST_MEMBER = "data/processed/test.json"
TEST_SIZE = 0.2
SEED = 0
TARGET = "is_iceberg"
SAMPLE = "sample_submission.csv"
#: How much decompressed text is parsed at a time.
SLICE = 1 << 20


class _Enough(Exception):
    """Raised from a writer to stop py7zr once the items wanted are read."""


class _ArrayItems(Py7zIO):
    """A writer for py7zr that parses the bytes of a JSON list of objects as they arrive and
    hands each object to ``take``; ``take`` returning False stops the extraction (``_Enough``).
    Only objects are taken: a number cut by a chunk's end would parse as a shorter number."""

    def __init__(self, member: str, take: Callable[[Any], bool]) -> None:
        self.member, self.take = member, take
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.json = json.JSONDecoder()
        self.text, self.state, self.count = "", "start", 0

    def _skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\r\n":
            pos += 1
        return pos

    def write(self, data: bytes | bytearray) -> int:
        view = memoryview(data)  # py7zr's chunks reach 128 MB: parsed a slice at a time
        for start in range(0, len(view), SLICE):
            self._feed(self.utf8.decode(bytes(view[start:start + SLICE])))
        return len(data)

    def _feed(self, text: str) -> None:
        self.text += text
        pos = 0
        while (pos := self._skip(pos)) < len(self.text):
            char = self.text[pos]
            if self.state == "start":
                self._expect(char == "[", "a JSON list", pos)
                self.state, pos = "item or end", pos + 1
            elif self.state == "separator":
                self._expect(char in ",]", "',' or ']' after an item", pos)
                self.state, pos = ("item", pos + 1) if char == "," else ("end", pos + 1)
            elif self.state in ("item", "item or end"):
                if char == "]" and self.state == "item or end":
                    self.state, pos = "end", pos + 1
                    continue
                try:
                    item, pos = self.json.raw_decode(self.text, pos)
                except json.JSONDecodeError:
                    break  # an item cut by the chunk's end: wait for the rest
                self._expect(isinstance(item, dict), "an object", pos)
                self.count += 1
                self.state = "separator"
                if not self.take(item):
                    raise _Enough
            else:
                self._expect(False, "nothing after the list's end", pos)
        self.text = self.text[pos:]

    def _expect(self, ok: bool, what: str, pos: int) -> None:
        if not ok:
            raise ValueError(f"{self.member}: expected {what} after {self.count} items, got "
                             f"{self.text[pos:pos + 40]!r}...")

    def finish(self) -> None:
        """Refuse a list the archive cut short (or an item that never parsed)."""
        if self.state != "end" or self.text.strip():
            raise ValueError(f"{self.member}: the JSON list ends early or badly after {self.count} items")

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return 0


class _One(WriterFactory):
    def __init__(self, writer: _ArrayItems) -> None:
        self.writer = writer

    def create(self, filename: str) -> Py7zIO:
        return self.writer


def read_items(archive: Path, member: str, take: Callable[[Any], bool]) -> _ArrayItems:
    """Pass each element of the JSON list ``member`` of a 7z archive to ``take``, in order,
    until ``take`` returns False; the whole list must parse unless stopped."""
    writer = _ArrayItems(member, take)
    with py7zr.SevenZipFile(archive) as sz:
        if member not in sz.getnames():
            raise FileNotFoundError(f"{archive} has no {member}")
        try:
            sz.extract(targets=[member], factory=_One(writer))
        except _Enough:
            return writer
    writer.finish()
    return writer


def write_7z(source: Path, archive: Path, name: str) -> None:
    """``source`` as the one member ``name`` of a new 7z archive (py7zr's defaults, as MLE-bench)."""
    def write(tmp: Path) -> None:
        with py7zr.SevenZipFile(tmp, "w") as sz:
            sz.write(source, arcname=name)
    write_once(archive, write)


def _copy_items(scratch: BinaryIO, spans: list[tuple[int, int]], order: list[int], out: Path,
                keep: list[str] | None, advance: Callable[[], None]) -> None:
    """The images at ``order`` as one JSON list, the text ``json.dump`` gives (``keep``: only
    those fields, in that order)."""
    with open(out, "w", encoding="ascii") as fh:
        fh.write("[")
        for n, i in enumerate(order):
            start, length = spans[i]
            scratch.seek(start)
            text = scratch.read(length).decode("ascii")
            if keep is not None:
                item = json.loads(text)
                text = json.dumps({key: item[key] for key in keep})
            fh.write((", " if n else "") + text)
            advance()
        fh.write("]")


def prepare(raw: Path, public: Path, private: Path) -> None:
    test_fields: list[str] = []

    def first(item: dict[str, Any]) -> bool:
        test_fields.extend(item)
        return False

    read_items(raw / "test.json.7z", TEST_MEMBER, first)
    if not test_fields:
        raise ValueError(f"{raw / 'test.json.7z'}: the test list is empty")

    with tempfile.TemporaryDirectory(prefix=".statoil-", dir=private.parent) as tmp_name:
        tmp = Path(tmp_name)
        spans: list[tuple[int, int]] = []
        labels: list[tuple[str, int]] = []
        fields: list[set[str]] = []
        with open(tmp / "items.json", "w+b") as scratch:
            def keep(item: dict[str, Any]) -> bool:
                if fields and set(item) != fields[0]:
                    raise ValueError(f"train image {len(spans)} has fields {sorted(item)}, "
                                     f"the first has {sorted(fields[0])}")
                if not fields:
                    fields.append(set(item))
                text = json.dumps(item).encode("ascii")
                spans.append((scratch.tell(), len(text)))
                scratch.write(text)
                labels.append((item["id"], int(item[TARGET])))
                return True

            read_items(raw / "train.json.7z", TRAIN_MEMBER, keep)
            train, test = (order.tolist() for order in split_positions(len(spans), TEST_SIZE, SEED))
            with progress("writing the split's images", len(spans)) as advance:
                _copy_items(scratch, spans, train, tmp / "train.json", None, advance)
                _copy_items(scratch, spans, test, tmp / "test.json", test_fields, advance)
        write_7z(tmp / "train.json", public / "train.json.7z", "train.json")
        write_7z(tmp / "test.json", public / "test.json.7z", "test.json")

        answers = pd.DataFrame([labels[i] for i in test], columns=["id", TARGET])
        sample = constant_submission(answers["id"], [TARGET], 0.5)
        write_csv(sample, private / SAMPLE)
        write_7z(private / SAMPLE, public / f"{SAMPLE}.7z", SAMPLE)
        write_csv(answers, private / ANSWERS)
