"""The agent's git commit is read without letting the agent's repository run anything on the host.

An agent folder is the agent author's, and its .git/config may name commands that git runs
(core.fsmonitor on status, a filter driver's clean command on files git compares): the
harness reads the commit as root, under either runner, before the agent is even isolated.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pytest_mlebench.provenance import agent_commit

#: Commands a hostile repository asks git to run; each leaves a file behind when it runs.
HOSTILE_CONFIG = {"core.fsmonitor": "touch {root}/PWNED-fsmonitor; false",
                  "filter.evil.clean": "touch {root}/PWNED-filter; cat",
                  "core.hooksPath": "{root}/hooks"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=repo, check=True, capture_output=True, text=True).stdout


def hostile_repo(root: Path, agent: str = "agent") -> Path:
    """A repository whose agent folder is committed clean, with a config that runs commands."""
    folder = root / agent
    folder.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    if not (folder / "start.sh").exists():
        (folder / "start.sh").write_text("echo hi\n")
    (folder / "start.sh").chmod(0o755)
    (folder / "notes.txt").write_text("v1\n")
    (folder / "latest").symlink_to("notes.txt")
    (root / ".gitattributes").write_text("* filter=evil\n")
    (root / ".gitignore").write_text("*.log\n")
    (root / "hooks").mkdir()
    for hook in ("post-index-change", "reference-transaction"):
        (root / "hooks" / hook).write_text(f"#!/bin/sh\ntouch {root}/PWNED-{hook}\n")
        (root / "hooks" / hook).chmod(0o755)
    git(root, "add", ".")
    git(root, "commit", "-qm", "agent")
    for key, value in HOSTILE_CONFIG.items():
        git(root, "config", key, value.format(root=root))
    return folder


def pwned(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("PWNED*"))


def commit_of(folder: Path) -> str | None:
    agent_commit.cache_clear()
    return agent_commit(folder)


def test_plain_git_would_run_the_repository_s_commands(tmp_path: Path) -> None:
    """The attack is real: git status runs the fsmonitor and the filter of a changed file."""
    folder = hostile_repo(tmp_path)
    (folder / "notes.txt").write_text("v2\n")
    subprocess.run(["git", "status", "--porcelain"], cwd=folder, capture_output=True, check=False)
    assert {"PWNED-fsmonitor", "PWNED-filter"} <= set(pwned(tmp_path))


def test_the_commit_is_read_and_nothing_runs(tmp_path: Path) -> None:
    folder = hostile_repo(tmp_path)
    head = git(tmp_path, "rev-parse", "HEAD").strip()
    assert commit_of(folder) == head
    (folder / "notes.txt").write_text("v2\n")
    assert commit_of(folder) == head + "+dirty"
    assert pwned(tmp_path) == []


@pytest.mark.parametrize("change", ["edit", "stage", "untracked", "delete", "chmod", "relink"])
def test_every_kind_of_change_in_the_folder_is_dirty(tmp_path: Path, change: str) -> None:
    folder = hostile_repo(tmp_path)
    match change:
        case "edit":
            (folder / "notes.txt").write_text("v1 \n")
        case "stage":
            (folder / "notes.txt").write_text("v2\n")
            git(tmp_path, "-c", "core.fsmonitor=false", "-c", "filter.evil.clean=cat", "-c",
                "core.hooksPath=/dev/null", "add", ".")
            (folder / "notes.txt").write_text("v1\n")  # the worktree as committed, the index not
        case "untracked":
            (folder / "new.py").write_text("")
        case "delete":
            (folder / "notes.txt").unlink()
        case "chmod":
            (folder / "start.sh").chmod(0o644)
        case "relink":
            (folder / "latest").unlink()
            (folder / "latest").symlink_to("start.sh")
    assert commit_of(folder).endswith("+dirty")
    assert pwned(tmp_path) == []


def test_changes_outside_the_folder_and_ignored_files_are_not_dirty(tmp_path: Path) -> None:
    folder = hostile_repo(tmp_path)
    (tmp_path / "elsewhere.txt").write_text("not the agent's\n")
    (folder / "run.log").write_text("ignored\n")
    assert not commit_of(folder).endswith("+dirty")
    assert commit_of(tmp_path).endswith("+dirty")  # elsewhere.txt is untracked in the repository
    assert pwned(tmp_path) == []


def test_a_folder_outside_any_repository_has_no_commit(tmp_path: Path) -> None:
    assert commit_of(tmp_path) is None


def test_a_session_with_a_hostile_agent_repository_runs_none_of_its_commands(
        bench: pytest.Pytester) -> None:
    folder = bench.path / "agents" / "good"
    hostile_repo(bench.path / "agents", "good")
    (folder / "notes.txt").write_text("v2\n")
    result = bench.runpytest("--agent=./agents/good", "--mlebench-report=r.json")
    result.assert_outcomes(passed=2, skipped=1)
    records = json.loads((bench.path / "r.json").read_text())["competition_reports"]
    head = git(folder, "rev-parse", "HEAD").strip()
    assert {r["agent_commit"] for r in records} == {head + "+dirty"}
    assert pwned(bench.path / "agents") == []
