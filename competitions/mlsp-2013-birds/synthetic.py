"""MLSP 2013 Birds: Kaggle's one zip (mlsp_contest_dataset/ with essential_data/ and
supplemental_data/: folds, labels, WAV clips, spectrogram BMPs, segment features) and the
documentation PDF; also recordings.csv, the generator's truth, which the tests check against."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import photo, wav_clip, write_file, write_zip


def recordings(rng: np.random.Generator) -> pd.DataFrame:
    """Kaggle's 322 training-fold recordings, of which MLE-bench's prepare.py expects to hold out
    exactly 64; fewer test-fold ones than Kaggle's 323 (they are dropped)."""
    n = 400
    folds = np.zeros(n, dtype=int)
    folds[rng.choice(n, size=78, replace=False)] = 1
    labels = [",".join(map(str, sorted(rng.choice(19, size=rng.integers(0, 4), replace=False))))
              for _ in range(n)]
    return pd.DataFrame({
        "rec_id": np.arange(n), "fold": folds,
        "filename": [f"PC{rng.integers(1, 14)}_200906{i:02d}_050012_{i:04d}" for i in range(n)],
        "labels": np.where(folds == 1, "?", labels),
    })


def build(raw: Path, rng: np.random.Generator) -> None:
    recs = recordings(rng)
    base = "mlsp_contest_dataset"
    label_lines = [f"{r},{lab}" if lab else str(r)
                   for r, lab in recs[["rec_id", "labels"]].itertuples(index=False)]
    segments = [(r, s) for r in recs["rec_id"] if r % 3 for s in range(int(rng.integers(1, 3)))]
    files = {
        "essential_data/CVfolds_2.txt": recs[["rec_id", "fold"]].to_csv(index=False),
        "essential_data/rec_id2filename.txt": recs[["rec_id", "filename"]].to_csv(index=False),
        "essential_data/rec_labels_test_hidden.txt": "rec_id,[labels]\n" + "\n".join(label_lines) + "\n",
        "essential_data/species_list.txt": "class_id,code,species\n"
                                           + "".join(f"{i},SP{i:02d},Species {i}\n" for i in range(19)),
        "supplemental_data/histogram_of_segments.txt": "rec_id,[histogram of segment features]\n"
            + "".join(f"{r},{rng.random():.6f},{rng.random():.6f}\n" for r in recs["rec_id"]),
        "supplemental_data/segment_features.txt": "rec_id,segment_id,[feature vector]\n"
            + "".join(f"{r},{s},{rng.random():.6f}\n" for r, s in segments),
        "supplemental_data/segment_rectangles.txt": "rec_id,segment_id,min_x,max_x,min_y,max_y,\n"
            + "".join(f"{r},{s},1,5,2,9,\n" for r, s in segments),
        "supplemental_data/segment_clusters.bmp": photo(rng, "BMP"),
        "supplemental_data/segment_mosaic.bmp": photo(rng, "BMP"),
        "README.txt": "Kaggle's readme: not shipped to the agent\n",
    }
    for i, name in enumerate(recs["filename"]):
        files[f"essential_data/src_wavs/{name}.wav"] = wav_clip(rng)
        for folder in ("filtered_spectrograms", "spectrograms", "supervised_segmentation"):
            files[f"supplemental_data/{folder}/{name}.bmp"] = photo(rng, "BMP")
        if i % 5 == 0 and recs["fold"][i] == 0:
            files[f"supplemental_data/segmentation_examples/{name}.bmp"] = photo(rng, "BMP")
    write_zip(raw / f"{base}.zip", {f"{base}/{key}": data.encode() if isinstance(data, str) else data
                                    for key, data in files.items()}, folder_entries=True)
    write_file(raw / "mlsp13birdchallenge_documentation.pdf", b"%PDF-1.4 not shipped")
    recs.to_csv(raw / "recordings.csv", index=False)
