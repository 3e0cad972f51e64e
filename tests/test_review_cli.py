"""``partnerships review`` as a process: it serves the store on the port asked, and off
localhost only with the operator token, which then guards the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from pipeline.review.security import TOKEN_ENVIRONMENT_VARIABLE
from pipeline.store.repository import Store


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(arguments: list[str], environment: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.review.cli", *arguments],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else "server exited"
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_review_serves_the_store_on_localhost(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'store.db'}"
    Store(database).close()
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if k != TOKEN_ENVIRONMENT_VARIABLE}
    process = _serve(["--db", database, "--port", str(port)], environment)
    try:
        _wait_for(f"http://127.0.0.1:{port}/queue", process)
        assert httpx.get(f"http://127.0.0.1:{port}/queue").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/partnerships").json()["total"] == 0
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_review_off_localhost_refuses_without_token_and_guards_with_it(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'store.db'}"
    Store(database).close()
    port = _free_port()
    without_token = {k: v for k, v in os.environ.items() if k != TOKEN_ENVIRONMENT_VARIABLE}
    refused = subprocess.run(
        [sys.executable, "-m", "pipeline.review.cli", "--db", database, "--host", "0.0.0.0", "--port", str(port)],
        env=without_token,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and TOKEN_ENVIRONMENT_VARIABLE in refused.stderr
    process = _serve(["--db", database, "--host", "0.0.0.0", "--port", str(port)], {**without_token, TOKEN_ENVIRONMENT_VARIABLE: "operator-secret"})
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/login", process)
        assert httpx.get(f"{base}/api/partnerships").status_code == 401
        assert httpx.get(f"{base}/queue").status_code == 303
        assert httpx.get(f"{base}/api/partnerships", headers={"Authorization": "Bearer operator-secret"}).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
