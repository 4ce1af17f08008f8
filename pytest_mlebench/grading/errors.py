"""The submission's fault, in a module of its own: the harness, the runners and the reports
catch it without importing pandas and the metrics (grading/validate.py raises it)."""


class InvalidSubmission(ValueError):
    """A submission that cannot be graded; its str is the reason the user reads."""
