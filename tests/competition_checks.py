"""What the lite competitions' tests share: one prepared case, preparing them all, broken samples.

Imported by the competition test modules (``from competition_checks import ...``). Their raw
folders are made by each competition's own synthetic.py (``synthetic(cid).build``).
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import py7zr
import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.raw import RawSource
from pytest_mlebench.data.store import DataStore, PreparedCompetition
from pytest_mlebench.grading.validate import read_csv

#: Writes a competition's raw files, in Kaggle's layout, into a folder.
MakeRaw = Callable[[Path, np.random.Generator], None]

#: MLE-bench's (Kaggle's) names for a sample submission: sample_submission.csv,
#: sampleSubmission.csv, sample_submission_null.csv, en_sample_submission_2.csv.zip,
#: randomPredictions.csv (multi-modal-gesture-recognition), sample_submission.csv.7z (statoil).
SAMPLE_NAME = re.compile(r"(([a-z]+_)?sample_?submission(_\w+)?|randomPredictions)\.csv(\.zip|\.7z)?",
                         re.IGNORECASE)


def synthetic(competition_id: str) -> ModuleType:
    """The built-in competition's synthetic.py: its ``build(raw, rng)`` and the names it shares."""
    module = Competition.from_folder(catalog_root() / competition_id).module("synthetic")
    assert module is not None, f"{competition_id} has no synthetic.py"
    return module


def sample_submission(public: Path) -> Path:
    """The public sample submission as a CSV file (a zipped or 7z one is extracted to a temporary
    folder)."""
    (found,) = [p for p in public.iterdir() if SAMPLE_NAME.fullmatch(p.name)]
    if found.suffix == ".7z":
        with py7zr.SevenZipFile(found) as sz:
            (member,) = sz.getnames()
            folder = tempfile.mkdtemp(prefix="sample-")
            sz.extractall(folder)
        return Path(folder, member)
    if found.suffix != ".zip":
        return found
    with zipfile.ZipFile(found) as zf:
        (member,) = zf.namelist()
        return Path(zf.extract(member, tempfile.mkdtemp(prefix="sample-")))


@dataclass(frozen=True)
class Prepared:
    """One competition prepared through the real DataStore from raw files a test made."""

    competition: Competition
    raw: Path
    data: PreparedCompetition

    @property
    def answers(self) -> pd.DataFrame:
        return read_csv(self.data.answers_path)

    def score(self, path: Path) -> float:
        return self.competition.grader(self.data.answers_path).score(path)

    @cached_property
    def sample_path(self) -> Path:
        """The public sample submission, by whatever name MLE-bench gives it."""
        return sample_submission(self.data.public)

    @property
    def best_score(self) -> float:
        """What a perfect submission scores under this competition's metric."""
        return 0.0 if self.competition.grading_spec().metric.lower_is_better else 1.0

    def score_broken_sample(self, kind: str, folder: Path, target_index: int = 0) -> float:
        """Score the sample submission broken one way (see ``malformed``) in one target column."""
        spec = self.competition.grading_spec()
        sample = read_csv(self.sample_path)
        path = folder / "submission.csv"
        malformed(sample, kind, spec.id_column, spec.target_columns[target_index]).to_csv(path, index=False)
        return self.score(path)


def prepare_all(raw_root: Path, data_dir: Path, makers: Mapping[str, MakeRaw]) -> dict[str, Prepared]:
    """Make each competition's raw folder (seeded by its position) and prepare it once."""
    store = DataStore(data_dir, RawSource(data_dir, raw_dir=raw_root))
    prepared = {}
    for seed, (cid, make) in enumerate(makers.items()):
        (raw_root / cid).mkdir()
        make(raw_root / cid, np.random.default_rng(seed))
        competition = Competition.from_folder(catalog_root() / cid)
        prepared[cid] = Prepared(competition, raw_root / cid, store.prepare(competition))
    return prepared


def prepare_one(factory: pytest.TempPathFactory, competition_id: str) -> Prepared:
    """One competition prepared once, from its own synthetic raw files (a module's fixture)."""
    return prepare_all(factory.mktemp("raw"), factory.mktemp("data"),
                       {competition_id: synthetic(competition_id).build})[competition_id]


def files(folder: Path) -> list[str]:
    """Every file under ``folder``, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def text(path: Path) -> pd.DataFrame:
    """A CSV as the texts it holds: every cell a string, blanks kept as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def malformed(sample: pd.DataFrame, kind: str, id_column: str, target: str) -> pd.DataFrame:
    """The sample submission broken in one way."""
    ids = sample[id_column]
    match kind:
        case "no id column":
            return sample.drop(columns=id_column)
        case "repeated id":
            return sample.assign(**{id_column: [*ids.iloc[:-1], ids.iloc[0]]})
        case "renamed column":
            return sample.rename(columns={target: "prediction"})
        case "extra column":
            return sample.assign(extra=1)
        case "blank value":
            return sample.assign(**{target: ["", *sample[target].iloc[1:]]})
        case "NaN value":
            return sample.assign(**{target: ["nan", *sample[target].iloc[1:]]})
        case "missing row":
            return sample.iloc[:-1]
        case "extra row":
            return pd.concat([sample, sample.iloc[:1].assign(**{id_column: "not-a-test-id"})])
    raise ValueError(kind)
