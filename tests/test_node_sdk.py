"""The official Infobip Node SDK (@infobip-api/sdk, pinned in tests/node/) works unchanged.

Each SDK call runs tests/node/sdk_smoke.mjs in a `node` subprocess; the comment at its top says
what the SDK sends. Node and npm are required: without them these tests fail, never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
NODE_DIR = REPO / "tests" / "node"
SMOKE = NODE_DIR / "sdk_smoke.mjs"
TO = "41793026727"
TEXT = "Hello from Node"

# urllib without any proxy: every request here goes to 127.0.0.1 only.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"`{tool}` not found on PATH: Node.js and npm are required for the Node SDK tests"
        )
    return path


@pytest.fixture(scope="module")
def node_sdk() -> str:
    """`npm ci` the pinned SDK into tests/node/ once per module; return the node binary."""
    node = _require("node")
    npm = _require("npm")
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`npm ci` in {NODE_DIR} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return node


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(base_url: str) -> bool:
    try:
        with _http.open(f"{base_url}/healthz", timeout=1) as resp:
            return bool(resp.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run the simulator with a manual clock on a free port; yield its base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("sim") / "simulator.log"
    args = f"--host 127.0.0.1 --port {port} --clock manual".split()
    cmd = [sys.executable, "-m", "simulator", *args]
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            while not _healthy(base_url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"simulator not healthy at {base_url}/healthz within 10 s "
                        f"(exit code {proc.poll()}):\n{log_path.read_text()}"
                    )
                time.sleep(0.1)
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def sdk(node: str, base_url: str, api_key: str, *args: str) -> dict[str, Any]:
    """Run one SDK call through sdk_smoke.mjs; return the parsed JSON body the SDK got back."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(SIM_BASE_URL=base_url, SIM_API_KEY=api_key, NO_PROXY="127.0.0.1,localhost")
    proc = subprocess.run(
        [node, str(SMOKE), *args], cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, f"SDK call {args} failed (exit {proc.returncode}):\n{proc.stderr}"
    body: dict[str, Any] = json.loads(proc.stdout)
    return body


def advance_clock(base_url: str, api_key: str, seconds: float) -> None:
    req = urllib.request.Request(
        f"{base_url}/simulator/clock/advance",
        data=json.dumps({"seconds": seconds}).encode(),
        headers={"Authorization": f"App {api_key}", "Content-Type": "application/json"},
        method="POST",
    )
    with _http.open(req, timeout=10) as resp:
        assert resp.status == 200, resp.read()


def send(node: str, base_url: str, api_key: str) -> dict[str, Any]:
    """Send TEXT to TO through the SDK; return the single message entry of the response."""
    body = sdk(node, base_url, api_key, "send", TO, TEXT)
    assert body["bulkId"], body
    [message] = body["messages"]
    assert message["messageId"], body
    return dict(message)


@pytest.fixture
def api_key() -> str:
    """A fresh key, hence a fresh account in open mode, for every test."""
    return f"node-sdk-{uuid.uuid4()}"


def test_send_text_sms(node_sdk: str, sim: str, api_key: str) -> None:
    message = send(node_sdk, sim, api_key)
    assert message["to"] == TO
    assert message["status"]["groupId"] == 1
    assert message["status"]["name"] == "PENDING_ACCEPTED"


def test_delivery_report_fetched_once_then_logs(node_sdk: str, sim: str, api_key: str) -> None:
    message_id = send(node_sdk, sim, api_key)["messageId"]
    advance_clock(sim, api_key, 60)

    [report] = sdk(node_sdk, sim, api_key, "reports")["results"]
    assert report["messageId"] == message_id
    assert report["to"] == TO
    assert report["status"]["groupName"] == "DELIVERED"
    assert report["status"]["id"] == 5
    assert report["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert report["error"]["name"] == "NO_ERROR"

    assert sdk(node_sdk, sim, api_key, "reports")["results"] == []  # a report is fetched only once

    logs = sdk(node_sdk, sim, api_key, "logs", message_id)["results"]
    [log] = [entry for entry in logs if entry["messageId"] == message_id]
    assert log["to"] == TO
    assert log["text"] == TEXT
    assert log["status"]["groupName"] == "DELIVERED"
    assert log["status"]["name"] == "DELIVERED_TO_HANDSET"
