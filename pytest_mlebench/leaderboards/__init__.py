"""Leaderboards: MLE-bench's file format, where each comes from, generated ladders."""
