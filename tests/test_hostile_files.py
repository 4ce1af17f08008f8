"""Files no grader may hang on, for every implemented competition: they are invalid with a
reason before a parser sees them, at the grader and so at the validation endpoint."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import Competition, Registry
from pytest_mlebench.grading.grader import Grader

REGISTRY = Registry()
REGISTRY.add_catalog(catalog_root())
IMPLEMENTED = sorted(cid for cid, c in REGISTRY.competitions.items() if c.implemented)


def grader(cid: str, folder: Path) -> Grader:
    """The competition's own grader over two made-up answer rows (never reached by these files)."""
    competition = REGISTRY.competitions[cid]
    answers = folder / f"{cid}.csv"
    pd.DataFrame({column: ["1", "0"] for column in competition.grading_spec().columns}).to_csv(
        answers, index=False)
    return competition.grader(answers)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        # 4 MB: one line of 2 million fields (took the old grader over 500 s and ~20 GB).
        "one-line": b",".join([b"1"] * 2_000_000) + b"\n",
        # A header of 100,000 short names, each row as wide.
        "wide-header": (",".join(f"c{i}" for i in range(100_000)) + "\n").encode() * 3,
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


@pytest.mark.parametrize("cid", IMPLEMENTED)
def test_a_line_of_two_million_fields_is_invalid_unparsed(cid: str, hostile: dict[str, Path]) -> None:
    """Refused for its length, or, where the competition allows longer lines (a whole mask's
    run-length encoding), for its header's width: never parsed either way."""
    reason = grader(cid, hostile["one-line"].parent).check(hostile["one-line"])
    allowed = Competition.from_folder(catalog_root() / cid).grading_spec().max_line_bytes
    expected = "line 1 is 3,999,999 bytes long" if allowed < 3_999_999 else "the header has 2,000,000 fields"
    assert reason is not None and expected in reason


@pytest.mark.parametrize("cid", IMPLEMENTED)
def test_a_header_of_100000_fields_is_invalid_unparsed(cid: str, hostile: dict[str, Path]) -> None:
    reason = grader(cid, hostile["wide-header"].parent).check(hostile["wide-header"])
    assert reason is not None and "the header has 100,000 fields" in reason
