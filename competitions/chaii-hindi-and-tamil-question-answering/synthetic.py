"""chaii (Hindi and Tamil question answering): Kaggle's train.csv, test.csv and sample_submission.csv,
nine-hex-digit ids, multi-line Hindi and Tamil contexts, answers that are spans of them (some of
them years) with their character offsets, and the language of each row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids

WORDS = {
    "hindi": ["भारत", "की", "राजधानी", "नई", "दिल्ली", "है", "गंगा", "नदी", "हिमालय", "से", "निकलती",
              "महात्मा", "गांधी", "का", "जन्म", "पोरबंदर", "में", "हुआ", "था।"],
    "tamil": ["தமிழ்நாடு", "இந்தியாவின்", "ஒரு", "மாநிலம்", "சென்னை", "அதன்", "தலைநகரம்", "காவிரி",
              "ஆறு", "கர்நாடகத்தில்", "தொடங்குகிறது", "திருவள்ளுவர்", "திருக்குறளை", "எழுதினார்."],
}
QUESTION_WORDS = {"hindi": "क्या है?", "tamil": "எது?"}


def sentence(rng: np.random.Generator, language: str) -> str:
    return " ".join(rng.choice(WORDS[language], size=int(rng.integers(4, 9))))


def question(rng: np.random.Generator, language: str) -> tuple[str, str, str, int]:
    """(context, question, answer, answer_start): the answer is a span of the context (a year
    or a few words), found at its first occurrence, as Kaggle's offsets were."""
    lines = [sentence(rng, language) for _ in range(int(rng.integers(2, 5)))]
    if rng.random() < 0.2:
        answer = str(int(rng.integers(1800, 2021)))
        lines.insert(int(rng.integers(0, len(lines) + 1)), f"{sentence(rng, language)} {answer}")
    else:
        answer = " ".join(lines[0].split()[:int(rng.integers(1, 4))])
    context = "\n".join(lines)
    asked = f"{' '.join(rng.choice(WORDS[language], size=2))} {QUESTION_WORDS[language]}"
    return context, asked, answer, context.index(answer)


def questions(ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    languages = rng.choice(["hindi", "tamil"], size=len(ids), p=[0.65, 0.35])
    rows = [question(rng, language) for language in languages]
    return pd.DataFrame({"id": ids, "context": [r[0] for r in rows], "question": [r[1] for r in rows],
                         "answer_text": [r[2] for r in rows], "answer_start": [r[3] for r in rows],
                         "language": languages})


def build(raw: Path, rng: np.random.Generator) -> None:
    ids = hex_ids(rng, 205, 9)
    (raw / "train.csv").write_bytes(csv_bytes(questions(ids[:200], rng)))
    test = questions(ids[200:], rng).drop(columns=["answer_text", "answer_start"])
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(
        csv_bytes(test[["id"]].assign(PredictionString="")))
