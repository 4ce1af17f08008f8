"""Lyft 3D Object Detection: Kaggle's download shaped small. train.csv (Id, a sample token;
PredictionString, "center_x center_y center_z width length height yaw class_name" per box),
sample_submission.csv (the test samples' Id, an empty PredictionString), train_data/ and
test_data/ (the nuScenes-style JSON tables, pretty-printed; test_data/ lacks instance.json and
sample_annotation.json), train_images/ and test_images/ (camera .jpeg files), train_lidar/ and
test_lidar/ (.bin sweeps of float32 points) and train_maps/, test_maps/ (the Palo Alto map
raster). Tokens are 64 hex digits; as in Lyft's tables, a scene's token is its log's token.
Kaggle's 180 training logs of about 126 samples each, 7 cameras and up to 3 lidars are 6 logs
of 3 samples here, with 2 cameras and 1 lidar, 8 x 8 images and 4 points a sweep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, image_bytes, photo, write_file

TRAIN_LOGS, TEST_LOGS, SAMPLES_PER_SCENE = 6, 2, 3
CLASSES = ("car", "pedestrian", "animal", "other_vehicle", "bus", "motorcycle", "truck",
           "emergency_vehicle", "bicycle")
CLASS_WEIGHTS = (0.5, 0.15, 0.02, 0.1, 0.05, 0.03, 0.08, 0.02, 0.05)
SENSORS = (("CAM_FRONT", "camera"), ("CAM_BACK", "camera"), ("LIDAR_TOP", "lidar"))
ATTRIBUTES = ("object_action_driving_straight_forward", "object_action_parked",
              "object_action_walking", "object_action_standing")
MAP = "map_raster_palo_alto.png"


def token(rng: np.random.Generator) -> str:
    return hex_ids(rng, 1, 64)[0]


def chain(records: list[dict[str, Any]]) -> None:
    """Link records in order by their "prev" and "next" tokens, as Lyft's tables do."""
    for i, record in enumerate(records):
        record["prev"] = records[i - 1]["token"] if i else ""
        record["next"] = records[i + 1]["token"] if i + 1 < len(records) else ""


def quaternion(yaw: float) -> list[float]:
    return [float(np.cos(yaw / 2)), 0.0, 0.0, float(np.sin(yaw / 2))]


class Tables:
    """One side's tables (train or test), filled log by log."""

    def __init__(self, rng: np.random.Generator, categories: list[dict[str, Any]]) -> None:
        self.rng = rng
        self.categories = categories
        self.sensors = [{"modality": modality, "channel": channel, "token": token(rng)}
                        for channel, modality in SENSORS]
        names = ("log", "scene", "sample", "sample_data", "ego_pose", "calibrated_sensor",
                 "instance", "sample_annotation")
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        self.files: dict[str, bytes] = {}
        self.rows: list[tuple[str, str]] = []

    def add_log(self, number: int) -> None:
        rng, t = self.rng, self.tables
        log_token, vehicle = token(rng), f"a{100 + number:03d}"
        t["log"].append({"date_captured": "2019-05-24", "location": "Palo Alto", "token": log_token,
                         "vehicle": vehicle, "logfile": ""})
        calibrated = [{"sensor_token": s["token"], "rotation": quaternion(float(rng.uniform(-3, 3))),
                       "camera_intrinsic": [[880.0, 0.0, 612.0], [0.0, 880.0, 512.0], [0.0, 0.0, 1.0]]
                       if s["modality"] == "camera" else [],
                       "translation": [float(v) for v in rng.normal(0, 1, 3)], "token": token(rng)}
                      for s in self.sensors]
        t["calibrated_sensor"].extend(calibrated)
        start = 1241893239199111666 + number * 10**12
        samples = [{"token": token(rng), "timestamp": (start + k * 2 * 10**8) / 1000.0,
                    "scene_token": log_token} for k in range(SAMPLES_PER_SCENE)]
        chain(samples)
        t["sample"].extend(samples)
        t["scene"].append({"description": "", "token": log_token,
                           "name": f"host-{vehicle}-lidar0-{start}-{start + 25 * 10**9}",
                           "first_sample_token": samples[0]["token"], "nbr_samples": len(samples),
                           "last_sample_token": samples[-1]["token"], "log_token": log_token})
        ego = rng.uniform(500, 3000, 2)
        for index, ((_, modality), cal) in enumerate(zip(SENSORS, calibrated, strict=True)):
            data = []
            for k, sample in enumerate(samples):
                stamp = start + k * 2 * 10**8 + int(rng.integers(0, 10**6))
                pose = {"rotation": quaternion(float(rng.uniform(-3, 3))),
                        "translation": [float(ego[0] + k), float(ego[1]), float(rng.normal(-18, 1))],
                        "token": token(rng), "timestamp": stamp / 1000.0}
                t["ego_pose"].append(pose)
                camera = modality == "camera"
                name = f"host-{vehicle}_{'cam' if camera else 'lidar'}{index}_{stamp}"
                filename = f"images/{name}.jpeg" if camera else f"lidar/{name}.bin"
                self.files[filename] = photo(rng, shape=(8, 8)) if camera else \
                    rng.normal(0, 10, (4, 5)).astype(np.float32).tobytes()
                data.append({"width": 1224 if camera else None, "height": 1024 if camera else None,
                             "calibrated_sensor_token": cal["token"], "token": token(rng),
                             "sample_token": sample["token"], "is_key_frame": True,
                             "fileformat": "jpeg" if camera else "bin", "timestamp": stamp / 1000.0,
                             "ego_pose_token": pose["token"], "filename": filename})
            chain(data)
            t["sample_data"].extend(data)
        self.add_objects(samples, ego)

    def add_objects(self, samples: list[dict[str, Any]], ego: np.ndarray) -> None:
        """A few tracked objects through the scene; two of them side by side at times."""
        rng, t = self.rng, self.tables
        boxes: dict[str, list[str]] = {s["token"]: [] for s in samples}
        for _ in range(int(rng.integers(2, 5))):
            category = self.categories[int(rng.choice(len(CLASSES), p=CLASS_WEIGHTS))]
            size = [round(float(v), 3) for v in rng.uniform([0.5, 0.5, 1.0], [2.5, 6.0, 3.0])]
            start, yaw = ego + rng.uniform(-20, 20, 2), float(rng.uniform(-np.pi, np.pi))
            annotations = []
            for k, sample in enumerate(samples):
                center = [float(start[0] + k * 0.7), float(start[1] + rng.normal(0, 0.2)),
                          float(rng.normal(-18, 0.5))]
                annotations.append({"token": token(rng), "num_lidar_pts": int(rng.integers(1, 200)),
                                    "size": size, "sample_token": sample["token"],
                                    "rotation": quaternion(yaw), "translation": center,
                                    "num_radar_pts": 0, "attribute_tokens": [],
                                    "visibility_token": str(int(rng.integers(1, 5)))})
                values = [*center, *size, yaw, category["name"]]
                boxes[sample["token"]].append(" ".join(str(v) for v in values))
            chain(annotations)
            instance = {"token": token(rng), "nbr_annotations": len(annotations),
                        "category_token": category["token"],
                        "first_annotation_token": annotations[0]["token"],
                        "last_annotation_token": annotations[-1]["token"]}
            for annotation in annotations:
                annotation["instance_token"] = instance["token"]
            t["instance"].append(instance)
            t["sample_annotation"].extend(annotations)
        self.rows.extend((sample, " ".join(b)) for sample, b in boxes.items())

    def write(self, raw: Path, side: str, shared: dict[str, list[dict[str, Any]]]) -> None:
        tables = {**self.tables, **shared, "sensor": self.sensors,
                  "map": [{"log_tokens": [log["token"] for log in self.tables["log"]],
                           "category": "semantic_prior", "filename": f"maps/{MAP}",
                           "token": token(self.rng)}]}
        # Lyft's poses are not stored in the order the sample_data use them.
        tables["ego_pose"] = [tables["ego_pose"][i] for i in self.rng.permutation(len(tables["ego_pose"]))]
        if side == "test":
            del tables["instance"], tables["sample_annotation"]
        for name, records in tables.items():
            write_file(raw / f"{side}_data" / f"{name}.json", json.dumps(records, indent=4))
        for filename, data in self.files.items():
            folder = "images" if filename.startswith("images/") else "lidar"
            write_file(raw / f"{side}_{folder}" / Path(filename).name, data)
        write_file(raw / f"{side}_maps" / MAP, image_bytes(np.full((8, 8, 3), 200, np.uint8), "PNG"))


def build(raw: Path, rng: np.random.Generator) -> None:
    categories = [{"description": "", "token": token(rng), "name": name} for name in CLASSES]
    shared = {"category": categories,
              "attribute": [{"description": "", "token": token(rng), "name": name} for name in ATTRIBUTES],
              "visibility": [{"level": level, "description": "visibility of the object", "token": str(k)}
                             for k, level in enumerate(("v0-40", "v40-60", "v60-80", "v80-100"), 1)]}
    for side, logs in (("train", TRAIN_LOGS), ("test", TEST_LOGS)):
        tables = Tables(rng, categories)
        for number in range(logs):
            tables.add_log(number + (0 if side == "train" else TRAIN_LOGS))
        tables.write(raw, side, shared)
        rows = pd.DataFrame(tables.rows, columns=["Id", "PredictionString"])
        if side == "train":
            write_file(raw / "train.csv", csv_bytes(rows))
        else:
            write_file(raw / "sample_submission.csv", csv_bytes(rows.assign(PredictionString="")))
