"""Fixtures for the plugin's own tests: a small catalog and agents made by the test.

The catalog registers through the plugin's public hooks from a conftest.py in the
pytester directory, exactly as a third party's would.
"""

from __future__ import annotations

import secrets
import textwrap
from pathlib import Path

# numpy, pandas and the plugin are imported once here, before pytester's in-process runs
# snapshot sys.modules: neither library can be imported a second time in one process (pandas
# a second time builds Index objects its first copy's arrays fail), and the plugin imports
# them only when a competition is prepared or graded.
import numpy  # noqa: F401
import pandas  # noqa: F401
import pytest
from docker_helpers import base_image, require_docker

import pytest_mlebench.session  # noqa: F401

TINY_PREPARE = '''
from pathlib import Path
import numpy as np
import pandas as pd


def prepare(raw, public: Path, private: Path) -> None:
    rng = np.random.default_rng(7)
    n = 400
    x = rng.normal(size=n)
    y = (x + rng.normal(scale=0.7, size=n) > 0).astype(int)
    ids = [f"r{i:04d}" for i in range(n)]
    df = pd.DataFrame({"id": ids, "x": x, "y": y})
    train, test = df.iloc[:300], df.iloc[300:]
    train.to_csv(public / "train.csv", index=False)
    test[["id", "x"]].to_csv(public / "test.csv", index=False)
    test.assign(y=0.5)[["id", "y"]].to_csv(public / "sample_submission.csv", index=False)
    test[["id", "y"]].to_csv(private / "answers.csv", index=False)
'''

#: Shipped leaderboards in MLE-bench's format (best first), 20 teams each. The "good"
#: agent's AUC (0.8467) earns nothing on the first and silver on the second
#: (gold position 2 = 0.86, silver position 4 = 0.845, bronze position 8 = 0.8).
LEADERBOARDS = {
    "tiny-auc": [0.99, 0.97, 0.95, 0.93, 0.91, 0.9, 0.89, 0.88, 0.87, 0.86,
                 0.85, 0.84, 0.83, 0.82, 0.81, 0.8, 0.7, 0.6, 0.55, 0.5],
    "tiny-auc-2": [0.9, 0.86, 0.855, 0.845, 0.84, 0.83, 0.82, 0.8, 0.79, 0.78,
                   0.77, 0.76, 0.75, 0.74, 0.73, 0.72, 0.71, 0.7, 0.6, 0.5],
}

GOOD = ('python - <<"PY"\nimport os, pandas as pd\nd = os.environ["DATA_DIR"]\n'
        't = pd.read_csv(f"{d}/test.csv", dtype={"id": str})\n'
        'pd.DataFrame({"id": t.id, "y": 1 / (1 + 2.718 ** -t.x)}).to_csv('
        'os.environ["SUBMISSION_DIR"] + "/submission.csv", index=False)\nPY\n')
COPY = 'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"'

AGENTS = {
    # Predicts from the feature: AUC 0.8467 on both tiny competitions.
    "good": GOOD + 'echo "model notes" > "$LOGS_DIR/notes.txt"\ncp "$0" "$CODE_DIR/"',
    # Good on seeds 0 and 1, the sample on seed 2.
    "seedy": f'if [ "$SEED" = 2 ]; then {COPY}; else\n{GOOD}fi',
    # Notes which GPUs it saw and when, in the file named by $LEASE_LOG (passed from the host).
    "gpu-recorder": 'echo "start $CUDA_VISIBLE_DEVICES $(date +%s.%N)" >> "$LEASE_LOG"\nsleep 1\n'
                    'echo "end $CUDA_VISIBLE_DEVICES $(date +%s.%N)" >> "$LEASE_LOG"\n' + COPY,
    # Counts its runs in $LEASE_LOG.
    "counter": 'echo "$COMPETITION_ID" >> "$LEASE_LOG"\n' + GOOD,
    "copier": COPY,
    "crash": 'echo "about to crash"\nexit 3',
    "sleeper": 'echo "sleeping"\nsleep 600',
    "malformed": 'printf "id,y\\nr0300,0.5\\nr0300,0.5\\n" > "$SUBMISSION_DIR/submission.csv"',
    "spawner": '(exec -a mlebench-orphan-$COMPETITION_ID sleep 300) &\n'
               'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"',
    "validator": 'printf "id,y\\nbad,1\\n" > "$LOGS_DIR/bad.csv"\n'
                 'bash "$HOME/validate_submission.sh" "$LOGS_DIR/bad.csv" > "$LOGS_DIR/first.txt" || true\n'
                 'sleep 1.2\n'
                 'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n'
                 'bash "$HOME/validate_submission.sh" > "$LOGS_DIR/second.txt"',
    "snoop": 'env > "$LOGS_DIR/env.txt"\nls -laR "$HOME" > "$LOGS_DIR/tree.txt"\n'
             '{ echo x >> "$DATA_DIR/train.csv"; } 2>/dev/null && echo written > "$LOGS_DIR/write.txt" '
             '|| echo refused > "$LOGS_DIR/write.txt"\n'
             'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"',
}


def write_catalog(root: Path, ids: tuple[str, ...] = ("tiny-auc", "tiny-auc-2")) -> None:
    """A catalog folder with tiny AUC competitions, a split listing them, and one unimplemented id."""
    for cid in ids:
        folder = root / "catalog" / cid
        folder.mkdir(parents=True)
        (folder / "competition.yaml").write_text(textwrap.dedent(f"""\
            id: {cid}
            title: Tiny AUC {cid}
            source: offline
            leaderboard: shipped
            grading:
              metric: roc_auc
              id_column: id
              target_columns: [y]
        """))
        (folder / "prepare.py").write_text(TINY_PREPARE)
        (folder / "description.md").write_text(f"# {cid}\nPredict y from x. Scored by AUC.\n")
        rows = ["scoreNullable,teamId,hasTeamName,submissionDate,score,hasScore"]
        rows += [f"{s},{i},True,2024-01-01 00:00:00,{s},True" for i, s in enumerate(LEADERBOARDS[cid])]
        (folder / "leaderboard.csv").write_text("\n".join(rows) + "\n")
    splits = root / "catalog" / "splits"
    splits.mkdir()
    (splits / "tiny.txt").write_text("\n".join(ids) + "\nnot-written-yet\n")


def write_agents(root: Path) -> None:
    for name, body in AGENTS.items():
        folder = root / "agents" / name
        folder.mkdir(parents=True)
        (folder / "agent.yaml").write_text(f"name: {name}\nversion: '2'\nstart: start.sh\n"
                                           "env_from_host: [LEASE_LOG]\n")
        (folder / "start.sh").write_text("set -euo pipefail\n" + body + "\n")


CONFTEST = '''
from pathlib import Path

HERE = Path(__file__).parent


def pytest_mlebench_register_competitions(registry):
    registry.add_catalog(HERE / "catalog")


def pytest_mlebench_register_agents(registry):
    registry.add_agents_folder(HERE / "agents")
'''


@pytest.fixture
def bench(pytester: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory) -> pytest.Pytester:
    """A pytester directory holding the tiny catalog and agents, with its own data dir."""
    write_catalog(pytester.path)
    write_agents(pytester.path)
    pytester.makeconftest(CONFTEST)
    data_dir = tmp_path_factory.mktemp("data")
    pytester.makeini(f"""
        [pytest]
        mlebench_data_dir = {data_dir}
        mlebench_runner = local
        mlebench_competitions = tiny
    """)
    return pytester



@pytest.fixture(scope="session")
def docker_base_image() -> str:
    """The agents' base image: found, built from a reachable base, or built offline (mmdebstrap + PyPI)."""
    return base_image(require_docker())


@pytest.fixture(autouse=True)
def _docker_tests_have_the_base_image(request: pytest.FixtureRequest) -> None:
    """Every docker test waits for the base image first, also one whose runner would build its
    agent's image itself: on a fresh engine the base is still being built (scripts/test)."""
    if request.node.get_closest_marker("docker") is not None:
        request.getfixturevalue("docker_base_image")


@pytest.fixture
def session_label(monkeypatch: pytest.MonkeyPatch) -> str:
    """A session id of this test's own, for the pytest sessions it starts: their containers carry it.

    The docker runner labels containers with PYTEST_XDIST_TESTRUNUID, which every
    session started from one xdist worker would otherwise inherit and share; a
    session started with -n also needs ``--testrunuid`` set to it.
    """
    label = f"test-{secrets.token_hex(6)}"
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", label)
    return label

