"""BMS Molecular Translation: Kaggle's train/ and test/ folders of grey PNG structures, three levels
deep by the 12-hex-digit id (``train/a/b/c/abc....png``), train_labels.csv, sample_submission.csv
(water for every test image) and extra_approved_InChIs.csv. InChIs carry commas, slashes and
parentheses, as the real ones do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, hex_ids, image_bytes, write_file

INCHIS = ["InChI=1S/C13H20OS/c1-9(2)8-15-13-6-5-12(10(3)14)7-11(13)4/h5-7,9-10H,8H2,1-4H3",
          "InChI=1S/C21H30O4/c1-12(22)25-14-6-8-20(2)13(10-14)11-17(23)19-15-4-5-18(24)21(15,3)9-7-16(19)20/h13-16,19H,4-11H2,1-3H3/t13-,14+,15+,16-,19-,20+,21+/m1/s1",
          "InChI=1S/C24H23N5O4/c1-14-13-15(7-8-17(14)28-12-10-20(30)26-24(28)32)27-22(31)16-5-3-4-6-18(16)29-23(25)21(19(27)11-9-2)33/h3-8,13H,9-12H2,1-2H3,(H2,25,33)(H,26,30,32)",
          "InChI=1S/C17H24N2O4S/c1-12(20)18-13(14-6-4-3-5-7-14)17(21)19-9-8-15(24-2)10-16(19)11-23/h3-7,13,15-16H,8-11H2,1-2H3,(H,18,20)",
          "InChI=1S/H2O/h1H2", "InChI=1S/CH4/h1H4", "InChI=1S/C6H6/c1-2-4-6-5-3-1/h1-6H"]
SAMPLE_INCHI = "InChI=1S/H2O/h1H2"


def image_path(folder: Path, image_id: str) -> Path:
    return folder / image_id[0] / image_id[1] / image_id[2] / f"{image_id}.png"


def structure(rng: np.random.Generator) -> bytes:
    """A tiny black-on-white drawing, of either orientation."""
    shape = (6, 9) if rng.random() < 0.5 else (9, 6)
    return image_bytes(np.where(rng.random(shape) < 0.9, 255, 0).astype(np.uint8), "PNG")


def build(raw: Path, rng: np.random.Generator) -> None:
    train_ids, test_ids = hex_ids(rng, 60, 12), hex_ids(rng, 10, 12)
    for folder, ids in (("train", train_ids), ("test", test_ids)):
        for image_id in ids:
            write_file(image_path(raw / folder, image_id), structure(rng))
    labels = pd.DataFrame({"image_id": train_ids, "InChI": rng.choice(INCHIS, len(train_ids))})
    write_file(raw / "train_labels.csv", csv_bytes(labels))
    write_file(raw / "sample_submission.csv",
               csv_bytes(pd.DataFrame({"image_id": test_ids, "InChI": SAMPLE_INCHI})))
    write_file(raw / "extra_approved_InChIs.csv", csv_bytes(pd.DataFrame({"InChI": INCHIS[::-1]})))
