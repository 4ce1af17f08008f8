"""3d-object-detection-for-autonomous-vehicles: MLE-bench's 80/20 split of Kaggle's training
logs (every JSON table following its log, streamed) and its per-sample 3D mAP, on the
competition's own synthetic raw files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from competition_checks import Prepared, malformed, prepare_one, text
from sklearn.model_selection import train_test_split

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.grading.grader import Grader
from pytest_mlebench.grading.validate import InvalidSubmission

CID = "3d-object-detection-for-autonomous-vehicles"
PUBLIC = ["description.md", "sample_submission.csv", "test_data", "test_images", "test_lidar",
          "test_maps", "train.csv", "train_data", "train_images", "train_lidar", "train_maps"]
TABLES = ["attribute", "calibrated_sensor", "category", "ego_pose", "log", "map", "sample",
          "sample_data", "scene", "sensor", "visibility"]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare_one(tmp_path_factory, CID)


def table(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / f"{name}.json").read_text())


def log_split(raw: Path) -> tuple[list[str], list[str]]:
    tokens = [log["token"] for log in table(raw / "train_data", "log")]
    return train_test_split(tokens, test_size=0.2, random_state=0)


def test_the_split_is_mlebench_s(prepared: Prepared) -> None:
    raw, public = prepared.raw / "train_data", prepared.data.public
    train_logs, test_logs = log_split(prepared.raw)
    assert (len(train_logs), len(test_logs)) == (4, 2)
    samples = table(raw, "sample")
    rows = text(prepared.raw / "train.csv")
    for side, logs in (("train", train_logs), ("test", test_logs)):
        mine = [s for s in samples if s["scene_token"] in logs]
        assert table(public / f"{side}_data", "sample") == mine and len(mine) == 3 * len(logs)
        assert table(public / f"{side}_data", "log") == [
            log for log in table(raw, "log") if log["token"] in logs]
        assert table(public / f"{side}_data", "scene") == [
            s for s in table(raw, "scene") if s["log_token"] in logs]
        tokens = {s["token"] for s in mine}
        data = [d for d in table(raw, "sample_data") if d["sample_token"] in tokens]
        assert table(public / f"{side}_data", "sample_data") == data
        poses = {p["token"]: p for p in table(raw, "ego_pose")}
        assert table(public / f"{side}_data", "ego_pose") == [poses[d["ego_pose_token"]] for d in data]
        sensors = {c["token"]: c for c in table(raw, "calibrated_sensor")}
        assert table(public / f"{side}_data", "calibrated_sensor") == [
            sensors[t] for t in dict.fromkeys(d["calibrated_sensor_token"] for d in data)]
        # MLE-bench's two map lists share one dict: both name the test logs (known issue).
        assert table(public / f"{side}_data", "map")[0]["log_tokens"] == test_logs
        for kind, fmt in (("images", "jpeg"), ("lidar", "bin")):
            names = sorted(Path(d["filename"]).name for d in data if d["fileformat"] == fmt)
            assert sorted(p.name for p in (public / f"{side}_{kind}").iterdir()) == names
            assert all(os.path.samefile(public / f"{side}_{kind}" / n, prepared.raw / f"train_{kind}" / n)
                       for n in names)
        if side == "train":
            assert text(public / "train.csv").equals(rows[rows["Id"].isin(tokens)].reset_index(drop=True))
            annotations = [a for a in table(raw, "sample_annotation") if a["sample_token"] in tokens]
            assert table(public / "train_data", "sample_annotation") == annotations
            named = {a["instance_token"] for a in annotations}
            assert table(public / "train_data", "instance") == [
                i for i in table(raw, "instance") if i["token"] in named]
        else:
            test = rows[rows["Id"].isin(tokens)].reset_index(drop=True)
            assert text(prepared.sample_path).equals(test[["Id"]].assign(PredictionString=""))
            answers = prepared.answers
            assert answers["Id"].tolist() == test["Id"].tolist()
            for given, truth in zip(answers["PredictionString"], test["PredictionString"], strict=True):
                tokens_ = given.split(" ")
                assert tokens_[0::9] == ["1.0"] * (len(tokens_) // 9)
                assert " ".join(t for i, t in enumerate(tokens_) if i % 9) == truth
    assert sorted(p.name for p in public.iterdir()) == PUBLIC
    assert sorted(p.stem for p in (public / "train_data").iterdir()) == sorted(
        [*TABLES, "instance", "sample_annotation"])
    assert sorted(p.stem for p in (public / "test_data").iterdir()) == TABLES
    for name in ("attribute", "category", "sensor", "visibility"):
        assert (public / "test_data" / f"{name}.json").samefile(raw / f"{name}.json")


def test_tables_are_written_as_json_dump_writes_them(prepared: Prepared) -> None:
    """Compact, ", " between items, whatever the raw file's indentation."""
    written = (prepared.data.public / "test_data" / "ego_pose.json").read_text()
    assert written == json.dumps(json.loads(written))
    assert (prepared.raw / "train_data" / "ego_pose.json").read_text().startswith("[\n    {")


def test_json_tables_are_streamed_chunk_by_chunk(prepared: Prepared, monkeypatch: pytest.MonkeyPatch) -> None:
    module = prepared.competition.module("prepare")
    path = prepared.raw / "train_data" / "sample_annotation.json"
    monkeypatch.setattr(module, "CHUNK", 7)
    assert list(module.json_items(path)) == json.loads(path.read_text())
    empty = path.with_name("empty.json")
    try:
        empty.write_text(" [ \n ] ")
        assert list(module.json_items(empty)) == []
    finally:
        empty.unlink()


def test_the_variant_lists_the_train_logs_in_the_train_map(prepared: Prepared, tmp_path: Path) -> None:
    public, private = tmp_path / "public", tmp_path / "private"
    public.mkdir(), private.mkdir()
    variant = prepared.competition.with_variant("train-map-lists-train-logs")
    variant.prepare_into(prepared.raw, public, private)
    train_logs, test_logs = log_split(prepared.raw)
    assert table(public / "train_data", "map")[0]["log_tokens"] == train_logs
    assert table(public / "test_data", "map")[0]["log_tokens"] == test_logs


def test_the_sample_scores_0_and_the_answers_1(prepared: Prepared, tmp_path: Path) -> None:
    assert prepared.score(prepared.sample_path) == 0.0
    prepared.answers.iloc[::-1].to_csv(tmp_path / "perfect.csv", index=False)
    assert prepared.score(tmp_path / "perfect.csv") == 1.0


@pytest.mark.parametrize(("kind", "reason"), [
    ("no id column", "missing columns: 'Id'"),
    ("repeated id", "duplicated ids"),
    ("renamed column", "missing columns: 'PredictionString'"),
    ("extra column", "unexpected columns: 'extra'"),
    ("missing row", "wrong row count: expected 6 rows"),
    ("extra row", "wrong row count: expected 6 rows"),
])
def test_a_broken_submission_is_invalid_with_its_reason(prepared: Prepared, tmp_path: Path,
                                                       kind: str, reason: str) -> None:
    malformed(text(prepared.sample_path), kind, "Id", "PredictionString").to_csv(
        tmp_path / "broken.csv", index=False)
    with pytest.raises(InvalidSubmission, match=reason):
        prepared.score(tmp_path / "broken.csv")


def hand_grader(folder: Path, truth: dict[str, str]) -> Grader:
    """A grader over answers written by hand: Id -> boxes (with the answers' confidence 1.0)."""
    pd.DataFrame({"Id": list(truth), "PredictionString": list(truth.values())}).to_csv(
        folder / "answers.csv", index=False)
    return Competition.from_folder(catalog_root() / CID).grader(folder / "answers.csv")


def score(grader: Grader, folder: Path, predictions: dict[str, str]) -> float:
    pd.DataFrame({"Id": list(predictions), "PredictionString": list(predictions.values())}).to_csv(
        folder / "submission.csv", index=False)
    return grader.score(folder / "submission.csv")


CAR = "1.0 0 0 0 2 4 2 0 car"  # a 2 x 4 x 2 box at the origin: 4 along x, 2 along y
PEDESTRIAN = "1.0 10 10 0 1 1 2 0.5 pedestrian"


@pytest.mark.parametrize(("prediction", "expected"), [
    ("0.9 0 0 0 2 4 2 0 car", 1.0),
    # The same box turned half a turn is the same box.
    ("0.9 0 0 0 2 4 2 3.141592653589793 car", 1.0),
    # Moved 1 along x: 6 of 8 m2 shared, times 2 m of height: IoU 12 / 20 = 0.6, a hit at
    # 0.5 and 0.55 only (0.6 is not above 0.6).
    ("0.9 1 0 0 2 4 2 0 car", 0.2),
    # Lifted by 1 m: IoU 8 / 24 = 1/3, a miss everywhere.
    ("0.9 0 0 1 2 4 2 0 car", 0.0),
    # A more confident false positive first: precision 1/2 at recall 1.
    ("0.9 0 0 0 2 4 2 0 car 0.95 50 50 0 2 4 2 0 car", 0.5),
    # ... and after the hit, it costs nothing.
    ("0.9 0 0 0 2 4 2 0 car 0.5 50 50 0 2 4 2 0 car", 1.0),
    # A second box on the taken one is a false positive, after the hit here.
    ("0.9 0 0 0 2 4 2 0 car 0.8 0 0 0 2 4 2 0 car", 1.0),
    # Boxes of a class (or a name) the sample lacks are not looked at (known issue).
    ("0.9 0 0 0 2 4 2 0 car 0.99 0 0 0 2 4 2 0 truck 0.99 1 1 1 1 1 1 1 spaceship", 1.0),
    ("", 0.0),
    ("nan", 0.0),
])
def test_one_car_by_hand(tmp_path: Path, prediction: str, expected: float) -> None:
    grader = hand_grader(tmp_path, {"s1": CAR})
    assert score(grader, tmp_path, {"s1": prediction}) == pytest.approx(expected, abs=1e-12)


def test_classes_and_samples_are_averaged(tmp_path: Path) -> None:
    """Per sample, the mean over its classes; then the mean over samples (and thresholds)."""
    grader = hand_grader(tmp_path, {"s1": f"{CAR} {PEDESTRIAN}", "s2": CAR})
    # s1: car found, pedestrian not: 1/2; s2: a miss: 0.
    assert score(grader, tmp_path, {"s1": CAR, "s2": ""}) == pytest.approx(0.25)
    assert score(grader, tmp_path, {"s1": f"{CAR} {PEDESTRIAN}", "s2": CAR}) == 1.0


def test_a_taken_box_is_not_matched_again(tmp_path: Path) -> None:
    """The second prediction's best box is taken: it is a false positive, though its IoU with
    the other true box (shifted 0.4: 14.4 / 17.6) is above most thresholds (Lyft's
    evaluation tries no second-best box)."""
    grader = hand_grader(tmp_path, {"s1": f"{CAR} 1.0 0.5 0 0 2 4 2 0 car"})
    # Recall 1/2 at precision 1, then still 1/2: AP = 1/2 at every threshold.
    predictions = "0.9 0 0 0 2 4 2 0 car 0.8 0.1 0 0 2 4 2 0 car"
    assert score(grader, tmp_path, {"s1": predictions}) == pytest.approx(0.5)


@pytest.mark.parametrize(("prediction", "reason"), [
    ("0.9 0 0 0 2 4 2 car", "has 8 space-separated tokens, not a multiple of 9"),
    ("0.9 0 0 0 2 4 2 0 car ", "has 10 space-separated tokens"),
    ("0 0 0 2 4 2 0 car 0.9", "box 1 has yaw 'car', not a number"),
    ("0.9 0 zero 0 2 4 2 0 car", "box 1 has center_y 'zero', not a number"),
    ("nan 0 0 0 2 4 2 0 car", "box 1 has a NaN confidence"),
    ("0.9 0 0 0 2 4 2 0 car 0.9 0 inf 0 2 4 2 0 car", "box 2 has a non-finite center_y"),
    ("0.9 0 0 0 0 4 2 0 truck", "box 1 has width 0.0, not positive"),
])
def test_a_malformed_prediction_string_is_refused(tmp_path: Path, prediction: str, reason: str) -> None:
    grader = hand_grader(tmp_path, {"s1": CAR, "s2": CAR})
    with pytest.raises(InvalidSubmission, match=f"row Id 's2': .*({reason})"):
        score(grader, tmp_path, {"s1": "", "s2": prediction})
