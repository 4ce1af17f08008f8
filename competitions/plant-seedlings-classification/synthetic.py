"""Plant Seedlings Classification: Kaggle's train/<species>/<9 hex digits>.png for twelve
species, test/<9 hex digits>.png and sample_submission.csv (file, species), small PNGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import hex_ids, photo, write_file

SPECIES = ["Black-grass", "Charlock", "Cleavers", "Common Chickweed", "Common wheat", "Fat Hen",
           "Loose Silky-bent", "Maize", "Scentless Mayweed", "Shepherds Purse",
           "Small-flowered Cranesbill", "Sugar beet"]


def build(raw: Path, rng: np.random.Generator) -> None:
    names = [f"{h}.png" for h in hex_ids(rng, 120, 9)]
    for name in names[:100]:
        write_file(raw / "train" / str(rng.choice(SPECIES)) / name, photo(rng, fmt="PNG"))
    for name in names[100:]:
        write_file(raw / "test" / name, photo(rng, fmt="PNG"))
    pd.DataFrame({"file": names[100:], "species": "Sugar beet"}).to_csv(
        raw / "sample_submission.csv", index=False)
