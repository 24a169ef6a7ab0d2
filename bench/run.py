"""Performance benchmark of the simulator; appends a dated section to bench/RESULTS.md.

    python bench/run.py [--duration 10] [--connections 50] [--messages 100000] [--rounds 3]

Measures, in one run: start to healthy (best of 3); single-destination v3 sends per second and
latency p50/p99 with wrk, for a bare aiohttp floor (bench/floor_server.py) and then for the
simulator, in alternating rounds (the ratio of each round; the median round is reported, as one
wrk run of either moves by a few percent from run to run); RSS per delivered message after N
single-destination sends. Servers are pinned to core 0, wrk and the memory load client to core 1
(when ``taskset`` and 2 cores are available).
Everything listens and connects on 127.0.0.1 only; every child process is stopped on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import http.client
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

import aiohttp

HOST = "127.0.0.1"
BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SEND_PATH = "/sms/3/messages"
SEND_BODY = json.dumps(
    {
        "messages": [
            {
                "sender": "InfoSMS",
                "destinations": [{"to": "41793026727"}],
                "content": {"text": "Your code is 123456"},
            }
        ]
    }
).encode()
HEADERS = {"Authorization": "App bench-key", "Content-Type": "application/json"}
WARMUP_SECONDS = 3
START_TIMEOUT = 15.0

TARGET_RATIO = 0.5
TARGET_P99_MS = 20.0
TARGET_BYTES = 2048
TARGET_START_S = 1.0

Row = tuple[str, str, str, str]
"""One line of the figures table: measure, figure, target, pass/FAIL."""


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non2xx: int


@dataclass(frozen=True, slots=True)
class Round:
    """The floor, then the simulator, each measured on a fresh process."""

    floor: WrkResult
    sim: WrkResult

    @property
    def ratio(self) -> float:
        return self.sim.rps / self.floor.rps


@dataclass(frozen=True, slots=True)
class MemoryResult:
    rss_before: int
    rss_sent: int
    rss_delivered: int
    messages: int
    send_seconds: float

    @property
    def per_message(self) -> float:
        return (self.rss_delivered - self.rss_before) / self.messages


class Children:
    """Every server this run starts, so that all of them are stopped whatever happens."""

    def __init__(self, logs: Path, pin: list[str]) -> None:
        self.logs = logs
        self.pin = pin
        self.procs: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def start(
        self, name: str, argv: list[str], cwd: Path, pin: list[str] | None = None
    ) -> subprocess.Popen[bytes]:
        """Start ``argv`` pinned with ``pin`` (default: this run's pin), logging to a file."""
        log = (self.logs / f"{name}-{len(self.procs)}.log").open("wb")
        prefix = self.pin if pin is None else pin
        proc = subprocess.Popen([*prefix, *argv], cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((proc, log))
        return proc

    def log_tail(self, proc: subprocess.Popen[bytes]) -> str:
        for p, log in self.procs:
            if p is proc:
                return Path(log.name).read_text(errors="replace")[-2000:]
        return ""

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def stop_all(self) -> None:
        for proc, log in self.procs:
            self.stop(proc)
            log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", path, headers=HEADERS)
        return conn.getresponse().status
    finally:
        conn.close()


def wait_ready(children: Children, proc: subprocess.Popen[bytes], port: int, path: str) -> None:
    """Poll until ``GET path`` answers (any status for the floor, 200 for /healthz)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{children.log_tail(proc)}")
        with contextlib.suppress(OSError):
            status = get_status(port, path)
            if status == 200 or path != "/healthz":
                return
        time.sleep(0.002)
    raise RuntimeError(f"server on port {port} not ready in {START_TIMEOUT} s")


def simulator_argv(port: int) -> list[str]:
    options = ["--host", HOST, "--port", str(port), "--clock", "manual", "--rate-limits", "false"]
    return [sys.executable, "-m", "simulator", *options]


def start_simulator(children: Children, src: Path) -> tuple[subprocess.Popen[bytes], int, float]:
    """Start a simulator; answer it, its port and the seconds from spawn to /healthz 200."""
    port = free_port()
    began = time.perf_counter()
    proc = children.start("simulator", simulator_argv(port), src)
    wait_ready(children, proc, port, "/healthz")
    return proc, port, time.perf_counter() - began


def run_wrk(wrk_pin: list[str], port: int, seconds: int, connections: int) -> WrkResult:
    argv = [*wrk_pin, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    argv += ["-s", str(BENCH / "send.lua"), f"http://{HOST}:{port}{SEND_PATH}"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            return WrkResult(**json.loads(line.removeprefix("BENCH ")))
    raise RuntimeError(f"no BENCH line in wrk output:\n{out.stdout}\n{out.stderr}")


def measure_http(wrk_pin: list[str], port: int, seconds: int, connections: int) -> WrkResult:
    run_wrk(wrk_pin, port, WARMUP_SECONDS, connections)
    result = run_wrk(wrk_pin, port, seconds, connections)
    if result.non2xx or result.errors:
        raise RuntimeError(f"port {port}: {result.non2xx} non-2xx, {result.errors} socket errors")
    return result


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def send_many(port: int, count: int, concurrency: int) -> None:
    """``count`` single-destination sends, ``concurrency`` in flight; every one must be 200."""
    url = f"http://{HOST}:{port}{SEND_PATH}"
    todo = iter(range(count))  # shared by the workers: bounded, no locking needed on one loop
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, headers=HEADERS) as session:

        async def worker() -> None:
            for _ in todo:
                async with session.post(url, data=SEND_BODY) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"send answered {resp.status}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def get_json(session: aiohttp.ClientSession, url: str) -> dict[str, object]:
    async with session.get(url) as resp:
        resp.raise_for_status()
        body: dict[str, object] = await resp.json()
        return body


async def deliver_all(port: int, count: int) -> None:
    """Advance the manual clock past every delivery, then check that all are delivered."""
    base = f"http://{HOST}:{port}"
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(headers=HEADERS, timeout=timeout) as session:
        before = await get_json(session, f"{base}/simulator/clock")
        if int(str(before["pendingEvents"])) < count:
            raise RuntimeError(f"only {before['pendingEvents']} events pending for {count} sends")
        async with session.post(f"{base}/simulator/clock/advance", json={"seconds": 60}) as resp:
            resp.raise_for_status()
        after = await get_json(session, f"{base}/simulator/clock")
        pending = int(str(after["pendingEvents"]))
        logs = f"{base}/sms/3/logs?limit=1&generalStatus="
        if not (await get_json(session, logs + "DELIVERED"))["results"]:
            raise RuntimeError("no DELIVERED message after advancing the clock")
        if (await get_json(session, logs + "PENDING"))["results"]:
            raise RuntimeError("messages still PENDING after advancing the clock")
        if pending > 10:
            raise RuntimeError(f"{pending} events still pending after advancing the clock")


def measure_memory(children: Children, src: Path, count: int, concurrency: int) -> MemoryResult:
    proc, port, _ = start_simulator(children, src)
    time.sleep(0.5)
    before = rss_bytes(proc.pid)
    began = time.perf_counter()
    asyncio.run(send_many(port, count, concurrency))
    send_seconds = time.perf_counter() - began
    sent = rss_bytes(proc.pid)
    asyncio.run(deliver_all(port, count))
    delivered = rss_bytes(proc.pid)
    children.stop(proc)
    return MemoryResult(before, sent, delivered, count, send_seconds)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()
    return (
        f"nproc {os.cpu_count()} ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, aiohttp {aiohttp.__version__}, "
        f"wrk {wrk[1] if len(wrk) > 1 else '?'}"
    )


def source_revision(src: Path) -> str:
    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True)
        return out.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "(not a git checkout)"
    dirty = " + uncommitted changes" if git("status", "--porcelain", "--", "simulator") else ""
    return f"{src} at {commit}{dirty}"


def table(rows: list[Row]) -> str:
    head = ("Measure", "Figure", "Target", "Result")
    lines = [head, *rows]
    widths = [max(len(row[i]) for row in lines) for i in range(4)]
    out = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in lines
    ]
    out.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def median_round(rounds: list[Round]) -> Round:
    return sorted(rounds, key=lambda r: r.ratio)[len(rounds) // 2]


def figures(start: list[float], rounds: list[Round], mem: MemoryResult) -> list[Row]:
    middle = median_round(rounds)
    floor, sim, ratio = middle.floor, middle.sim, middle.ratio
    each = ", ".join(f"{r.ratio:.2f}" for r in rounds)
    mib = 1024 * 1024
    return [
        (
            "Start to healthy (best of 3)",
            f"{min(start) * 1000:.0f} ms ({', '.join(f'{s * 1000:.0f}' for s in start)})",
            "< 1000 ms",
            verdict(min(start) < TARGET_START_S),
        ),
        ("Floor: bare aiohttp req/s", f"{floor.rps:,.0f}", "-", "-"),
        ("Floor latency p50 / p99", f"{floor.p50_ms:.2f} / {floor.p99_ms:.2f} ms", "-", "-"),
        ("Simulator v3 sends/s", f"{sim.rps:,.0f}", "-", "-"),
        (
            f"Simulator / floor (median of {len(rounds)} rounds)",
            f"{ratio:.2f} ({each})",
            f">= {TARGET_RATIO}",
            verdict(ratio >= TARGET_RATIO),
        ),
        ("Simulator latency p50", f"{sim.p50_ms:.2f} ms", "-", "-"),
        (
            "Simulator latency p99",
            f"{sim.p99_ms:.2f} ms",
            f"< {TARGET_P99_MS:.0f} ms",
            verdict(sim.p99_ms < TARGET_P99_MS),
        ),
        (
            "RSS before / sent / delivered",
            f"{mem.rss_before / mib:.1f} / {mem.rss_sent / mib:.1f}"
            f" / {mem.rss_delivered / mib:.1f} MiB",
            "-",
            "-",
        ),
        (
            f"Memory per delivered message (N={mem.messages:,})",
            f"{mem.per_message:,.0f} B",
            f"< {TARGET_BYTES} B",
            verdict(mem.per_message < TARGET_BYTES),
        ),
        (
            "Memory-load send rate (aiohttp client)",
            f"{mem.messages / mem.send_seconds:,.0f} req/s",
            "-",
            "-",
        ),
    ]


def record(path: Path, command: str, about: str, rows: list[Row]) -> None:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "" if path.exists() else "# Benchmark results\n\nAppended by `bench/run.py`.\n"
    text += f"\n## {when}\n\nCommand: `{command}`\n\n{about}\n\n{table(rows)}\n"
    with path.open("a") as out:
        out.write(text)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections")
    parser.add_argument("--messages", type=int, default=100_000, help="N for the memory figure")
    parser.add_argument("--rounds", type=positive, default=3, help="floor/simulator rounds")
    parser.add_argument("--simulator-src", type=Path, default=ROOT, help="checkout to run")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    return parser.parse_args()


def pins() -> tuple[list[str], list[str]]:
    """taskset prefixes for the servers (core 0) and the load generators (core 1)."""
    if shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return [], []
    os.sched_setaffinity(0, {1})  # this process runs the memory load client
    return ["taskset", "-c", "0"], ["taskset", "-c", "1"]


@contextlib.contextmanager
def children_of_this_run(pin: list[str]) -> Iterator[Children]:
    def terminated(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    with tempfile.TemporaryDirectory(prefix="sim-bench-") as logs:
        children = Children(Path(logs), pin)
        try:
            yield children
        finally:
            children.stop_all()


def measure_round(
    children: Children, src: Path, load_pin: list[str], seconds: int, connections: int
) -> Round:
    port = free_port()
    proc = children.start(
        "floor",
        [sys.executable, str(BENCH / "floor_server.py"), "--host", HOST, "--port", str(port)],
        BENCH,
    )
    wait_ready(children, proc, port, SEND_PATH)
    floor = measure_http(load_pin, port, seconds, connections)
    children.stop(proc)
    proc, port, _ = start_simulator(children, src)
    sim = measure_http(load_pin, port, seconds, connections)
    children.stop(proc)
    print(f"round: floor {floor.rps:,.0f} req/s, simulator {sim.rps:,.0f} sends/s", flush=True)
    return Round(floor, sim)


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed; install it with: apt-get install -y wrk", file=sys.stderr)
        return 2
    src: Path = args.simulator_src.resolve()
    server_pin, load_pin = pins()
    with children_of_this_run(server_pin) as children:
        start = []
        for _ in range(3):
            proc, _, seconds = start_simulator(children, src)
            children.stop(proc)
            start.append(seconds)

        rounds = [
            measure_round(children, src, load_pin, args.duration, args.connections)
            for _ in range(args.rounds)
        ]
        mem = measure_memory(children, src, args.messages, args.connections)

    rows = figures(start, rounds, mem)
    about = (
        f"Machine: {machine()}. "
        + ("Servers pinned to core 0, wrk and the load client to core 1. " if server_pin else "")
        + f"Simulator: {source_revision(src)}. wrk: 1 thread, {args.connections} connections, "
        f"{args.duration} s after {WARMUP_SECONDS} s warm-up, single-destination v3 body; "
        f"{args.rounds} rounds of floor then simulator, the figures are the median round's. "
        f"Memory: VmRSS delta over {args.messages:,} single-destination sends (aiohttp client, "
        f"{args.connections} in flight), then the manual clock advanced 60 s so all are "
        "DELIVERED_TO_HANDSET; reports were not pulled (they stay queued, part of the cost); "
        "nothing pruned (48 h retention); no GC forced."
    )
    print(table(rows))
    print(f"\n{about}")
    command = f"cd {ROOT} && " + shlex.join([sys.executable, "bench/run.py", *sys.argv[1:]])
    record(args.results, command, about, rows)
    print(f"\nappended to {args.results}")
    return 0 if all(row[3] != "FAIL" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
