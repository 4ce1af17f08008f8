"""The file helpers every prepare shares: writes that happen once, atomically, links instead
of copies, the sample-submission and answer frames, and a progress bar.

* Every output reaches its final name by a rename of a complete temporary file (or by
  a hard link, which is atomic), and an output whose final name exists is skipped. An
  interrupted ``prepare()`` run again on the same folders therefore finishes the work
  instead of redoing it.
* One CSV dialect for frames: :func:`write_csv` (pandas' defaults, no index). Tables
  too large for a frame stream through data/prepare/tabular.py.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

# -- idempotent writes -------------------------------------------------------------------------

def partial_path(path: Path) -> Path:
    """The temporary name ``path`` is written under before it is renamed into place.

    Fixed rather than random, so a run that resumes after a crash overwrites the
    leftover of the crashed one instead of leaving it beside the outputs.
    """
    return path.with_name(f".{path.name}.partial")


def write_once(path: Path, write: Callable[[Path], None]) -> None:
    """Create ``path`` by ``write(temporary_path)`` and a rename, unless it already exists.

    The final name only ever appears complete, so existing means done.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new(path, write)


def write_new(path: Path, write: Callable[[Path], None]) -> None:
    """:func:`write_once` for a path known to be absent, in a folder known to exist."""
    tmp = partial_path(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as a CSV file without its index, written once (:func:`write_once`)."""
    write_once(path, lambda tmp: frame.to_csv(tmp, index=False))


def link_or_copy(source: Path, dest: Path) -> None:
    """Put ``source`` at ``dest``: a hard link on the same filesystem, else a copy.

    A link costs no space or time, which matters for 100,000 images; the file is
    then shared with the raw folder, so neither side may be changed in place.
    """
    try:
        os.link(source, dest)
    except FileExistsError:
        raise
    except OSError:  # another filesystem, or one without hard links
        write_new(dest, lambda tmp: shutil.copyfile(source, tmp))
    else:  # a copy cut short by an earlier run on another filesystem would linger
        partial_path(dest).unlink(missing_ok=True)


# -- progress ----------------------------------------------------------------------------------

@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[], None]]:
    """A bar counting ``total`` files on a terminal, silent elsewhere; yields ``advance()``."""
    console = Console(file=sys.stderr)
    columns = (TextColumn("[mlebench] {task.description}", markup=False), BarColumn(),
               MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


def constant_submission(ids: pd.Series, columns: Iterable[str], value: float) -> pd.DataFrame:
    """A sample submission: ``ids`` (the column keeps the series' name) and ``value`` everywhere.

    Built in one go: a column at a time fragments a frame of a hundred classes.
    """
    return pd.DataFrame({ids.name: ids.to_numpy(), **dict.fromkeys(columns, value)})


def one_hot(ids: pd.Series, labels: pd.Series, classes: list[str]) -> pd.DataFrame:
    """One row per id (the column keeps the series' name) with a 0/1 column per class, in
    ``classes`` order: the answers of a log-loss competition, shaped like its submissions.

    A label outside ``classes`` is an error (MLE-bench's helper would add a column for it).
    """
    unknown = sorted(set(labels) - set(classes))
    if unknown:
        raise ValueError(f"labels outside the {len(classes)} classes: {unknown[:5]}")
    codes = pd.Categorical(labels, categories=classes).codes
    matrix = np.zeros((len(ids), len(classes)), dtype=np.int64)
    matrix[np.arange(len(ids)), codes] = 1
    return pd.concat([pd.DataFrame({ids.name: ids.to_numpy()}), pd.DataFrame(matrix, columns=classes)],
                     axis=1)
