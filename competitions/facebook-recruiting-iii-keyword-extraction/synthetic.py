"""Facebook Recruiting III: Kaggle's Train.zip (Train.csv: Id, Title, Body, Tags) and Test.zip
(Test.csv: Id, Title, Body), every field quoted, rows ending in CRLF, HTML bodies whose lines end
in LF inside the quotes, one to five lower-case tags a question, and a few cells pandas reads as
missing ("null" titles, a question tagged only "null")."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

TAGS = ["javascript", "c#", "python", "php", "java", "jquery", "android", "c++", "html", "mysql",
        "sql", "css", "linux", "ios", "asp.net", "ruby-on-rails", ".net", "iphone", "windows", "null",
        "regex", "git", "django", "xml", "json"]
WORDS = ["how", "do", "I", "get", "the", "value", "of", "a", "list", "in", "when", "it's", "error",
         "file", "not", "working", "with", "\"quoted\"", "comma,", "function", "server", "NA"]
CODE = ["x = 1;", "print(x)", "if (a && b) {", "}", "SELECT * FROM t WHERE id = 'a,b';", "<div>"]


def _words(rng: np.random.Generator, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS, size=int(rng.integers(low, high))))


def body(rng: np.random.Generator, paragraphs: int = 3) -> str:
    """HTML as Stack Exchange stores it: paragraphs and code blocks, lines ending in LF."""
    parts = [f"<p>{_words(rng, 8, 60)}</p>\n" for _ in range(int(rng.integers(1, paragraphs + 1)))]
    if rng.random() < 0.5:
        code = "\n".join(rng.choice(CODE, size=int(rng.integers(1, 6))))
        parts.insert(1, f"\n<pre><code>{code}\n</code></pre>\n\n")
    return "".join(parts)


def questions(first_id: int, n: int, rng: np.random.Generator, with_tags: bool = True,
              paragraphs: int = 3) -> pd.DataFrame:
    frame = pd.DataFrame({
        "Id": np.arange(first_id, first_id + n).astype(str),
        "Title": [_words(rng, 3, 12) if rng.random() > 0.01 else "null" for _ in range(n)],
        "Body": [body(rng, paragraphs) for _ in range(n)],
    })
    if with_tags:
        frame["Tags"] = [" ".join(rng.choice(TAGS, size=int(rng.integers(1, 6)), replace=False))
                         for _ in range(n)]
    return frame


def write_questions(frame: pd.DataFrame, out: TextIO, header: bool = True) -> None:
    """Kaggle's dialect: every field quoted, CRLF after each row."""
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    if header:
        writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))


def zip_questions(archive: Path, frame: pd.DataFrame) -> None:
    text = io.StringIO(newline="")
    write_questions(frame, text)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(archive.stem + ".csv", text.getvalue())


def build(raw: Path, rng: np.random.Generator) -> None:
    train = questions(1, 400, rng)
    train.loc[7, "Tags"] = "null"
    zip_questions(raw / "Train.zip", train)
    zip_questions(raw / "Test.zip", questions(401, 100, rng, with_tags=False))
