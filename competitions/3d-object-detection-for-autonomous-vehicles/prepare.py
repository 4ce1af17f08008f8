"""Lyft 3D Object Detection: MLE-bench's split of Kaggle's training logs, 80% train, 20% test.

MLE-bench splits the log tokens of train_data/log.json with ``train_test_split(test_size=0.2,
random_state=0)`` and lets every table follow: a sample goes with the log its ``scene_token``
names (Lyft's scene tokens are their log tokens), a scene with its ``log_token``, a
sample_data, annotation and train.csv row with their sample, an ego pose and a calibrated
sensor with the sample_data that use them (in their order; a calibrated sensor once per side,
an ego pose once per sample_data), an instance with the annotations that name it (train
first). The test side gets no sample_annotation.json or instance.json; attribute, category,
sensor and visibility tables and the map raster are the same on both sides. The answers are
the test samples' train.csv rows with a confidence of 1.0 before each box, in the file's
order; the sample submission has their ids and empty predictions.

Each JSON table is written as ``json.dump`` writes a list. The large tables (sample_data,
ego_pose, sample_annotation and instance: hundreds of MB in Kaggle's download) are read an
item at a time and written as they are read; only tokens are kept, and the ego poses (whose
order on each side is that of the sample_data) as their JSON text. Images and lidar sweeps are
hard-linked (copied only across filesystems), as are the unchanged tables and the map.

MLE-bench writes the test logs into both sides' map.json (see known_issues); variant
``train-map-lists-train-logs`` writes the train logs into the train side's.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pandas as pd
from sklearn.model_selection import train_test_split

from pytest_mlebench.data.prepare.files import link_or_copy, partial_path, progress, write_csv
from pytest_mlebench.data.prepare.images import RawImages
from pytest_mlebench.data.store import ANSWERS

TRAIN, TEST = "train", "test"
#: Copied unchanged to both sides.
SHARED_TABLES = ("attribute.json", "category.json", "sensor.json", "visibility.json")
MAP_RASTER = "map_raster_palo_alto.png"
BOXES_FIELDS = 8
TRAIN_MAP_VARIANT = "train-map-lists-train-logs"
#: Characters of a JSON file read at a time.
CHUNK = 1 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class _JsonReader:
    """A JSON text read a chunk at a time, decoded one value at a time."""

    def __init__(self, file: IO[str], advance: Callable[[], None]) -> None:
        self.file, self.advance = file, advance
        self.buffer, self.pos = "", 0
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        """Append the next chunk (False at the end of the file), dropping what was consumed."""
        chunk = self.file.read(CHUNK)
        if not chunk:
            return False
        self.buffer, self.pos = self.buffer[self.pos:] + chunk, 0
        self.advance()
        return True

    def peek(self) -> str:
        """The next character that is not whitespace, or "" at the end of the file."""
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def value(self) -> Any:
        """The value starting at the current position (read further while it may be cut)."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            if end == len(self.buffer) and self._fill():
                continue
            self.pos = end
            return value


def json_items(path: Path) -> Iterator[Any]:
    """The items of a file holding a JSON array, one at a time, with a progress bar."""
    chunks = max(1, math.ceil(path.stat().st_size / CHUNK))
    with open(path, encoding="utf-8") as file, progress(f"reading {path.name}", chunks) as advance:
        reader = _JsonReader(file, advance)
        if reader.peek() != "[":
            raise ValueError(f"{path} does not hold a JSON array")
        reader.pos += 1
        if reader.peek() == "]":
            return
        while True:
            yield reader.value()
            following = reader.peek()
            if following == "]":
                return
            if following != ",":
                raise ValueError(f"{path}: expected ',' or ']' between items, found {following!r}")
            reader.pos += 1
            reader.peek()


@contextmanager
def json_array(path: Path) -> Iterator[Callable[[str], None]]:
    """Write ``path`` as ``json.dump`` writes a list, from items' JSON texts given one at a
    time (``add(json.dumps(item))``); the file takes its name complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = partial_path(path)
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write("[")
            count = [0]

            def add(text: str) -> None:
                out.write(", " + text if count[0] else text)
                count[0] += 1

            yield add
            out.write("]")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path, items: Iterable[Any]) -> None:
    with json_array(path) as add:
        for item in items:
            add(json.dumps(item))


def side_of(token: str, train: set[str], test: set[str], what: str) -> str:
    if token in train:
        return TRAIN
    if token in test:
        return TEST
    raise ValueError(f"{what} {token} belongs to neither the train nor the test split")


def with_confidence(boxes: str) -> str:
    """A train.csv PredictionString with a confidence of 1.0 before each box's 8 values."""
    tokens = boxes.split(" ")
    if not boxes or len(tokens) % BOXES_FIELDS:
        raise ValueError(f"a test sample's PredictionString has {len(tokens)} tokens, "
                         f"not a positive multiple of {BOXES_FIELDS}: {boxes[:80]!r}")
    return " ".join(token for i in range(0, len(tokens), BOXES_FIELDS)
                    for token in ["1.0", *tokens[i:i + BOXES_FIELDS]])


def split_rows(raw: Path, public: Path, private: Path, samples: dict[str, list[dict[str, Any]]]
               ) -> None:
    """train.csv's rows of the train samples, the test samples' as answers and sample."""
    rows = pd.read_csv(raw / "train.csv", dtype=str, keep_default_na=False)
    ids = {side: {sample["token"] for sample in samples[side]} for side in (TRAIN, TEST)}
    train, test = (rows[rows["Id"].isin(ids[side])] for side in (TRAIN, TEST))
    if len(train) + len(test) != len(rows) or [len(train), len(test)] != [len(ids[TRAIN]), len(ids[TEST])]:
        raise ValueError(f"train.csv's {len(rows)} rows must be the samples of sample.json, one each")
    write_csv(train, public / "train.csv")
    write_csv(test.assign(PredictionString=test["PredictionString"].map(with_confidence)),
              private / ANSWERS)
    write_csv(test[["Id"]].assign(PredictionString=""), public / "sample_submission.csv")


#: Each side's sample_data, in order, as the (calibrated sensor, ego pose) tokens they use.
Used = dict[str, list[tuple[str, str]]]


def split_sample_data(source: Path, public: Path, sample_side: dict[str, str]
                      ) -> tuple[Used, list[tuple[str, str, str]]]:
    """Route sample_data.json by sample; return each side's (calibrated sensor, ego pose)
    tokens in order and every file's (side, fileformat, filename), in order."""
    used: Used = {TRAIN: [], TEST: []}
    files = []
    with json_array(public / "train_data" / "sample_data.json") as train, \
            json_array(public / "test_data" / "sample_data.json") as test:
        writers = {TRAIN: train, TEST: test}
        for datum in json_items(source):
            side = sample_side.get(datum["sample_token"])
            if side is None:
                raise ValueError(f"sample_data {datum['token']} is of sample {datum['sample_token']}, "
                                 "which belongs to neither split")
            writers[side](json.dumps(datum))
            used[side].append((datum["calibrated_sensor_token"], datum["ego_pose_token"]))
            files.append((side, datum["fileformat"], datum["filename"]))
    return used, files


def split_calibrated_sensors(source: Path, public: Path, used: Used) -> None:
    sensors = {cal["token"]: cal for cal in json_items(source)}
    chosen = {side: list(dict.fromkeys(cal for cal, _ in used[side])) for side in used}
    if len(set(chosen[TRAIN]) | set(chosen[TEST])) != len(sensors):
        raise ValueError("some calibrated sensors are used by no sample_data")
    for side, tokens in chosen.items():
        write_json(public / f"{side}_data" / "calibrated_sensor.json", (sensors[t] for t in tokens))


def split_ego_poses(source: Path, public: Path, used: Used) -> None:
    """Each side's ego poses in its sample_data's order, one per sample_data; the poses are
    kept as JSON text while they are read, their order in the file being another."""
    poses, count = {}, 0
    for pose in json_items(source):
        poses[pose["token"]] = json.dumps(pose)
        count += 1
    if len({pose for side in used for _, pose in used[side]}) != count:
        raise ValueError("the sample_data must use every ego pose")
    for side in used:
        with json_array(public / f"{side}_data" / "ego_pose.json") as add:
            for _, pose in used[side]:
                add(poses[pose])


def split_annotations(data: Path, public: Path, sample_side: dict[str, str]) -> None:
    """The train samples' annotations, and the instances they name (the test side gets none)."""
    instances: dict[str, set[str]] = {TRAIN: set(), TEST: set()}
    with json_array(public / "train_data" / "sample_annotation.json") as add:
        for annotation in json_items(data / "sample_annotation.json"):
            side = sample_side.get(annotation["sample_token"])
            if side is None:
                raise ValueError(f"sample_annotation {annotation['token']} is of a sample of neither split")
            if side == TRAIN:
                add(json.dumps(annotation))
            instances[side].add(annotation["instance_token"])
    with json_array(public / "train_data" / "instance.json") as add:
        for instance in json_items(data / "instance.json"):
            if side_of(instance["token"], *instances.values(), "instance") == TRAIN:
                add(json.dumps(instance))


def place_files(raw: Path, public: Path, files: list[tuple[str, str, str]]) -> None:
    """Each sample_data's image or lidar sweep into its side's folder, by its file name."""
    kinds = {"jpeg": "images", "bin": "lidar"}
    destinations: dict[str, dict[str, Path]] = {"images": {}, "lidar": {}}
    placed = set()
    for side, fileformat, filename in files:
        name = PurePosixPath(filename).name
        if fileformat not in kinds or not name.endswith(fileformat):
            raise ValueError(f"sample_data file {filename!r} of format {fileformat!r}: expected "
                             ".jpeg images and .bin lidar sweeps")
        dest = public / f"{side}_{kinds[fileformat]}" / name
        destinations[kinds[fileformat]].setdefault(name, dest)
        placed.add(dest)
    if len(placed) != len({filename for _, _, filename in files}):
        raise ValueError("sample_data files must have different names")
    for side in (TRAIN, TEST):
        for kind in kinds.values():
            (public / f"{side}_{kind}").mkdir(parents=True, exist_ok=True)
    for kind, wanted in destinations.items():
        with RawImages(raw, f"train_{kind}") as source:
            source.place(wanted, f"linking {kind}")


def link_once(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists():
        link_or_copy(source, dest)


def prepare(raw: Path, public: Path, private: Path, variant: str | None = None) -> None:
    data = raw / "train_data"
    logs = list(json_items(data / "log.json"))
    log_ids = [log["token"] for log in logs]
    if len(set(log_ids)) != len(log_ids):
        raise ValueError("log.json repeats a log token")
    train_logs, test_logs = train_test_split(log_ids, test_size=0.2, random_state=0)
    split_logs = {TRAIN: train_logs, TEST: test_logs}
    log_side = {token: side for side, tokens in split_logs.items() for token in tokens}
    for side in split_logs:
        write_json(public / f"{side}_data" / "log.json",
                   (log for log in logs if log_side[log["token"]] == side))

    samples: dict[str, list[dict[str, Any]]] = {TRAIN: [], TEST: []}
    for sample in json_items(data / "sample.json"):
        if sample["scene_token"] not in log_side:
            raise ValueError(f"sample {sample['token']}'s scene_token is no log's token")
        samples[log_side[sample["scene_token"]]].append(sample)
    for side, chosen in samples.items():
        write_json(public / f"{side}_data" / "sample.json", chosen)
    split_rows(raw, public, private, samples)
    sample_side = {sample["token"]: side for side, chosen in samples.items() for sample in chosen}
    del samples

    used, files = split_sample_data(data / "sample_data.json", public, sample_side)
    split_calibrated_sensors(data / "calibrated_sensor.json", public, used)
    split_ego_poses(data / "ego_pose.json", public, used)
    del used

    maps = list(json_items(data / "map.json"))
    if len(maps) != 1:
        raise ValueError(f"map.json must list one map, not {len(maps)}")
    # MLE-bench's two lists share the map's dict: the test logs, set last, are in both.
    map_logs = {TRAIN: train_logs if variant == TRAIN_MAP_VARIANT else test_logs, TEST: test_logs}
    scenes = list(json_items(data / "scene.json"))
    scene_side = {scene["token"]: side_of(scene["log_token"], set(train_logs), set(test_logs), "scene log")
                  for scene in scenes}
    for side in split_logs:
        write_json(public / f"{side}_data" / "map.json", [dict(maps[0], log_tokens=map_logs[side])])
        write_json(public / f"{side}_data" / "scene.json",
                   (scene for scene in scenes if scene_side[scene["token"]] == side))
        for name in SHARED_TABLES:
            link_once(data / name, public / f"{side}_data" / name)
        link_once(raw / "train_maps" / MAP_RASTER, public / f"{side}_maps" / MAP_RASTER)

    split_annotations(data, public, sample_side)
    place_files(raw, public, files)
