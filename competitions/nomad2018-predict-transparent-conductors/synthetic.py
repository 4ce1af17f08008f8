"""Nomad2018 Transparent Conductors: Kaggle's train.csv.zip and test.csv.zip, and train.zip and
test.zip of one geometry.xyz per material (``<side>/<id>/geometry.xyz``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_zip


def materials(n: int, rng: np.random.Generator, with_targets: bool) -> pd.DataFrame:
    shares = rng.dirichlet([1, 1, 1], n)
    frame = pd.DataFrame({
        "id": np.arange(1, n + 1),
        "spacegroup": rng.choice([12, 33, 167, 194, 206, 227], n),
        "number_of_total_atoms": rng.choice([10, 20, 30, 40, 60, 80], n).astype(float),
        "percent_atom_al": shares[:, 0].round(4),
        "percent_atom_ga": shares[:, 1].round(4),
        "percent_atom_in": shares[:, 2].round(4),
        **{f"lattice_vector_{i}_ang": rng.uniform(3, 25, n).round(4) for i in (1, 2, 3)},
        **{f"lattice_angle_{a}_degree": rng.uniform(85, 110, n).round(4) for a in ("alpha", "beta", "gamma")},
    })
    if with_targets:
        frame["formation_energy_ev_natom"] = rng.uniform(0, 0.6, n).round(4)
        frame["bandgap_energy_ev"] = rng.uniform(0.1, 5.2, n).round(4)
    return frame


def geometry(side: str, material: int) -> bytes:
    """A geometry.xyz naming its material, so a test can follow it through renumbering."""
    return (f"# {side} material {material}\nlattice_vector 9.9 0.0 0.0 \n"
            f"atom 0.0 0.0 0.0 Ga\natom 1.{material} 2.0 3.0 O\n").encode()


def build(raw: Path, rng: np.random.Generator) -> None:
    for side, n in (("train", 400), ("test", 60)):
        write_zip(raw / f"{side}.csv.zip", {f"{side}.csv": csv_bytes(materials(n, rng, side == "train"))})
        geometries = {f"{side}/{i}/geometry.xyz": geometry(side, i) for i in range(1, n + 1)}
        write_zip(raw / f"{side}.zip", geometries)
