"""Data: Kaggle's raw files, offline data, and the prepared-data store; prepare helpers."""
