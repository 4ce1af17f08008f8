"""Talking to Kaggle through the real kaggle SDK, against a loopback Kaggle (tests/kaggle_server.py).

Also where leaderboards come from: an MLE-bench checkout, Kaggle's API, the
competition's own copy.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from kaggle_server import (
    TOKEN,
    FakeCompetition,
    KaggleServer,
    leaderboard_entries,
    make_zip,
    running_kaggle,
)

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.kaggle import (
    KaggleError,
    check_access,
    download_competition,
    download_leaderboard,
    format_problems,
    rules_url,
)
from pytest_mlebench.data.store import PreparedCompetition
from pytest_mlebench.leaderboards.format import LEADERBOARD_COLUMNS, LFS_POINTER_PREFIX, load_leaderboard
from pytest_mlebench.leaderboards.sources import (
    KAGGLE_LEADERBOARD,
    find_leaderboard,
    mlebench_leaderboard,
    mlebench_repo_problem,
)

ARCHIVE = make_zip({"train.csv": b"id,y\n1,0\n2,1\n", "test.csv": b"id\n3\n"})
#: 450 teams: more than two pages of the API's leaderboard.
SCORES = [round(0.99 - i * 0.001, 3) for i in range(450)]


@pytest.fixture
def kaggle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[KaggleServer]:
    with running_kaggle(monkeypatch, tmp_path / "home") as server:
        server.competitions["spooky-author-identification"] = FakeCompetition(
            ARCHIVE, leaderboard_entries(SCORES))
        server.competitions["new-york-city-taxi-fare-prediction"] = FakeCompetition(
            ARCHIVE, rules_accepted=False)
        server.competitions["denoising-dirty-documents"] = FakeCompetition(ARCHIVE, rules_accepted=False)
        yield server


def competition_calls(server: KaggleServer) -> list[str]:
    return [c for c in server.calls if "CompetitionApiService" in c or "/storage/" in c]


# -- access checked up front -----------------------------------------------------------------

def test_access_is_clear_when_the_token_is_valid_and_the_rules_accepted(kaggle: KaggleServer) -> None:
    assert check_access(["spooky-author-identification"]) == []
    assert "GET /storage/spooky-author-identification.zip" in kaggle.calls


def test_unaccepted_rules_name_each_rules_page_in_one_error(kaggle: KaggleServer) -> None:
    ids = ["spooky-author-identification", "new-york-city-taxi-fare-prediction",
           "denoising-dirty-documents"]
    problems = check_access(ids)
    assert [p.competition_id for p in problems] == ids[1:]
    message = format_problems(problems)
    for cid in ids[1:]:
        assert f"https://www.kaggle.com/competitions/{cid}/rules" in message
    assert "accept" in message and "--mlebench-raw-dir" in message
    assert "spooky" not in message


def test_missing_credentials_are_one_problem_and_nothing_is_asked_of_kaggle(
        kaggle: KaggleServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAGGLE_API_TOKEN")
    problems = check_access(["spooky-author-identification", "new-york-city-taxi-fare-prediction"])
    assert len(problems) == 1 and problems[0].competition_id is None
    assert "no Kaggle credentials" in problems[0].message
    assert "KAGGLE_API_TOKEN" in problems[0].message and "kaggle.com/settings/api" in problems[0].message
    assert competition_calls(kaggle) == []


def test_a_rejected_token_is_one_problem(kaggle: KaggleServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAGGLE_API_TOKEN", "revoked-token")
    problems = check_access(["spooky-author-identification", "new-york-city-taxi-fare-prediction"])
    assert len(problems) == 1
    assert "rejected the API token from KAGGLE_API_TOKEN" in str(problems[0])
    assert competition_calls(kaggle) == []


def test_a_wrong_legacy_key_is_one_problem(kaggle: KaggleServer, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.delenv("KAGGLE_API_TOKEN")
    kaggle.keys["bob"] = "right-key"
    config = tmp_path / "home" / ".kaggle" / "kaggle.json"
    config.write_text(json.dumps({"username": "bob", "key": "wrong-key"}))
    config.chmod(0o600)
    problems = check_access(["spooky-author-identification", "new-york-city-taxi-fare-prediction"])
    assert len(problems) == 1 and problems[0].competition_id is None
    assert "rejected the credentials" in problems[0].message and "401" in problems[0].message


def test_a_legacy_kaggle_json_in_the_config_dir_signs_in(
        kaggle: KaggleServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KAGGLE_API_TOKEN")
    kaggle.keys["bob"] = "right-key"
    config = tmp_path / "home" / ".kaggle" / "kaggle.json"
    config.write_text(json.dumps({"username": "bob", "key": "right-key"}))
    config.chmod(0o600)
    assert check_access(["spooky-author-identification"]) == []


def test_the_token_file_in_the_home_folder_signs_in(kaggle: KaggleServer, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.delenv("KAGGLE_API_TOKEN")
    (tmp_path / "home" / ".kaggle" / "access_token").write_text(TOKEN + "\n")
    assert check_access(["spooky-author-identification"]) == []


def test_an_unknown_competition_is_named(kaggle: KaggleServer) -> None:
    [problem] = check_access(["no-such-competition"])
    assert problem.competition_id == "no-such-competition" and "404" in problem.message


# -- downloads -------------------------------------------------------------------------------

def test_download_writes_kaggles_archive_and_reports_its_bytes(kaggle: KaggleServer, tmp_path: Path) -> None:
    reports: list[tuple[int, int | None]] = []
    archive = download_competition("spooky-author-identification", tmp_path / "dl",
                                   lambda done, total: reports.append((done, total)))
    assert archive == tmp_path / "dl" / "spooky-author-identification.zip"
    assert archive.read_bytes() == ARCHIVE
    assert reports[-1] == (len(ARCHIVE), len(ARCHIVE))


def test_download_before_the_rules_are_accepted_names_the_rules_page(kaggle: KaggleServer,
                                                                      tmp_path: Path) -> None:
    with pytest.raises(KaggleError, match="accept the competition's rules") as info:
        download_competition("denoising-dirty-documents", tmp_path / "dl")
    assert rules_url("denoising-dirty-documents") in str(info.value)
    assert not list((tmp_path / "dl").iterdir())


def test_an_archive_that_is_not_a_zip_is_refused_and_removed(kaggle: KaggleServer, tmp_path: Path) -> None:
    kaggle.competitions["spooky-author-identification"].archive = b"<html>Service Unavailable</html>"
    with pytest.raises(KaggleError, match="not a readable zip archive"):
        download_competition("spooky-author-identification", tmp_path / "dl")
    assert not list((tmp_path / "dl").iterdir())


def test_the_leaderboard_is_saved_in_mlebench_format_and_loads(kaggle: KaggleServer, tmp_path: Path) -> None:
    path = download_leaderboard("spooky-author-identification", tmp_path / "lb" / "leaderboard.csv")
    table = pd.read_csv(path)
    assert tuple(table.columns) == LEADERBOARD_COLUMNS
    assert len(table) == len(SCORES) and table["hasScore"].all() and table["hasTeamName"].all()
    assert "teamName" not in table.columns
    board = load_leaderboard(path, lower_is_better=False, source="kaggle")
    assert board.scores == tuple(SCORES) and board.source == "kaggle"
    pages = [c for c in kaggle.calls if c.endswith("GetLeaderboard")]
    assert len(pages) == 3
    assert [p.name for p in path.parent.iterdir()] == ["leaderboard.csv"]


def test_an_unknown_leaderboard_is_an_error_not_a_file(kaggle: KaggleServer, tmp_path: Path) -> None:
    with pytest.raises(KaggleError, match="404"):
        download_leaderboard("no-such-competition", tmp_path / "lb" / "leaderboard.csv")
    assert not (tmp_path / "lb").exists()


# -- where the leaderboard comes from -------------------------------------------------------------

def kaggle_competition(tmp_path: Path, cid: str = "spooky-author-identification",
                       leaderboard: str = "none") -> PreparedCompetition:
    """A prepared Kaggle competition (only its folders matter to the leaderboard lookup)."""
    folder = tmp_path / "catalog" / cid
    folder.mkdir(parents=True)
    (folder / "competition.yaml").write_text(textwrap.dedent(f"""\
        id: {cid}
        title: {cid}
        source: kaggle
        leaderboard: {leaderboard}
        grading: {{metric: accuracy, id_column: id, target_columns: [y]}}
    """))
    if leaderboard == "shipped":
        (folder / "leaderboard.csv").write_text(
            "scoreNullable,teamId,hasTeamName,submissionDate,score,hasScore\n"
            "0.9,1,True,2021-05-01,0.9,True\n0.5,2,True,2021-05-01,0.5,True\n")
    root = tmp_path / "data" / cid / "v1"
    (root / "private").mkdir(parents=True)
    return PreparedCompetition(Competition.from_folder(folder), root, "0" * 64)


def mlebench_checkout(tmp_path: Path, cid: str, content: str) -> Path:
    repo = tmp_path / "mle-bench"
    (repo / ".git").mkdir(parents=True)
    path = mlebench_leaderboard(repo, cid)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    return repo


LFS_POINTER = f"{LFS_POINTER_PREFIX}v1\noid sha256:4d7a2146\nsize 48213\n"


def test_an_mlebench_checkout_is_preferred_over_the_shipped_copy(tmp_path: Path) -> None:
    prepared = kaggle_competition(tmp_path, leaderboard="shipped")
    repo = mlebench_checkout(tmp_path, "spooky-author-identification",
                             "teamId,score\n1,0.3\n2,0.2\n3,0.1\n")
    lookup = find_leaderboard(prepared, lower_is_better=False, mlebench_repo=repo)
    assert lookup.source == "mlebench" and lookup.leaderboard is not None
    assert lookup.leaderboard.scores == (0.3, 0.2, 0.1) and lookup.problem is None


def test_an_lfs_pointer_in_the_checkout_says_to_pull_and_falls_back(tmp_path: Path) -> None:
    prepared = kaggle_competition(tmp_path, leaderboard="shipped")
    repo = mlebench_checkout(tmp_path, "spooky-author-identification", LFS_POINTER)
    lookup = find_leaderboard(prepared, lower_is_better=False, mlebench_repo=repo)
    assert lookup.source == "shipped"
    assert lookup.problem is not None and "git lfs pull" in lookup.problem and str(repo) in lookup.problem


def test_an_lfs_pointer_and_nothing_else_leaves_no_leaderboard_with_the_reason(tmp_path: Path) -> None:
    prepared = kaggle_competition(tmp_path)
    repo = mlebench_checkout(tmp_path, "spooky-author-identification", LFS_POINTER)
    lookup = find_leaderboard(prepared, lower_is_better=False, mlebench_repo=repo)
    assert lookup.source == "none" and lookup.leaderboard is None
    assert lookup.problem is not None and "git lfs pull" in lookup.problem


def test_lfs_pointers_in_the_checkout_are_caught_before_the_session(tmp_path: Path) -> None:
    repo = mlebench_checkout(tmp_path, "spooky-author-identification", LFS_POINTER)
    problem = mlebench_repo_problem(repo, ["spooky-author-identification", "not-in-mlebench"])
    assert problem is not None and "1 competitions (spooky-author-identification)" in problem
    assert f"git lfs install && git lfs pull` in {repo}" in problem
    assert "no mlebench/competitions" in (mlebench_repo_problem(tmp_path, []) or "")


def test_without_any_source_a_kaggle_competition_says_which_options_give_one(tmp_path: Path) -> None:
    lookup = find_leaderboard(kaggle_competition(tmp_path), lower_is_better=False)
    assert lookup.source == "none"
    problem = lookup.problem or ""
    assert "--mlebench-repo" in problem and "--mlebench-kaggle-leaderboards" in problem


def test_kaggles_leaderboard_is_fetched_once_then_read_from_the_cache(kaggle: KaggleServer,
                                                                      tmp_path: Path) -> None:
    prepared = kaggle_competition(tmp_path)  # no copy in its folder: Kaggle's is the only source
    first = find_leaderboard(prepared, lower_is_better=False, kaggle=True)
    assert first.source == "kaggle" and first.leaderboard is not None
    assert first.leaderboard.n_teams == len(SCORES)
    assert (prepared.root.parent / KAGGLE_LEADERBOARD).is_file()
    fetched = len(kaggle.calls)
    again = find_leaderboard(prepared, lower_is_better=False)  # cached: used without the flag too
    assert again.source == "kaggle" and len(kaggle.calls) == fetched


def test_the_shipped_copy_comes_before_kaggles(kaggle: KaggleServer, tmp_path: Path) -> None:
    lookup = find_leaderboard(kaggle_competition(tmp_path, leaderboard="shipped"), False, kaggle=True)
    assert lookup.source == "shipped" and lookup.problem is None and not kaggle.calls


def test_when_kaggle_refuses_the_refusal_is_recorded(
        kaggle: KaggleServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAGGLE_API_TOKEN", "revoked-token")
    lookup = find_leaderboard(kaggle_competition(tmp_path), False, kaggle=True)
    assert lookup.source == "none" and lookup.leaderboard is None
    assert lookup.problem is not None and lookup.problem.startswith("kaggle: Kaggle rejected the API token")
