"""Everything that talks to Kaggle, through the official ``kaggle`` package (2.x).

The SDK finds the credentials itself: its API token (KAGGLE_API_TOKEN, or
~/.kaggle/access_token), a legacy kaggle.json / KAGGLE_USERNAME + KAGGLE_KEY, or
its OAuth login. Its host is fixed by KAGGLE_API_ENVIRONMENT, read once when the
``kaggle`` package is first imported (unset: https://api.kaggle.com; LOCALHOST:
http://localhost), and requests honours the usual *_proxy variables on top.

The SDK is imported only when Kaggle is actually needed: importing it costs
seconds, and ``import kaggle`` authenticates on the spot (printing its help when
there are no credentials). Nothing here prompts: every failure becomes a message
naming what to do, such as the rules page a user has to accept in a browser.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kaggle.api.kaggle_api_extended import KaggleApi

#: Called with (bytes so far, total bytes or None) while a download runs.
ByteReport = Callable[[int, int | None], None]

TOKEN_PAGE = "https://www.kaggle.com/settings/api"
#: The largest page the leaderboard endpoint serves.
LEADERBOARD_PAGE_SIZE = 200
#: Unix file-type bits of a symbolic link, as zip archives made on Unix record them.
_S_IFLNK = 0o120000
_S_IFMT = 0o170000


def rules_url(competition_id: str) -> str:
    return f"https://www.kaggle.com/competitions/{competition_id}/rules"


class KaggleError(RuntimeError):
    """Kaggle did not serve what was asked; the message says what to do about it."""


class ArchiveError(ValueError):
    """An archive that must not be extracted: unreadable, or members that escape its folder."""


@dataclass(frozen=True)
class Problem:
    """One reason a session cannot get its Kaggle data; account-wide when competition_id is None."""

    message: str
    competition_id: str | None = None

    def __str__(self) -> str:
        return f"{self.competition_id}: {self.message}" if self.competition_id else self.message


def format_problems(problems: Iterable[Problem]) -> str:
    """One error listing every problem, so a user fixes them all in one pass."""
    problems = list(problems)
    lines = [f"Kaggle cannot serve the data of this session ({len(problems)} problem(s)):"]
    lines += [f"  - {p}" for p in problems]
    if any(p.competition_id and rules_url(p.competition_id) in p.message for p in problems):
        lines.append("Kaggle has no API for accepting rules: open each page above while signed in, "
                     "or pre-stage the archives with --mlebench-raw-dir (the command's --raw-dir).")
    return "\n".join(lines)


def _credentials_message() -> str:
    """Why the SDK found no usable credentials: none at all, or a token Kaggle rejected."""
    from kagglesdk.kaggle_env import get_access_token_from_env

    _token, source = get_access_token_from_env()
    where = "set KAGGLE_API_TOKEN or save it to ~/.kaggle/access_token"
    if source:
        return (f"Kaggle rejected the API token from {source} (expired or revoked?): create a new "
                f"one at {TOKEN_PAGE} and {where}")
    return (f"no Kaggle credentials: create an API token at {TOKEN_PAGE} and {where} "
            f"(a legacy kaggle.json with username and key works too)")


def _explain(exc: Exception, competition_id: str | None) -> Problem:
    """A failed SDK call as the problem a user can act on."""
    from requests import HTTPError

    if not isinstance(exc, HTTPError):
        return Problem(f"cannot reach Kaggle's API ({type(exc).__name__}: {exc})")
    status = exc.response.status_code if exc.response is not None else None
    said = f"Kaggle said: {exc}" if str(exc).startswith(str(status)) else f"Kaggle said: {status} {exc}"
    if status == 401:
        return Problem(f"Kaggle rejected the credentials ({said}); check KAGGLE_API_TOKEN, "
                       f"~/.kaggle/access_token or kaggle.json, or create a new token at {TOKEN_PAGE}")
    if competition_id is None:
        return Problem(said)
    if status == 403:
        return Problem(f"Kaggle serves its files only after you accept the competition's rules: "
                       f"accept them at {rules_url(competition_id)} ({said})", competition_id)
    if status == 404:
        return Problem(f"Kaggle knows no competition {competition_id!r} ({said})", competition_id)
    return Problem(said, competition_id)


@contextmanager
def _kaggle_errors(competition_id: str | None) -> Iterator[None]:
    """Turn the SDK's HTTP and connection errors into a KaggleError with the explanation."""
    from requests import RequestException

    try:
        yield
    except RequestException as exc:
        raise KaggleError(_explain(exc, competition_id).message) from exc


def _api() -> KaggleApi:
    """An authenticated SDK client, or KaggleError saying which credentials to fix."""
    with redirect_stdout(io.StringIO()):  # the SDK prints its login help instead of raising
        from kaggle.api.kaggle_api_extended import KaggleApi

        api = KaggleApi()
        with _kaggle_errors(None):
            try:
                api.authenticate()
            except SystemExit:  # its way of saying "no usable credentials"
                raise KaggleError(_credentials_message()) from None
    return api


def check_access(competition_ids: Iterable[str]) -> list[Problem]:
    """Everything that would stop the downloads, found up front without downloading.

    Credentials first (one problem, not one per competition, when they fail); then
    each competition's archive is opened and closed unread, which is where Kaggle
    answers 403 until the user has accepted that competition's rules. With no ids,
    only the credentials are checked (a legacy key is only known to be wrong at
    its first call).
    """
    try:
        api = _api()
    except KaggleError as exc:
        return [Problem(str(exc))]
    from requests import RequestException

    problems: list[Problem] = []
    with api.build_kaggle_client() as client:
        for cid in competition_ids:
            try:
                _open_archive(client, cid).close()
            except RequestException as exc:
                problem = _explain(exc, cid)
                if problem.competition_id is None:  # the account, not the competition
                    return [problem]
                problems.append(problem)
    return problems


def _open_archive(client: Any, competition_id: str) -> Any:
    """The streamed response of the competition's archive (redirects followed, body unread)."""
    from kagglesdk.competitions.types.competition_api_service import ApiDownloadDataFilesRequest

    request = ApiDownloadDataFilesRequest()
    request.competition_name = competition_id
    return client.competitions.competition_api_client.download_data_files(request)


def download_competition(competition_id: str, dest: Path, progress: ByteReport | None = None) -> Path:
    """Kaggle's archive of the competition's files, as ``dest/<id>.zip``, checked before it is returned.

    The SDK writes the file: it resumes an interrupted download and retries
    dropped connections. A complete file that is not a sane zip is removed, so the
    next attempt downloads it afresh.
    """
    api = _api()
    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / f"{competition_id}.zip"
    with api.build_kaggle_client() as client, _kaggle_errors(competition_id):
        response = _open_archive(client, competition_id)
        total = int(response.headers.get("Content-Length") or 0) or None
        with _watch_size(archive, total, progress):
            if api.download_needed(response, str(archive), quiet=True):
                try:
                    api.download_file(response, str(archive), client.http_client(), quiet=True, resume=True)
                except ValueError as exc:  # the SDK's word for "fewer bytes than announced"
                    raise KaggleError(f"the download stopped short ({exc}); run again to resume it") from exc
    try:
        archive_members(archive)
    except ArchiveError as exc:
        archive.unlink()
        raise KaggleError(f"the archive Kaggle served is unusable and was removed: {exc}") from exc
    return archive


@contextmanager
def _watch_size(path: Path, total: int | None, report: ByteReport | None) -> Iterator[None]:
    """Report a growing file's size from a side thread while the SDK writes it."""
    if report is None:
        yield
        return
    done = threading.Event()

    def size() -> int:
        try:
            return path.stat().st_size
        except FileNotFoundError:
            return 0

    def watch() -> None:
        while not done.wait(0.25):
            report(size(), total)

    thread = threading.Thread(target=watch, name="mlebench-download-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        report(size(), total)


def archive_members(path: Path) -> list[tuple[PurePosixPath, zipfile.ZipInfo]]:
    """The members of a competition archive with their relative paths, refused unless all are safe.

    Kaggle serves a competition's files as one zip. Accepted: a zip that opens and
    lists at least one file; every name relative, without ``..``, unique; no
    symbolic links (a link could point anywhere, such as at the answers).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{path} is not a readable zip archive ({exc}); a download cut short?") from None
    members: dict[PurePosixPath, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        relative = PurePosixPath(name.replace("\\", "/"))
        parts = relative.parts
        if not parts and info.is_dir():  # "./": the extraction folder itself
            continue
        if not parts or relative.is_absolute() or ".." in parts or parts[0].endswith(":"):
            raise ArchiveError(f"{path}: member {name!r} would be written outside the extraction folder")
        if (info.external_attr >> 16) & _S_IFMT == _S_IFLNK:
            raise ArchiveError(f"{path}: member {name!r} is a symbolic link; refusing to extract links")
        if relative in members:
            raise ArchiveError(f"{path}: member {name!r} appears twice")
        members[relative] = info
    if all(info.is_dir() for info in members.values()):
        raise ArchiveError(f"{path} holds no files")
    return list(members.items())


def download_leaderboard(competition_id: str, dest: Path) -> Path:
    """Kaggle's leaderboard written to ``dest`` in MLE-bench's leaderboard.csv format.

    The API serves the private leaderboard when the competition has one (what
    MLE-bench grades against), best first, a page at a time. The file is written
    whole or not at all, so a reader never loads half a leaderboard.
    """
    import pandas as pd
    from kagglesdk.competitions.types.competition_api_service import ApiGetLeaderboardRequest

    from ..leaderboards.format import LEADERBOARD_COLUMNS

    api = _api()
    rows: list[dict[str, Any]] = []
    token = ""
    with api.build_kaggle_client() as client, _kaggle_errors(competition_id):
        while True:
            request = ApiGetLeaderboardRequest()
            request.competition_name = competition_id
            request.page_size = LEADERBOARD_PAGE_SIZE
            request.page_token = token
            page = client.competitions.competition_api_client.get_leaderboard(request)
            rows += [_leaderboard_row(s) for s in page.submissions]
            token = page.next_page_token
            if not token:
                break
    if not rows:
        raise KaggleError("Kaggle's leaderboard for this competition is empty")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    pd.DataFrame(rows, columns=list(LEADERBOARD_COLUMNS)).to_csv(partial, index=False)
    os.replace(partial, dest)
    return dest


def _leaderboard_row(entry: Any) -> dict[str, Any]:
    """One API leaderboard entry in the columns of MLE-bench's files (team names left out)."""
    score = entry.score if entry.score not in (None, "") else None
    return {
        "scoreNullable": score,
        "teamId": entry.team_id,
        "hasTeamName": bool(entry.team_name),
        "submissionDate": entry.submission_date.isoformat(sep=" ") if entry.submission_date else None,
        "score": score,
        "hasScore": score is not None,
    }
