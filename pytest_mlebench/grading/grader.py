"""A competition's grader bound to its answers: the one place a submission is judged.

The session's final grade, the agents' validation endpoint, the ``grade`` command and
the tests all ask this object, so a file the endpoint calls valid is a file grading
scores, for the same reasons, with the competition's own checks included.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .validate import GradeFn, GradingSpec, InvalidSubmission, read_csv, score


@dataclass(frozen=True)
class Grader:
    spec: GradingSpec
    answers: pd.DataFrame
    #: The competition's grade.py ``grade`` (its variant bound), run after the generic checks.
    grade_fn: GradeFn | None = None

    @classmethod
    def load(cls, spec: GradingSpec, answers_path: Path, grade_fn: GradeFn | None = None) -> Grader:
        """Read the answers once; every later grade reuses them."""
        return cls(spec, read_csv(answers_path), grade_fn)

    def score(self, submission: str | os.PathLike[str]) -> float:
        """The unrounded score, or InvalidSubmission with the reason."""
        return score(submission, self.answers, self.spec, self.grade_fn)

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
