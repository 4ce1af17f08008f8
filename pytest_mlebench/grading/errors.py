"""Grading's errors, in a module of their own: the harness, the runners and the reports catch
them without importing pandas and the metrics (grading/validate.py and grader.py raise them)."""


class InvalidSubmission(ValueError):
    """A submission that cannot be graded; its str is the reason the user reads."""


class AnswersChanged(RuntimeError):
    """The answers file is not the one prepared: it was changed after it was checked."""
