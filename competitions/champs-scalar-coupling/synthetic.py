"""CHAMPS Scalar Coupling: Kaggle's train.csv and test.csv of atom pairs, structures.csv and the
structures/ folder of .xyz files for every molecule, and the five per-molecule files that cover
the training molecules only; molecules named ``dsgdb9nsd_NNNNNN`` with gaps, as QM9's are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_folder

HEAVY = ["C", "C", "C", "N", "O", "F"]
#: Kaggle's couplings join a hydrogen to a carbon, a nitrogen or another hydrogen: 8 types.
PARTNERS = ("C", "N", "H")
#: A coupling's typical size by the number of bonds between its atoms (1J, 2J, 3J).
COUPLING = {1: (95.0, 10.0), 2: (-5.0, 4.0), 3: (4.0, 3.0)}
TENSOR = ["XX", "YX", "ZX", "XY", "YY", "ZY", "XZ", "YZ", "ZZ"]


def _molecule(name: str, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(atoms, couplings) of one molecule: heavy atoms first, a carbon among them, then
    hydrogens, as QM9 lists them; every coupling starts at a hydrogen."""
    heavy = ["C", *rng.choice(HEAVY, int(rng.integers(0, 4)))]
    elements = heavy + ["H"] * int(rng.integers(1, 5))
    n = len(elements)
    xyz = np.round(rng.normal(0, 1.2, (n, 3)), 10)
    atoms = pd.DataFrame({"molecule_name": name, "atom_index": np.arange(n), "atom": elements,
                          "x": xyz[:, 0], "y": xyz[:, 1], "z": xyz[:, 2]})
    hydrogens = np.flatnonzero(np.array(elements) == "H")
    pairs = [(int(h), other) for h in hydrogens for other in range(n)
             if other != h and elements[other] in PARTNERS]
    chosen = sorted(rng.choice(len(pairs), min(len(pairs), int(rng.integers(2, 7))), replace=False))
    rows = []
    for k in chosen:
        a, b = pairs[k]
        bonds = int(rng.integers(2 if elements[b] == "H" else 1, 4))  # there is no 1JHH
        mean, spread = COUPLING[bonds]
        rows.append((name, a, b, f"{bonds}JH{elements[b]}", round(float(rng.normal(mean, spread)), 4)))
    couplings = pd.DataFrame(rows, columns=["molecule_name", "atom_index_0", "atom_index_1", "type",
                                            "scalar_coupling_constant"])
    return atoms, couplings


def _xyz(atoms: pd.DataFrame) -> bytes:
    """The molecule as an .xyz file: the atom count, an empty comment line, one atom a line."""
    lines = [str(len(atoms)), ""] + [f"{a} {x:.10f} {y:.10f} {z:.10f}"
                                     for a, x, y, z in atoms[["atom", "x", "y", "z"]].itertuples(index=False)]
    return ("\n".join(lines) + "\n").encode()


def _per_atom(atoms: pd.DataFrame, columns: list[str], rng: np.random.Generator) -> pd.DataFrame:
    values = np.round(rng.normal(0, 50, (len(atoms), len(columns))), 4)
    return pd.concat([atoms[["molecule_name", "atom_index"]].reset_index(drop=True),
                      pd.DataFrame(values, columns=columns)], axis=1)


def build(raw: Path, rng: np.random.Generator) -> None:
    numbers = np.sort(rng.choice(np.arange(1, 2000), 160, replace=False))
    names = [f"dsgdb9nsd_{n:06d}" for n in numbers]
    is_train = rng.random(len(names)) < 0.75  # Kaggle split its molecules, not its pairs
    molecules = {name: _molecule(name, rng) for name in names}
    atoms = pd.concat([molecules[name][0] for name in names], ignore_index=True)
    couplings = pd.concat([molecules[name][1] for name in names], ignore_index=True)
    train_names = [name for name, train in zip(names, is_train, strict=True) if train]
    in_train = couplings["molecule_name"].isin(train_names)
    # Kaggle numbers the training pairs first, then the test pairs.
    train, test = couplings[in_train], couplings[~in_train].drop(columns="scalar_coupling_constant")
    train.insert(0, "id", np.arange(len(train)))
    test.insert(0, "id", np.arange(len(train), len(couplings)))
    (raw / "train.csv").write_bytes(csv_bytes(train))
    (raw / "test.csv").write_bytes(csv_bytes(test))
    (raw / "sample_submission.csv").write_bytes(csv_bytes(test[["id"]].assign(scalar_coupling_constant=0)))
    (raw / "structures.csv").write_bytes(csv_bytes(atoms))
    write_folder(raw / "structures", {f"{name}.xyz": _xyz(molecules[name][0]) for name in names})

    # The extra data Kaggle gives for its training molecules only.
    train_atoms = atoms[atoms["molecule_name"].isin(train_names)]
    moments = np.round(rng.normal(0, 2, (len(train_names), 3)), 4)
    (raw / "dipole_moments.csv").write_bytes(csv_bytes(pd.DataFrame(
        {"molecule_name": train_names, "X": moments[:, 0], "Y": moments[:, 1], "Z": moments[:, 2]})))
    (raw / "magnetic_shielding_tensors.csv").write_bytes(csv_bytes(_per_atom(train_atoms, TENSOR, rng)))
    charges = _per_atom(train_atoms, ["mulliken_charge"], rng)
    charges["mulliken_charge"] /= 100
    (raw / "mulliken_charges.csv").write_bytes(csv_bytes(charges))
    energies = np.round(rng.normal(-400, 40, len(train_names)), 5)
    (raw / "potential_energy.csv").write_bytes(csv_bytes(pd.DataFrame(
        {"molecule_name": train_names, "potential_energy": energies})))
    contributions = train.drop(columns=["id", "scalar_coupling_constant"]).reset_index(drop=True)
    parts = np.round(rng.normal(0, 1, (len(contributions), 3)), 5)
    fc = train["scalar_coupling_constant"].to_numpy() - parts.sum(axis=1)
    (raw / "scalar_coupling_contributions.csv").write_bytes(csv_bytes(contributions.assign(
        fc=np.round(fc, 5), sd=parts[:, 0], pso=parts[:, 1], dso=parts[:, 2])))
