"""The baseline agent on small competitions in each layout it must infer.

Each test writes a public data folder, keeps the held-out answers to itself,
starts the agent through its start.sh as a runner does, and checks the
submission against the sample's format and against a constant prediction.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from sklearn.datasets import (
    load_digits,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    log_loss,
    roc_auc_score,
    root_mean_squared_error,
)

from pytest_mlebench.data.synthetic import aiff_bytes, image_bytes, wav_bytes, write_file, write_zip
from pytest_mlebench.runners.endpoint import ValidationServer

AGENT_DIR = Path(__file__).resolve().parents[1] / "pytest_mlebench" / "agents" / "baseline"


@dataclass(frozen=True)
class Run:
    """What a run left behind, read the way a grader reads it (every value a string)."""

    submission: pd.DataFrame
    log: str
    returncode: int


def run_agent(data: Path, tmp_path: Path, time_limit: float = 600, stop_after: float = 120,
              validation_url: str | None = None) -> Run:
    """Start the agent like a runner; stop it after stop_after seconds like a runner at its limit.
    Without ``validation_url`` it has no validation endpoint to ask."""
    folders = {name: tmp_path / name for name in ("submission", "logs", "code")}
    for folder in folders.values():
        folder.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "VALIDATION_URL"}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "AGENT_DIR": str(AGENT_DIR),
        "DATA_DIR": str(data),
        "SUBMISSION_DIR": str(folders["submission"]),
        "LOGS_DIR": str(folders["logs"]),
        "CODE_DIR": str(folders["code"]),
        "COMPETITION_ID": data.name,
        "TIME_LIMIT_SECS": str(time_limit),
    } | ({"VALIDATION_URL": validation_url} if validation_url else {})
    process = subprocess.Popen(
        ["bash", str(AGENT_DIR / "start.sh")],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=stop_after)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)
    assert (folders["code"] / "baseline.py").is_file(), "the run must keep its code"
    submission = pd.read_csv(folders["submission"] / "submission.csv", dtype=str, keep_default_na=False)
    sample = pd.read_csv(data / "sample_submission.csv", dtype=str, keep_default_na=False)
    assert list(submission.columns) == list(sample.columns)
    assert submission[sample.columns[0]].tolist() == sample[sample.columns[0]].tolist()
    return Run(submission, (folders["logs"] / "baseline.log").read_text(), process.returncode)


def probabilities(run: Run, columns: list[str]) -> np.ndarray:
    """The submission's probability columns, checked to be numbers in [0, 1]."""
    values = run.submission[columns].astype(float).to_numpy()
    assert np.isfinite(values).all()
    assert ((values >= 0) & (values <= 1)).all()
    return values


def write_tabular(
    data: Path, frame: pd.DataFrame, targets: list[str], n_train: int, sample_value: str, description: str
) -> pd.DataFrame:
    """train.csv (first n_train rows), test.csv without targets, a constant sample; returns the answers."""
    data.mkdir()
    train, test = frame.iloc[:n_train], frame.iloc[n_train:]
    train.to_csv(data / "train.csv", index=False)
    test.drop(columns=targets).to_csv(data / "test.csv", index=False)
    sample = pd.DataFrame({"id": test["id"]} | {target: sample_value for target in targets})
    sample.to_csv(data / "sample_submission.csv", index=False)
    (data / "description.md").write_text(description)
    return test


def numbered_features(x: np.ndarray) -> dict[str, np.ndarray]:
    """Feature columns f0, f1, ... as a dict, to merge with id and target columns."""
    return {f"f{i}": x[:, i] for i in range(x.shape[1])}


def test_binary_probabilities_rank_positives_first(tmp_path: Path) -> None:
    x, y = make_classification(n_samples=1000, n_features=8, n_informative=4, random_state=0)
    rng = np.random.default_rng(0)
    x[rng.random(x.shape) < 0.1] = np.nan
    colour = np.where(rng.random(len(y)) < 0.7, np.where(y == 1, "red", "blue"), "green")
    frame = pd.DataFrame({"id": np.arange(len(y))} | numbered_features(x) | {"colour": colour, "target": y})
    answers = write_tabular(
        tmp_path / "binary", frame, ["target"], 700, "0.5", "Submissions are scored on ROC AUC."
    )

    run = run_agent(tmp_path / "binary", tmp_path)

    assert run.returncode == 0, run.log
    assert roc_auc_score(answers["target"], probabilities(run, ["target"])[:, 0]) > 0.8


def test_multiclass_probabilities_beat_the_prior(tmp_path: Path) -> None:
    names = np.array(["setosa", "versicolor", "virginica"])
    x, y = make_classification(
        n_samples=900, n_features=6, n_informative=4, n_classes=3, weights=[0.5, 0.3, 0.2], random_state=1
    )
    frame = pd.DataFrame({"id": np.arange(len(y))} | numbered_features(x) | {"species": names[y]})
    data = tmp_path / "multiclass"
    answers = write_tabular(data, frame, ["species"], 600, "", "Scored by multi-class log loss.")
    columns = ["virginica", "setosa", "versicolor"]  # the sample's order, not the sorted one
    sample = pd.DataFrame({"id": answers["id"]} | {name: 1 / 3 for name in columns})
    sample.to_csv(data / "sample_submission.csv", index=False)

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    predicted = probabilities(run, columns)
    np.testing.assert_allclose(predicted.sum(axis=1), 1, atol=1e-9)
    ordered = sorted(columns)  # log_loss reads probability columns in sorted label order
    prior = frame["species"][:600].value_counts(normalize=True)[ordered].to_numpy()
    constant = log_loss(answers["species"], np.tile(prior, (len(answers), 1)), labels=ordered)
    model = log_loss(answers["species"], run.submission[ordered].astype(float), labels=ordered)
    assert model < 0.8 * constant


def test_multilabel_gets_one_probability_per_label(tmp_path: Path) -> None:
    labels = ["toxic", "obscene", "insult"]
    x, y = make_multilabel_classification(
        n_samples=900, n_features=10, n_classes=3, n_labels=1, random_state=2
    )
    frame = pd.DataFrame(
        {"id": np.arange(len(y))} | numbered_features(x) | dict(zip(labels, y.T, strict=True))
    )
    answers = write_tabular(tmp_path / "multilabel", frame, labels, 600, "0.5", "Mean column-wise ROC AUC.")

    run = run_agent(tmp_path / "multilabel", tmp_path)

    assert run.returncode == 0, run.log
    predicted = probabilities(run, labels)
    auc = [roc_auc_score(answers[label], predicted[:, i]) for i, label in enumerate(labels)]
    assert np.mean(auc) > 0.7, auc


def test_regression_beats_the_mean(tmp_path: Path) -> None:
    x, y = make_regression(n_samples=5600, n_features=6, n_informative=4, noise=10.0, random_state=3)
    frame = pd.DataFrame({"id": np.arange(len(y))} | numbered_features(x) | {"price": y})
    # Enough train rows for a pilot fit first: the submission comes from the grown refit.
    answers = write_tabular(tmp_path / "regression", frame, ["price"], 5000, "0", "Scored by RMSE.")

    run = run_agent(tmp_path / "regression", tmp_path)

    assert run.returncode == 0, run.log
    assert "fitted on 5000 of 5000 train rows" in run.log
    predicted = run.submission["price"].astype(float)
    constant = np.full(len(answers), frame["price"][:5000].mean())
    rmse = root_mean_squared_error(answers["price"], predicted)
    assert rmse < 0.5 * root_mean_squared_error(answers["price"], constant)


def test_image_folders_of_digits(tmp_path: Path) -> None:
    digits = load_digits()
    data = tmp_path / "digits"
    for folder in ("train", "test"):
        (data / folder).mkdir(parents=True)
    n_train = 1200
    ids = [f"img_{i:04d}" for i in range(len(digits.target))]
    for i, (image, name) in enumerate(zip(digits.images, ids, strict=True)):
        pixels = (image * (255 / 16)).astype(np.uint8)
        Image.fromarray(pixels, mode="L").save(data / ("train" if i < n_train else "test") / f"{name}.png")
    # train.csv names files with their extension, the sample by bare id: the agent matches stems.
    pd.DataFrame({"id": [f"{name}.png" for name in ids[:n_train]], "label": digits.target[:n_train]}).to_csv(
        data / "train.csv", index=False
    )
    pd.DataFrame({"id": ids[n_train:], "label": 0}).to_csv(data / "sample_submission.csv", index=False)
    (data / "description.md").write_text("Classify handwritten digits. Scored by accuracy.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    predicted = run.submission["label"]
    assert set(predicted) <= {str(digit) for digit in range(10)}
    truth = digits.target[n_train:].astype(str)
    majority = np.bincount(digits.target[:n_train]).argmax()
    assert accuracy_score(truth, predicted) > accuracy_score(truth, np.full(len(truth), str(majority))) + 0.5


def messages(spam: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Messages drawn from two vocabularies (plus shared and crossover words): learnable, not trivial."""
    vocabulary = {
        True: "winner prize claim free offer cash bonus urgent click deal".split(),
        False: "meeting lunch project report weekend family notes call review plan".split(),
    }
    shared = "the a and to of today please you we this it".split()
    drawn = []
    for is_spam in spam:
        pools = [shared, vocabulary[bool(is_spam)], vocabulary[not is_spam]]
        picks = rng.choice(3, size=20, p=[0.4, 0.45, 0.15])
        drawn.append(" ".join(rng.choice(pools[pick]) for pick in picks))
    return drawn


def test_text_classification_with_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    spam = rng.random(600) < 0.4
    label = np.where(spam, "spam", "ham")
    frame = pd.DataFrame(
        {
            "id": np.arange(len(label)),
            "message": messages(spam, rng),
            "n_links": rng.poisson(np.where(spam, 2.0, 1.0)),
            "channel": rng.choice(["email", "sms", "web"], size=len(label)),
            "label": label,
        }
    )
    answers = write_tabular(tmp_path / "text", frame, ["label"], 450, "ham", "Scored by accuracy.")

    run = run_agent(tmp_path / "text", tmp_path)

    assert run.returncode == 0, run.log
    assert set(run.submission["label"]) <= {"spam", "ham"}
    majority = accuracy_score(answers["label"], np.full(len(answers), "ham"))
    assert accuracy_score(answers["label"], run.submission["label"]) > majority + 0.2


def test_json_records_with_text_and_tag_lists(tmp_path: Path) -> None:
    """Random-acts-of-pizza's layout: train.json and test.json, a boolean target, list fields."""
    rng = np.random.default_rng(8)
    spam = rng.random(500) < 0.5
    records = [
        {
            "request_id": f"t3_{i:04x}",
            "request_text": text,
            "tags": list(rng.choice(["food", "help", "student", "pizza"], size=2)),
            "received": bool(is_spam),
        }
        for i, (text, is_spam) in enumerate(zip(messages(spam, rng), spam, strict=True))
    ]
    data = tmp_path / "json"
    data.mkdir()
    (data / "train.json").write_text(json.dumps(records[:350]))
    (data / "test.json").write_text(
        json.dumps([{k: v for k, v in r.items() if k != "received"} for r in records[350:]])
    )
    sample = pd.DataFrame({"request_id": [r["request_id"] for r in records[350:]], "received": 0})
    sample.to_csv(data / "sample_submission.csv", index=False)
    (data / "description.md").write_text("Submissions are evaluated on area under the ROC curve.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    assert roc_auc_score(spam[350:], probabilities(run, ["received"])[:, 0]) > 0.8


def test_ids_with_leading_zeros_and_integer_labels_kept_as_written(tmp_path: Path) -> None:
    x, y = make_classification(n_samples=500, n_features=5, n_informative=3, random_state=5)
    ids = [f"{i:05d}" for i in range(len(y))]
    frame = pd.DataFrame({"id": ids} | numbered_features(x) | {"survived": y})
    data = tmp_path / "zeros"
    answers = write_tabular(data, frame, ["survived"], 350, "0", "Scored by accuracy.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    assert run.submission["id"].tolist() == ids[350:]
    assert set(run.submission["survived"]) <= {"0", "1"}
    truth = answers["survived"].astype(str)
    majority = truth.value_counts().max() / len(truth)
    assert accuracy_score(truth, run.submission["survived"]) > majority + 0.1


def test_one_second_limit_still_leaves_a_valid_submission(tmp_path: Path) -> None:
    x, y = make_classification(n_samples=20_000, n_features=20, random_state=6)
    frame = pd.DataFrame({"id": np.arange(len(y))} | numbered_features(x) | {"target": y})
    write_tabular(tmp_path / "large", frame, ["target"], 15_000, "0.5", "Scored by ROC AUC.")

    # A runner stops the agent at its limit; the grace only absorbs interpreter start-up.
    run = run_agent(tmp_path / "large", tmp_path, time_limit=1, stop_after=1 + 2)

    assert run.returncode == 0, "the agent must stop by itself when it has no time to train"
    probabilities(run, ["target"])


def test_probability_columns_of_a_sample_are_not_relabelled(tmp_path: Path) -> None:
    """A 0/1 sample under an AUC metric still gets probabilities: labels would lose the ranking."""
    x, y = make_classification(n_samples=600, n_features=5, random_state=7)
    frame = pd.DataFrame({"id": np.arange(len(y))} | numbered_features(x) | {"target": y})
    answers = write_tabular(
        tmp_path / "auc", frame, ["target"], 400, "0", "Evaluated on area under the ROC curve (AUC)."
    )

    run = run_agent(tmp_path / "auc", tmp_path)

    assert run.returncode == 0, run.log
    values = probabilities(run, ["target"])[:, 0]
    assert not np.isin(values, [0.0, 1.0]).all()
    assert roc_auc_score(answers["target"], values) > 0.8


def write_sample(data: Path, frame: pd.DataFrame, description: str) -> None:
    frame.to_csv(data / "sample_submission.csv", index=False)
    (data / "description.md").write_text(description)


def png(pixels: np.ndarray) -> bytes:
    return image_bytes(np.clip(pixels, 0, 255).astype(np.uint8), "PNG")


def test_zipped_images_labelled_by_a_table_of_another_name(tmp_path: Path) -> None:
    """Dog-breed's and histopathology's shape: one probability per class, labels in labels.csv;
    the images zipped, as some competitions ship them."""
    digits = load_digits()
    data = tmp_path / "zipped"
    data.mkdir()
    ids = [f"{i:05x}" for i in range(len(digits.target))]
    images = {name: png(image * 255 / 16) for name, image in zip(ids, digits.images, strict=True)}
    n_train = 1200
    write_zip(data / "train.zip", {f"train/{name}.png": images[name] for name in ids[:n_train]})
    write_zip(data / "test.zip", {f"{name}.png": images[name] for name in ids[n_train:]})
    names = [f"digit_{d}" for d in range(10)]
    pd.DataFrame({"id": ids[:n_train], "digit": np.array(names)[digits.target[:n_train]]}).to_csv(
        data / "labels.csv", index=False)
    write_sample(data, pd.DataFrame({"id": ids[n_train:]} | dict.fromkeys(names, 0.1)),
                 "Scored by multi-class log loss.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    predicted = probabilities(run, names)
    np.testing.assert_allclose(predicted.sum(axis=1), 1, atol=1e-9)
    truth = np.array(names)[digits.target[n_train:]]
    assert log_loss(truth, predicted, labels=names) < 0.5 * np.log(10)


def test_labels_in_file_names_give_the_probability_of_the_class_the_description_names(tmp_path: Path) -> None:
    """Dogs-vs-cats' shape: train/<class>.<n>.png, test/<id>.png, the sample one probability."""
    rng = np.random.default_rng(9)
    data = tmp_path / "names"
    is_dog = rng.random(300) < 0.5  # "wolf" sorts after "dog": only the description says which is asked
    brightness = np.where(is_dog, 170, 90)[:, None, None] + rng.normal(0, 40, (300, 12, 12))
    counts = {"dog": 0, "wolf": 0}
    for i in range(200):
        animal = "dog" if is_dog[i] else "wolf"
        write_file(data / "train" / f"{animal}.{counts[animal]}.png", png(brightness[i]))
        counts[animal] += 1
    for i in range(200, 300):
        write_file(data / "test" / f"{i - 199}.png", png(brightness[i]))
    write_sample(data, pd.DataFrame({"id": range(1, 101), "label": 0.5}),
                 "Predict, for every photo, the probability that it shows a dog. Scored by log loss.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    predicted = probabilities(run, ["label"])[:, 0]
    assert log_loss(is_dog[200:], predicted) < 0.4


def test_multilabel_images_beside_the_test_images_in_one_folder(tmp_path: Path) -> None:
    """Plant pathology's shape: images/ holds Train_<i> and Test_<i>; train.csv has 0/1 columns."""
    rng = np.random.default_rng(10)
    data = tmp_path / "multilabel"
    labels = (rng.random((240, 3)) < 0.4).astype(int)
    for i, row in enumerate(labels):
        channels = 60 + 120 * row[None, None, :] + rng.normal(0, 30, (10, 10, 3))
        write_file(data / "images" / f"{'Train' if i < 180 else 'Test'}_{i}.jpg",
                   image_bytes(np.clip(channels, 0, 255).astype(np.uint8), "JPEG"))
    columns = ["red", "green", "blue"]
    train = pd.DataFrame({"image_id": [f"Train_{i}" for i in range(180)]})
    train.assign(**dict(zip(columns, labels[:180].T, strict=True))).to_csv(data / "train.csv", index=False)
    test_ids = [f"Test_{i}" for i in range(180, 240)]
    pd.DataFrame({"image_id": test_ids}).to_csv(data / "test.csv", index=False)
    write_sample(data, pd.DataFrame({"image_id": test_ids} | dict.fromkeys(columns, 0.25)),
                 "Scored by mean column-wise ROC AUC.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    predicted = probabilities(run, columns)
    auc = [roc_auc_score(labels[180:, j], predicted[:, j]) for j in range(3)]
    assert min(auc) > 0.9, auc


def sound(rng: np.random.Generator, n: int, rate: int, frequencies: list[float]) -> np.ndarray:
    """Noise and a tone at each frequency, as 16-bit samples."""
    signal = rng.normal(0, 0.2, n)
    for frequency in frequencies:
        signal += 0.3 * np.sin(2 * np.pi * frequency * np.arange(n) / rate)
    return (signal * 5_000).astype(np.int16)


def test_aiff_clips_in_zips_labelled_by_the_last_field_of_their_names(tmp_path: Path) -> None:
    """The whale challenge's shape: train2.zip of ..._TRAIN<i>_<label>.aif, test2.zip, AUC."""
    rng = np.random.default_rng(11)
    data = tmp_path / "clips"
    data.mkdir()
    calls = rng.random(120) < 0.4
    clips = [aiff_bytes(sound(rng, 4000, 2000, [150.0] if call else []), 2000) for call in calls]
    names = [f"20090328_000000_{i:03d}s0ms_TRAIN{i}_{int(calls[i])}" for i in range(80)]
    names += [f"20090329_000000_{i:03d}s0ms_Test{i - 80}" for i in range(80, 120)]
    files = {name: clip for name, clip in zip(names, clips, strict=True)}
    write_zip(data / "train2.zip", {f"train2/{name}.aif": files[name] for name in names[:80]})
    write_zip(data / "test2.zip", {f"test2/{name}.aif": files[name] for name in names[80:]})
    write_sample(data, pd.DataFrame({"clip": [f"{n}.aif" for n in names[80:]], "probability": 0}),
                 "Scored by the area under the ROC curve.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    assert roc_auc_score(calls[80:], probabilities(run, ["probability"])[:, 0]) > 0.9


def test_recordings_by_species_with_ids_of_a_hundred_per_recording(tmp_path: Path) -> None:
    """MLSP 2013's shape: WAVs named through rec_id2filename.txt, species per recording in
    rec_labels_test_hidden.txt ("?" for test), sample Id = 100 * rec_id + species."""
    rng = np.random.default_rng(12)
    data = tmp_path / "birds"
    essential = data / "essential_data"
    n, n_species, rate = 90, 4, 16_000
    heard = [set(np.flatnonzero(rng.random(n_species) < 0.3)) for _ in range(n)]
    test = set(range(60, n))
    for rec in range(n):
        song = sound(rng, 8000, rate, [1000.0 + 2000 * s for s in heard[rec]])
        write_file(essential / "src_wavs" / f"PC1_{rec:04d}.wav", wav_bytes(song, rate))
    write_file(essential / "rec_id2filename.txt",
               "rec_id,filename\n" + "".join(f"{rec},PC1_{rec:04d}\n" for rec in range(n)))
    lines = [",".join(map(str, [rec, *(["?"] if rec in test else sorted(heard[rec]))])) for rec in range(n)]
    write_file(essential / "rec_labels_test_hidden.txt", "rec_id,[labels]\n" + "\n".join(lines) + "\n")
    ids = [100 * rec + s for rec in sorted(test) for s in range(n_species)]
    write_sample(data, pd.DataFrame({"Id": ids, "Probability": 0}), "Scored by ROC AUC over all pairs.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    truth = [int(i % 100 in heard[i // 100]) for i in ids]
    assert roc_auc_score(truth, probabilities(run, ["Probability"])[:, 0]) > 0.9


def test_image_to_image_pixels_beat_the_noisy_input(tmp_path: Path) -> None:
    """Denoising dirty documents' shape: train/ and train_cleaned/ pages, test/ pages, one sample
    row per test pixel named <page>_<row>_<col>."""
    rng = np.random.default_rng(13)
    data = tmp_path / "pages"
    clean, noisy = {}, {}
    for page in range(1, 31):
        text = np.where(rng.random((24, 32)) < 0.15, 0.1, 1.0)
        stain = 0.4 * np.exp(-((np.arange(32)[None, :] - rng.integers(32)) ** 2) / 60.0)
        clean[page] = text
        noisy[page] = np.clip(text - stain + rng.normal(0, 0.03, text.shape), 0, 1)
    for page in range(1, 26):
        write_file(data / "train" / f"{page}.png", png(noisy[page] * 255))
        write_file(data / "train_cleaned" / f"{page}.png", png(clean[page] * 255))
    pixels = [(page, r, c) for page in range(26, 31) for r in range(24) for c in range(32)]
    for page in range(26, 31):
        write_file(data / "test" / f"{page}.png", png(noisy[page] * 255))
    write_sample(data, pd.DataFrame({"id": [f"{p}_{r + 1}_{c + 1}" for p, r, c in pixels], "value": 1}),
                 "Scored by RMSE over all pixels.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    truth = np.array([clean[p][r, c] for p, r, c in pixels])
    as_given = np.array([np.round(noisy[p][r, c] * 255) / 255 for p, r, c in pixels])
    predicted = run.submission["value"].astype(float).to_numpy()
    assert root_mean_squared_error(truth, predicted) < 0.5 * root_mean_squared_error(truth, as_given)


def test_text_normalization_looks_tokens_up_and_copies_unseen_ones(tmp_path: Path) -> None:
    rng = np.random.default_rng(14)
    data = tmp_path / "normalization"
    data.mkdir()
    pairs = [("the", "the"), (",", ","), ("12", "twelve"), ("NA", "N A"), ("null", "null"),
             ("kg", "kilograms")]
    rows = [(s, t, *pairs[int(rng.integers(len(pairs)))]) for s in range(120) for t in range(5)]
    rows[7] = (1, 2, "12", "one two")  # a rare other reading: the commonest one wins
    train = pd.DataFrame(rows, columns=["sentence_id", "token_id", "before", "after"])
    train.insert(2, "class", "PLAIN")
    write_zip(data / "en_train.csv.zip", {"en_train.csv": train.to_csv(index=False).encode()})
    before = ["12", "NA", "unseen", "null", "kg", "the"]
    test = pd.DataFrame({"sentence_id": 0, "token_id": range(len(before)), "before": before})
    write_zip(data / "en_test_2.csv.zip", {"en_test_2.csv": test.to_csv(index=False).encode()})
    write_sample(data, pd.DataFrame({"id": [f"0_{t}" for t in range(len(before))], "after": before}),
                 "Accuracy of the normalized tokens.")

    run = run_agent(data, tmp_path)

    assert run.returncode == 0, run.log
    assert run.submission["after"].tolist() == ["twelve", "N A", "unseen", "null", "kilograms", "the"]


def test_dates_and_map_points_become_numbers(tmp_path: Path) -> None:
    """The taxi fares' shape: the fare follows the ride's length and the year, which trees read
    from the date string's parts and the pickup-to-dropoff distance, not from raw text."""
    rng = np.random.default_rng(15)
    n = 3000
    when = pd.Timestamp("2009-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365 * 86400, n), unit="s")
    ends = {f"{end}_{axis}": centre + rng.normal(0, 0.05, n) for end in ("pickup", "dropoff")
            for axis, centre in (("longitude", -73.97), ("latitude", 40.75))}
    km = np.hypot((ends["dropoff_longitude"] - ends["pickup_longitude"]) * 84.3,
                  (ends["dropoff_latitude"] - ends["pickup_latitude"]) * 111.2)
    fare = 2.5 + 2.0 * km * np.where(when.year >= 2012, 1.5, 1.0) + rng.normal(0, 0.5, n)
    frame = pd.DataFrame({"key": [f"k{i}" for i in range(n)], "fare": fare,
                          "pickup_datetime": when.strftime("%Y-%m-%d %H:%M:%S UTC")} | ends)
    frame = frame.rename(columns={"key": "id"})
    answers = write_tabular(tmp_path / "taxi", frame, ["fare"], 2500, "11.35", "Scored by RMSE.")

    run = run_agent(tmp_path / "taxi", tmp_path)

    assert run.returncode == 0, run.log
    assert "derived features: ['pickup_datetime year'" in run.log and "'distance_km'" in run.log
    rmse = root_mean_squared_error(answers["fare"], run.submission["fare"].astype(float))
    assert rmse < 0.25 * answers["fare"].std()


def test_grades_scored_by_kappa_are_regressed_and_rounded(tmp_path: Path) -> None:
    """APTOS's target: grades 0 to 4 where being off by one costs less than by three."""
    rng = np.random.default_rng(16)
    x = rng.normal(size=(1000, 3))
    grade = np.clip(np.rint(2 + 1.2 * x[:, 0] + rng.normal(0, 0.4, 1000)), 0, 4).astype(int)
    frame = pd.DataFrame({"id": np.arange(1000)} | numbered_features(x) | {"diagnosis": grade})
    answers = write_tabular(tmp_path / "grades", frame, ["diagnosis"], 700, "0",
                            "Scored by the quadratic weighted kappa.")

    run = run_agent(tmp_path / "grades", tmp_path)

    assert run.returncode == 0, run.log
    assert set(run.submission["diagnosis"]) <= {"0", "1", "2", "3", "4"}
    predicted = run.submission["diagnosis"].astype(int)
    assert cohen_kappa_score(answers["diagnosis"], predicted, weights="quadratic") > 0.8


def test_a_submission_the_endpoint_refuses_is_replaced_by_the_sample(tmp_path: Path) -> None:
    """Labels the baseline learns as classes may not be what a submission holds (kuzushiji's
    train labels are boxes, its predictions points): the endpoint's refusal restores the sample."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"id": np.arange(200), "f0": rng.random(200),
                          "label": rng.choice(["a 1 2 3 4", "b 5 6 7 8"], 200)})
    write_tabular(tmp_path / "boxes", frame, ["label"], 150, "a 1 1", "Points, not boxes.")
    refused: list[Path] = []
    server = ValidationServer(lambda path: refused.append(path) or "boxes are not points",
                              min_interval_s=0).start()
    try:
        run = run_agent(tmp_path / "boxes", tmp_path, validation_url=server.url)
    finally:
        server.close()
    assert run.returncode == 0, run.log
    assert refused and "refused the model's submission (boxes are not points)" in run.log
    assert set(run.submission["label"]) == {"a 1 1"}
