"""Text Normalization (Russian): Kaggle's zipped ru_train, ru_test_2 and ru_sample_submission_2."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pytest_mlebench.data.synthetic import write_text_normalization

#: (class, before, after); most tokens change, so copying "before" scores poorly.
TOKENS = [("PLAIN", "в", "в"), ("PLAIN", "null", "null"), ("PUNCT", ",", ","), ("PUNCT", "«", "«"),
          ("CARDINAL", "12", "двенадцать"), ("CARDINAL", "2012", "две тысячи двенадцать"),
          ("DATE", "1 мая 2010", "первое мая две тысячи десятого года"),
          ("MEASURE", "5 кг", "пять килограммов"), ("MONEY", "3 руб.", "три рубля, ноль копеек"),
          ("LETTERS", "ООН", "о о н"), ("LETTERS", "NA", "эн эй"), ("VERBATIM", "&", "и")]


def build(raw: Path, rng: np.random.Generator) -> None:
    write_text_normalization(raw, rng, "ru", TOKENS)
