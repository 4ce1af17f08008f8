"""The validation endpoint against a real server on loopback: what agents rely on."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from pytest_mlebench.runners.endpoint import ValidationServer

GOOD = b"id,target\n1,0.5\n2,0.25\n"
BAD = b"id,prediction\n1,0.5\n"


def header_check(seen: list[bytes]) -> Any:
    """A check like the real one: a verdict and a reason, from the file it is given."""

    def check(path: Path) -> str | None:
        data = path.read_bytes()
        seen.append(data)
        return None if data.startswith(b"id,target\n") else "expected the columns id,target"

    return check


@pytest.fixture
def seen() -> list[bytes]:
    return []


@pytest.fixture
def server(seen: list[bytes]) -> Iterator[ValidationServer]:
    with ValidationServer(header_check(seen), min_interval_s=0.0, max_bytes=4096) as srv:
        yield srv


def post(url: str, body: bytes, content_type: str = "text/csv") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def multipart(fields: dict[str, bytes], boundary: str = "----mlebench-test-boundary") -> tuple[bytes, str]:
    parts = []
    for name, content in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def assert_no_score(answer: dict[str, Any]) -> None:
    assert set(answer) <= {"valid", "reason", "retry_after_s"}, answer


def test_url_is_loopback_and_raw_csv_is_checked(server: ValidationServer, seen: list[bytes]) -> None:
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/validate")
    status, answer = post(server.url, GOOD)
    assert (status, answer) == (200, {"valid": True, "reason": None})
    status, answer = post(server.url, BAD)
    assert (status, answer) == (200, {"valid": False, "reason": "expected the columns id,target"})
    assert seen == [GOOD, BAD]


def test_multipart_file_field_is_the_submission(server: ValidationServer, seen: list[bytes]) -> None:
    body, ctype = multipart({"note": b"not this one", "file": GOOD})
    status, answer = post(server.url, body, ctype)
    assert (status, answer) == (200, {"valid": True, "reason": None})
    assert seen == [GOOD]


def test_multipart_without_file_field_is_refused(server: ValidationServer, seen: list[bytes]) -> None:
    body, ctype = multipart({"upload": GOOD})
    status, answer = post(server.url, body, ctype)
    assert status == 400 and answer["valid"] is False and "file" in answer["reason"]
    assert seen == []


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_form_upload_as_agents_send_it(server: ValidationServer, tmp_path: Path) -> None:
    sub = tmp_path / "submission.csv"
    sub.write_bytes(GOOD)
    out = subprocess.run(["curl", "-s", "-F", f"file=@{sub}", server.url],
                         capture_output=True, check=True, timeout=30)
    assert json.loads(out.stdout) == {"valid": True, "reason": None}


def test_rate_limit_answers_429_then_admits(seen: list[bytes]) -> None:
    with ValidationServer(header_check(seen), min_interval_s=0.5) as srv:
        assert post(srv.url, GOOD)[0] == 200
        status, answer = post(srv.url, GOOD)
        assert status == 429
        assert answer["valid"] is None and "rate limited" in answer["reason"]
        assert 0 < answer["retry_after_s"] <= 0.5
        assert_no_score(answer)
        time.sleep(answer["retry_after_s"] + 0.05)
        assert post(srv.url, GOOD) == (200, {"valid": True, "reason": None})
    assert len(seen) == 2, "a rate-limited request must not run the check"


def test_oversize_upload_is_rejected_unchecked(server: ValidationServer, seen: list[bytes]) -> None:
    status, answer = post(server.url, b"id,target\n" + b"1,0.5\n" * 1000)
    assert status == 413 and answer["valid"] is False and "cap" in answer["reason"]
    assert seen == []


def test_no_answer_carries_a_score(server: ValidationServer) -> None:
    answers = [post(server.url, body)[1] for body in (GOOD, BAD, b"", b"x" * 5000)]
    for answer in answers:
        assert_no_score(answer)
        assert "score" not in json.dumps(answer).lower()


def test_failing_check_is_a_server_error_not_a_verdict() -> None:
    def broken(path: Path) -> str | None:
        raise RuntimeError("answers file is missing: /secret/answers.csv")

    with ValidationServer(broken, min_interval_s=0.0) as srv:
        status, answer = post(srv.url, GOOD)
    assert status == 500 and answer["valid"] is False
    assert "secret" not in answer["reason"], "the check's error text must not reach the agent"


def test_unix_socket_endpoint(tmp_path: Path, seen: list[bytes]) -> None:
    sock_path = tmp_path / "validate.sock"
    with ValidationServer(header_check(seen), min_interval_s=0.0, unix_socket=sock_path) as srv:
        assert srv.url.startswith("http+unix://") and srv.url.endswith("/validate")
        assert sock_path.stat().st_mode & 0o777 == 0o666
        conn = http.client.HTTPConnection("localhost", timeout=10)
        conn.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.sock.connect(str(sock_path))
        conn.request("POST", "/validate", body=BAD, headers={"Content-Type": "text/csv"})
        response = conn.getresponse()
        assert response.status == 200
        assert json.load(response) == {"valid": False, "reason": "expected the columns id,target"}
        conn.close()
    assert not sock_path.exists(), "closing the server removes its socket"


def run_script(url: str, *args: str,
               env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = resources.files("pytest_mlebench.runners").joinpath("validate_submission.sh")
    env = {"PATH": os.environ["PATH"], "VALIDATION_URL": url, **(env_extra or {})}
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True, env=env, timeout=60)


def test_script_exit_codes_and_default_path(server: ValidationServer, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "submission.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(BAD)
    ok = run_script(server.url, str(good))
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"valid": True, "reason": None}
    no = run_script(server.url, env_extra={"SUBMISSION_DIR": str(tmp_path)})
    assert no.returncode == 1 and json.loads(no.stdout)["valid"] is False
    missing = run_script(server.url, str(tmp_path / "absent.csv"))
    assert missing.returncode == 1 and "does not exist" in missing.stdout


def test_script_waits_out_the_rate_limit(tmp_path: Path, seen: list[bytes]) -> None:
    sub = tmp_path / "submission.csv"
    sub.write_bytes(GOOD)
    with ValidationServer(header_check(seen), min_interval_s=1.0) as srv:
        assert run_script(srv.url, str(sub)).returncode == 0
        second = run_script(srv.url, str(sub))
    assert second.returncode == 0, second.stdout + second.stderr
    assert len(seen) == 2


def test_script_without_endpoint_says_so(tmp_path: Path) -> None:
    sub = tmp_path / "submission.csv"
    sub.write_bytes(GOOD)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_script(f"http://127.0.0.1:{port}/validate", str(sub))
    assert result.returncode == 2 and "no answer" in result.stderr


def test_the_endpoint_answers_what_grading_decides_the_competitions_own_checks_included() -> None:
    """An agent told "valid" must be graded, and one told "invalid" must hear grading's reason."""
    import pandas as pd

    from pytest_mlebench.grading.grader import Grader
    from pytest_mlebench.grading.metrics import get_metric
    from pytest_mlebench.grading.validate import GradingSpec, InvalidSubmission

    def grade(submission: pd.DataFrame, answers: pd.DataFrame) -> float:
        if not submission["Cover_Type"].isin(["1", "2"]).all():
            raise InvalidSubmission("Cover_Type must be one of the classes 1, 2")
        return 1.0

    answers = pd.DataFrame({"Id": ["1", "2"], "Cover_Type": ["1", "2"]})
    grader = Grader(GradingSpec("Id", ("Cover_Type",), get_metric("accuracy")), answers, grade)
    wide = b",".join([b"1"] * 2_000_000) + b"\n"
    with ValidationServer(grader.check, min_interval_s=0.0, max_bytes=len(wide) + 1) as srv:
        assert post(srv.url, b"Id,Cover_Type\n1,1\n2,abc\n") == (
            200, {"valid": False, "reason": "Cover_Type must be one of the classes 1, 2"})
        assert post(srv.url, b"Id,Cover_Type\n1,1\n2,2\n") == (200, {"valid": True, "reason": None})
        status, body = post(srv.url, wide)
        assert status == 200 and not body["valid"] and "line 1 is 3,999,999 bytes long" in body["reason"]
