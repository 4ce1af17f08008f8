"""Made-up raw Kaggle downloads of the 22 lite competitions, in Kaggle's layout.

One builder per competition writes an extracted Kaggle folder (Kaggle's file names
and columns, zipped where Kaggle zips, tiny images, short clips) from a random
generator. The lite tests prepare them one competition at a time; ``write_raw_dir``
writes all of them as a ``--raw-dir`` for whole benchmark sessions.

Sizes are as small as each preparation allows: two tabular competitions hold out a
fixed number of rows, as MLE-bench does (9,914 taxi rides, 100,000 May-2022 rows), so
their train.csv must be larger than that.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from scipy.io import wavfile
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition, read_id_list

#: Writes one competition's raw files into an existing, empty folder.
Builder = Callable[[Path, np.random.Generator], None]

CACTUS = "aerial-cactus-identification"
APTOS = "aptos2019-blindness-detection"
DENOISING = "denoising-dirty-documents"
INSULTS = "detecting-insults-in-social-commentary"
DOG_BREED = "dog-breed-identification"
DOGS_CATS = "dogs-vs-cats-redux-kernels-edition"
HISTO = "histopathologic-cancer-detection"
JIGSAW = "jigsaw-toxic-comment-classification-challenge"
LEAF = "leaf-classification"
MLSP = "mlsp-2013-birds"
TAXI = "new-york-city-taxi-fare-prediction"
NOMAD = "nomad2018-predict-transparent-conductors"
PLANT = "plant-pathology-2020-fgvc7"
PIZZA = "random-acts-of-pizza"
RANZCR = "ranzcr-clip-catheter-line-classification"
SIIM = "siim-isic-melanoma-classification"
SPOOKY = "spooky-author-identification"
DEC = "tabular-playground-series-dec-2021"
MAY = "tabular-playground-series-may-2022"
TEXT_NORM_EN = "text-normalization-challenge-english-language"
TEXT_NORM_RU = "text-normalization-challenge-russian-language"
WHALE = "the-icml-2013-whale-challenge-right-whale-redux"

WORDS = ["you", "are", "an", "idiot", "nice", "point,", "well", "said", "\"quoted\"", "really",
         "\\xa0", "\\n", "thanks", "what", "a", "moron", "agree", "lol", "NA", "null"]
JIGSAW_LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
PIZZA_TEST_FIELDS = ["giver_username_if_known", "request_id", "request_text_edit_aware",
                     "request_title", "requester_account_age_in_days_at_request",
                     "requester_subreddits_at_request", "requester_username",
                     "unix_timestamp_of_request"]
#: (class, before, after); most tokens change, so copying "before" scores poorly.
TOKENS = {
    "en": [("PLAIN", "the", "the"), ("PLAIN", "null", "null"), ("PUNCT", ",", ","),
           ("PUNCT", '"', '"'), ("CARDINAL", "12", "twelve"), ("CARDINAL", "2012", "two thousand twelve"),
           ("DATE", "1 May 2010", "the first of may twenty ten"), ("MEASURE", "5 kg", "five kilograms"),
           ("MONEY", "$3.16", "three dollars, sixteen cents"), ("LETTERS", "NA", "N A"),
           ("LETTERS", "BBC", "b b c"), ("VERBATIM", "&", "and")],
    "ru": [("PLAIN", "в", "в"), ("PLAIN", "null", "null"), ("PUNCT", ",", ","), ("PUNCT", "«", "«"),
           ("CARDINAL", "12", "двенадцать"), ("CARDINAL", "2012", "две тысячи двенадцать"),
           ("DATE", "1 мая 2010", "первое мая две тысячи десятого года"),
           ("MEASURE", "5 кг", "пять килограммов"), ("MONEY", "3 руб.", "три рубля, ноль копеек"),
           ("LETTERS", "ООН", "о о н"), ("LETTERS", "NA", "эн эй"), ("VERBATIM", "&", "и")],
}
RANZCR_LABELS = [
    "ETT - Abnormal", "ETT - Borderline", "ETT - Normal", "NGT - Abnormal", "NGT - Borderline",
    "NGT - Incompletely Imaged", "NGT - Normal", "CVC - Abnormal", "CVC - Borderline", "CVC - Normal",
    "Swan Ganz Catheter Present",
]
PLANT_LABELS = ["healthy", "multiple_diseases", "rust", "scab"]
SIIM_TEST_RECORDS = ("train00-2071.tfrec", "train06-2071.tfrec")
WHALE_DAYS = ("20090328", "20090329", "20090330", "20090331")


# -- files in Kaggle's formats ----------------------------------------------------------------------

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


def image_bytes(array: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def photo(rng: np.random.Generator, fmt: str = "JPEG", shape: tuple[int, int] = (6, 8)) -> bytes:
    """A tiny colour image of random pixels."""
    return image_bytes(rng.integers(0, 256, (*shape, 3), dtype=np.uint8), fmt)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    wavfile.write(buffer, rate, samples)
    return buffer.getvalue()


def wav_clip(rng: np.random.Generator) -> bytes:
    return wav_bytes(rng.integers(-2000, 2000, 160, dtype=np.int16), 16_000)


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
    return aiff_bytes(rng.integers(-2000, 2000, 40, dtype=np.int16), 2000)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _delimited(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _example(features: dict[str, bytes | int]) -> bytes:
    """A serialized tf.train.Example: bytes features in a BytesList, ints in a packed Int64List."""
    entries = b""
    for name, value in features.items():
        if isinstance(value, bytes):
            feature = _delimited(1, _delimited(1, value))
        else:
            feature = _delimited(3, _delimited(1, _varint(value)))
        entries += _delimited(1, _delimited(1, name.encode()) + _delimited(2, feature))
    return _delimited(1, entries)


def _tfrecord(records: list[bytes]) -> bytes:
    """TFRecord framing: length, its checksum, data, its checksum (left 0: nothing here checks them)."""
    return b"".join(struct.pack("<QL", len(r), 0) + r + struct.pack("<L", 0) for r in records)


def _hex(rng: np.random.Generator, n: int, digits: int) -> list[str]:
    return ["".join(rng.choice(list("0123456789abcdef"), size=digits)) for _ in range(n)]


def target_columns(competition_id: str) -> list[str]:
    return list(Competition.from_folder(catalog_root() / competition_id).target_columns)


# -- text -----------------------------------------------------------------------------------------

def _text(rng: np.random.Generator, n_words: int = 6) -> str:
    return " ".join(rng.choice(WORDS, size=n_words))


def _insults(n: int, rng: np.random.Generator) -> pd.DataFrame:
    months, days = rng.integers(1, 13, n), rng.integers(1, 29, n)
    dates = [f"2012{m:02d}{d:02d}120000Z" for m, d in zip(months, days, strict=True)]
    return pd.DataFrame({
        "Insult": rng.integers(0, 2, n),
        "Date": np.where(rng.random(n) < 0.2, "", dates),
        "Comment": [f'"{_text(rng)}"' for _ in range(n)],
    })


def make_insults(raw: Path, rng: np.random.Generator) -> None:
    _insults(300, rng).to_csv(raw / "train.csv", index=False)
    test = _insults(200, rng)
    test["Usage"] = np.where(np.arange(200) < 70, "PublicTest", "PrivateTest")
    test.to_csv(raw / "test_with_solutions.csv", index=False)


def make_jigsaw(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"{x:016x}" for x in rng.choice(2**40, size=500, replace=False)]
    comments = [_text(rng, 8).replace(" lol ", "\nlol\n") for _ in ids]
    labels = pd.DataFrame((rng.random((500, 6)) < 0.3).astype(int), columns=JIGSAW_LABELS)
    train = pd.concat([pd.DataFrame({"id": ids[:300], "comment_text": comments[:300]}), labels[:300]], axis=1)
    test_labels = pd.concat([pd.DataFrame({"id": ids[300:]}), labels[300:].reset_index(drop=True)], axis=1)
    test_labels.loc[rng.random(200) < 0.5, JIGSAW_LABELS] = -1
    zip_csv(raw / "train.csv.zip", train)
    zip_csv(raw / "test.csv.zip", pd.DataFrame({"id": ids[300:], "comment_text": comments[300:]}))
    zip_csv(raw / "test_labels.csv.zip", test_labels)
    sample = test_labels[["id"]].assign(**dict.fromkeys(JIGSAW_LABELS, 0.5))
    zip_csv(raw / "sample_submission.csv.zip", sample)


def _pizza_request(request_id: str, rng: np.random.Generator) -> dict[str, object]:
    received = bool(rng.random() < 0.25)
    return {
        "giver_username_if_known": "N/A", "number_of_downvotes_of_request_at_retrieval": int(rng.integers(5)),
        "number_of_upvotes_of_request_at_retrieval": int(rng.integers(20)),
        "post_was_edited": bool(rng.random() < 0.1), "request_id": request_id,
        "request_number_of_comments_at_retrieval": int(rng.integers(10)),
        "request_text": _text(rng, 12), "request_text_edit_aware": _text(rng, 12),
        "request_title": "[Request] " + _text(rng, 4),
        "requester_account_age_in_days_at_request": float(rng.random() * 900),
        "requester_received_pizza": received,
        "requester_subreddits_at_request": list(rng.choice(["AskReddit", "pics", "Pizza"], size=2)),
        "requester_user_flair": "shroom" if received else None,
        "requester_username": f"user{rng.integers(10**6)}",
        "unix_timestamp_of_request": float(1.3e9 + rng.integers(10**7)),
    }


def make_pizza(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"t3_{x:x}" for x in rng.choice(36**5, size=420, replace=False)]
    requests = [_pizza_request(i, rng) for i in ids]
    (raw / "train.json").write_text(json.dumps(requests[:300], indent=4))
    kaggle_test = [{k: r[k] for k in PIZZA_TEST_FIELDS} for r in requests[300:]]
    (raw / "test.json").write_text(json.dumps(kaggle_test, indent=4))


def make_spooky(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"id{x:05d}" for x in rng.choice(10**5, size=400, replace=False)]
    train = pd.DataFrame({"id": ids[:300], "text": [_text(rng, 10) for _ in range(300)],
                          "author": rng.choice(["EAP", "HPL", "MWS"], size=300)})
    zip_csv(raw / "train.zip", train, "train.csv")
    test = pd.DataFrame({"id": ids[300:], "text": [_text(rng) for _ in range(100)]})
    zip_csv(raw / "test.zip", test, "test.csv")


def _tokens(language: str, rng: np.random.Generator) -> pd.DataFrame:
    """About 400 tokens in 80 sentences with gaps in their ids, as sentences appear in Kaggle's file."""
    pool = TOKENS[language]
    rows = []
    for sentence in 5 + 3 * np.arange(80):
        for token in range(int(rng.integers(2, 9))):
            cls, before, after = pool[int(rng.integers(len(pool)))]
            rows.append((int(sentence), token, cls, before, after))
    return pd.DataFrame(rows, columns=["sentence_id", "token_id", "class", "before", "after"])


def make_text_normalization(language: str) -> Builder:
    def make(raw: Path, rng: np.random.Generator) -> None:
        zip_csv(raw / f"{language}_train.csv.zip", _tokens(language, rng))
        stage_2 = _tokens(language, rng)[["sentence_id", "token_id", "before"]]
        zip_csv(raw / f"{language}_test_2.csv.zip", stage_2)
        ids = stage_2["sentence_id"].astype(str) + "_" + stage_2["token_id"].astype(str)
        sample = pd.DataFrame({"id": ids, "after": stage_2["before"]})
        zip_csv(raw / f"{language}_sample_submission_2.csv.zip", sample)

    return make


# -- tables ---------------------------------------------------------------------------------------

def _taxi_rides(n: int, rng: np.random.Generator, with_fares: bool) -> pd.DataFrame:
    start = pd.Timestamp("2009-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365 * 86400, n), unit="s")
    when = pd.Series(start.strftime("%Y-%m-%d %H:%M:%S"))
    rides = pd.DataFrame({"key": when + "." + pd.Series(range(n)).astype(str).str.zfill(7)})
    if with_fares:
        rides["fare_amount"] = np.round(rng.gamma(2.0, 5.0, n) - 0.5, 2)  # a few negative, as Kaggle's
    rides["pickup_datetime"] = when + " UTC"
    for end in ("pickup", "dropoff"):
        rides[f"{end}_longitude"] = np.round(-73.97 + rng.normal(0, 0.04, n), 6)
        rides[f"{end}_latitude"] = np.round(40.75 + rng.normal(0, 0.03, n), 6)
    rides.loc[rng.random(n) < 0.01, ["dropoff_longitude", "dropoff_latitude"]] = np.nan
    rides["passenger_count"] = rng.integers(0, 7, n)
    return rides


def make_taxi(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(_taxi_rides(12_000, rng, with_fares=True)))
    test = _taxi_rides(50, rng, with_fares=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["key"]].assign(fare_amount=11.35)))
    (raw / "GCP-Coupons-Instructions.rtf").write_text("{\\rtf1 coupons}")


def _materials(n: int, rng: np.random.Generator, with_targets: bool) -> pd.DataFrame:
    shares = rng.dirichlet([1, 1, 1], n)
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1),
        "spacegroup": rng.choice([12, 33, 167, 194, 206, 227], n),
        "number_of_total_atoms": rng.choice([10, 20, 30, 40, 60, 80], n).astype(float),
        "percent_atom_al": shares[:, 0].round(4),
        "percent_atom_ga": shares[:, 1].round(4),
        "percent_atom_in": shares[:, 2].round(4),
        **{f"lattice_vector_{i}_ang": rng.uniform(3, 25, n).round(4) for i in (1, 2, 3)},
        **{f"lattice_angle_{a}_degree": rng.uniform(85, 110, n).round(4) for a in ("alpha", "beta", "gamma")},
    })
    if with_targets:
        frame["formation_energy_ev_natom"] = rng.uniform(0, 0.6, n).round(4)
        frame["bandgap_energy_ev"] = rng.uniform(0.1, 5.2, n).round(4)
    return frame


def geometry(side: str, material: int) -> bytes:
    """A geometry.xyz naming its material, so a test can follow it through renumbering."""
    return (f"# {side} material {material}\nlattice_vector 9.9 0.0 0.0 \n"
            f"atom 0.0 0.0 0.0 Ga\natom 1.{material} 2.0 3.0 O\n").encode()


def make_nomad(raw: Path, rng: np.random.Generator) -> None:
    for side, n in (("train", 400), ("test", 60)):
        write_zip(raw / f"{side}.csv.zip", {f"{side}.csv": csv_bytes(_materials(n, rng, side == "train"))})
        geometries = {f"{side}/{i}/geometry.xyz": geometry(side, i) for i in range(1, n + 1)}
        write_zip(raw / f"{side}.zip", geometries)


def _forest(n: int, rng: np.random.Generator, first_id: int, with_target: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"Id": np.arange(first_id, first_id + n), "Elevation": rng.integers(1800, 3900, n)})
    for name in ("Aspect", "Slope", "Horizontal_Distance_To_Hydrology", "Vertical_Distance_To_Hydrology",
                 "Horizontal_Distance_To_Roadways", "Hillshade_9am", "Hillshade_Noon", "Hillshade_3pm",
                 "Horizontal_Distance_To_Fire_Points"):
        frame[name] = rng.integers(-50, 400, n)
    for i in range(1, 5):
        frame[f"Wilderness_Area{i}"] = rng.integers(0, 2, n)
    for i in range(1, 41):
        frame[f"Soil_Type{i}"] = rng.integers(0, 2, n)
    if with_target:
        frame["Cover_Type"] = rng.choice(np.arange(1, 8), n, p=[0.36, 0.56, 0.05, 0.005, 0.005, 0.01, 0.01])
    return frame


def make_dec(raw: Path, rng: np.random.Generator) -> None:
    (raw / "train.csv").write_bytes(csv_bytes(_forest(3000, rng, 0, with_target=True)))
    test = _forest(40, rng, 4_000_000, with_target=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["Id"]].assign(Cover_Type=2)))


def _controls(n: int, rng: np.random.Generator, first_id: int, with_target: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"id": np.arange(first_id, first_id + n)})
    for i in range(31):
        if i == 27:
            letters = rng.integers(ord("A"), ord("U"), (n, 10), dtype=np.uint8)
            frame["f_27"] = letters.view("S10").ravel().astype(str)
        elif 7 <= i <= 18 or i in (29, 30):
            frame[f"f_{i:02d}"] = rng.integers(0, 12, n)
        else:
            frame[f"f_{i:02d}"] = rng.normal(size=n).round(6)
    if with_target:
        frame["target"] = (frame["f_00"] + rng.normal(size=n) > 0).astype(int)
    return frame


def make_may(raw: Path, rng: np.random.Generator) -> None:
    # MLE-bench holds out a fixed 100,000 rows, so the file needs more than that.
    (raw / "train.csv").write_bytes(csv_bytes(_controls(101_000, rng, 0, with_target=True)))
    test = _controls(40, rng, 900_000, with_target=False)
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["id"]].assign(target=0.5)))


# -- images ---------------------------------------------------------------------------------------

def make_cactus(raw: Path, rng: np.random.Generator) -> None:
    ids = [f"{h}.jpg" for h in _hex(rng, 90, 32)]
    labels = pd.DataFrame({"id": ids[:70], "has_cactus": rng.integers(0, 2, 70)})
    labels.to_csv(raw / "train.csv", index=False)
    write_zip(raw / "train.zip", {f"train/{i}": photo(rng, shape=(8, 8)) for i in ids[:70]})
    write_zip(raw / "test.zip", {f"test/{i}": photo(rng, shape=(8, 8)) for i in ids[70:]})
    pd.DataFrame({"id": ids[70:], "has_cactus": 0.5}).to_csv(raw / "sample_submission.csv", index=False)


def make_aptos(raw: Path, rng: np.random.Generator) -> None:
    ids = _hex(rng, 90, 12)
    grades = pd.DataFrame({"id_code": ids[:70], "diagnosis": rng.integers(0, 5, 70)})
    grades.to_csv(raw / "train.csv", index=False)
    pd.DataFrame({"id_code": ids[70:]}).to_csv(raw / "test.csv", index=False)
    pd.DataFrame({"id_code": ids[70:], "diagnosis": 0}).to_csv(raw / "sample_submission.csv", index=False)
    write_folder(raw / "train_images", {f"{i}.png": photo(rng, "PNG", (8, 8)) for i in ids[:70]})
    write_folder(raw / "test_images", {f"{i}.png": photo(rng, "PNG", (8, 8)) for i in ids[70:]})


def make_dog_breed(raw: Path, rng: np.random.Generator) -> None:
    breeds = target_columns(DOG_BREED)
    ids = _hex(rng, 80, 32)
    pd.DataFrame({"id": ids[:60], "breed": rng.choice(breeds, 60)}).to_csv(raw / "labels.csv", index=False)
    pd.DataFrame({"id": ids[60:], **dict.fromkeys(breeds, 1 / 120)}).to_csv(
        raw / "sample_submission.csv", index=False)
    write_folder(raw / "train", {f"{i}.jpg": photo(rng, shape=(8, 8)) for i in ids[:60]})
    write_folder(raw / "test", {f"{i}.jpg": photo(rng, shape=(8, 8)) for i in ids[60:]})


def make_dogs_cats(raw: Path, rng: np.random.Generator) -> None:
    # Labels drawn at random, numbered per animal, as Kaggle's 12,500 of each.
    animals = rng.choice(["cat", "dog"], 70)
    names = [f"{a}.{int((animals[:k] == a).sum())}.jpg" for k, a in enumerate(animals)]
    write_zip(raw / "train.zip", {f"train/{n}": photo(rng, shape=(8, 8)) for n in names})
    write_zip(raw / "test.zip", {f"test/{i}.jpg": photo(rng, shape=(8, 8)) for i in range(1, 21)})
    pd.DataFrame({"id": range(1, 21), "label": 0.5}).to_csv(raw / "sample_submission.csv", index=False)


def make_histo(raw: Path, rng: np.random.Generator) -> None:
    ids = _hex(rng, 90, 40)
    labels = pd.DataFrame({"id": ids[:65], "label": rng.integers(0, 2, 65)})
    labels.to_csv(raw / "train_labels.csv", index=False)
    pd.DataFrame({"id": ids[65:], "label": 0}).to_csv(raw / "sample_submission.csv", index=False)
    write_folder(raw / "train", {f"{i}.tif": photo(rng, "TIFF", (8, 8)) for i in ids[:65]})
    write_folder(raw / "test", {f"{i}.tif": photo(rng, "TIFF", (8, 8)) for i in ids[65:]})


def make_leaf(raw: Path, rng: np.random.Generator) -> None:
    species = target_columns(LEAF)
    ids = rng.permutation(np.arange(1, 101))
    features = {f"{kind}{k}": np.round(rng.random(100), 6) for kind in ("margin", "shape", "texture")
                for k in range(1, 4)}
    leaves = pd.DataFrame({"id": ids, "species": rng.choice(species, 100), **features})
    leaves.loc[3, "margin1"] = 0  # written "0" by Kaggle; kept as written
    zip_csv(raw / "train.csv.zip", leaves.iloc[:75])
    zip_csv(raw / "test.csv.zip", leaves.iloc[75:].drop(columns="species"))
    sample = pd.DataFrame({"id": ids[75:], **dict.fromkeys(species, 1 / 99)})
    zip_csv(raw / "sample_submission.csv.zip", sample)
    write_zip(raw / "images.zip", {f"images/{i}.jpg": photo(rng, shape=(8, 8)) for i in ids})


def make_denoising(raw: Path, rng: np.random.Generator) -> None:
    pages = [f"{n}.png" for n in rng.choice(np.arange(1, 217), size=20, replace=False)]
    noisy, clean = {}, {}
    for i, page in enumerate(pages):
        shape = (5, 8) if i % 2 else (7, 8)  # Kaggle's pages come in two heights
        clean[page] = np.where(rng.random(shape) < 0.8, 255, rng.integers(0, 80, shape)).astype(np.uint8)
        noisy[page] = np.clip(clean[page] * 0.8 + rng.integers(0, 60, shape), 0, 255).astype(np.uint8)
    kaggle_test = {f"{n}.png": rng.integers(0, 256, (5, 8), dtype=np.uint8) for n in (217, 218)}
    for folder, images in (("train", noisy), ("train_cleaned", clean), ("test", kaggle_test)):
        members = {f"{folder}/{name}": image_bytes(pixels, "PNG") for name, pixels in images.items()}
        write_zip(raw / f"{folder}.zip", members, folder_entries=True)
    write_file(raw / "sampleSubmission.csv", "id,value\n217_1_1,1\n")


def make_plant(raw: Path, rng: np.random.Generator) -> None:
    n = 100
    classes = rng.integers(0, 4, n)
    _, test = train_test_split(np.arange(n), test_size=0.1, random_state=0)
    classes[test] = np.arange(len(test)) % 4  # every class among the test rows, so each AUC is defined
    train = pd.DataFrame({"image_id": [f"Train_{i}" for i in range(n)]})
    for c, name in enumerate(PLANT_LABELS):
        train[name] = (classes == c).astype(int)
    train.to_csv(raw / "train.csv", index=False)
    pd.DataFrame({"image_id": [f"Test_{i}" for i in range(8)]}).to_csv(raw / "test.csv", index=False)
    pd.DataFrame({"image_id": [f"Test_{i}" for i in range(8)], **dict.fromkeys(PLANT_LABELS, 0.25)}).to_csv(
        raw / "sample_submission.csv", index=False)
    for name in [*train["image_id"], *(f"Test_{i}" for i in range(8))]:
        write_file(raw / "images" / f"{name}.jpg", photo(rng))


def make_ranzcr(raw: Path, rng: np.random.Generator) -> None:
    n = 200
    uids = [f"1.2.826.0.1.3680043.8.498.{rng.integers(10**17, 10**18)}{rng.integers(10**17, 10**18)}"
            for _ in range(n + 5)]
    labels = (rng.random((n, len(RANZCR_LABELS))) < 0.3).astype(int)
    # Both classes in every column among the few test rows (MLE-bench's split), so each AUC is defined.
    _, test = train_test_split(np.arange(n), test_size=0.1, random_state=0)
    for i, row in enumerate(test):
        labels[row, i % len(RANZCR_LABELS)], labels[row, (i + 5) % len(RANZCR_LABELS)] = 1, 0
    train = pd.concat([pd.DataFrame({"StudyInstanceUID": uids[:n]}),
                       pd.DataFrame(labels, columns=RANZCR_LABELS),
                       pd.DataFrame({"PatientID": [f"{rng.integers(16**9):09x}" for _ in range(n)]})], axis=1)
    train.to_csv(raw / "train.csv", index=False)
    annotated = rng.choice(n, size=60, replace=False)
    pd.DataFrame({
        "StudyInstanceUID": [uids[i] for i in annotated for _ in range(2)],
        "label": rng.choice(RANZCR_LABELS[:10], size=120),
        "data": [f"[[{x}, {y}], [{y}, 7]]" for x, y in rng.integers(2000, size=(120, 2))],
    }).to_csv(raw / "train_annotations.csv", index=False)
    pd.DataFrame({"StudyInstanceUID": uids[n:], **dict.fromkeys(RANZCR_LABELS, 0)}).to_csv(
        raw / "sample_submission.csv", index=False)
    for i, uid in enumerate(uids):
        write_file(raw / ("train" if i < n else "test") / f"{uid}.jpg", photo(rng))


def siim_records(rng: np.random.Generator) -> dict[str, list[str]]:
    """TFRecord file name -> the images it holds: 16 training files of 5, as Kaggle's 16 of about 2,071."""
    names = [f"ISIC_{i:07d}" for i in rng.choice(10**7, size=80, replace=False)]
    files = [f"train{i:02d}-2071.tfrec" for i in range(15)] + ["train15-2061.tfrec"]
    return {file: names[5 * i:5 * i + 5] for i, file in enumerate(files)}


def make_siim(raw: Path, rng: np.random.Generator) -> None:
    records = siim_records(rng)
    held_out = [name for file in SIIM_TEST_RECORDS for name in records[file]]
    names = [name for file in records for name in records[file]]
    n = len(names)
    target = (rng.random(n) < 0.3).astype(int)
    target[names.index(held_out[0])], target[names.index(held_out[1])] = 1, 0
    train = pd.DataFrame({
        "image_name": names, "patient_id": [f"IP_{rng.integers(10**7):07d}" for _ in range(n)],
        "sex": rng.choice(["male", "female", ""], size=n),
        "age_approx": rng.choice(["45.0", "60.0", ""], size=n),
        "anatom_site_general_challenge": rng.choice(["torso", "head/neck", ""], size=n),
        "diagnosis": np.where(target == 1, "melanoma", "unknown"),
        "benign_malignant": np.where(target == 1, "malignant", "benign"), "target": target,
    }).sample(frac=1, random_state=3)  # train.csv's order is not the TFRecords' order
    train.to_csv(raw / "train.csv", index=False)
    kaggle_test = [f"ISIC_9{i:06d}" for i in range(4)]
    pd.DataFrame({"image_name": kaggle_test, "target": 0}).to_csv(raw / "sample_submission.csv", index=False)
    train.iloc[:4, :5].assign(image_name=kaggle_test).to_csv(raw / "test.csv", index=False)
    jpegs = {name: photo(rng) for name in [*names, *kaggle_test]}
    for name, jpeg in jpegs.items():
        side = "test" if name in kaggle_test else "train"
        write_file(raw / side / f"{name}.dcm", b"\0" * 128 + b"DICM" + jpeg)
        write_file(raw / "jpeg" / side / f"{name}.jpg", jpeg)
    by_name = train.set_index("image_name")
    for file, members in records.items():
        write_file(raw / "tfrecords" / file, _tfrecord([
            _example({"image": jpegs[name], "target": int(by_name.loc[name, "target"]),
                      "image_name": name.encode(), "patient_id": by_name.loc[name, "patient_id"].encode()})
            for name in members]))
    write_file(raw / "tfrecords" / "test00-687.tfrec", _tfrecord([_example({"image_name": b"ISIC_9000000"})]))


# -- audio ----------------------------------------------------------------------------------------

def _mlsp_recordings(rng: np.random.Generator) -> pd.DataFrame:
    """Kaggle's 322 training-fold recordings, of which MLE-bench's prepare.py expects to hold out
    exactly 64; fewer test-fold ones than Kaggle's 323 (they are dropped)."""
    n = 400
    folds = np.zeros(n, dtype=int)
    folds[rng.choice(n, size=78, replace=False)] = 1
    labels = [",".join(map(str, sorted(rng.choice(19, size=rng.integers(0, 4), replace=False))))
              for _ in range(n)]
    return pd.DataFrame({
        "rec_id": np.arange(n), "fold": folds,
        "filename": [f"PC{rng.integers(1, 14)}_200906{i:02d}_050012_{i:04d}" for i in range(n)],
        "labels": np.where(folds == 1, "?", labels),
    })


def make_mlsp(raw: Path, rng: np.random.Generator) -> None:
    """Kaggle's one zip; also recordings.csv, the generator's truth, for the tests' checks."""
    recs = _mlsp_recordings(rng)
    base = "mlsp_contest_dataset"
    label_lines = [f"{r},{lab}" if lab else str(r)
                   for r, lab in recs[["rec_id", "labels"]].itertuples(index=False)]
    segments = [(r, s) for r in recs["rec_id"] if r % 3 for s in range(int(rng.integers(1, 3)))]
    files = {
        "essential_data/CVfolds_2.txt": recs[["rec_id", "fold"]].to_csv(index=False),
        "essential_data/rec_id2filename.txt": recs[["rec_id", "filename"]].to_csv(index=False),
        "essential_data/rec_labels_test_hidden.txt": "rec_id,[labels]\n" + "\n".join(label_lines) + "\n",
        "essential_data/species_list.txt": "class_id,code,species\n"
                                           + "".join(f"{i},SP{i:02d},Species {i}\n" for i in range(19)),
        "supplemental_data/histogram_of_segments.txt": "rec_id,[histogram of segment features]\n"
            + "".join(f"{r},{rng.random():.6f},{rng.random():.6f}\n" for r in recs["rec_id"]),
        "supplemental_data/segment_features.txt": "rec_id,segment_id,[feature vector]\n"
            + "".join(f"{r},{s},{rng.random():.6f}\n" for r, s in segments),
        "supplemental_data/segment_rectangles.txt": "rec_id,segment_id,min_x,max_x,min_y,max_y,\n"
            + "".join(f"{r},{s},1,5,2,9,\n" for r, s in segments),
        "supplemental_data/segment_clusters.bmp": photo(rng, "BMP"),
        "supplemental_data/segment_mosaic.bmp": photo(rng, "BMP"),
        "README.txt": "Kaggle's readme: not shipped to the agent\n",
    }
    for i, name in enumerate(recs["filename"]):
        files[f"essential_data/src_wavs/{name}.wav"] = wav_clip(rng)
        for folder in ("filtered_spectrograms", "spectrograms", "supervised_segmentation"):
            files[f"supplemental_data/{folder}/{name}.bmp"] = photo(rng, "BMP")
        if i % 5 == 0 and recs["fold"][i] == 0:
            files[f"supplemental_data/segmentation_examples/{name}.bmp"] = photo(rng, "BMP")
    write_zip(raw / f"{base}.zip", {f"{base}/{key}": data.encode() if isinstance(data, str) else data
                                    for key, data in files.items()}, folder_entries=True)
    write_file(raw / "mlsp13birdchallenge_documentation.pdf", b"%PDF-1.4 not shipped")
    recs.to_csv(raw / "recordings.csv", index=False)


def make_whale(raw: Path, rng: np.random.Generator) -> None:
    clips = [(day, int(second)) for day in WHALE_DAYS for second in sorted(rng.choice(900, 6, replace=False))]
    order = rng.permutation(len(clips))  # Kaggle's TRAIN numbers do not follow time
    names = [f"{day}_000000_{s:03d}s{s % 10}ms_TRAIN{order[i]}_{i % 2}.aif"
             for i, (day, s) in enumerate(clips)]
    write_zip(raw / "train2.zip", {f"train2/{name}": aiff_clip(rng) for name in names}, folder_entries=True)
    test = [f"20090401_000000_{s:03d}s0ms_Test{i}.aif" for i, s in enumerate((5, 17))]
    write_zip(raw / "test2.zip", {f"test2/{name}": aiff_clip(rng) for name in test}, folder_entries=True)
    pd.DataFrame({"clip": test, "probability": 0}).to_csv(raw / "sampleSubmission.csv", index=False)


BUILDERS: dict[str, Builder] = {
    CACTUS: make_cactus, APTOS: make_aptos, DENOISING: make_denoising, INSULTS: make_insults,
    DOG_BREED: make_dog_breed, DOGS_CATS: make_dogs_cats, HISTO: make_histo, JIGSAW: make_jigsaw,
    LEAF: make_leaf, MLSP: make_mlsp, TAXI: make_taxi, NOMAD: make_nomad, PLANT: make_plant,
    PIZZA: make_pizza, RANZCR: make_ranzcr, SIIM: make_siim, SPOOKY: make_spooky, DEC: make_dec,
    MAY: make_may, TEXT_NORM_EN: make_text_normalization("en"), TEXT_NORM_RU: make_text_normalization("ru"),
    WHALE: make_whale,
}


def write_raw_dir(root: Path, seed: int = 0) -> Path:
    """``<root>/<id>/`` for every lite competition, each from its own generator; returns root."""
    lite = read_id_list(catalog_root() / "splits" / "lite.txt")
    for index, competition_id in enumerate(lite):
        folder = root / competition_id
        folder.mkdir(parents=True)
        BUILDERS[competition_id](folder, np.random.default_rng([seed, index]))
    return root
