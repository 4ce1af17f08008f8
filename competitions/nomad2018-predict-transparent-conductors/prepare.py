"""Nomad2018 Predicting Transparent Conductors: MLE-bench's split of Kaggle's labelled materials.

Kaggle's test labels were never released, so MLE-bench holds out 10% of train.csv
with train_test_split(random_state=0), numbers each side's materials 1, 2, ... in
split order, and files every material's geometry.xyz under its new id.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.prepare.tabular import (
    read_text_csv,
    split_table,
    with_ids,
    write_csv,
    write_test_files,
)

TEST_SIZE = 0.1
SEED = 0
SAMPLE = {"formation_energy_ev_natom": "0.1779", "bandgap_energy_ev": "1.8892"}


def _copy_geometries(archive_path: Path, destinations: dict[int, Path]) -> None:
    """Copy each material's geometry.xyz (train.zip holds train/<id>/geometry.xyz) to
    ``destinations[id]``: a model of the structure needs the geometry of every row."""
    copied: set[int] = set()
    with zipfile.ZipFile(archive_path) as archive:
        for name in archive.namelist():
            member = PurePosixPath(name)
            if member.name != "geometry.xyz" or int(member.parent.name) not in destinations:
                continue
            folder = destinations[int(member.parent.name)]
            folder.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as source, open(folder / "geometry.xyz", "wb") as target:
                shutil.copyfileobj(source, target)
            copied.add(int(member.parent.name))
    missing = sorted(set(destinations) - copied)
    if missing:
        raise ValueError(f"{archive_path.name} lacks geometry.xyz for {len(missing)} ids: {missing[:5]}")


def prepare(raw: Path, public: Path, private: Path, *,
            competition: Competition) -> None:
    with zipfile.ZipFile(raw / "train.csv.zip") as archive:
        materials = read_text_csv(archive.read("train.csv"))
    renumbered = {}
    destinations: dict[int, Path] = {}
    for side, rows in zip(("train", "test"), split_table(materials, TEST_SIZE, SEED), strict=True):
        new_ids = np.arange(1, rows.num_rows + 1)
        old_ids = (int(i) for i in rows.column("id").to_pylist())
        destinations |= {old: public / side / str(new) for old, new in zip(old_ids, new_ids, strict=True)}
        renumbered[side] = with_ids(rows, "id", new_ids)
    write_csv(renumbered["train"], public / "train.csv")
    write_test_files(renumbered["test"], public, private, competition,
                     SAMPLE)
    _copy_geometries(raw / "train.zip", destinations)
