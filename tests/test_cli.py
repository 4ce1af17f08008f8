"""``pytest-mlebench prepare | grade | list``: the session's stages run by hand, through the
same code (run as a user would, in a subprocess of the installed command)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from competition_checks import synthetic

from pytest_mlebench import cli as cli_module
from pytest_mlebench.catalog.registry import Competition, Registry, RegistryError

TAXI = "new-york-city-taxi-fare-prediction"


def cli(*args: str | Path, check: int | None = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "pytest_mlebench", *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    if check is not None:
        assert done.returncode == check, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def taxi(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A raw folder of synthetic Kaggle files for the taxi competition, and a data dir."""
    root = tmp_path_factory.mktemp("cli")
    (root / "raw" / TAXI).mkdir(parents=True)
    synthetic(TAXI).build(root / "raw" / TAXI, np.random.default_rng(0))
    return root / "raw", root / "data"


def test_list_shows_every_competition_with_its_split_metric_and_leaderboard() -> None:
    rows = json.loads(cli("list", "--json").stdout)
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == 87  # MLE-bench's 75 and 7 dev, and the 5 offline ones
    lite = [row for row in rows if row["split"] == "lite"]
    assert len(lite) == 22 and all(r["implemented"] and r["leaderboard"] == "mlebench" for r in lite)
    assert by_id[TAXI]["metric"] == "rmse"
    assert by_id["ventilator-pressure-prediction"] == {**by_id["ventilator-pressure-prediction"],
                                                       "implemented": True, "leaderboard": "none"}
    assert by_id["wine-cultivar"]["leaderboard"] == "generated"
    assert "22 of 22 implemented" in cli("list", "lite").stdout


def test_an_unknown_split_names_the_valid_ones() -> None:
    done = cli("list", "litte", check=2)
    assert "Did you mean: lite" in done.stderr and "Valid splits: all, dev, high, lite" in done.stderr
    assert "Traceback" not in done.stderr


def test_prepare_says_where_the_data_went(taxi: tuple[Path, Path]) -> None:
    raw, data = taxi
    done = cli("prepare", TAXI, "--raw-dir", raw, "--data-dir", data)
    assert f"{TAXI}: {data / TAXI}" in done.stdout
    assert len(list((data / TAXI).glob("v*/public/test.csv"))) == 1


def test_grade_prints_the_record_and_an_rmse_rounding_to_gold_is_gold(taxi: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    raw, data = taxi
    cli("prepare", TAXI, "--raw-dir", raw, "--data-dir", data)
    answers = pd.read_csv(next((data / TAXI).glob("v*/private/answers.csv")))
    submission = tmp_path / "sub.csv"
    # Every prediction off by the same amount: the RMSE is that amount, 2.833774, which
    # MLE-bench rounds to 2.83377, the gold threshold of the 1,485-team leaderboard.
    answers.assign(fare_amount=answers["fare_amount"] + 2.833774).to_csv(submission, index=False)
    record = json.loads(cli("grade", TAXI, submission, "--data-dir", data, "--json").stdout)
    assert record["raw_score"] == pytest.approx(2.833774, abs=1e-9) and record["score"] == 2.83377
    assert record["gold_medal"] and record["any_medal"] and record["valid_submission"]
    assert record["leaderboard_source"] == "mlebench" and record["gold_threshold"] == 2.83377
    assert record["leaderboard_sha256"] and record["competition_id"] == TAXI
    text = cli("grade", TAXI, submission, "--data-dir", data).stdout
    assert "score 2.83377" in text and "gold medal" in text


def test_an_invalid_file_is_a_reason_and_exit_1_never_a_traceback(taxi: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    raw, data = taxi
    cli("prepare", TAXI, "--raw-dir", raw, "--data-dir", data)
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b",".join([b"1"] * 2_000_000) + b"\n")
    done = cli("grade", TAXI, wide, "--data-dir", data, check=1)
    assert done.stdout.startswith("invalid: wide.csv: line 1 is") and not done.stderr
    record = json.loads(cli("grade", TAXI, tmp_path / "absent.csv", "--data-dir", data, "--json",
                            check=1).stdout)
    assert record["invalid_reason"].startswith("no file at") and not record["submission_exists"]
    assert record["gold_threshold"] == 2.83377


def test_grading_an_unimplemented_competition_says_so(tmp_path: Path) -> None:
    """Every built-in is implemented; a catalog's folder may still hold only its title and
    leaderboard (implemented: false), and grading it names that."""
    folder = tmp_path / "catalog" / "not-written-yet"
    folder.mkdir(parents=True)
    (folder / "competition.yaml").write_text("title: Not written yet\nimplemented: false\n")
    registry = Registry()
    registry.add_catalog(tmp_path / "catalog")
    with pytest.raises(RegistryError, match="not-written-yet is not implemented yet"):
        cli_module._competition(registry, "not-written-yet", None)
    assert all(row["implemented"] for row in json.loads(cli("list", "--json").stdout))


@pytest.mark.parametrize("where", ["grading", "variant"])
def test_an_unknown_pairing_names_the_valid_ones(tmp_path: Path, where: str) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    grading = "grading:\n  metric: rmse\n  id_column: id\n  target_columns: [y]\n"
    odd = "  pairing: by-row\n" if where == "grading" else (
        "variants:\n  v:\n    description: d\n    grading:\n      pairing: by-row\n")
    (folder / "competition.yaml").write_text("title: Odd\n" + grading + odd)
    with pytest.raises(RegistryError, match="pairing 'by-row' is not one of id, position"):
        Competition.from_folder(folder)


def test_the_listing_names_what_a_grade_py_computes() -> None:
    """Where grade.py scores with a metric of its own, the listing names that, not the yaml's checks."""
    rows = {r["id"]: r for r in json.loads(cli("list", "medium", "--json").stdout)}
    assert rows["facebook-recruiting-iii-keyword-extraction"]["metric"] == "micro_f1_over_tags"
    assert rows["jigsaw-unintended-bias-in-toxicity-classification"]["metric"] == "bias_weighted_auc"
    assert rows["google-quest-challenge"]["metric"] == "mean_columnwise_spearman"
