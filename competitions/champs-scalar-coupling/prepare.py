"""CHAMPS Scalar Coupling: MLE-bench's split of Kaggle's train.csv by molecule.

Kaggle's test couplings were never released, so MLE-bench groups train.csv by
``molecule_name`` (pandas' groupby: the molecules sorted by name) and holds out 10% of the
molecules with train_test_split(random_state=0) over that list of groups: every coupling
of a held-out molecule is a test row. The per-molecule files (structures.csv, the .xyz
files of structures/ and the four files of extra quantities, which Kaggle gives for its
training molecules only) are cut to the new training molecules, so the test molecules
have no structure at all (openai/mle-bench#70, reproduced). The ``test-structures``
variant keeps the test molecules' structures too, as Kaggle's structures.csv did.

The real files are large (train.csv and scalar_coupling_contributions.csv hold 4.66
million rows each, 130,775 .xyz files), so nothing is loaded whole: train.csv is read
twice a block at a time (its molecule names, then its rows, routed by molecule), the
other CSV files stream through a filter, and the .xyz files are hard-linked. Cells keep
Kaggle's text (MLE-bench's pandas round trip gives the same values). Training rows keep
the file's order (MLE-bench's follow its shuffled molecules; nothing is graded on them);
the test rows come in MLE-bench's order: molecule by molecule as train_test_split drew
them, each molecule's couplings in file order.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pytest_mlebench.data.prepare import tabular
from pytest_mlebench.data.prepare.files import partial_path, write_new, write_once
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.prepare.tabular import (
    DEFAULT_BLOCK_SIZE,
    _csv_header,
    _csv_rows,
    _open_text_csv,
)
from pytest_mlebench.data.store import ANSWERS

TEST_SIZE = 0.1
SEED = 0
MOLECULE = "molecule_name"
TARGET = "scalar_coupling_constant"
#: MLE-bench's sample submission predicts 0 for every coupling.
SAMPLE_VALUE = "0"
STRUCTURES = "structures.csv"
#: Kaggle's other per-molecule files, which cover its training molecules only.
EXTRA_FILES = ("dipole_moments.csv", "magnetic_shielding_tensors.csv", "mulliken_charges.csv",
               "potential_energy.csv", "scalar_coupling_contributions.csv")
VARIANTS = (None, "test-structures")


def _molecules(train_csv: Path, block_size: int) -> list[str]:
    """The molecules of train.csv in the order of pandas' groupby: sorted by name."""
    names: set[str] = set()
    with _open_text_csv(train_csv, block_size, [MOLECULE]) as reader:
        for batch in reader:
            names.update(pc.unique(batch.column(0)).to_pylist())
    return sorted(names)


def _split(train_csv: Path, train_out: Path, test_molecules: list[str], block_size: int) -> pa.Table:
    """Write train.csv's rows of training molecules to ``train_out`` (atomically); return the
    rows of ``test_molecules``, in their order, each molecule's rows in file order."""
    value_set = pa.array(test_molecules, pa.string())
    pieces: list[pa.RecordBatch] = []
    tmp = partial_path(train_out)
    with _open_text_csv(train_csv, block_size) as reader, open(tmp, "wb") as out:
        out.write(_csv_header(reader.schema.names))
        for batch in reader:
            held_out = pc.is_in(batch.column(MOLECULE), value_set=value_set)
            out.write(_csv_rows(batch.filter(pc.invert(held_out))))
            pieces.append(batch.filter(held_out))
        schema = reader.schema
    os.replace(tmp, train_out)
    test = pa.Table.from_batches(pieces, schema=schema)
    rank = pc.index_in(test.column(MOLECULE), value_set=value_set).to_numpy()
    return test.take(np.argsort(rank, kind="stable"))


def _filter(source: Path, dest: Path, molecules: pa.Array, block_size: int) -> None:
    """The rows of ``source`` whose molecule is one of ``molecules``, in file order, streamed."""
    def write(tmp: Path) -> None:
        with _open_text_csv(source, block_size) as reader, open(tmp, "wb") as out:
            out.write(_csv_header(reader.schema.names))
            for batch in reader:
                out.write(_csv_rows(batch.filter(pc.is_in(batch.column(MOLECULE), value_set=molecules))))

    write_once(dest, write)


def _write(table: pa.Table, path: Path) -> None:
    write_new(path, lambda tmp: tabular.write_csv(table, tmp))


def prepare(raw: Path, public: Path, private: Path, block_size: int = DEFAULT_BLOCK_SIZE, *,
            variant: str | None = None) -> None:
    """``block_size``: bytes of CSV parsed at a time, which bounds memory."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    molecules = _molecules(raw / "train.csv", block_size)
    train_positions, test_positions = tabular.split_positions(len(molecules), TEST_SIZE, SEED)
    train_molecules = [molecules[i] for i in train_positions]
    test_molecules = [molecules[i] for i in test_positions]

    if not (private / ANSWERS).exists():  # written last: there, the split is complete
        test = _split(raw / "train.csv", public / "train.csv", test_molecules, block_size)
        _write(test.drop_columns([TARGET]), public / "test.csv")
        _write(pa.table({"id": test.column("id"), TARGET: pa.array([SAMPLE_VALUE] * test.num_rows)}),
               public / "sample_submission.csv")
        _write(test, private / ANSWERS)

    with_structure = train_molecules + (test_molecules if variant == "test-structures" else [])
    _filter(raw / STRUCTURES, public / STRUCTURES, pa.array(with_structure, pa.string()), block_size)
    for name in EXTRA_FILES:
        _filter(raw / name, public / name, pa.array(train_molecules, pa.string()), block_size)
    with RawImages(raw, "structures") as files:
        files.place({f"{m}.xyz": public / "structures" / f"{m}.xyz" for m in with_structure},
                    "molecule structures")
