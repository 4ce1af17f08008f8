"""NFL Player Contact Detection: Kaggle's labels, tracking, helmet boxes and video metadata of
30 labelled plays (ids ``<game_key>_<play_id>``, ``58168_003392``), each play's three videos
(``<play>_Endzone.mp4``, ``_Sideline``, ``_All29``) as tiny blobs, and the mock test set.

A label row is a pair of players at a step (``contact_id`` ``<play>_<step>_<id1>_<id2>``, the
lower id first) or a player and the ground (``<id>_G``). One more play has tracking, helmets
and videos but no labels, as a check that only labelled plays are split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pytest_mlebench.data.synthetic import csv_bytes, write_file

VIEWS = ["All29", "Endzone", "Sideline"]
#: Views with helmet boxes and video metadata (All29 is not time-synced).
SYNCED_VIEWS = ["Endzone", "Sideline"]
POSITIONS = ["QB", "WR", "TE", "RB", "CB", "SS", "FS", "DE", "DT", "OLB", "ILB", "G", "T", "C"]


def _plays(rng: np.random.Generator, n: int) -> list[str]:
    games = rng.choice(np.arange(57500, 58600), size=n, replace=False)
    return [f"{game}_{int(play):06d}" for game, play in zip(games, rng.integers(50, 4000, n), strict=True)]


def _video(rng: np.random.Generator) -> bytes:
    """An mp4's first box and a few random bytes: MLE-bench only copies the files."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + rng.bytes(16)


def _times(snap: pd.Timestamp, steps: np.ndarray) -> list[str]:
    return [(snap + pd.Timedelta(milliseconds=100 * int(s))).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            for s in steps]


def play_tables(play: str, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """One play's labels, tracking, helmet boxes and video metadata."""
    game_key, play_id = (int(part) for part in play.split("_"))
    snap = pd.Timestamp("2020-09-13 17:00:00") + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 90)))
    players = np.sort(rng.choice(np.arange(35000, 55000), size=4, replace=False))
    steps = np.arange(int(rng.integers(3, 6)))
    pairs = [(str(a), str(b)) for i, a in enumerate(players) for b in players[i + 1:]]
    pairs += [(str(a), "G") for a in players]
    labels = pd.DataFrame([(f"{play}_{s}_{a}_{b}", play, _times(snap, [s])[0], int(s), a, b)
                           for s in steps for a, b in pairs],
                          columns=["contact_id", "game_play", "datetime", "step", "nfl_player_id_1",
                                   "nfl_player_id_2"])
    labels["contact"] = (rng.random(len(labels)) < 0.2).astype(int)
    track_steps = np.arange(-2, len(steps))
    n = len(players) * len(track_steps)
    tracking = pd.DataFrame({
        "game_play": play, "game_key": game_key, "play_id": play_id,
        "nfl_player_id": np.repeat(players, len(track_steps)),
        "datetime": _times(snap, np.tile(track_steps, len(players))),
        "step": np.tile(track_steps, len(players)),
        "team": np.repeat(rng.choice(["home", "away"], len(players)), len(track_steps)),
        "position": np.repeat(rng.choice(POSITIONS, len(players)), len(track_steps)),
        "jersey_number": np.repeat(rng.integers(1, 99, len(players)), len(track_steps)),
        "x_position": np.round(rng.uniform(10, 110, n), 2),
        "y_position": np.round(rng.uniform(0, 53.3, n), 2),
        "speed": np.round(rng.uniform(0, 9, n), 2), "distance": np.round(rng.uniform(0, 1, n), 2),
        "direction": np.round(rng.uniform(0, 360, n), 2),
        "orientation": np.round(rng.uniform(0, 360, n), 2),
        "acceleration": np.round(rng.uniform(0, 5, n), 2), "sa": np.round(rng.normal(0, 2, n), 2),
    })
    boxes = [(play, game_key, play_id, view, f"{play}_{view}.mp4", frame, int(player),
              f"{'HV'[i % 2]}{int(rng.integers(1, 99))}", *rng.integers(0, 1200, 2), *rng.integers(10, 40, 2))
             for view in SYNCED_VIEWS for frame in range(0, 3) for i, player in enumerate(players)]
    helmets = pd.DataFrame(boxes, columns=["game_play", "game_key", "play_id", "view", "video", "frame",
                                           "nfl_player_id", "player_label", "left", "top", "width", "height"])
    helmets = helmets[["game_play", "game_key", "play_id", "view", "video", "frame", "nfl_player_id",
                       "player_label", "left", "width", "top", "height"]]
    start = snap - pd.Timedelta(seconds=5)
    metadata = pd.DataFrame({"game_play": play, "game_key": game_key, "play_id": play_id,
                             "view": SYNCED_VIEWS, "start_time": _times(start, [0])[0],
                             "end_time": _times(start, [180])[0], "snap_time": _times(snap, [0])[0]})
    return {"labels": labels, "player_tracking": tracking, "baseline_helmets": helmets,
            "video_metadata": metadata}


def write_set(raw: Path, side: str, plays: list[str], unlabelled: list[str],
              rng: np.random.Generator) -> None:
    """``<side>_*.csv`` and ``<side>/`` videos; the test side's labels are its sample submission."""
    tables = [play_tables(play, rng) for play in plays + unlabelled]
    for name in ("player_tracking", "baseline_helmets", "video_metadata"):
        write_file(raw / f"{side}_{name}.csv", csv_bytes(pd.concat([t[name] for t in tables])))
    labels = pd.concat([t["labels"] for t in tables[:len(plays)]])
    if side == "train":
        write_file(raw / "train_labels.csv", csv_bytes(labels))
    else:
        write_file(raw / "sample_submission.csv", csv_bytes(labels[["contact_id"]].assign(contact=0)))
    for play in plays + unlabelled:
        for view in VIEWS:
            write_file(raw / side / f"{play}_{view}.mp4", _video(rng))


def build(raw: Path, rng: np.random.Generator) -> None:
    plays = _plays(rng, 34)
    write_set(raw, "train", plays[:30], plays[30:31], rng)
    write_set(raw, "test", plays[31:], [], rng)
