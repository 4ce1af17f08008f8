"""Raw Kaggle files: pre-staged (--mlebench-raw-dir) or downloaded, extracted safely, prepared once."""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from kaggle_server import FakeCompetition, KaggleServer, make_zip, running_kaggle
from rich.console import Console

from pytest_mlebench.catalog.registry import Competition
from pytest_mlebench.data.kaggle import ArchiveError, check_access, format_problems
from pytest_mlebench.data.raw import RawDataError, RawSource, extract_archive, rich_progress
from pytest_mlebench.data.store import DataStore, PrepareError
from pytest_mlebench.options import Paths, Settings

CID = "spooky-author-identification"
TRAIN = pd.DataFrame({"id": ["id1", "id2", "id3"], "text": ["a", "b", "c"], "author": ["EAP", "HPL", "MWS"]})


def csv_zip(name: str, frame: pd.DataFrame) -> bytes:
    """A zip holding one CSV, as Kaggle nests them inside its archives."""
    return make_zip({name: frame.to_csv(index=False).encode()})


#: Kaggle's archive of the competition: a nested zip and a plain file.
ARCHIVE = make_zip({"train.zip": csv_zip("train.csv", TRAIN), "sample_submission.csv": b"id,EAP\nid4,0.3\n"})

PREPARE = '''
from pathlib import Path
import pandas as pd


def prepare(raw: Path, public: Path, private: Path) -> None:
    train = pd.read_csv(raw / "train.zip")
    train.iloc[:2].to_csv(public / "train.csv", index=False)
    train.iloc[2:][["id", "author"]].to_csv(private / "answers.csv", index=False)
'''


@pytest.fixture
def competition(tmp_path: Path) -> Competition:
    folder = tmp_path / "catalog" / CID
    folder.mkdir(parents=True)
    (folder / "competition.yaml").write_text(textwrap.dedent(f"""\
        id: {CID}
        title: Spooky Author Identification
        source: kaggle
        grading: {{metric: accuracy, id_column: id, target_columns: [author]}}
    """))
    (folder / "prepare.py").write_text(PREPARE)
    return Competition.from_folder(folder)


@pytest.fixture
def kaggle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[KaggleServer]:
    with running_kaggle(monkeypatch, tmp_path / "home") as server:
        server.competitions[CID] = FakeCompetition(ARCHIVE)
        yield server


def staged_zip(raw_dir: Path, data: bytes = ARCHIVE) -> Path:
    raw_dir.mkdir(parents=True, exist_ok=True)
    path = raw_dir / f"{CID}.zip"
    path.write_bytes(data)
    return path


# -- pre-staged files ----------------------------------------------------------------------

def test_a_staged_zip_is_extracted_into_the_data_dir_and_nested_archives_kept(tmp_path: Path) -> None:
    staged_zip(tmp_path / "raw-dir")
    source = RawSource(tmp_path / "data", tmp_path / "raw-dir")
    assert not source.needs_download(CID)
    raw = source.fetch(CID)
    assert raw == tmp_path / "data" / CID / "raw"
    assert sorted(p.name for p in raw.iterdir()) == ["sample_submission.csv", "train.zip"]
    pd.testing.assert_frame_equal(pd.read_csv(raw / "train.zip"), TRAIN)
    assert (tmp_path / "raw-dir" / f"{CID}.zip").is_file(), "a staged archive is the user's: kept"
    assert source.fetch(CID) == raw


def test_a_staged_folder_is_used_in_place(tmp_path: Path) -> None:
    folder = tmp_path / "raw-dir" / CID
    folder.mkdir(parents=True)
    (folder / "train.csv").write_text("id\n1\n")
    source = RawSource(tmp_path / "data", tmp_path / "raw-dir")
    assert source.fetch(CID) == folder
    assert not (tmp_path / "data").exists()


def test_an_empty_staged_folder_says_what_belongs_there(tmp_path: Path) -> None:
    (tmp_path / "raw-dir" / CID).mkdir(parents=True)
    with pytest.raises(RawDataError, match="is empty"):
        RawSource(tmp_path / "data", tmp_path / "raw-dir").fetch(CID)


def evil_zip(member: zipfile.ZipInfo, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("train.csv", "id\n1\n")
        zf.writestr(member, data)
    return buffer.getvalue()


def symlink_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, where the mode bits below mean "symbolic link"
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize(("member", "data", "reason"), [
    (zipfile.ZipInfo("../../outside.txt"), b"escaped", "outside the extraction folder"),
    (zipfile.ZipInfo("/tmp/absolute.txt"), b"escaped", "outside the extraction folder"),
    (zipfile.ZipInfo("sub\\..\\..\\outside.txt"), b"escaped", "outside the extraction folder"),
    (symlink_member("answers.csv"), b"../../private/answers.csv", "symbolic link"),
    (zipfile.ZipInfo("train.csv"), b"id\n2\n", "appears twice"),
], ids=["dot-dot", "absolute", "backslashes", "symlink", "duplicate"])
@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_an_unsafe_archive_is_refused_before_anything_is_written(
        tmp_path: Path, member: zipfile.ZipInfo, data: bytes, reason: str) -> None:
    staged_zip(tmp_path / "raw-dir", evil_zip(member, data))
    data_dir = tmp_path / "deep" / "data"
    with pytest.raises(RawDataError, match=reason):
        RawSource(data_dir, tmp_path / "raw-dir").fetch(CID)
    assert not data_dir.exists(), "nothing is written before every member is checked"
    assert not list(tmp_path.rglob("outside.txt")) and not list(tmp_path.rglob("absolute.txt"))


def test_a_truncated_archive_is_not_a_zip(tmp_path: Path) -> None:
    staged_zip(tmp_path / "raw-dir", ARCHIVE[: len(ARCHIVE) // 2])
    with pytest.raises(RawDataError, match="not a readable zip archive"):
        RawSource(tmp_path / "data", tmp_path / "raw-dir").fetch(CID)


def test_a_corrupt_member_leaves_no_extraction(tmp_path: Path) -> None:
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.csv", b"id,text\n" + b"1,hello\n" * 50)
    archive = tmp_path / "bad.zip"
    archive.write_bytes(stored.getvalue().replace(b"1,hello", b"1,HELLO", 1))  # its CRC no longer matches
    with pytest.raises(ArchiveError, match=r"member 'a\.csv' is corrupt"):
        extract_archive(archive, tmp_path / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["bad.zip"]


# -- downloads -----------------------------------------------------------------------------

def test_a_competition_not_staged_is_downloaded_extracted_and_the_archive_dropped(
        kaggle: KaggleServer, tmp_path: Path) -> None:
    out = io.StringIO()
    source = RawSource(tmp_path / "data", tmp_path / "raw-dir",
                       progress=rich_progress(console=Console(file=out, force_terminal=False)))
    assert source.needs_download(CID)
    raw = source.fetch(CID)
    pd.testing.assert_frame_equal(pd.read_csv(raw / "train.zip"), TRAIN)
    assert sorted(p.name for p in (tmp_path / "data" / CID).iterdir()) == ["raw"]
    assert not source.needs_download(CID)
    shown = out.getvalue()
    assert f"[mlebench] downloading {CID} from Kaggle ..." in shown
    assert f"[mlebench] downloading {CID} from Kaggle: {len(ARCHIVE):,} bytes" in shown
    assert f"[mlebench] extracting {CID}.zip" in shown


def test_without_a_terminal_progress_is_a_line_per_tenth() -> None:
    out = io.StringIO()
    with rich_progress(console=Console(file=out, force_terminal=False))("downloading big") as report:
        for done in range(0, 2001, 100):
            report(done, 2000)
    lines = out.getvalue().splitlines()
    assert lines[0] == "[mlebench] downloading big ..."
    assert lines[1:-1] == [f"[mlebench] downloading big: {t}0% of 2,000 bytes" for t in range(1, 10)]
    assert lines[-1] == "[mlebench] downloading big: 2,000 bytes"


def test_a_terminal_shows_a_progress_bar(kaggle: KaggleServer, tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    RawSource(tmp_path / "data", progress=rich_progress(console=console)).fetch(CID)
    assert "downloading" in out.getvalue() and "\x1b[" in out.getvalue()


# -- preparation ---------------------------------------------------------------------------

def test_datastore_prepares_a_kaggle_competition_from_a_download_once(
        kaggle: KaggleServer, competition: Competition, tmp_path: Path) -> None:
    store = DataStore(tmp_path / "data", RawSource(tmp_path / "data"))
    assert store.to_download([competition]) == [CID]
    prepared = store.prepare(competition)
    assert pd.read_csv(prepared.public / "train.csv")["id"].tolist() == ["id1", "id2"]
    assert pd.read_csv(prepared.answers_path)["id"].tolist() == ["id3"]
    downloads = kaggle.calls.count(f"GET /storage/{CID}.zip")
    assert store.to_download([competition]) == []
    again = DataStore(tmp_path / "data", RawSource(tmp_path / "data")).prepare(competition)
    assert again.root == prepared.root
    assert kaggle.calls.count(f"GET /storage/{CID}.zip") == downloads == 1


def test_datastore_prepares_from_the_raw_dir_without_kaggle(competition: Competition, tmp_path: Path) -> None:
    staged_zip(tmp_path / "raw-dir")
    store = DataStore(tmp_path / "data", RawSource(tmp_path / "data", tmp_path / "raw-dir"))
    assert store.to_download([competition]) == []
    assert pd.read_csv(store.prepare(competition).answers_path)["author"].tolist() == ["MWS"]


def test_unaccepted_rules_are_found_up_front_and_stop_preparation_with_the_page(
        kaggle: KaggleServer, competition: Competition, tmp_path: Path) -> None:
    kaggle.competitions[CID].rules_accepted = False
    store = DataStore(tmp_path / "data", RawSource(tmp_path / "data"))
    message = format_problems(check_access(store.to_download([competition])))
    assert f"https://www.kaggle.com/competitions/{CID}/rules" in message
    with pytest.raises(PrepareError, match=f"{CID}: .*https://www.kaggle.com/competitions/{CID}/rules"):
        store.prepare(competition)
    assert not store.is_prepared(competition)


def test_a_kaggle_competition_without_a_raw_source_is_a_clear_error(competition: Competition,
                                                                    tmp_path: Path) -> None:
    with pytest.raises(PrepareError, match="needs Kaggle's raw files"):
        DataStore(tmp_path / "data").prepare(competition)


# -- options -------------------------------------------------------------------------------

def settings(pytester: pytest.Pytester, *args: str) -> Paths:
    settings = Settings.from_config(pytester.parseconfig("--agent=dummy", *args))
    assert settings is not None
    return settings.paths


def test_raw_dir_comes_from_the_command_line_then_ini_then_the_environment(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    cli, ini, env = (pytester.mkdir(name) for name in ("cli", "ini", "env"))
    assert settings(pytester).raw_dir is None
    monkeypatch.setenv("MLEBENCH_RAW_DIR", str(env))
    assert settings(pytester).raw_dir == env
    pytester.makeini(f"[pytest]\nmlebench_raw_dir = {ini}\n")
    assert settings(pytester).raw_dir == ini
    assert settings(pytester, f"--mlebench-raw-dir={cli}").raw_dir == cli


def test_kaggle_options_resolve(pytester: pytest.Pytester) -> None:
    repo = pytester.mkdir("mle-bench")
    assert settings(pytester).kaggle_leaderboards is False
    chosen = settings(pytester, "--mlebench-kaggle-leaderboards", f"--mlebench-repo={repo}")
    assert chosen.kaggle_leaderboards is True and chosen.mlebench_repo == repo
    pytester.makeini("[pytest]\nmlebench_kaggle_leaderboards = true\n")
    assert settings(pytester).kaggle_leaderboards is True


@pytest.mark.parametrize("flag", ["--mlebench-raw-dir", "--mlebench-repo"])
def test_a_folder_option_that_is_no_folder_stops_the_session(pytester: pytest.Pytester, flag: str) -> None:
    with pytest.raises(pytest.UsageError, match=f"{flag}: .*missing is not a directory"):
        settings(pytester, f"{flag}=missing")
