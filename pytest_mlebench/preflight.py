"""Preflight: everything that would fail an hour into a run, found before anything runs.

Runs on the controller (or the only process) in ``pytest_configure``. Every
problem found is listed in one usage error, each with how to fix it, so a user
learns about a missing Kaggle rule, an LFS pointer and a missing image at once.
Nothing is prepared, downloaded or run here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .data.kaggle import check_access
from .data.synthetic import missing_builders
from .harness import Harness
from .leaderboards.sources import mlebench_repo_problem
from .runners.leases import detect_gpus

#: Free disk below this is a problem whenever anything is still to prepare.
MIN_FREE_BYTES = 2 * 1024**3


def preflight(harness: Harness, needs_leaderboards: bool) -> list[str]:
    """What stops this session from running to the end; empty when nothing does."""
    paths, gpus = harness.paths, harness.limits.gpus
    selected = [harness.registry.competitions[c] for c in harness.competition_ids
                if c in harness.registry.competitions]
    implemented = [c for c in selected if c.implemented]
    problems: list[str] = []

    to_download = harness.store.to_download(implemented)  # none under --mlebench-synthetic
    if to_download:
        problems += [str(p) for p in check_access(to_download)]
    if paths.synthetic:
        problems += missing_builders(implemented)

    kaggle_ids = [c.id for c in implemented if c.source == "kaggle"]
    if paths.mlebench_repo is not None and kaggle_ids:
        problem = mlebench_repo_problem(paths.mlebench_repo, kaggle_ids)
        if problem:
            problems.append(problem)
    if needs_leaderboards and paths.mlebench_repo is None and not paths.kaggle_leaderboards:
        bare = [c.id for c in implemented if c.source == "kaggle" and c.leaderboard == "none"]
        if bare:
            problems.append(f"medals are required but {len(bare)} competitions ({', '.join(bare[:3])}"
                            f"{', ...' if len(bare) > 3 else ''}) have no leaderboard: give --mlebench-repo "
                            f"PATH (an MLE-bench checkout with `git lfs pull` done) or "
                            f"--mlebench-kaggle-leaderboards")

    problems += harness.runner.problems(harness.agent)

    if gpus:  # --mlebench-gpus auto found its GPUs already: only a list can name absent ones
        visible = detect_gpus()
        absent = [g for g in gpus if g not in visible]
        if absent:
            problems.append(f"--mlebench-gpus {','.join(gpus)}: GPU {', '.join(absent)} not visible here "
                            f"(the driver reports: {', '.join(visible) or 'no GPU'}); check nvidia-smi "
                            f"and CUDA_VISIBLE_DEVICES")

    unprepared = [c for c in implemented if not harness.store.is_prepared(c)]
    if unprepared:
        free = shutil.disk_usage(_existing(paths.data_dir)).free
        need = max(MIN_FREE_BYTES, 3 * sum(_staged_size(paths.raw_dir, c.id) for c in unprepared))
        if free < need:
            problems.append(f"only {free / 1024**3:.1f} GiB free in {paths.data_dir}, "
                            f"{need / 1024**3:.1f} GiB needed to prepare {len(unprepared)} competitions: "
                            f"free space or give --mlebench-data-dir on a larger disk")
    return problems


def _existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def _staged_size(raw_dir: Path | None, competition_id: str) -> int:
    """Bytes of a pre-staged archive (raw, extracted and prepared copies need about 3x)."""
    if raw_dir is None:
        return 0
    archive = raw_dir / f"{competition_id}.zip"
    return archive.stat().st_size if archive.is_file() else 0
