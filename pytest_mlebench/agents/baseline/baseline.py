"""The baseline agent: a real, LLM-free agent for MLE-bench-style competitions.

It reads the competition's public data, infers the task from the files' shapes
and fits scikit-learn models on CPU, writing a submission in the sample's format.
The layouts it recognises:

- tables (CSV, JSON records; zipped or not): numbers, categories and text columns,
  dates as their parts and two map points as the distance between them;
- images or audio clips (in folders or zip archives) named by the sample's ids,
  labelled by a table or by their file names, with any table columns beside them;
- image-to-image: the sample names pixels (``<image>_<row>_<col>``) of test images
  and a train folder pairs each input image with its target image;
- recordings by species (MLSP 2013): one sample row per pair, ``Id = 100 * rec_id + species``.

A target is predicted as probabilities, labels or numbers, as the sample and the
metric's description ask; a label that is mostly a copy of one text column
(text normalization) is looked up instead: its most common value for that text in
train, else the text itself.

Overrunning the time limit loses everything, so the run is staged:

1. Standard library only: copy the sample submission as a valid fallback within
   milliseconds of starting (importing the scientific stack takes seconds).
2. Infer the layout, ids, targets and feature types, and log what was chosen.
3. Fit on a pilot subsample and write; then refit on as many rows as the budget
   allows, replacing the submission atomically after every fit.
"""

# ruff: noqa: E402
# (the scientific stack is imported only after stage 1 has secured a submission)

from __future__ import annotations

import functools
import io
import json
import lzma
import os
import re
import shutil
import struct
import sys
import time
import traceback
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

STARTED = time.monotonic()
# Share of TIME_LIMIT_SECS the agent plans to use; the rest absorbs misestimates,
# prediction, writing and slower machines.
BUDGET_FRACTION = 0.5
# With less budget than this, importing scikit-learn alone could overrun: keep the fallback.
MIN_TRAIN_SECS = 5.0
DEFAULT_TIME_LIMIT_SECS = 24 * 3600.0
# MLE-bench zips some (en_sample_submission_2.csv.zip) and ships statoil's as a 7z archive
# (sample_submission.csv.7z); multi-modal-gesture-recognition calls its sample
# randomPredictions.csv, as Kaggle did.
SAMPLE_NAME = re.compile(r"(([a-z]+_)?sample.*sub.*|randompredictions)\.csv(\.zip|\.7z)?")
SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
# The LZMA2 dictionary the 7z reader allows: 7-Zip's largest default (its -mx9 level).
SEVEN_ZIP_DICT = 1 << 26


@dataclass(frozen=True)
class Workspace:
    """Where the agent reads and writes: the runner's variables, else MLE-bench's paths."""

    data: Path
    submission: Path
    logs: Path
    code: Path
    competition: str
    time_limit: float

    @classmethod
    def from_environ(cls) -> Workspace:
        env = os.environ
        try:
            time_limit = float(env.get("TIME_LIMIT_SECS", DEFAULT_TIME_LIMIT_SECS))
        except ValueError:
            time_limit = DEFAULT_TIME_LIMIT_SECS
        return cls(
            data=Path(env.get("DATA_DIR", "/home/data")),
            submission=Path(env.get("SUBMISSION_DIR", "/home/submission")) / "submission.csv",
            logs=Path(env.get("LOGS_DIR", "/home/logs")),
            code=Path(env.get("CODE_DIR", "/home/code")),
            competition=env.get("COMPETITION_ID", "unknown-competition"),
            time_limit=time_limit,
        )


class Log:
    """Timestamped lines to LOGS_DIR/baseline.log and stdout, so a run explains its choices."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")

    def __call__(self, message: str) -> None:
        line = f"[{time.monotonic() - STARTED:7.1f}s] {message}"
        print(line, flush=True)
        self._file.write(line + "\n")
        self._file.flush()


@dataclass(frozen=True)
class Start:
    """What stage 1 hands to the rest of the run."""

    workspace: Workspace
    log: Log
    sample: Path
    deadline: float


def replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file so neither a reader nor a kill sees half a file."""
    temporary = target.with_name(f".{target.name}.tmp")
    write(temporary)
    os.replace(temporary, target)


def find_file(folder: Path, pattern: re.Pattern[str]) -> Path | None:
    """The shortest file name in folder matching pattern (lower-cased): the plain variant wins."""
    matches = [p for p in folder.iterdir() if p.is_file() and pattern.fullmatch(p.name.lower())]
    return min(matches, key=lambda p: (len(p.name), p.name), default=None)


def sole_7z_member(archive: Path) -> bytes:
    """The one file of a 7z archive as py7zr and 7-Zip write it by default: its data is the
    archive's first packed stream, LZMA2-coded, right after the 32-byte signature header.

    Standard library only (the agent images have no 7z tool): other codings are refused."""
    data = archive.read_bytes()
    if data[:6] != SEVEN_ZIP_MAGIC:
        raise ValueError(f"{archive} is not a 7z archive")
    decoder = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2,
                                                               "dict_size": SEVEN_ZIP_DICT}])
    member = decoder.decompress(data[32:])
    if not decoder.eof:
        raise ValueError(f"{archive}: its first stream is not one LZMA2 stream")
    return member


def copy_sample(sample: Path, destination: Path) -> None:
    """The sample submission as a CSV file, unzipped (or un-7z'd) when it ships compressed."""
    if sample.suffix.lower() == ".7z":
        destination.write_bytes(sole_7z_member(sample))
        return
    if sample.suffix.lower() != ".zip":
        shutil.copyfile(sample, destination)
        return
    with zipfile.ZipFile(sample) as archive:
        (member,) = archive.namelist()
        destination.write_bytes(archive.read(member))


def start() -> Start:
    """Stage 1: keep the code, secure a valid submission, and decide whether to train at all."""
    workspace = Workspace.from_environ()
    for folder in (workspace.submission.parent, workspace.logs, workspace.code):
        folder.mkdir(parents=True, exist_ok=True)
    log = Log(workspace.logs / "baseline.log")
    shutil.copy2(__file__, workspace.code / "baseline.py")
    sample = find_file(workspace.data, SAMPLE_NAME)
    if sample is None:
        log(f"no sample submission in {workspace.data}: the submission's format is unknown")
        sys.exit(1)
    replace_atomically(workspace.submission, lambda temporary: copy_sample(sample, temporary))
    log(f"{workspace.competition}: fallback submission copied from {sample.name}")
    deadline = STARTED + BUDGET_FRACTION * workspace.time_limit
    if deadline - time.monotonic() < MIN_TRAIN_SECS:
        log(f"a {workspace.time_limit:g}s limit leaves no time to train: the sample stays the submission")
        sys.exit(0)
    log(f"time limit {workspace.time_limit:g}s, training budget {deadline - STARTED:.0f}s")
    # Spinning OpenMP threads (scikit-learn's libgomp default) slow HistGradientBoosting
    # tenfold on a shared, busy CPU; waiting passively costs little on dedicated cores.
    # Read when the library loads, so it must be set before the imports below.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return Start(workspace, log, sample, deadline)


if __name__ == "__main__":
    STAGE_ONE = start()


import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format
from PIL import Image
from scipy.io import wavfile
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

SEED = int(os.environ.get("SEED", "0"))  # the runner's seed: subsamples and boosting follow it
TABLE_SUFFIX = r"\.(json|csv(\.(gz|zip|bz2|xz))?)"
TABLE = re.compile(r".+" + TABLE_SUFFIX)
# Kaggle prefixes some with a language or suffixes a stage: en_train.csv.zip, en_test_2.csv.zip.
# MLE-bench names the taxi rides' train table labels.csv.
TRAIN_TABLE = re.compile(r"([a-z]+_)?(train|labels)" + TABLE_SUFFIX)
TEST_TABLE = re.compile(r"([a-z]+_)?test(_\d+)?" + TABLE_SUFFIX)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
AIFF_SUFFIXES = frozenset({".aif", ".aiff", ".aifc"})
AUDIO_SUFFIXES = AIFF_SUFFIXES | {".wav"}
GRAYSCALE_MODES = frozenset({"1", "L", "LA", "I", "I;16", "F"})
THUMBNAIL = 16  # images become THUMBNAIL x THUMBNAIL pixels per channel
MIN_MATCHED_SHARE = 0.5  # of the sample's ids that must name media files for a media layout
NAME_SEPARATORS = re.compile(r"[._\-\s]+")
NAME_LABEL = "label in file name"  # the train column made from file names
FRAME = 256  # audio samples per spectrum; successive frames overlap by half
AUDIO_BANDS = 16  # equal-width frequency bands from 0 to the Nyquist frequency
PIXEL_ID = r"^(.+)_(\d+)_(\d+)$"  # <image>_<row>_<column>, counted from 1
BOX_SIZES = (7, 21)  # windows of the local mean brightness around a pixel: the background
MAX_TRAIN_BYTES = 200_000_000  # bigger train files are read as a random sample of rows
MAX_CLASSES = 20  # integer targets with more values are regressed; file-name fields are not labels
COPY_SHARE = 0.3  # a label equal to one text column this often may be its normalization
TEXT_MIN_MEAN_LENGTH = 30
DATE_PARTS = ("year", "month", "dayofweek", "hour")  # of a date column, as numbers
EARTH_RADIUS_KM = 6371.0
MAX_VOCABULARY = 20_000  # TF-IDF terms per text column
MAX_CATEGORIES = 250  # HistGradientBoosting allows at most 255 categories per feature
MAX_TREES = 500  # an upper bound: early stopping usually ends far sooner
VALIDATION_FRACTION = 0.1  # held out of a boosting fit to decide when to stop
PILOT_ROWS = 2_000
GROWTH_SHARE = 0.5  # each refit may plan on this share of the remaining budget
SMOOTHING = 0.005  # mixed into probabilities: bounds log loss, keeps every ranking
SHRINK_WEIGHTS = np.linspace(0, 1, 11)  # of the model against the class prior, tried on held-out rows
HOLDOUT_FRACTION = 0.2
MIN_HOLDOUT = 20  # rows held out at least, up to half of a small train set
LOG_LOSS_HINT = re.compile(r"log ?loss|logarithmic loss|cross[- ]entropy")
PROBABILITY_HINT = re.compile(r"\bauc\b|\broc\b|log ?loss|logarithmic loss|cross[- ]entropy|brier|probabilit")
LOG_SCALE_HINT = re.compile(r"rmsle|msle|logarithm")
GRADES_HINT = re.compile(r"\bkappa\b")


class OutOfTime(Exception):
    """The budget ran out before a model could be fitted."""


@dataclass(frozen=True)
class Target:
    """One model: the train column it learns and the sample columns its predictions fill.

    kind is "regression", "labels", "binary" (probability of classes[0]),
    "classes" (one probability per column, columns == classes) or "lookup"
    (the most common label seen with the same value of the key column).
    shrink: probabilities scored by log loss, where a model that is too sure
    loses to the class prior, so they are blended with it.
    grades: ordered integer grades scored by kappa, where a grade off by one costs
    less than one off by three: regressed, then rounded to the nearest grade.
    """

    source: str
    columns: tuple[str, ...]
    kind: str
    classes: tuple[str, ...] = ()
    log_scale: bool = False
    key: str = ""
    shrink: bool = False
    grades: bool = False


@dataclass(frozen=True)
class Schema:
    """Feature columns by how they are encoded."""

    numeric: list[str]
    categorical: list[str]
    text: list[str]


@dataclass(frozen=True)
class Problem:
    """Everything a fit needs, whatever the layout the data came in."""

    layout: str
    id_column: str
    targets: list[Target]
    labels: pd.DataFrame  # the targets' train columns, one row per usable train example
    train_features: Callable[[np.ndarray], pd.DataFrame]  # typed features of those rows
    test_features: pd.DataFrame
    sample_rows: np.ndarray  # the sample position of each test_features row
    schema: Schema
    linear: bool  # sparse or pixel features: linear models; else gradient-boosted trees


def numbers(values: pd.Series) -> pd.Series:
    """Values as floats, NaN where a value is not a number."""
    return pd.to_numeric(values, errors="coerce")


def labels_of(values: pd.Series) -> pd.Series:
    """Known values as the strings class names are compared by and labels are written as.

    "1.0" becomes "1": a column with a missing value was saved as floats by pandas.
    """
    return values.dropna().astype(str).str.strip().str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)


def read_table(
    path: Path, log: Log, as_text: list[str] | None = None, max_bytes: float = float("inf")
) -> pd.DataFrame:
    """A CSV or JSON table with the as_text columns (all if None) as strings, as written in a CSV,
    so ids keep leading zeros.

    Other CSV columns are parsed natively (several times faster than strings);
    only empty cells are missing: "NA" or "null" may be words (text normalization).
    Of a CSV above max_bytes, a random share of rows is read.
    """
    if path.suffix.lower() == ".json":
        return read_json_records(path, as_text)
    options = {"dtype": str if as_text is None else dict.fromkeys(as_text, str),
               "keep_default_na": False, "na_values": [""]}
    keep = min(1.0, max_bytes / max(path.stat().st_size, 1))
    if keep == 1:
        return pd.read_csv(path, **options)
    log(f"{path.name} is large: reading a random {keep:.0%} of its rows")
    rng = np.random.default_rng(SEED)
    return pd.read_csv(path, skiprows=lambda row: row > 0 and rng.random() > keep, **options)


def read_json_records(path: Path, as_text: list[str] | None) -> pd.DataFrame:
    """A JSON list of records as a table; lists (tags, subreddits) become space-separated words."""
    with path.open(encoding="utf-8") as handle:
        frame = pd.json_normalize(json.load(handle))
    for column in frame.columns:
        values = frame[column].map(lambda v: " ".join(map(str, v)) if isinstance(v, list) else v)
        if as_text is None or column in as_text:
            values = values.map(lambda v: v if pd.isna(v) else str(v))
        frame[column] = values
    return frame


def looks_like_probability(sample_values: pd.Series, hints: str) -> bool:
    """Sample values in [0, 1] that are fractional, or 0/1/blank with a probability metric described."""
    given = sample_values[sample_values.str.strip() != ""]
    parsed = numbers(given)
    if parsed.isna().any() or not parsed.between(0, 1).all():
        return False
    return bool((parsed % 1 != 0).any() or PROBABILITY_HINT.search(hints))


def positive_class(classes: list[str], numeric: bool, hints: str) -> str:
    """The class a probability is of: the larger number, else the one class named in the sentences
    of the description that speak of probability ("the probability that it shows a dog"),
    else the last name in order."""
    if numeric:
        return max(classes, key=float)
    sentences = [s for s in re.split(r"[.\n]", hints) if "probabilit" in s]
    named = [c for c in classes if any(re.search(rf"\b{re.escape(c.lower())}\b", s) for s in sentences)]
    return named[0] if len(named) == 1 else max(classes)


def direct_target(source: str, column: str, train: pd.DataFrame, sample: pd.DataFrame, hints: str) -> Target:
    """The kind of a sample column learnt from one train column of the same meaning."""
    values = labels_of(train[source])
    parsed = numbers(values)
    distinct = values.unique()
    numeric = bool(parsed.notna().all())
    fractional = bool((parsed % 1 != 0).any())
    if numeric and (len(distinct) > MAX_CLASSES or (len(distinct) > 2 and fractional)):
        log_scale = bool(parsed.min() >= 0 and LOG_SCALE_HINT.search(hints))
        return Target(source, (column,), "regression", log_scale=log_scale)
    if numeric and len(distinct) > 2 and looks_like_probability(sample[column], hints):
        # Counts behind a share the sample predicts (hms's expert votes): a number to regress,
        # which as_distributions turns into shares, not dozens of classes to fit.
        return Target(source, (column,), "regression")
    if len(distinct) == 2 and looks_like_probability(sample[column], hints):
        positive = positive_class(list(distinct), numeric, hints)
        shrink = bool(LOG_LOSS_HINT.search(hints))
        return Target(source, (column,), "binary", classes=(positive,), shrink=shrink)
    if numeric and len(distinct) > 2 and GRADES_HINT.search(hints):
        return Target(source, (column,), "regression", grades=True)
    return Target(source, (column,), "labels")


def infer_targets(
    sample: pd.DataFrame, train: pd.DataFrame, candidates: list[str], hints: str, log: Log,
    wanted: list[str] | None = None,
) -> list[Target]:
    """Match the sample's prediction columns to train columns and decide what to predict.

    candidates are the train columns that may hold targets (not features, not ids);
    wanted the sample's prediction columns (default: all but the first).
    """
    wanted = list(sample.columns[1:]) if wanted is None else wanted
    targets = [direct_target(c, c, train, sample, hints) for c in wanted if c in train.columns]
    missing = [c for c in wanted if c not in train.columns]
    unused = [c for c in candidates if c not in wanted and labels_of(train[c]).size]
    if len(missing) > 1:
        for source in unused:
            classes = set(labels_of(train[source]))
            if len(classes) > 1 and classes <= set(missing):
                shrink = bool(LOG_LOSS_HINT.search(hints))
                targets.append(Target(source, tuple(missing), "classes", tuple(missing), shrink=shrink))
                missing = []
                break
    elif len(missing) == 1 and len(unused) == 1:
        targets.append(direct_target(unused[0], missing[0], train, sample, hints))
        missing = []
    if missing:
        log(f"no train column found for {missing}: they keep the sample's values")
    empty = [t.source for t in targets if labels_of(train[t.source]).empty]
    if empty:
        log(f"train columns {empty} have no values: their sample columns keep the sample's values")
    return [t for t in targets if t.source not in empty]


def as_lookup(target: Target, train: pd.DataFrame, keys: list[str]) -> Target:
    """A label that is often a copy of one key column and has about as many values, as a lookup.

    Text normalization is such a label: most tokens stay as written and the rest
    have as many forms as there are numbers and dates; no classifier fits that.
    A class label has few values, whatever the columns beside it.
    """
    if target.kind != "labels" or not keys:
        return target
    values = train[target.source].astype(str)
    shares = {key: float((train[key].astype(str) == values).mean()) for key in keys}
    key = max(shares, key=shares.__getitem__)
    as_many = values.nunique() >= train[key].nunique() / 2
    return replace(target, kind="lookup", key=key) if shares[key] >= COPY_SHARE and as_many else target


def date_format(values: pd.Series) -> str | None:
    """The format of a column of dates with a year ("2013-09-03 00:33:36 UTC"), if nearly all
    of its first values follow the first one's."""
    head = values.dropna().astype(str).head(1000)
    if head.empty or numbers(head).notna().mean() >= 0.95:
        return None
    found = guess_datetime_format(head.iloc[0])
    if not found or "%Y" not in found:
        return None
    parsed = pd.to_datetime(head, format=found, errors="coerce", utc=True)
    return found if parsed.notna().mean() >= 0.95 else None


def map_points(columns: list[str]) -> list[tuple[str, str]]:
    """(longitude, latitude) column pairs sharing a prefix: pickup_longitude and pickup_latitude."""
    by_name = {c.lower(): c for c in columns}
    return [(by_name[name], by_name[name.removesuffix("longitude") + "latitude"]) for name in sorted(by_name)
            if name.endswith("longitude") and name.removesuffix("longitude") + "latitude" in by_name]


def derived_features(
    frame: pd.DataFrame, dates: dict[str, str], points: list[tuple[str, str]]
) -> tuple[pd.DataFrame, list[str]]:
    """The frame with what trees cannot read from strings or coordinates: the parts of each date
    (and days since 1970, a trend), and the great-circle distance between two map points (a taxi
    ride's length); and the names of the new columns."""
    new = {}
    for column, found in dates.items():
        when = pd.to_datetime(frame[column], format=found, errors="coerce", utc=True)
        new |= {f"{column} {part}": getattr(when.dt, part).astype(float) for part in DATE_PARTS}
        new[f"{column} days"] = (when - pd.Timestamp(0, tz="UTC")).dt.total_seconds() / 86400
    if len(points) == 2:
        (lon1, lat1), (lon2, lat2) = ([np.radians(numbers(frame[c])) for c in pair] for pair in points)
        a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        new["distance_km"] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a.clip(0, 1)))
    return frame.assign(**new), list(new)


def infer_schema(frame: pd.DataFrame) -> Schema:
    """Numbers if nearly all values parse; text if long strings of words; else categories."""
    numeric, categorical, text = [], [], []
    for column in frame.columns:
        values = frame[column].dropna()
        if values.empty:
            continue
        if numbers(values).notna().mean() >= 0.95:
            numeric.append(column)
        elif (
            values.str.len().mean() > TEXT_MIN_MEAN_LENGTH
            and values.str.contains(" ", regex=False).mean() > 0.5  # hashes and paths are not text
        ):
            text.append(column)
        else:
            categorical.append(column)
    return Schema(numeric, categorical, text)


def typed(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Features as the encoders want them: floats, strings with "missing" as a value, text with ""."""
    columns = {c: numbers(frame[c]).astype(float) for c in schema.numeric}
    # As strings even where pandas parsed one file's column as numbers: encoders need one type.
    columns |= {c: frame[c].fillna("missing").astype(str).astype(object) for c in schema.categorical}
    columns |= {c: frame[c].fillna("").astype(str).astype(object) for c in schema.text}
    return pd.DataFrame(columns, index=frame.index)


def align(sample_ids: pd.Series, test: pd.DataFrame, id_column: str) -> tuple[np.ndarray, np.ndarray]:
    """(sample positions, test rows) of the same ids; by position when test.csv has no id column."""
    if id_column not in test.columns:
        rows = np.arange(len(sample_ids) if len(test) == len(sample_ids) else 0)
        return rows, rows
    position = {value: row for row, value in enumerate(test[id_column])}
    test_rows = np.array([position.get(value, -1) for value in sample_ids], dtype=int)
    found = np.flatnonzero(test_rows >= 0)
    return found, test_rows[found]


def sample_roles(sample: pd.DataFrame, test: pd.DataFrame) -> tuple[str, list[str]]:
    """The sample's key column and the columns to predict.

    Usually the key comes first and the rest are predictions. Some samples carry test
    columns beside the prediction (MLE-bench's insults sample: Insult, Date, Comment): then
    the predictions are the columns test.csv lacks, and the key is the test column with the
    most distinct values.
    """
    shared = [c for c in sample.columns if c in test.columns]
    wanted = [c for c in sample.columns if c not in test.columns]
    if len(shared) < 2 or not wanted:
        return sample.columns[0], list(sample.columns[1:])
    return max(shared, key=lambda c: sample[c].nunique()), wanted


def free_text(values: pd.Series) -> bool:
    """Whether most values are sentences: a key of that kind is also what to learn from."""
    text = values.dropna().astype(str)
    return len(text) > 0 and float(text.str.contains(" ").mean()) > 0.5


def tabular_problem(data: Path, sample: pd.DataFrame, hints: str, log: Log) -> Problem:
    """A train table and a test table share feature columns; targets are train columns the test lacks."""
    train_path, test_path = find_file(data, TRAIN_TABLE), find_file(data, TEST_TABLE)
    if train_path is None or test_path is None:
        raise FileNotFoundError(f"no train/test tables, media or recordings the sample names in {data}")
    train = read_table(train_path, log, list(sample.columns), MAX_TRAIN_BYTES)
    test = read_table(test_path, log, list(sample.columns))
    id_column, wanted = sample_roles(sample, test)
    candidates = [c for c in train.columns if c not in test.columns and c != id_column]
    targets = infer_targets(sample, train, candidates, hints, log, wanted)
    sources = {t.source for t in targets}
    keyed_by_text = id_column in train.columns and free_text(test[id_column])
    features = [c for c in test.columns if c in train.columns and c not in sources
                and (c != id_column or keyed_by_text)]
    dates = {c: found for c in features if (found := date_format(train[c])) is not None}
    points = map_points(features)
    train, derived = derived_features(train, dates, points)
    test, _ = derived_features(test, dates, points)
    if derived:
        log(f"derived features: {derived}")
    schema = infer_schema(train[[c for c in features if c not in dates] + derived])
    targets = [as_lookup(t, train, schema.categorical + schema.text) for t in targets]
    train_features = typed(train, schema)
    sample_rows, test_rows = align(sample[id_column], test, id_column)
    return Problem(
        layout="tabular",
        id_column=id_column,
        targets=targets,
        labels=train[sorted(sources)],
        train_features=lambda rows: train_features.iloc[rows],
        test_features=typed(test.iloc[test_rows], schema),
        sample_rows=sample_rows,
        schema=schema,
        linear=bool(schema.text),
    )


# -- images and audio clips, in folders or zip archives ---------------------------------------------

@dataclass(frozen=True)
class Media:
    """An image or audio file under the data folder, or a member of a zip archive there."""

    path: Path
    member: str  # "" for a file
    folder: str  # where it lies: the folder, or the archive's folder inside or its name

    @property
    def name(self) -> PurePosixPath:
        return PurePosixPath(self.member or self.path.name)

    @property
    def key(self) -> str:
        return self.name.stem

    @property
    def audio(self) -> bool:
        return self.name.suffix.lower() in AUDIO_SUFFIXES

    def read(self) -> bytes:
        return open_archive(self.path).read(self.member) if self.member else self.path.read_bytes()


@functools.cache
def open_archive(path: Path) -> zipfile.ZipFile:
    """Each archive opened once: its directory is read on opening."""
    return zipfile.ZipFile(path)


def index_media(data: Path, files: list[Path]) -> list[Media]:
    """Every image and audio clip among files, and inside the zip archives among them."""
    found = []
    for path in files:
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES | AUDIO_SUFFIXES:
            found.append(Media(path, "", path.parent.relative_to(data).as_posix()))
        elif suffix == ".zip" and not TABLE.fullmatch(path.name.lower()):
            try:
                members = open_archive(path).namelist()
            except zipfile.BadZipFile:
                continue
            for member in members:
                inside = PurePosixPath(member)
                if inside.suffix.lower() in IMAGE_SUFFIXES | AUDIO_SUFFIXES:
                    folder = str(inside.parent) if str(inside.parent) != "." else path.stem
                    found.append(Media(path, member, folder))
    return found


def media_key(value: object) -> str:
    """An id as it names its file: without folders and without a media extension."""
    path = PurePosixPath(str(value).strip())
    return path.stem if path.suffix.lower() in IMAGE_SUFFIXES | AUDIO_SUFFIXES else path.name


def media_by_key(media: list[Media]) -> dict[str, Media]:
    """Media by key; of duplicates (a folder and its zip), the first: files sort before members."""
    found: dict[str, Media] = {}
    for item in sorted(media, key=lambda m: bool(m.member)):
        found.setdefault(item.key, item)
    return found


def thumbnail(raw: bytes, mode: str) -> np.ndarray:
    """A small flattened image in [0, 1]: enough signal for a linear baseline, cheap to load."""
    with Image.open(io.BytesIO(raw)) as image:
        image.draft(mode, (4 * THUMBNAIL, 4 * THUMBNAIL))  # JPEGs decode at reduced scale: much faster
        small = image.convert(mode).resize((THUMBNAIL, THUMBNAIL), Image.Resampling.BILINEAR)
    return np.asarray(small, dtype=np.float32).ravel() / 255.0


def read_aiff(raw: bytes) -> tuple[float, np.ndarray]:
    """(sample rate, samples by channel) of an uncompressed AIFF or AIFF-C clip.

    The standard library's aifc is deprecated (gone in Python 3.13); the format is two chunks.
    """
    if raw[:4] != b"FORM" or raw[8:12] not in (b"AIFF", b"AIFC"):
        raise ValueError("not an AIFF file")
    position, channels, width, rate, little_endian, samples = 12, 1, 2, 0.0, False, b""
    while position + 8 <= len(raw):
        chunk, size = raw[position:position + 4], struct.unpack(">L", raw[position + 4:position + 8])[0]
        body = raw[position + 8:position + 8 + size]
        if chunk == b"COMM":
            channels, _frames, bits = struct.unpack(">hLh", body[:8])
            exponent, mantissa = struct.unpack(">HQ", body[8:18])  # an 80-bit float
            rate = mantissa * 2.0 ** ((exponent & 0x7FFF) - 16383 - 63)
            width = (bits + 7) // 8
            little_endian = body[18:22] == b"sowt"
        elif chunk == b"SSND":
            samples = body[8 + struct.unpack(">L", body[:4])[0]:]
        position += 8 + size + size % 2
    if not rate or width not in (1, 2, 4):
        raise ValueError(f"unsupported AIFF: rate {rate}, {8 * width}-bit samples")
    dtype = np.dtype(f"{'<' if little_endian else '>'}i{width}")
    usable = len(samples) // (width * channels) * width * channels
    return rate, np.frombuffer(samples[:usable], dtype).reshape(-1, channels)


def audio_features(raw: bytes, suffix: str) -> np.ndarray:
    """Length, loudness, zero crossings, and the mean, spread and peak of the log energy of
    AUDIO_BANDS frequency bands over half-overlapping frames: what a call or a song changes."""
    rate, samples = read_aiff(raw) if suffix in AIFF_SUFFIXES else wavfile.read(io.BytesIO(raw))
    signal = samples.astype(np.float64)
    if np.issubdtype(samples.dtype, np.integer):
        signal /= np.iinfo(samples.dtype).max
    if signal.ndim > 1:
        signal = signal.mean(axis=1)
    padded = np.pad(signal, (0, max(0, FRAME - len(signal))))
    frames = np.lib.stride_tricks.sliding_window_view(padded, FRAME)[:: FRAME // 2] * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    bands = np.log1p(np.stack([b.sum(axis=1) for b in np.array_split(power, AUDIO_BANDS, axis=1)], axis=1))
    crossings = np.mean(np.abs(np.diff(np.sign(signal)))) / 2 if len(signal) > 1 else 0.0
    overall = [len(signal) / rate, np.sqrt(np.mean(signal**2)), crossings]
    return np.concatenate([overall, bands.mean(axis=0), bands.std(axis=0), bands.max(axis=0)])


AUDIO_WIDTH = 3 + 3 * AUDIO_BANDS


def clip_features(item: Media) -> np.ndarray:
    return audio_features(item.read(), item.name.suffix.lower())


def featurize(items: list[Media], extract: Callable[[Media], np.ndarray], width: int, deadline: float,
              log: Log) -> np.ndarray:
    """One row of features per item; NaN for a file that cannot be decoded; OutOfTime at the deadline."""
    rows = np.full((len(items), width), np.nan, dtype=np.float32)
    unreadable = 0
    for i, item in enumerate(items):
        if i % 256 == 0 and time.monotonic() > deadline:
            raise OutOfTime(f"read {i} of {len(items)} files")
        try:
            rows[i] = extract(item)
        except (OSError, ValueError, SyntaxError, EOFError, struct.error, zipfile.BadZipFile):
            unreadable += 1
    if unreadable:
        log(f"{unreadable} of {len(items)} files could not be decoded: their features are missing")
    return rows


def label_table(data: Path, pool: dict[str, Media], log: Log,
                wanted: list[str]) -> tuple[pd.DataFrame, str] | None:
    """(rows, key column) of the table whose one column names the most files of pool:
    train.csv, labels.csv, train_labels.csv, ... (not a table of annotations, a few per file).
    Of tables naming as many, the first holding most of the sample's ``wanted`` columns (tgs-salt's
    train.csv holds its masks, depths.csv beside it a depth per image)."""
    best: tuple[tuple[int, int], pd.DataFrame, str] | None = None
    for path in sorted(data.iterdir()):
        name = path.name.lower()
        other = SAMPLE_NAME.fullmatch(name) or TEST_TABLE.fullmatch(name)
        if not path.is_file() or not TABLE.fullmatch(name) or other:
            continue
        table = read_table(path, log, max_bytes=MAX_TRAIN_BYTES)
        for column in table.columns:
            keys = table[column].map(media_key)
            named = keys.isin(pool.keys()).to_numpy()
            rank = (keys[named].nunique(), len(set(wanted) & set(table.columns)))
            if rank[0] and rank > (best[0] if best else (0, 0)):
                best = (rank, table[named].reset_index(drop=True), column)
    return None if best is None else (best[1], best[2])


def name_labels(keys: list[str]) -> pd.Series | None:
    """The field of the file names that labels them ("cat" of cat.7, "1" of ..._TRAIN7_1):
    the one with the fewest distinct values, at least two; fields counted from the end first."""
    fields = [NAME_SEPARATORS.split(key) for key in keys]
    width = min(len(f) for f in fields)
    best = None
    for position in [*range(-1, -width - 1, -1), *range(width)]:
        values = pd.Series([f[position] for f in fields])
        if 2 <= values.nunique() <= MAX_CLASSES and (best is None or values.nunique() < best.nunique()):
            best = values
    return best


def names_table(pool: dict[str, Media], log: Log) -> tuple[pd.DataFrame, str] | None:
    """(rows, key column) labelled by the files' names, as dogs-vs-cats and the whale clips are."""
    train = {k: m for k, m in pool.items() if any(p.lower().startswith("train") for p in m.folder.split("/"))}
    keys = sorted(train or pool)
    labels = name_labels(keys) if keys else None
    if labels is None:
        return None
    log(f"labels taken from {len(keys)} file names: {sorted(labels.unique())[:5]}")
    return pd.DataFrame({"file": keys, NAME_LABEL: labels}), "file"


def media_problem(
    data: Path, media: list[Media], sample: pd.DataFrame, hints: str, log: Log, deadline: float
) -> Problem | None:
    """The sample's ids name images or clips; a table or the file names label the train ones.

    Columns a test table shares with the label table (metadata, precomputed
    features) are used beside the pixels or the sound features.
    """
    id_column = sample.columns[0]
    by_key = media_by_key(media)
    sample_keys = sample[id_column].map(media_key)
    found = [by_key.get(key) for key in sample_keys]
    sample_rows = np.array([i for i, item in enumerate(found) if item is not None], dtype=int)
    if len(sample_rows) < MIN_MATCHED_SHARE * len(sample):
        return None
    test_items = [found[i] for i in sample_rows]
    audio = test_items[0].audio
    test_keys = set(sample_keys)
    pool = {k: m for k, m in by_key.items() if m.audio == audio and k not in test_keys}
    labelled = label_table(data, pool, log, list(sample.columns[1:])) or names_table(pool, log)
    if labelled is None:
        log("no table or file name labels the train files")
        return None
    train, key_column = labelled
    train_items = [pool[media_key(value)] for value in train[key_column]]
    log(f"{len(train)} labelled train files; {len(test_items)} test files")
    test_path = find_file(data, TEST_TABLE)
    test = read_table(test_path, log) if test_path else None
    if test is None or id_column not in test.columns:  # no columns to use beside the files
        test = pd.DataFrame(columns=[id_column])
    shared = [c for c in test.columns if c in train.columns and c not in (key_column, id_column)]
    candidates = [c for c in train.columns if c != key_column and c not in shared]
    targets = infer_targets(sample, train, candidates, hints, log)
    extras = infer_schema(train[shared])
    test = test.set_index(test[id_column].map(media_key)).loc[lambda t: ~t.index.duplicated()]
    test = test.reindex(sample_keys.iloc[sample_rows].to_numpy())
    if audio:
        width, kind, extract = AUDIO_WIDTH, "audio clips", clip_features
    else:
        with Image.open(io.BytesIO(test_items[0].read())) as first:
            mode = "L" if first.mode in GRAYSCALE_MODES else "RGB"
        width, kind = THUMBNAIL * THUMBNAIL * len(mode), f"images ({mode}, {THUMBNAIL}x{THUMBNAIL})"

        def extract(item: Media) -> np.ndarray:
            return thumbnail(item.read(), mode)

    columns = [f"{'sound' if audio else 'pixel'}_{i}" for i in range(width)]
    train_extras = typed(train, extras).reset_index(drop=True)
    test_media = pd.DataFrame(featurize(test_items, extract, width, deadline, log), columns=columns)
    test_features = pd.concat([test_media, typed(test, extras).reset_index(drop=True)], axis=1)
    loaded: dict[int, np.ndarray] = {}

    def train_features(rows: np.ndarray) -> pd.DataFrame:
        """Features of train rows, each file read once however often the budget loop refits."""
        new = [row for row in rows if row not in loaded]
        features = featurize([train_items[row] for row in new], extract, width, deadline, log)
        loaded.update(zip(new, features, strict=True))
        media_part = pd.DataFrame(np.stack([loaded[row] for row in rows]), columns=columns)
        return pd.concat([media_part, train_extras.iloc[rows].reset_index(drop=True)], axis=1)

    return Problem(
        layout=kind + (f" with table columns {shared[:5]}" if shared else ""),
        id_column=id_column,
        targets=targets,
        labels=train[sorted({t.source for t in targets})],
        train_features=train_features,
        test_features=test_features,
        sample_rows=sample_rows,
        schema=Schema(columns + extras.numeric, extras.categorical, extras.text),
        linear=not audio or bool(extras.text),
    )


# -- image to image: one sample row per pixel ------------------------------------------------------

def grey_levels(item: Media) -> np.ndarray:
    """An image's grey levels in [0, 1]."""
    with Image.open(io.BytesIO(item.read())) as image:
        return np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def box_mean(image: np.ndarray, size: int) -> np.ndarray:
    """The mean of the size x size window around each pixel (edges repeated), from an integral image."""
    height, width = image.shape
    padded = np.pad(image.astype(np.float64), size // 2, mode="edge")
    total = np.pad(padded.cumsum(axis=0).cumsum(axis=1), ((1, 0), (1, 0)))
    window = (total[size:size + height, size:size + width] - total[:height, size:size + width]
              - total[size:size + height, :width] + total[:height, :width])
    return (window / size**2).astype(np.float32)


def pixel_features(image: np.ndarray) -> np.ndarray:
    """Per pixel in raster order: its 3x3 neighbourhood, the local mean at BOX_SIZES and the image's
    median. Stains and fading are local changes of the background, text is dark on it."""
    height, width = image.shape
    padded = np.pad(image, 1, mode="edge")
    planes = [padded[1 + dr:1 + dr + height, 1 + dc:1 + dc + width] for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
    planes += [box_mean(image, size) for size in BOX_SIZES]
    planes.append(np.full_like(image, np.median(image)))
    return np.stack([plane.ravel() for plane in planes], axis=1)


PIXEL_WIDTH = 9 + len(BOX_SIZES) + 1


def pixel_problem(media: list[Media], sample: pd.DataFrame, log: Log) -> Problem | None:
    """The sample's ids are <image>_<row>_<col> of test images, and a train folder pairs each input
    image with its target under the same name (train/ and train_cleaned/, the longer name the target).
    Every train pixel is an example; its features come from its input image only."""
    id_column, column = sample.columns[0], sample.columns[-1]
    parts = sample[id_column].str.extract(PIXEL_ID)
    if parts.isna().to_numpy().any():
        return None
    folders: dict[str, dict[str, Media]] = {}
    for item in media:
        if not item.audio:
            folders.setdefault(item.folder, {}).setdefault(item.key, item)
    pages = parts.groupby(0).indices
    test_folder = max(folders, key=lambda f: len(pages.keys() & folders[f].keys()), default=None)
    pairs = [(a, b) for a in folders for b in folders if a != b and a != test_folder
             and PurePosixPath(b).name.startswith(PurePosixPath(a).name)
             and (folders[a].keys() & folders[b].keys()) - pages.keys()]
    if test_folder is None or not pages.keys() & folders[test_folder].keys() or not pairs:
        return None
    source, target = pairs[0]
    inputs, outputs = [], []
    for name in sorted((folders[source].keys() & folders[target].keys()) - pages.keys()):
        given, wanted = grey_levels(folders[source][name]), grey_levels(folders[target][name])
        if given.shape == wanted.shape:
            inputs.append(given)
            outputs.append(wanted.ravel())
    log(f"{len(inputs)} image pairs {source}/ -> {target}/")
    offsets = np.cumsum([0] + [image.size for image in inputs])
    columns = [f"pixel_{i}" for i in range(PIXEL_WIDTH)]

    def train_features(rows: np.ndarray) -> pd.DataFrame:
        image_of = np.searchsorted(offsets, rows, side="right") - 1
        out = np.empty((len(rows), PIXEL_WIDTH), dtype=np.float32)
        for image in np.unique(image_of):
            at = image_of == image
            out[at] = pixel_features(inputs[image])[rows[at] - offsets[image]]
        return pd.DataFrame(out, columns=columns)

    rows_of, cols_of = parts[1].astype(int).to_numpy() - 1, parts[2].astype(int).to_numpy() - 1
    sample_rows, blocks = [], []
    for name, at in pages.items():
        if name not in folders[test_folder]:
            continue
        image = grey_levels(folders[test_folder][name])
        height, width = image.shape
        at = at[(rows_of[at] < height) & (cols_of[at] < width)]
        sample_rows.append(at)
        blocks.append(pixel_features(image)[rows_of[at] * width + cols_of[at]])
    return Problem(
        layout=f"image to image, one row per pixel ({len(pages)} test images in {test_folder}/)",
        id_column=id_column,
        targets=[Target(column, (column,), "regression")],
        labels=pd.DataFrame({column: np.concatenate(outputs)}),
        train_features=train_features,
        test_features=pd.DataFrame(np.concatenate(blocks), columns=columns),
        sample_rows=np.concatenate(sample_rows),
        schema=Schema(columns, [], []),
        linear=False,
    )


# -- recordings by species (MLSP 2013 birds) -----------------------------------------------------------

def recordings_problem(
    files: list[Path], media: list[Media], sample: pd.DataFrame, log: Log, deadline: float
) -> Problem | None:
    """rec_id2filename.txt names each recording's clip; rec_labels*.txt lists the species heard in
    each train recording ("?" for test ones); the sample has a row per (recording, species) with
    Id = 100 * rec_id + species. One model learns all pairs, the species a category, so the
    species' prevalence informs the single AUC over all pairs."""
    id_column, column = sample.columns[0], sample.columns[-1]
    names_path = next((p for p in files if p.name == "rec_id2filename.txt"), None)
    ids = numbers(sample[id_column])
    if names_path is None or ids.isna().any():
        return None
    beside = [p for p in files if p.parent == names_path.parent]
    labels_path = next((p for p in beside if p.name.startswith("rec_labels")), None)
    if labels_path is None:
        return None
    heard: dict[int, set[int]] = {}
    for line in labels_path.read_text(encoding="utf-8").splitlines()[1:]:
        fields = [field.strip() for field in line.split(",")]
        if fields[0].isdigit() and "?" not in fields:
            heard[int(fields[0])] = {int(field) for field in fields[1:] if field.isdigit()}
    clips = pd.read_csv(names_path, dtype=str).set_index("rec_id")["filename"]
    by_key = media_by_key([m for m in media if m.audio])
    recordings = sorted(set(clips.index.astype(int)))
    items = [by_key.get(clips.get(str(rec), "")) for rec in recordings]
    sound = np.full((len(recordings), AUDIO_WIDTH), np.nan, dtype=np.float32)
    present = [i for i, item in enumerate(items) if item is not None]
    sound[present] = featurize([items[i] for i in present], clip_features, AUDIO_WIDTH, deadline, log)
    features = pd.DataFrame(sound, index=recordings, columns=[f"sound_{i}" for i in range(AUDIO_WIDTH)])
    histogram = next((p for p in files if p.name == "histogram_of_segments.txt"), None)
    if histogram is not None:  # the organizers' per-recording histogram of segment clusters
        bins = pd.read_csv(histogram, header=None, skiprows=1).set_index(0)
        features = features.join(bins.add_prefix("segments_").groupby(level=0).first())
    log(f"{len(heard)} labelled recordings, {len(present)} clips read, {features.shape[1]} features each")
    sample_ids = ids.astype(int).to_numpy()
    species = sorted(set(sample_ids % 100))
    train_pairs = [(rec, s) for rec in sorted(heard) for s in species]

    def pair_features(pairs: list[tuple[int, int]]) -> pd.DataFrame:
        frame = features.reindex([rec for rec, _ in pairs]).reset_index(drop=True)
        return frame.assign(species=[str(s) for _, s in pairs])

    schema = Schema(list(features.columns), ["species"], [])
    train_frame = typed(pair_features(train_pairs), schema)
    return Problem(
        layout=f"recordings x {len(species)} species (Id = 100 * rec_id + species)",
        id_column=id_column,
        targets=[Target(column, (column,), "binary", classes=("1",))],
        labels=pd.DataFrame({column: [str(int(s in heard[rec])) for rec, s in train_pairs]}),
        train_features=lambda rows: train_frame.iloc[rows],
        test_features=typed(pair_features([(i // 100, i % 100) for i in sample_ids]), schema),
        sample_rows=np.arange(len(sample_ids)),
        schema=schema,
        linear=False,
    )


# -- fitting ---------------------------------------------------------------------------------------------

def make_preprocessor(schema: Schema, linear: bool) -> ColumnTransformer:
    """Scaled numbers, one-hot categories and TF-IDF for linear models; raw numbers and codes for trees."""
    if linear:
        parts = [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), schema.numeric),
            (
                "categorical",
                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5, max_categories=100),
                schema.categorical,
            ),
        ]
        parts += [
            (
                f"text_{column}",
                TfidfVectorizer(
                    ngram_range=(1, 2), max_features=MAX_VOCABULARY, sublinear_tf=True, dtype=np.float32
                ),
                column,
            )
            for column in schema.text
        ]
    else:
        codes = OrdinalEncoder(
            handle_unknown="use_encoded_value", unknown_value=-1, max_categories=MAX_CATEGORIES
        )
        parts = [("numeric", "passthrough", schema.numeric), ("categorical", codes, schema.categorical)]
    return ColumnTransformer([part for part in parts if part[2]], sparse_threshold=0.3 if linear else 0.0)


def make_model(regression: bool, linear: bool, schema: Schema, seen: np.ndarray) -> object:
    """Ridge/LogisticRegression on linear features, HistGradientBoosting (fast, NaN-aware) on tables.

    Boosting always stops early on a held-out share: run to MAX_TREES on a few
    hundred rows its probabilities are overconfident enough to lose to the prior.
    """
    if regression:
        if linear:
            return Ridge()
        return HistGradientBoostingRegressor(**boosting_options(schema, early_stopping=True))
    counts = np.unique(seen, return_counts=True)[1]
    if len(counts) < 2:
        return DummyClassifier(strategy="most_frequent")
    if linear:
        return LogisticRegression(max_iter=1000)
    # The stratified validation split needs two examples of every class and room for each.
    stoppable = bool(counts.min() >= 2 and len(seen) * VALIDATION_FRACTION >= len(counts))
    return HistGradientBoostingClassifier(**boosting_options(schema, early_stopping=stoppable))


def boosting_options(schema: Schema, early_stopping: bool) -> dict[str, object]:
    """Settings shared by the boosting classifier and regressor."""
    return {
        "max_iter": MAX_TREES,
        "early_stopping": early_stopping,
        "validation_fraction": VALIDATION_FRACTION,
        "categorical_features": categorical_mask(schema),
        "random_state": SEED,
    }


def categorical_mask(schema: Schema) -> list[bool] | None:
    """Which of the tree preprocessor's output columns are category codes."""
    if not schema.categorical:
        return None
    return [False] * len(schema.numeric) + [True] * len(schema.categorical)


def class_probabilities(model: object, x: object, target: Target) -> np.ndarray:
    """Probabilities of target.classes, in that order; a class the model never saw gets 0.
    One per column summing to 1 for "classes" (exactly, in float64, whatever the model used)."""
    proba = model.predict_proba(x)
    index = {label: i for i, label in enumerate(model.classes_)}
    out = np.zeros((proba.shape[0], len(target.classes)))
    for j, label in enumerate(target.classes):
        if label in index:
            out[:, j] = proba[:, index[label]]
    if target.kind == "classes":
        out /= out.sum(axis=1, keepdims=True)
    return out


def indicators(labels: np.ndarray, classes: tuple[str, ...]) -> np.ndarray:
    """One 0/1 column per class."""
    return (labels[:, None] == np.array(classes)[None, :]).astype(float)


def class_prior(labels: np.ndarray, classes: tuple[str, ...]) -> np.ndarray:
    """Class frequencies with one extra count each: a class unseen in a small train set is not impossible."""
    return (indicators(labels, classes).sum(axis=0) + 1) / (len(labels) + max(len(classes), 2))


def log_loss_of(proba: np.ndarray, truth: np.ndarray) -> float:
    """Mean log loss; a single column is the probability of a binary event."""
    p = np.clip(proba, 1e-15, 1 - 1e-15)
    if p.shape[1] == 1:
        return float(-np.mean(truth * np.log(p) + (1 - truth) * np.log(1 - p)))
    return float(-np.mean(np.sum(truth * np.log(p), axis=1)))


def model_weight(target: Target, make: Callable[[np.ndarray], object], x: object, seen: np.ndarray) -> float:
    """The weight of the model against the class prior that scores best on held-out rows."""
    n_held = max(int(HOLDOUT_FRACTION * len(seen)), min(MIN_HOLDOUT, len(seen) // 2))
    held = np.random.default_rng(SEED).permutation(len(seen)) < n_held
    if not n_held:
        return 1.0
    model = make(seen[~held])
    model.fit(x[~held], seen[~held])
    proba = class_probabilities(model, x[held], target)
    prior = class_prior(seen[~held], target.classes)
    truth = indicators(seen[held], target.classes)
    return float(min(SHRINK_WEIGHTS, key=lambda w: log_loss_of(w * proba + (1 - w) * prior, truth)))


def look_up(keys: pd.Series, labels: pd.Series, wanted: pd.Series) -> np.ndarray:
    """For each wanted key the label it most often had in train, else the key itself."""
    counts = pd.DataFrame({"key": keys.to_numpy(), "label": labels.to_numpy()}).value_counts()
    commonest = counts.reset_index().drop_duplicates("key").set_index("key")["label"]
    return wanted.map(commonest).fillna(wanted).to_numpy()


def mostly_one_off(labels: pd.Series) -> bool:
    """More than MAX_CLASSES labels, most of them seen once (masks as run lengths, free text)."""
    counts = labels.value_counts()
    return len(counts) > MAX_CLASSES and float((counts == 1).mean()) > 0.5


def fit_predict(problem: Problem, rows: np.ndarray, log: Log) -> dict[str, np.ndarray]:
    """Fit every target on the given train rows; predictions per sample column, in test_features order."""
    features = problem.train_features(rows)
    predictions: dict[str, np.ndarray] = {}
    modelled = []
    for target in problem.targets:
        y = problem.labels[target.source].iloc[rows]
        known = y.notna().to_numpy()
        if target.kind == "lookup":
            wanted = problem.test_features[target.key]
            seen = y[known].astype(str)
            predictions[target.columns[0]] = look_up(features[target.key][known], seen, wanted)
        elif target.kind == "labels" and not problem.linear and mostly_one_off(labels_of(y[known])):
            # Boosting grows trees for every class: on hundreds of values seen once (uw-madison's
            # masks) it overruns the budget, with no classes to learn. The commonest value
            # instead, a blank cell included (no mask, no text).
            commonest = labels_of(y.fillna("")).value_counts().index[0]
            log(f"{target.source!r}: mostly one-off values; predicting the commonest, {commonest!r}")
            predictions[target.columns[0]] = np.full(len(problem.test_features), commonest, dtype=object)
        else:
            modelled.append((target, y, known))
    if not modelled:
        return predictions
    preprocessor = make_preprocessor(problem.schema, problem.linear)
    x_train = preprocessor.fit_transform(features)
    x_test = preprocessor.transform(problem.test_features)
    for target, y, known in modelled:
        if target.kind == "regression":
            seen = numbers(y[known]).to_numpy(dtype=float)
            model = make_model(True, problem.linear, problem.schema, seen)
            model.fit(x_train[known], np.log1p(seen) if target.log_scale else seen)
            predicted = model.predict(x_test)
            predicted = np.expm1(predicted) if target.log_scale else predicted
            predicted = np.clip(predicted, seen.min(), seen.max())
            predictions[target.columns[0]] = np.rint(predicted).astype(int) if target.grades else predicted
            continue
        seen = labels_of(y[known]).to_numpy()

        def make(labels: np.ndarray) -> object:
            return make_model(False, problem.linear, problem.schema, labels)

        model = make(seen)
        model.fit(x_train[known], seen)
        if target.kind == "labels":
            predictions[target.columns[0]] = model.predict(x_test)
            continue
        proba = class_probabilities(model, x_test, target)
        if target.shrink:
            weight = model_weight(target, make, x_train[known], seen)
            log(f"{target.source!r}: the model weighs {weight:.1f} against the class prior (held-out loss)")
            proba = weight * proba + (1 - weight) * class_prior(seen, target.classes)
        proba = (1 - SMOOTHING) * proba + SMOOTHING / max(len(target.classes), 2)
        predictions.update(zip(target.columns, proba.T, strict=True))
    return predictions


def as_distributions(sample: pd.DataFrame, predictions: dict[str, np.ndarray],
                     rows: np.ndarray) -> dict[str, np.ndarray]:
    """Predictions rescaled to sum to 1 per row where the sample's predicted columns do, since a
    grader of distributions refuses rows that do not: one-hot train columns (lmsys's three
    verdicts) are fitted as separate binary targets, whose probabilities need not add up, and
    vote counts (hms's experts) as labels, whose numbers are counts. A row that predicts
    nothing at all keeps the sample's."""
    columns = list(predictions)
    if len(columns) < 2:
        return predictions
    given = sample[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)[rows]
    if np.isnan(given).any() or not np.allclose(given.sum(axis=1), 1):
        return predictions
    stacked = np.column_stack([pd.to_numeric(pd.Series(predictions[c]), errors="coerce")
                               for c in columns]).astype(float)
    if np.isnan(stacked).any():
        return predictions
    stacked = np.clip(stacked, 0, None)
    totals = stacked.sum(axis=1, keepdims=True)
    shares = np.where(totals > 0, stacked / np.where(totals > 0, totals, 1), given)
    # A tenth of the sample's row mixed in: no class is ever predicted impossible, which a
    # divergence or a log loss punishes without bound.
    return dict(zip(columns, (0.9 * shares + 0.1 * given).T, strict=True))


def write_submission(
    sample: pd.DataFrame, predictions: dict[str, np.ndarray], rows: np.ndarray, path: Path
) -> None:
    """The sample with predicted columns filled in at rows; anything unpredicted keeps the sample's value."""
    predictions = as_distributions(sample, predictions, rows)
    out = sample.astype(object)
    for column, values in predictions.items():
        out.iloc[rows, out.columns.get_loc(column)] = values
    replace_atomically(path, lambda temporary: out.to_csv(temporary, index=False))


def train_within_budget(
    problem: Problem, sample: pd.DataFrame, submission: Path, log: Log, deadline: float
) -> None:
    """Fit a pilot subsample, then grow the rows while a refit is predicted to fit the budget.

    Fit time is taken as linear in rows, measured on the previous fit; each refit
    plans on GROWTH_SHARE of what remains, so a twofold misestimate still ends in time.
    """
    total = len(problem.labels)
    order = np.random.default_rng(SEED).permutation(total)
    rows = total if total <= 2 * PILOT_ROWS else PILOT_ROWS  # a pilot only pays off on more rows
    while time.monotonic() < deadline:
        began = time.monotonic()
        predictions = fit_predict(problem, np.sort(order[:rows]), log)
        write_submission(sample, predictions, problem.sample_rows, submission)
        spent = time.monotonic() - began
        log(f"fitted on {rows} of {total} train rows and wrote the submission in {spent:.1f}s")
        if rows == total:
            return
        affordable = int(rows * GROWTH_SHARE * (deadline - time.monotonic()) / max(spent, 1e-3))
        grown = min(total, affordable)
        if grown < min(total, 2 * rows):
            log(f"the budget allows about {affordable} rows: keeping the fit on {rows}")
            return
        rows = grown
    log("the budget ran out before the first fit: the fallback submission stands")


def build_problem(data: Path, sample: pd.DataFrame, hints: str, log: Log, deadline: float) -> Problem:
    """The first layout that fits: recordings by species, pixels, media named by the sample, tables."""
    files = sorted(p for p in data.rglob("*") if p.is_file())
    media = index_media(data, files)
    return (
        recordings_problem(files, media, sample, log, deadline)
        or pixel_problem(media, sample, log)
        or media_problem(data, media, sample, hints, log, deadline)
        or tabular_problem(data, sample, hints, log)
    )


def describe(problem: Problem, log: Log) -> None:
    """Log what was inferred, so a poor score can be traced to a wrong guess."""

    def names(columns: list[str]) -> str:
        return f"{len(columns)} {columns[:5]}{' ...' if len(columns) > 5 else ''}"

    log(f"layout: {problem.layout}; id column {problem.id_column!r}; {len(problem.labels)} train rows")
    log(f"{len(problem.sample_rows)} sample rows matched to test rows")
    schema = problem.schema
    log(
        f"features: numeric {names(schema.numeric)}, categorical {names(schema.categorical)}, "
        f"text {names(schema.text)}"
    )
    for target in problem.targets:
        detail = ""
        if target.kind == "binary":
            detail = f" (probability of {target.classes[0]!r})"
        elif target.kind == "classes":
            detail = " (one probability per class)"
        elif target.kind == "lookup":
            detail = f" (commonest value for each {target.key!r} in train, else the {target.key!r} itself)"
        elif target.log_scale:
            detail = " on a log scale"
        elif target.grades:
            detail = " rounded to grades"
        log(f"target {target.source!r} -> {list(target.columns)}: {target.kind}{detail}")
    log(f"models: {'linear (LogisticRegression/Ridge)' if problem.linear else 'HistGradientBoosting'}")


def endpoint_refusal(path: Path) -> str | None:
    """Why the validation endpoint ($VALIDATION_URL) refuses the file, or None: valid, or no
    answer (no endpoint, unreachable). Waits and asks again while it is rate-limited."""
    url = os.environ.get("VALIDATION_URL")
    for _ in range(5 if url else 0):
        request = urllib.request.Request(url, data=path.read_bytes(), method="POST",
                                         headers={"Content-Type": "text/csv"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as err:
            if err.code != 429:
                return None
            time.sleep(1.05)
            continue
        except (OSError, ValueError):
            return None
        return str(answer.get("reason")) if answer.get("valid") is False else None
    return None


def keep_valid(stage_one: Start) -> None:
    """Put the fallback back when the endpoint refuses the model's submission: predictions in
    a format the baseline cannot infer (say, points for boxes) must not cost the run."""
    submission = stage_one.workspace.submission
    reason = endpoint_refusal(submission)
    if reason is not None:
        replace_atomically(submission, lambda temporary: copy_sample(stage_one.sample, temporary))
        stage_one.log(f"the validation endpoint refused the model's submission ({reason}): "
                      "the fallback submission stands")


def main(stage_one: Start) -> int:
    """Stages 2 and 3; any failure leaves the last submission written in place."""
    workspace, log = stage_one.workspace, stage_one.log
    try:
        description = workspace.data / "description.md"
        hints = ""
        if description.is_file():
            hints = description.read_text(encoding="utf-8", errors="replace").lower()
        source = stage_one.sample  # pandas reads a zipped CSV, not a 7z archive
        if source.suffix.lower() == ".7z":
            source = io.BytesIO(sole_7z_member(source))
        sample = pd.read_csv(source, dtype=str, keep_default_na=False)
        problem = build_problem(workspace.data, sample, hints, log, stage_one.deadline)
        describe(problem, log)
        schema = problem.schema
        if not (problem.targets and len(problem.labels) and len(problem.sample_rows)) or not (
            schema.numeric or schema.categorical or schema.text
        ):
            log("nothing to fit: the fallback submission stands")
            return 0
        train_within_budget(problem, sample, workspace.submission, log, stage_one.deadline)
        keep_valid(stage_one)
    except OutOfTime as stopped:
        log(f"out of time ({stopped}): the last submission written stands")
    except Exception:
        log(f"failed, the last submission written stands:\n{traceback.format_exc()}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(STAGE_ONE))
