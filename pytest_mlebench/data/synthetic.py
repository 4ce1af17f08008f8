"""Synthetic raw data: small made-up files shaped exactly like a competition's Kaggle download.

Each Kaggle competition's folder holds ``synthetic.py`` with one function,
``build(raw, rng)``, that writes the competition's raw files into the empty folder
``raw`` as Kaggle's download extracts (same file names, columns, id formats and
dtypes, zipped where Kaggle zips), drawn from ``rng``. The plugin's tests prepare
them, and ``--mlebench-synthetic`` runs a whole session on them instead of Kaggle's
data, so an agent can be smoke-tested on every competition's layout in minutes.

This module holds what several builders share (file writers, tiny images and audio
clips, random text) and the raw source that builds a competition's files on demand.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalog.registry import Competition
from ..fsutil import remove_tree
from .raw import SYNTHETIC, RawDataError, RawSource

if TYPE_CHECKING:  # the builders' helpers import them when first called, not at plugin load
    import numpy as np
    import pandas as pd

#: Writes one competition's raw files into an existing, empty folder.
Builder = Callable[[Path, "np.random.Generator"], None]

SYNTHETIC_FILE = "synthetic.py"


# -- building a competition's raw folder ----------------------------------------------------

def builder(competition: Competition) -> Builder:
    """The competition's ``build(raw, rng)``; the error names the file when there is none."""
    build = getattr(competition.module("synthetic"), "build", None)
    if build is None:
        raise RawDataError(f"--mlebench-synthetic: {competition.path / SYNTHETIC_FILE} is missing or "
                           f"defines no build(raw, rng), so {competition.id} has no synthetic raw files")
    return build


def competition_rng(competition_id: str, seed: int) -> np.random.Generator:
    """A generator of the competition's own: its files do not depend on what else is selected."""
    import numpy as np

    return np.random.default_rng([seed, zlib.crc32(competition_id.encode())])


def build_raw(competition: Competition, root: Path, seed: int = 0) -> Path:
    """Write the competition's synthetic raw files into ``root/<id>/`` (new) and return it."""
    folder = root / competition.id
    folder.mkdir(parents=True)
    builder(competition)(folder, competition_rng(competition.id, seed))
    return folder


def missing_builders(competitions: Iterable[Competition]) -> list[str]:
    """Kaggle competitions that --mlebench-synthetic cannot make raw files for, each with its file."""
    return [f"{c.id}: no synthetic raw data ({c.path / SYNTHETIC_FILE} is missing); leave it out of "
            f"--competitions or write its build(raw, rng)"
            for c in competitions if c.source == "kaggle" and not (c.path / SYNTHETIC_FILE).is_file()]


class SyntheticRawSource(RawSource):
    """Raw files made by each competition's synthetic.py, never Kaggle's (``--mlebench-synthetic``).

    Built into ``<data-dir>/<id>/synthetic-raw/`` when the competition is prepared (the
    caller holds its lock); the prepared folder is keyed by the builder's code and the
    seed, so it is never taken for real data nor for an older builder's data.
    """

    data = SYNTHETIC

    def __init__(self, data_dir: Path, competitions: Mapping[str, Competition], seed: int = 0) -> None:
        super().__init__(data_dir)
        self.competitions = competitions
        self.seed = seed

    def version_suffix(self, competition: Competition) -> str:
        file = competition.path / SYNTHETIC_FILE
        code = file.read_bytes() if file.is_file() else b""
        return f"-synthetic-{hashlib.sha256(code + str(self.seed).encode()).hexdigest()[:12]}"

    def needs_download(self, competition_id: str) -> bool:
        return False

    def fetch(self, competition_id: str) -> Path:
        """A freshly built folder: a few seconds' work, and never stale."""
        competition = self.competitions[competition_id]
        target = self.data_dir / competition_id / "synthetic-raw"
        remove_tree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".synthetic-", dir=target.parent))
        try:
            build_raw(competition, tmp, self.seed)
            os.replace(tmp / competition_id, target)
        finally:
            remove_tree(tmp)
        return target


# -- files in Kaggle's formats ----------------------------------------------------------------

def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode()


def write_zip(archive: Path, members: dict[str, bytes], folder_entries: bool = False) -> None:
    """A zip of members; with folder_entries, a folder entry before the files, as Kaggle's nested zips."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        if folder_entries:
            for folder in sorted({name.split("/")[0] for name in members if "/" in name}):
                zf.writestr(f"{folder}/", b"")
        for name, data in members.items():
            zf.writestr(name, data)


def zip_csv(archive: Path, frame: pd.DataFrame, member: str | None = None) -> None:
    """A zip of one CSV, named like the archive without ``.zip`` unless member says otherwise."""
    write_zip(archive, {member or archive.name.removesuffix(".zip"): frame.to_csv(index=False).encode()})


def write_file(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        write_file(folder / name, data)


def hex_ids(rng: np.random.Generator, n: int, digits: int) -> list[str]:
    """Lower-case hex ids of a fixed width, as Kaggle's image competitions name their files."""
    return ["".join(rng.choice(list("0123456789abcdef"), size=digits)) for _ in range(n)]


# -- images and sound ---------------------------------------------------------------------------

def image_bytes(array: np.ndarray, fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def photo(rng: np.random.Generator, fmt: str = "JPEG", shape: tuple[int, int] = (6, 8)) -> bytes:
    """A tiny colour image of random pixels."""
    return image_bytes(rng.integers(0, 256, (*shape, 3), dtype="uint8"), fmt)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    from scipy.io import wavfile

    buffer = io.BytesIO()
    wavfile.write(buffer, rate, samples)
    return buffer.getvalue()


def wav_clip(rng: np.random.Generator) -> bytes:
    return wav_bytes(rng.integers(-2000, 2000, 160, dtype="int16"), 16_000)


def aiff_bytes(samples: np.ndarray, rate: int) -> bytes:
    """Mono 16-bit AIFF, as the whale buoys' clips are (the sample rate is an 80-bit float)."""
    samples = samples.astype(">i2").tobytes()
    exponent = rate.bit_length() - 1
    comm = struct.pack(">hLh", 1, len(samples) // 2, 16) + struct.pack(">HQ", 16383 + exponent,
                                                                      rate << (63 - exponent))
    ssnd = struct.pack(">LL", 0, 0) + samples
    chunks = b"COMM" + struct.pack(">L", len(comm)) + comm + b"SSND" + struct.pack(">L", len(ssnd)) + ssnd
    return b"FORM" + struct.pack(">L", 4 + len(chunks)) + b"AIFF" + chunks


def aiff_clip(rng: np.random.Generator) -> bytes:
    return aiff_bytes(rng.integers(-2000, 2000, 40, dtype="int16"), 2000)


# -- text -------------------------------------------------------------------------------------

#: Words of comments, with what trips parsers: quotes, commas, escapes, "NA" and "null".
WORDS = ["you", "are", "an", "idiot", "nice", "point,", "well", "said", "\"quoted\"", "really",
         "\\xa0", "\\n", "thanks", "what", "a", "moron", "agree", "lol", "NA", "null"]


def text(rng: np.random.Generator, n_words: int = 6) -> str:
    return " ".join(rng.choice(WORDS, size=n_words))


def normalization_tokens(pool: list[tuple[str, str, str]], rng: np.random.Generator) -> pd.DataFrame:
    """About 400 (class, before, after) tokens in 80 sentences with gaps in their ids, as sentences
    appear in the text-normalization competitions' files."""
    import numpy as np
    import pandas as pd

    rows = []
    for sentence in 5 + 3 * np.arange(80):
        for token in range(int(rng.integers(2, 9))):
            cls, before, after = pool[int(rng.integers(len(pool)))]
            rows.append((int(sentence), token, cls, before, after))
    return pd.DataFrame(rows, columns=["sentence_id", "token_id", "class", "before", "after"])


def write_text_normalization(raw: Path, rng: np.random.Generator, language: str,
                             pool: list[tuple[str, str, str]]) -> None:
    """A text-normalization download: training tokens, stage 2's test and its sample, each zipped."""
    import pandas as pd

    zip_csv(raw / f"{language}_train.csv.zip", normalization_tokens(pool, rng))
    stage_2 = normalization_tokens(pool, rng)[["sentence_id", "token_id", "before"]]
    zip_csv(raw / f"{language}_test_2.csv.zip", stage_2)
    ids = stage_2["sentence_id"].astype(str) + "_" + stage_2["token_id"].astype(str)
    sample = pd.DataFrame({"id": ids, "after": stage_2["before"]})
    zip_csv(raw / f"{language}_sample_submission_2.csv.zip", sample)
