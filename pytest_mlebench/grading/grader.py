"""A competition's grader bound to its answers: the one place a submission is judged.

The session's final grade, the agents' validation endpoint, the ``grade`` command and
the tests all ask this object, so a file the endpoint calls valid is a file grading
scores, for the same reasons, with the competition's own checks included.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .bounded import Bounds, call_bounded
from .validate import GradeFn, GradingSpec, InvalidSubmission, Truth, parse_csv, score


class AnswersChanged(RuntimeError):
    """The answers file is not the one prepared: it was changed after it was checked."""


@dataclass(frozen=True)
class Grader:
    spec: GradingSpec
    answers: pd.DataFrame
    #: The competition's grade.py ``grade`` (its variant bound), run after the generic checks.
    grade_fn: GradeFn | None = None
    #: When set, each grade runs in a child process within these limits (the harness's
    #: graders: agents' files); None grades in this process (tests, the grade command).
    bounds: Bounds | None = None
    #: What every grade needs of the answers (their ids, typed targets), worked out at load.
    truth: Truth | None = None

    @classmethod
    def load(cls, spec: GradingSpec, answers_path: Path, grade_fn: GradeFn | None = None,
             sha256: str | None = None) -> Grader:
        """Read the answers once, before any run; every later grade reuses them.

        With ``sha256`` (the prepared file's), the bytes parsed are the bytes hashed, so
        answers changed on disk after the cache was checked are refused, never graded by.
        """
        data = answers_path.read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise AnswersChanged(f"{answers_path} differs from the answers prepared (sha256 {sha256})")
        answers = parse_csv(data, answers_path.name, max_line=spec.max_line_bytes)
        return cls(spec, answers, grade_fn, truth=Truth.of(answers, spec))

    def score(self, submission: str | os.PathLike[str]) -> float:
        """The unrounded score, or InvalidSubmission with the reason."""
        if self.bounds is not None:
            return call_bounded(self._score, Path(submission), self.bounds)
        return self._score(submission)

    def _score(self, submission: str | os.PathLike[str]) -> float:
        return score(submission, self.answers, self.spec, self.grade_fn, self.truth)

    def check(self, submission: str | os.PathLike[str]) -> str | None:
        """None when grading would score the file, else the reason it would not.

        The score is computed and thrown away, never returned: the validation
        endpoint built on this cannot leak it.
        """
        try:
            self.score(submission)
        except InvalidSubmission as exc:
            return str(exc)
        return None
