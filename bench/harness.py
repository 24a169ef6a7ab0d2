"""Shared pieces of bench/load.py and bench/soak.py: processes, memory, HTTP, figures, results.

Builds on bench/run.py (children, ports, readiness, tables) and bench/receiver.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import math
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import aiohttp
from run import BENCH, HOST, ROOT, Children, Row, free_port, table, wait_ready

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Pins:
    """taskset prefixes: the simulator alone on core 0; receiver and load client on core 1."""

    server: list[str]
    others: list[str]

    @classmethod
    def choose(cls, pin: bool) -> Pins:
        if not pin or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
            return cls([], [])
        os.sched_setaffinity(0, {1})  # this process is the load client
        return cls(["taskset", "-c", "0"], ["taskset", "-c", "1"])

    def describe(self) -> str:
        if not self.server:
            return "No CPU pinning."
        return "Simulator pinned to core 0; receiver and load client to core 1."


@dataclass(frozen=True, slots=True)
class Process:
    pid: int
    port: int

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


def start_simulator(
    children: Children,
    pins: Pins,
    src: Path,
    clock: str,
    options: Sequence[str] = (),
    program: Sequence[str] = ("-m", "simulator"),
) -> Process:
    """``python -m simulator`` (or ``program``) in the checkout ``src``, on 127.0.0.1 with
    ``--clock clock`` and ``options``; waits for /healthz."""
    port = free_port()
    argv = [sys.executable, *program, "--host", HOST, "--port", str(port)]
    argv += ["--clock", clock, *options]
    proc = children.start("simulator", argv, src, pins.server)
    wait_ready(children, proc, port, "/healthz")
    return Process(proc.pid, port)


def start_receiver(children: Children, pins: Pins, fail_ratio: float, fail_times: int) -> Process:
    """bench/receiver.py, refusing ``fail_ratio`` of the pushes 1 to ``fail_times`` times."""
    port = free_port()
    argv = [sys.executable, str(BENCH / "receiver.py"), "--port", str(port)]
    argv += ["--fail-ratio", str(fail_ratio), "--fail-times", str(fail_times)]
    proc = children.start("receiver", argv, ROOT, pins.others)
    wait_ready(children, proc, port, "/count")
    return Process(proc.pid, port)


@contextlib.contextmanager
def children_of_this_run(prefix: str) -> Iterator[Children]:
    """Child processes (their logs in a temporary directory) stopped when the run ends, also on
    SIGTERM."""

    def terminated(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    with tempfile.TemporaryDirectory(prefix=prefix) as logs:
        children = Children(Path(logs), [])
        try:
            yield children
        finally:
            children.stop_all()


def memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in bytes: its resident memory now and its high-water mark."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024
    return fields["VmRSS"], fields["VmHWM"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def simulator_has_option(src: Path, option: str) -> bool:
    """Whether ``python -m simulator --help`` of the checkout ``src`` lists ``option``."""
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return option in out.stdout.split()


class Api:
    """JSON over one aiohttp session, with an API key; raises on an unexpected status."""

    def __init__(self, session: aiohttp.ClientSession, key: str) -> None:
        self.session = session
        self.headers = {"Authorization": f"App {key}", "Content-Type": "application/json"}

    async def call(
        self, method: str, url: str, body: Any = None, ok: Sequence[int] = (200, 201)
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        async with self.session.request(method, url, data=data, headers=self.headers) as resp:
            raw = await resp.read()
            if resp.status not in ok:
                raise RuntimeError(f"{method} {url} answered {resp.status}: {raw[:300]!r}")
            return resp.status, json.loads(raw) if raw else None

    async def get(self, url: str) -> Any:
        return (await self.call("GET", url))[1]

    async def post(self, url: str, body: Any) -> Any:
        return (await self.call("POST", url, body))[1]


def session(limit: int = 100, timeout: float = 600) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=limit)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout))


async def sleep_until(loop_time: float) -> None:
    delay = loop_time - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def machine(load_at_start: str) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return (
        f"nproc {os.cpu_count()} ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, aiohttp {aiohttp.__version__}; load average "
        f"(1, 5, 15 min) {load_at_start} at the start, {load_average()} at the end"
    )


def command_line(script: str) -> str:
    return f"cd {ROOT} && " + shlex.join([sys.executable, f"bench/{script}", *sys.argv[1:]])


def record(path: Path, title: str, command: str, about: str, rows: list[Row]) -> None:
    """Append a dated section to bench/RESULTS.md."""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"\n## {title} {when}\n\nCommand: `{command}`\n\n{about}\n\n{table(rows)}\n"
    with path.open("a") as out:
        out.write(text)


def report(title: str, script: str, about: str, rows: list[Row], results: Path | None) -> int:
    """Print the figures, append them to ``results`` unless None; 1 when a target failed."""
    print(table(rows))
    print(f"\n{about}")
    if results is not None:
        record(results, title, command_line(script), about, rows)
        print(f"\nappended to {results}")
    return 0 if all(row[3] != "FAIL" for row in rows) else 1


def mib(value: float) -> str:
    return f"{value / MIB:,.1f} MiB"
