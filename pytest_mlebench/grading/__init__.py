"""Grading: metrics, strict submission checks, the grader, leaderboards and medals, records.

No pytest here; and nothing is imported with the package, so reading records
(grading.record) costs no pandas or scikit-learn.
"""
