"""The prepared cache cannot be poisoned: answers private to the harness, every file checked by
content, a changed folder prepared afresh with a warning, and no workspace sharing its files.

The attack these reproduce: a local-runner agent found the data folder, rewrote
private/answers.csv (and the public train.csv, through the workspace's hard link) with the same
size and its mtime put back, and the next honest session was graded against its answers.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.store import ChangedCacheWarning, DataStore, file_sha256
from pytest_mlebench.grading.grader import AnswersChanged

PREPARE = '''
import pandas as pd

def prepare(raw, public, private):
    ids = [f"r{i}" for i in range(8)]
    pd.DataFrame({"id": ids[:4], "x": range(4), "y": [0, 1, 0, 1]}).to_csv(public / "train.csv", index=False)
    pd.DataFrame({"id": ids[4:], "x": range(4)}).to_csv(public / "test.csv", index=False)
    pd.DataFrame({"id": ids[4:], "y": 0.5}).to_csv(public / "sample_submission.csv", index=False)
    pd.DataFrame({"id": ids[4:], "y": [0, 1, 1, 0]}).to_csv(private / "answers.csv", index=False)
'''

#: Flips every label of the answers in place, same size, and puts the mtime back: the attack.
FORGE = '''python - "$data_root/private/answers.csv" <<"PY"
import os, sys
path = sys.argv[1]
st = os.stat(path)
os.chmod(path, 0o644)
data = open(path).read()
open(path, "w").write(data.replace(",0\\n", ",x\\n").replace(",1\\n", ",0\\n").replace(",x\\n", ",1\\n"))
os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
'''
FLIP = (",0\n", ",1\n")


def competition(tmp_path: Path) -> Competition:
    folder = tmp_path / "catalog" / "tiny"
    folder.mkdir(parents=True)
    (folder / "competition.yaml").write_text(
        "id: tiny\ntitle: Tiny\nsource: offline\ngrading:\n  metric: roc_auc\n  id_column: id\n"
        "  target_columns: [y]\n")
    (folder / "prepare.py").write_text(PREPARE)
    return Competition.from_folder(folder)


def forge(path: Path, old: str, new: str) -> None:
    """The attacker's edit, done by the test: same size, same mtime, other content."""
    st = path.stat()
    path.chmod(0o644)
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_private_answers_are_the_harness_s_alone(tmp_path: Path) -> None:
    prepared = DataStore(tmp_path / "data").prepare(competition(tmp_path))
    assert stat.S_IMODE(prepared.private.stat().st_mode) == 0o700
    assert stat.S_IMODE(prepared.answers_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(prepared.public.stat().st_mode) & 0o005, "public data stays readable"


@pytest.mark.parametrize("target", ["private/answers.csv", "public/train.csv"])
def test_a_file_rewritten_with_its_size_and_mtime_kept_is_found_and_prepared_again(
        tmp_path: Path, target: str) -> None:
    comp = competition(tmp_path)
    prepared = DataStore(tmp_path / "data").prepare(comp)
    original = (prepared.root / target).read_text()
    forge(prepared.root / target, *FLIP)
    with pytest.warns(ChangedCacheWarning, match=rf"tiny: prepared data .* \(changed: {target}\)"):
        again = DataStore(tmp_path / "data").prepare(comp)
    assert (again.root / target).read_text() == original
    assert again.dataset_version == prepared.dataset_version


def test_answers_changed_after_the_check_are_never_graded_by(tmp_path: Path) -> None:
    comp = competition(tmp_path)
    store = DataStore(tmp_path / "data")
    prepared = store.prepare(comp)
    assert comp.grader(prepared.answers_path, prepared.answers_sha256).score(
        prepared.public / "sample_submission.csv") == 0.5
    forge(prepared.answers_path, *FLIP)
    with pytest.raises(AnswersChanged, match="differs from the answers prepared"):
        comp.grader(prepared.answers_path, prepared.answers_sha256)
    # The store's own cached verdict is not trusted then: recheck hashes every file.
    with pytest.warns(ChangedCacheWarning):
        fresh = store.prepare(comp, recheck=True)
    assert comp.grader(fresh.answers_path, fresh.answers_sha256)


def test_an_unchanged_cache_is_checked_without_reading_it_again(tmp_path: Path) -> None:
    comp = competition(tmp_path)
    prepared = DataStore(tmp_path / "data").prepare(comp)
    stats = (prepared.root / "stats.json").read_text()
    DataStore(tmp_path / "data").prepare(comp)
    assert (prepared.root / "stats.json").read_text() == stats, "sealing changed no ctime"


HOSTILE = {
    # Finds the cache and poisons it: the answers it was graded by and, through its own data
    # folder, the public train.csv.
    "poisoner": 'data_root="$(cat "$LEASE_LOG")"\n' + FORGE
                + 'chmod u+w "$DATA_DIR/train.csv" "$DATA_DIR"\n'
                + 'echo "r9999,0,0" >> "$DATA_DIR/train.csv"\n'
                + 'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"',
}


def test_a_poisoning_agent_does_not_change_the_next_session_s_grade(bench: pytest.Pytester) -> None:
    data_dir = Path(bench.parseconfig().getini("mlebench_data_dir"))
    honest = bench.runpytest("--agent=good", "--competitions=tiny-auc", "--mlebench-report=a.json")
    honest.assert_outcomes(passed=1)
    before = json.loads((bench.path / "a.json").read_text())["competition_reports"][0]
    root = data_dir / "tiny-auc" / "v1"
    train = (root / "public" / "train.csv").read_text()

    folder = bench.path / "agents" / "poisoner"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: poisoner\nstart: start.sh\nenv_from_host: [LEASE_LOG]\n")
    (folder / "start.sh").write_text("set -euo pipefail\n" + HOSTILE["poisoner"] + "\n")
    os.environ["LEASE_LOG"] = str(bench.path / "target.txt")
    (bench.path / "target.txt").write_text(str(root))
    try:
        bench.runpytest("--agent=poisoner", "--mlebench-local-sandbox=none",
                        "--competitions=tiny-auc").assert_outcomes(passed=1)
    finally:
        del os.environ["LEASE_LOG"]
    assert (root / "public" / "train.csv").read_text() == train, "the workspace held a copy"
    recorded = json.loads((root / "manifest.json").read_text())["private/answers.csv"]
    assert file_sha256(root / "private" / "answers.csv") != recorded, "the answers were poisoned"

    after = bench.runpytest("--agent=good", "--competitions=tiny-auc", "--mlebench-report=b.json")
    after.assert_outcomes(passed=1)
    after.stdout.fnmatch_lines(["*ChangedCacheWarning: tiny-auc: prepared data * no longer matches "
                                "its checksums (changed: private/answers.csv); preparing it again*"])
    again = json.loads((bench.path / "b.json").read_text())["competition_reports"][0]
    assert (again["score"], again["dataset_version"]) == (before["score"], before["dataset_version"])
