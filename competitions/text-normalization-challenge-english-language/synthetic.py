"""Text Normalization (English): Kaggle's zipped en_train, en_test_2 and en_sample_submission_2."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pytest_mlebench.data.synthetic import write_text_normalization

#: (class, before, after); most tokens change, so copying "before" scores poorly.
TOKENS = [("PLAIN", "the", "the"), ("PLAIN", "null", "null"), ("PUNCT", ",", ","),
          ("PUNCT", '"', '"'), ("CARDINAL", "12", "twelve"), ("CARDINAL", "2012", "two thousand twelve"),
          ("DATE", "1 May 2010", "the first of may twenty ten"), ("MEASURE", "5 kg", "five kilograms"),
          ("MONEY", "$3.16", "three dollars, sixteen cents"), ("LETTERS", "NA", "N A"),
          ("LETTERS", "BBC", "b b c"), ("VERBATIM", "&", "and")]


def build(raw: Path, rng: np.random.Generator) -> None:
    write_text_normalization(raw, rng, "en", TOKENS)
