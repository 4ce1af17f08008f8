"""``--mlebench-synthetic``: a session on the raw files each competition's synthetic.py makes.

A Kaggle competition is added to the test's catalog as one folder (competition.yaml,
prepare.py, synthetic.py, leaderboard.csv) and nothing else; real pytest sessions then
run it on synthetic data without Kaggle, and on "real" raw files staged with --mlebench-raw-dir.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition, read_id_list
from pytest_mlebench.data.synthetic import build_raw

CID = "tiny-kaggle"

PREPARE = '''
from pathlib import Path
import pandas as pd


def prepare(raw: Path, public: Path, private: Path) -> None:
    rows = pd.read_csv(raw / "train.csv", dtype={"id": str})
    train, test = rows.iloc[:300], rows.iloc[300:]
    train.to_csv(public / "train.csv", index=False)
    test[["id", "x"]].to_csv(public / "test.csv", index=False)
    test.assign(y=0.5)[["id", "y"]].to_csv(public / "sample_submission.csv", index=False)
    test[["id", "y"]].to_csv(private / "answers.csv", index=False)
'''

SYNTHETIC = '''
from pathlib import Path
import numpy as np
import pandas as pd


def build(raw: Path, rng: np.random.Generator) -> None:
    x = rng.normal(size=400)
    y = (x + rng.normal(scale=0.7, size=400) > 0).astype(int)
    pd.DataFrame({"id": [f"s{i:04d}" for i in range(400)], "x": x, "y": y}).to_csv(
        raw / "train.csv", index=False)
'''

#: Every AUC the "good" agent reaches beats the best of these teams: gold on real data.
WEAK_TEAMS = [round(0.3 - 0.01 * i, 2) for i in range(20)]


def add_competition(bench: pytest.Pytester, synthetic: bool = True) -> Path:
    """The competition's folder in the bench's catalog: the only place it is written."""
    folder = bench.path / "catalog" / CID
    folder.mkdir()
    (folder / "competition.yaml").write_text(textwrap.dedent(f"""\
        id: {CID}
        title: A tiny Kaggle competition
        source: kaggle
        leaderboard: shipped
        grading:
          metric: roc_auc
          id_column: id
          target_columns: [y]
    """))
    (folder / "prepare.py").write_text(PREPARE)
    if synthetic:
        (folder / "synthetic.py").write_text(SYNTHETIC)
    rows = ["scoreNullable,teamId,hasTeamName,submissionDate,score,hasScore"]
    rows += [f"{s},{i},True,2024-01-01 00:00:00,{s},True" for i, s in enumerate(WEAK_TEAMS)]
    (folder / "leaderboard.csv").write_text("\n".join(rows) + "\n")
    return folder


@pytest.fixture
def no_kaggle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Kaggle credentials anywhere: a session that asked for them would stop in preflight."""
    for name in ("KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(tmp_path / "no-kaggle"))


def records(bench: pytest.Pytester, *args: str) -> dict:
    result = bench.runpytest(f"--competitions={CID}", "--agent=good", "--mlebench-report=r.json", *args)
    result.assert_outcomes(passed=1)
    if "--mlebench-synthetic" in args:  # the summary says why there is no medal, not "give a leaderboard"
        result.stdout.fnmatch_lines(["*synthetic data: 1 runs scored but never placed*"])
        result.stdout.no_fnmatch_line("*no leaderboard for*")
    return json.loads((bench.path / "r.json").read_text())


def test_a_new_competition_folder_runs_end_to_end_on_its_synthetic_data_unplaced(
    bench: pytest.Pytester, no_kaggle: None
) -> None:
    add_competition(bench)
    report = records(bench, "--mlebench-synthetic")
    (record,) = report["competition_reports"]
    assert report["data"] == "synthetic" and record["data"] == "synthetic"
    assert record["valid_submission"] and record["score"] > 0.7 and record["raw_score"] is not None
    assert record["leaderboard_source"] == "none"
    assert record["leaderboard_problem"] == "synthetic data: not placed on the human leaderboard"
    assert not any(record[k] for k in ("any_medal", "gold_medal", "silver_medal", "bronze_medal",
                                       "above_median"))
    assert [record[k] for k in ("gold_threshold", "median_threshold", "rank", "percentile",
                                "n_teams")] == [None] * 5


def test_real_data_never_reuses_synthetic_prepared_data(bench: pytest.Pytester, no_kaggle: None,
                                                        tmp_path: Path) -> None:
    folder = add_competition(bench)
    data_dir = tmp_path / "data"
    synthetic = records(bench, "--mlebench-synthetic",
                        f"--mlebench-data-dir={data_dir}")["competition_reports"][0]
    # "Real" raw files, staged as a user without internet would: other rows than the synthetic ones.
    real_raw = tmp_path / "raw" / CID
    real_raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    x = rng.normal(size=400)
    rows = [f"r{i:04d},{v},{int(v > 0)}" for i, v in enumerate(x)]
    (real_raw / "train.csv").write_text("id,x,y\n" + "\n".join(rows) + "\n")

    real = records(bench, f"--mlebench-raw-dir={real_raw.parent}",
                   f"--mlebench-data-dir={data_dir}")["competition_reports"][0]
    assert real["data"] == "real" and real["dataset_version"] != synthetic["dataset_version"]
    assert real["leaderboard_source"] == "shipped" and real["gold_medal"]  # placed, as real data is
    prepared = sorted(p.name for p in (data_dir / CID).glob("v*"))
    assert len(prepared) == 2 and prepared[0] == "v1"
    test_ids = (data_dir / CID / "v1" / "public" / "test.csv").read_text()
    assert "r0300" in test_ids and "s0300" not in test_ids

    # And a later synthetic session takes its own prepared data again, not the real one.
    again = records(bench, "--mlebench-synthetic",
                    f"--mlebench-data-dir={data_dir}")["competition_reports"][0]
    assert again["dataset_version"] == synthetic["dataset_version"] and again["data"] == "synthetic"
    assert (folder / "synthetic.py").is_file()


def test_a_competition_without_synthetic_py_stops_the_session_naming_the_file(
    bench: pytest.Pytester, no_kaggle: None
) -> None:
    folder = add_competition(bench, synthetic=False)
    result = bench.runpytest(f"--competitions={CID}", "--agent=good", "--mlebench-synthetic")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{CID}: no synthetic raw data ({folder / 'synthetic.py'} is missing)*"])


def test_every_kaggle_competition_implemented_here_has_synthetic_data(tmp_path: Path) -> None:
    """So --mlebench-synthetic runs the whole built-in catalog; each build is deterministic."""
    for folder in sorted(p for p in catalog_root().iterdir() if (p / "competition.yaml").is_file()):
        competition = Competition.from_folder(folder)
        if competition.source == "kaggle" and competition.implemented:
            assert (folder / "synthetic.py").is_file(), folder
    lite = read_id_list(catalog_root() / "splits" / "lite.txt")
    taxi = Competition.from_folder(catalog_root() / lite[lite.index("new-york-city-taxi-fare-prediction")])
    first, second = build_raw(taxi, tmp_path / "a"), build_raw(taxi, tmp_path / "b")
    assert (first / "train.csv").read_bytes() == (second / "train.csv").read_bytes()
