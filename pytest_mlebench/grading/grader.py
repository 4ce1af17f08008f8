"""A competition's grader bound to its answers: the one place a submission is judged.

The session's final grade and the agents' validation endpoint (through the session's grading
service, which holds one of these per competition), the ``grade`` command and the tests all
ask this object, so a file the endpoint calls valid is a file grading
scores, for the same reasons, with the competition's own checks included.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import AnswersChanged
from .judge import Judge
from .string_ids import joined
from .validate import GradeFn, GradingSpec, Truth, frame_of, parse_cells, score, takes_truth

__all__ = ["AnswersChanged", "Grader"]


@dataclass(frozen=True)
class Grader(Judge):
    spec: GradingSpec
    answers: pd.DataFrame
    #: The competition's grade.py ``grade`` (its variant bound), run after the generic checks.
    grade_fn: GradeFn | None = None
    #: What every grade needs of the answers (their ids, typed targets), worked out at load.
    truth: Truth | None = None

    @classmethod
    def load(cls, spec: GradingSpec, answers_path: Path, grade_fn: GradeFn | None = None,
             sha256: str | None = None) -> Grader:
        """Read the answers once, before any run; every later grade reuses them.

        With ``sha256`` (the prepared file's), the bytes parsed are the bytes hashed, so
        answers changed on disk after the cache was checked are refused, never graded by.
        """
        spec.metric.load()  # here, not at the first grade: a service's children inherit it
        data = answers_path.read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise AnswersChanged(f"{answers_path} differs from the answers prepared (sha256 {sha256})")
        # A grade.py may read the answers' targets as text. Without one, or with one that takes
        # them typed (``truth``), they are parsed as numbers once and never held as text.
        typed = grade_fn is None or takes_truth(grade_fn)
        numbers = spec.target_columns if typed and spec.metric.numeric else ()
        cells = parse_cells(data, answers_path.name, numbers=numbers, max_line=spec.max_line_bytes)
        del data  # the file's bytes are not kept while the answers are worked out
        answers = frame_of(cells)
        if spec.id_column in answers:  # held all session: in one piece, so never copied again
            answers[spec.id_column] = joined(answers[spec.id_column])
        return cls(spec, answers, grade_fn, truth=Truth.of(answers, spec))

    @property
    def lower_is_better(self) -> bool:
        return self.spec.metric.lower_is_better

    def score(self, submission: str | os.PathLike[str]) -> float:
        """The unrounded score, computed in this process (agents' files are graded within bounds,
        by the session's grading service: service.py)."""
        return score(submission, self.answers, self.spec, self.grade_fn, self.truth)
