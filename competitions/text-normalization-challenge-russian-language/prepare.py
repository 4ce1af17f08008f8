"""Text normalization, Russian: the split both languages share, on Kaggle's ru_train.csv.zip."""

from __future__ import annotations

from pathlib import Path

from pytest_mlebench.data.prepare.text_normalization import prepare_text_normalization


def prepare(raw: Path, public: Path, private: Path) -> None:
    prepare_text_normalization(raw, public, private, language="ru")
