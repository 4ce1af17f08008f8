"""Wall time of -n 4 against a serial session, with an agent that only sleeps.

    python benchmarks/parallel_speedup.py [--sleep 30] [--workers 4] [--only-these-plugins]

Eight items (four offline competitions x two seeds), each run by an agent that
sleeps, then submits the sample. Both sessions use the same prepared data, so
what is measured is scheduling: with W workers the ideal is 1/W of the serial
time, plus the workers' start-up. Target: -n 4 takes at most 30% of serial.

With ``--only-these-plugins`` pytest loads only xdist and this plugin, as in a venv that
holds nothing else (PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 -p xdist.plugin -p
pytest_mlebench.plugin): a development venv's other pytest plugins (pytest-html,
pytest-timeout, pytest-rerunfailures...) are imported by every worker too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMPETITIONS = "diabetes-progression,wine-cultivar,digits-png,synthetic-multilabel-tags"

CONFTEST = '''
import os
import time
from pathlib import Path


def pytest_mlebench_register_agents(registry):
    registry.add_agents_folder(Path(__file__).parent / "agents")


def age() -> float:
    """Seconds since this process started, to the kernel's clock tick. Both numbers count from
    boot (psutil's create_time adds the boot time, which Linux gives in whole seconds: its
    ages are off by up to a second, by the same amount for every process of one boot)."""
    with open("/proc/self/stat") as stat:
        ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
    return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")


def pytest_collection_finish(session):
    """An xdist worker's start-up: from its process's start to its collection finished."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        with open(Path(__file__).parent / "startup.log", "a") as log:
            log.write(f"{age():.3f}\\n")
'''


def write_sleeper(root: Path, seconds: float) -> None:
    """A third-party agent, registered through the plugin's hook from a conftest.py."""
    agent = root / "agents" / "sleeper"
    agent.mkdir(parents=True)
    (agent / "agent.yaml").write_text("name: sleeper\nversion: '1'\nstart: start.sh\n")
    (agent / "start.sh").write_text(
        f'sleep {seconds}\ncp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
    (root / "conftest.py").write_text(CONFTEST)
    (root / "pytest.ini").write_text("[pytest]\n")


#: pytest's arguments and environment that load only xdist and this plugin.
ONLY_THESE_PLUGINS = (["-p", "xdist.plugin", "-p", "pytest_mlebench.plugin"],
                      {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})


def session(root: Path, data_dir: Path, *extra: str, only_these_plugins: bool = False) -> float:
    plugins, env = ONLY_THESE_PLUGINS if only_these_plugins else ([], {})
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugins, "--agent=sleeper",
           f"--competitions={COMPETITIONS}", "--mlebench-seeds=2", "--mlebench-runner=local",
           f"--mlebench-data-dir={data_dir}", *extra]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=root, env={**os.environ, **env})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sleep", type=float, default=30, help="seconds each run sleeps (default 30)")
    parser.add_argument("--workers", type=int, default=4, help="xdist workers (default 4)")
    parser.add_argument("--only-these-plugins", action="store_true",
                        help="load no pytest plugin but xdist and this one")
    args = parser.parse_args()
    only = args.only_these_plugins
    with tempfile.TemporaryDirectory() as tmp:
        root, data_dir = Path(tmp), Path(tmp, "data")
        write_sleeper(root, args.sleep)
        # prepare, outside the measurement
        session(root, data_dir, "--agent=dummy", "--mlebench-seeds=1", only_these_plugins=only)
        serial = session(root, data_dir, only_these_plugins=only)
        parallel = session(root, data_dir, "-n", str(args.workers), "--dist", "worksteal",
                           only_these_plugins=only)
        startups = sorted(float(line) for line in (root / "startup.log").read_text().split())
    print(f"8 runs sleeping {args.sleep:g}s: serial {serial:.1f}s, -n {args.workers} {parallel:.1f}s "
          f"= {100 * parallel / serial:.0f}% of serial (target <= 30%; with --sleep 0, <= 100%)")
    print("worker start-up, process start to collection finished (target < 1.5 s): "
          + ", ".join(f"{seconds:.2f}" for seconds in startups) + " s")


if __name__ == "__main__":
    main()
