"""What every grader answers, wherever it runs: the harness, the agents' validation endpoint and
the reports ask this of a grader in this process (grader.Grader) and of one in the session's
grading service (service.RemoteGrader) alike. Importing it loads nothing heavy."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod

from .errors import InvalidSubmission


class Judge(ABC):
    @property
    @abstractmethod
    def lower_is_better(self) -> bool:
        """The metric's direction, which placing a score on a leaderboard needs."""

    @abstractmethod
    def score(self, submission: str | os.PathLike[str]) -> float:
        """The unrounded score, or InvalidSubmission with the reason."""

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
