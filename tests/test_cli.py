"""Settings from flags and INFOBIP_SIM_* variables, and the real process: start, serve, stop."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.domain.clock import ClockSpec
from simulator.settings import load_settings


def test_defaults() -> None:
    settings = load_settings([], env={})
    assert (settings.host, settings.port, settings.api_keys) == ("127.0.0.1", 8080, ())
    assert settings.clock == ClockSpec("real")
    assert not settings.strict
    assert settings.rate_limits


def test_environment_configures_everything() -> None:
    env = {
        "INFOBIP_SIM_HOST": "0.0.0.0",
        "INFOBIP_SIM_PORT": "9000",
        "INFOBIP_SIM_API_KEYS": "a, b,user:pw",
        "INFOBIP_SIM_CLOCK": "scaled:60",
        "INFOBIP_SIM_LOG_LEVEL": "debug",
        "INFOBIP_SIM_MAX_BODY_BYTES": "2048",
        "INFOBIP_SIM_RATE_LIMITS": "off",
        "INFOBIP_SIM_SEED": "42",
        "INFOBIP_SIM_DB": "/data/simulator.db",
        "INFOBIP_SIM_MAX_MESSAGES": "5000",
    }
    settings = load_settings([], env=env)
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert settings.api_keys == ("a", "b", "user:pw")
    assert settings.strict
    assert settings.clock == ClockSpec("scaled", 60.0)
    assert (settings.log_level, settings.max_body_bytes) == ("DEBUG", 2048)
    assert (settings.rate_limits, settings.seed) == (False, 42)
    assert (settings.db, settings.max_messages) == ("/data/simulator.db", 5000)


def test_flags_win_over_the_environment() -> None:
    env = {"INFOBIP_SIM_PORT": "9000", "INFOBIP_SIM_API_KEYS": "env-key"}
    settings = load_settings(["--port", "9100", "--api-key", "k1", "--api-key", "k2"], env=env)
    assert settings.port == 9100
    assert settings.api_keys == ("k1", "k2")


@pytest.mark.parametrize(
    ("env", "argv"),
    [({"INFOBIP_SIM_PORT": "abc"}, []), ({"INFOBIP_SIM_CLOCK": "fast"}, []),
     ({}, ["--clock", "scaled:0"]), ({"INFOBIP_SIM_RATE_LIMITS": "maybe"}, []),
     ({"INFOBIP_SIM_MAX_MESSAGES": "0"}, []), ({}, ["--max-messages", "many"])],
)  # fmt: skip
def test_bad_values_exit_with_a_usage_error(env: dict[str, str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        load_settings(argv, env=env)
    assert exited.value.code == 2


def test_help_explains_every_option_and_its_variable() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    for option, variable in [
        ("--host", "INFOBIP_SIM_HOST"),
        ("--port", "INFOBIP_SIM_PORT"),
        ("--api-key", "INFOBIP_SIM_API_KEYS"),
        ("--clock", "INFOBIP_SIM_CLOCK"),
        ("--log-level", "INFOBIP_SIM_LOG_LEVEL"),
        ("--max-body-bytes", "INFOBIP_SIM_MAX_BODY_BYTES"),
        ("--rate-limits", "INFOBIP_SIM_RATE_LIMITS"),
        ("--seed", "INFOBIP_SIM_SEED"),
        ("--db", "INFOBIP_SIM_DB"),
        ("--max-messages", "INFOBIP_SIM_MAX_MESSAGES"),
    ]:
        assert option in result.stdout and variable in result.stdout


@pytest.fixture
def process() -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--port", "0", "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()


def test_process_prints_its_url_serves_and_stops_cleanly(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", line)
    assert match, line
    url = match.group(1)
    with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
        assert json.load(response) == {
            "status": "ok",
            "clock": "manual",
            "mode": "open",
            "controlMode": "open",
        }
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_a_taken_port_is_a_clean_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "simulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_database_is_a_clean_error(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("not a database\n" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--port", "0", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert (
        result.stderr
        == f"infobip-simulator: cannot use the database {db}: file is not a database\n"
    )
