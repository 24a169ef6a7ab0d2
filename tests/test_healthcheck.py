"""The container's contract without a Docker engine: ``infobip-simulator healthcheck`` reads the
same INFOBIP_SIM_* variables as the server, and the Dockerfile configures only through them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).parent / "infobip-simulator")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def container_env(port: int) -> dict[str, str]:
    """The process environment as the image sets it, with a custom port."""
    return {**os.environ, "INFOBIP_SIM_HOST": "0.0.0.0", "INFOBIP_SIM_PORT": str(port)}


def healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COMMAND, "healthcheck"], env=env, capture_output=True, text=True, timeout=30
    )


@pytest.fixture
def running() -> Iterator[dict[str, str]]:
    """A simulator started like the image starts it (no flags, everything from the env)."""
    env = container_env(free_port())
    proc = subprocess.Popen(
        [COMMAND], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    assert "listening on http://0.0.0.0:" in proc.stdout.readline()
    yield env
    proc.terminate()
    assert proc.wait(timeout=10) == 0
    proc.stdout.close()


def test_healthcheck_passes_against_a_simulator_on_a_custom_port(running: dict[str, str]) -> None:
    result = healthcheck(running)
    assert result.returncode == 0, result.stderr
    url = f"http://127.0.0.1:{running['INFOBIP_SIM_PORT']}/readyz"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200


def test_healthcheck_fails_when_nothing_listens() -> None:
    started = time.monotonic()
    result = healthcheck(container_env(free_port()))
    assert result.returncode == 1
    assert "/readyz" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 10


def test_healthcheck_takes_the_server_flags_too(running: dict[str, str]) -> None:
    port = running["INFOBIP_SIM_PORT"]
    env = {k: v for k, v in running.items() if not k.startswith("INFOBIP_SIM_")}
    ok = subprocess.run([COMMAND, "healthcheck", "--port", port], env=env, timeout=30)
    assert ok.returncode == 0


def test_the_image_environment_configures_the_server() -> None:
    env = {
        "INFOBIP_SIM_HOST": "0.0.0.0",
        "INFOBIP_SIM_PORT": "9090",
        "INFOBIP_SIM_CLOCK": "manual",
        "INFOBIP_SIM_LOG_FORMAT": "JSON",
        "INFOBIP_SIM_LOG_LEVEL": "warning",
    }
    settings = load_settings([], env=env)
    assert (settings.host, settings.port, str(settings.clock)) == ("0.0.0.0", 9090, "manual")
    assert (settings.log_format, settings.log_level) == ("json", "WARNING")


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def env_of_image() -> dict[str, str]:
    """Every ``ENV`` of the Dockerfile (continuation lines joined)."""
    text = dockerfile().replace("\\\n", " ")
    pairs = re.findall(r"(\w+)=(\S+)", " ".join(re.findall(r"^ENV (.*)$", text, re.MULTILINE)))
    return dict(pairs)


def test_the_dockerfile_runs_as_a_non_root_user_on_the_exposed_port() -> None:
    text = dockerfile()
    user = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    env = env_of_image()
    assert env["INFOBIP_SIM_HOST"] == "0.0.0.0"
    assert re.findall(r"^EXPOSE (\d+)", text, re.MULTILINE) == [env["INFOBIP_SIM_PORT"]]


def test_the_dockerfile_is_configured_only_by_the_environment() -> None:
    text = dockerfile()
    assert re.search(r'^ENTRYPOINT \["infobip-simulator"\]$', text, re.MULTILINE)
    assert "CMD [" not in text.replace('CMD ["infobip-simulator", "healthcheck"]', "")
    assert re.search(r'HEALTHCHECK .*\n\s+CMD \["infobip-simulator", "healthcheck"\]', text)
    assert all(name.startswith(("INFOBIP_SIM_", "PYTHON", "PIP_")) for name in env_of_image())
