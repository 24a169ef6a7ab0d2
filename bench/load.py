"""Load: 100,000 messages over HTTP, every delivery report pushed to a flaky local receiver.

    python bench/load.py [--messages 100000] [--clock scaled:60 | --clock manual] [--db FILE]

Starts the simulator (core 0) and bench/receiver.py (core 1; it refuses a deterministic share
of pushes with 500, once or twice each, so the simulator's retries run), then sends the
messages with ``POST /sms/3/messages`` (a shuffled mix of single-destination requests and
requests of ``--multi-size`` destinations), each with ``webhooks.delivery.url`` pointing at the
receiver. With a scaled clock, deliveries and retries happen by themselves; with a manual clock
a ticker advances virtual time by ``--tick`` seconds every ``--tick-every`` wall seconds while
sending, then minute by minute until everything is acknowledged.

Checks that nothing is lost (every accepted message acknowledged once, with a final status),
that every extra delivery of a report is explained by a failed attempt in the simulator's outbox
(``GET /simulator/webhooks``) and that no outbox entry is left pending or dead. Prints the
figures, appends them to bench/RESULTS.md and exits 1 when a target fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import itertools
import json
import random
import shlex
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (
    Api,
    Pins,
    Process,
    children_of_this_run,
    cpu_seconds,
    load_average,
    machine,
    memory,
    mib,
    percentile,
    report,
    session,
    simulator_has_option,
    start_receiver,
    start_simulator,
    verdict,
)
from run import BENCH, Row, source_revision

KEY = "bench-load"
TARGET_WALL_S = 60.0
TARGET_HWM = 300 * 1024 * 1024
SETTLE_TIMEOUT_S = 120.0


@dataclass
class Sent:
    """What the load client saw: when each message's request started, how long sending took."""

    started: dict[str, float] = field(default_factory=dict)
    requests: int = 0
    first: float = 0.0
    last: float = 0.0

    @property
    def seconds(self) -> float:
        return self.last - self.first


@dataclass
class Check:
    """Whether every report arrived once, and whether the outbox explains every extra one."""

    lost: int = 0
    duplicated: int = 0
    unexpected: int = 0
    not_delivered: int = 0
    refused_deliveries: int = 0
    unexplained: int = 0
    outbox_failed_attempts: int = 0
    retried_messages: int = 0
    states: Counter[str] = field(default_factory=Counter)
    left_to_pull: int = 0


@dataclass
class Latency:
    """End-to-end times in seconds: wall (request start -> receiver's 200) and virtual
    (report's sentAt -> virtual time of the accepted attempt)."""

    wall: list[float] = field(default_factory=list)
    wall_retried: list[float] = field(default_factory=list)
    virtual: list[float] = field(default_factory=list)
    virtual_retried: list[float] = field(default_factory=list)


@dataclass
class Run:
    sent: Sent
    settled_at: float
    push_times: list[float]
    pushes: int
    reports_pushed: int
    check: Check
    latency: Latency
    hwm_load: int
    cpu: float
    """CPU seconds the simulator used from the first send until everything settled."""
    hwm_after: int


# --- sending -------------------------------------------------------------------------------


def request_sizes(messages: int, multi_share: float, multi_size: int, seed: int) -> list[int]:
    """Destinations per request: ``multi_share`` of the messages in requests of ``multi_size``,
    the rest one per request, in a fixed shuffled order."""
    multis = round(messages * multi_share) // multi_size if multi_size > 1 else 0
    sizes = [multi_size] * multis + [1] * (messages - multis * multi_size)
    random.Random(seed).shuffle(sizes)
    return sizes


def send_body(first: int, count: int, url: str) -> bytes:
    destinations = [{"to": f"4179{first + n:07d}"} for n in range(count)]
    message = {
        "sender": "BenchLoad",
        "destinations": destinations,
        "content": {"text": f"Load test message {first}"},
        "webhooks": {"delivery": {"url": url}},
    }
    return json.dumps({"messages": [message]}).encode()


async def send_all(api: Api, sim: Process, url: str, sizes: list[int], concurrency: int) -> Sent:
    """Send every request, ``concurrency`` in flight; each message must be accepted."""
    sent = Sent()
    firsts = itertools.accumulate(sizes, initial=0)
    todo = zip(firsts, sizes, strict=False)  # shared by the workers; one loop, no locking
    endpoint = f"{sim.base}/sms/3/messages"
    sent.first = time.monotonic()

    async def worker() -> None:
        for first, size in todo:
            began = time.monotonic()
            body = send_body(first, size, url)
            async with api.session.post(endpoint, data=body, headers=api.headers) as resp:
                raw = await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"send answered {resp.status}: {raw[:300]!r}")
            for message in json.loads(raw)["messages"]:
                if message["status"]["groupName"] != "PENDING":
                    raise RuntimeError(f"message not accepted: {message}")
                sent.started[message["messageId"]] = began
            sent.requests += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    sent.last = time.monotonic()
    return sent


async def tick(api: Api, sim: Process, seconds: float, every: float, stop: asyncio.Event) -> None:
    """Manual clock: advance ``seconds`` of virtual time every ``every`` wall seconds."""
    url = f"{sim.base}/simulator/clock/advance"
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
        await api.post(url, {"seconds": seconds})


async def settle(api: Api, sim: Process, receiver: Process, expected: int, manual: bool) -> None:
    """Wait (advancing a manual clock a minute at a time) until the receiver acknowledged every
    message and no outbox entry is pending any more."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        counts = await api.get(f"{receiver.base}/count")
        if counts["acked"] >= expected:
            pending = await api.get(f"{sim.base}/simulator/webhooks?state=pending")
            if not pending["results"]:
                return
        if manual:
            await api.post(f"{sim.base}/simulator/clock/advance", {"seconds": 60})
        else:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"not settled in {SETTLE_TIMEOUT_S:.0f} s: {counts}")


# --- checking ------------------------------------------------------------------------------


def epoch(infobip_time: str) -> float:
    return datetime.datetime.fromisoformat(infobip_time).timestamp()


@dataclass
class OutboxView:
    """Per message: failed and accepted attempts of the entries carrying it, and virtual times."""

    failed: Counter[str] = field(default_factory=Counter)
    succeeded: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    virtual: dict[str, float] = field(default_factory=dict)
    """Report sentAt -> virtual time of the accepted attempt."""
    malformed: int = 0
    """Entries whose attempts are not: refusals (500) first, then one success."""

    @classmethod
    def of(cls, entries: list[dict[str, Any]]) -> OutboxView:
        view = cls()
        for entry in entries:
            view.add(entry)
        return view

    def add(self, entry: dict[str, Any]) -> None:
        self.states[entry["state"]] += 1
        attempts = entry["attempts"]
        failed = [a for a in attempts if not a["succeeded"]]
        accepted = [a for a in attempts if a["succeeded"]]
        if any(a["statusCode"] != 500 for a in failed) or attempts[-1:] != accepted[-1:]:
            self.malformed += 1
        for message_id in entry["messageIds"]:
            self.failed[message_id] += len(failed)
            self.succeeded[message_id] += len(accepted)
        if accepted:
            at = epoch(accepted[0]["at"])
            for report in json.loads(entry["body"])["results"]:
                self.virtual[report["messageId"]] = at - epoch(report["sentAt"])


def check(sent: Sent, records: dict[str, Any], outbox: OutboxView, left: int) -> Check:
    acks: dict[str, list[float]] = records["acks"]
    refusals: dict[str, int] = records["refusals"]
    expected = sent.started.keys()
    result = Check(states=outbox.states, left_to_pull=left)
    result.lost = sum(1 for m in expected if m not in acks)
    result.duplicated = sum(1 for times in acks.values() if len(times) > 1)
    result.unexpected = sum(1 for m in acks.keys() | refusals.keys() if m not in sent.started)
    delivered = sum(n for name, n in records["statuses"].items() if name == "DELIVERED_TO_HANDSET")
    result.not_delivered = len(sent.started) - delivered
    result.refused_deliveries = sum(refusals.values())
    result.outbox_failed_attempts = sum(outbox.failed.values())
    result.retried_messages = len(refusals)
    result.unexplained = outbox.malformed + sum(
        1
        for m in expected
        if refusals.get(m, 0) != outbox.failed[m] or len(acks.get(m, ())) != outbox.succeeded[m]
    )
    return result


def latencies(sent: Sent, records: dict[str, Any], outbox: OutboxView) -> Latency:
    latency = Latency()
    refusals: dict[str, int] = records["refusals"]
    for message_id, times in records["acks"].items():
        began = sent.started.get(message_id)
        if began is None:
            continue
        retried = message_id in refusals
        (latency.wall_retried if retried else latency.wall).append(times[0] - began)
        virtual = outbox.virtual.get(message_id)
        if virtual is not None:
            (latency.virtual_retried if retried else latency.virtual).append(virtual)
    return latency


# --- the run -------------------------------------------------------------------------------


async def drive(args: argparse.Namespace, sim: Process, receiver: Process) -> Run:
    sizes = request_sizes(args.messages, args.multi_share, args.multi_size, args.seed)
    manual = args.clock == "manual"
    async with session(limit=args.concurrency + 10) as http:
        api = Api(http, KEY)
        cpu_at_start = cpu_seconds(sim.pid)
        stop = asyncio.Event()
        ticker = (
            asyncio.create_task(tick(api, sim, args.tick, args.tick_every, stop))
            if manual
            else None
        )
        sent = await send_all(api, sim, f"{receiver.base}/dlr", sizes, args.concurrency)
        stop.set()
        if ticker is not None:
            await ticker
        await settle(api, sim, receiver, len(sent.started), manual)
        settled_at = time.monotonic()
        hwm_load = memory(sim.pid)[1]
        cpu = cpu_seconds(sim.pid) - cpu_at_start
        records = await api.get(f"{receiver.base}/records")
        outbox = OutboxView.of((await api.get(f"{sim.base}/simulator/webhooks"))["results"])
        left = len((await api.get(f"{sim.base}/sms/3/reports?limit=1000"))["results"])
        hwm_after = memory(sim.pid)[1]
    pushes = records["pushes"]
    return Run(
        sent=sent,
        settled_at=settled_at,
        push_times=[p[0] for p in pushes],
        pushes=len(pushes),
        reports_pushed=sum(p[1] for p in pushes),
        check=check(sent, records, outbox, left),
        latency=latencies(sent, records, outbox),
        hwm_load=hwm_load,
        cpu=cpu,
        hwm_after=hwm_after,
    )


def p50_p99(values: list[float], scale: float, unit: str) -> str:
    if not values:
        return "-"
    p50, p99 = percentile(values, 0.5) * scale, percentile(values, 0.99) * scale
    return f"{p50:,.1f} / {p99:,.1f} {unit}"


def figures(run: Run, wall: float, messages: int) -> list[Row]:
    sent, check, lat = run.sent, run.check, run.latency
    window = max(run.push_times) - min(run.push_times) if run.push_times else 0.0
    stuck = ", ".join(f"{s} {n}" for s, n in sorted(check.states.items()))
    return [
        (
            "Messages / requests",
            f"{len(sent.started):,} / {sent.requests:,}",
            f"{messages:,} messages",
            verdict(len(sent.started) == messages),
        ),
        (
            "Sends/s (messages; requests)",
            f"{len(sent.started) / sent.seconds:,.0f}; {sent.requests / sent.seconds:,.0f}",
            "-",
            "-",
        ),
        ("Sending time", f"{sent.seconds:.1f} s", "-", "-"),
        (
            "Pushes received (incl. refused) / reports in them",
            f"{run.pushes:,} / {run.reports_pushed:,} ({run.reports_pushed / run.pushes:.1f}"
            " a push)",
            "-",
            "-",
        ),
        (
            "Reports pushed/s (first to last push)",
            f"{run.reports_pushed / window:,.0f} over {window:.1f} s",
            "-",
            "-",
        ),
        (
            "Settled after sending ended",
            f"{run.settled_at - sent.last:.1f} s",
            "-",
            "-",
        ),
        ("E2E wall p50 / p99, first attempt", p50_p99(lat.wall, 1000, "ms"), "-", "-"),
        ("E2E wall p50 / p99, retried", p50_p99(lat.wall_retried, 1, "s"), "-", "-"),
        ("E2E virtual p50 / p99, first attempt", p50_p99(lat.virtual, 1, "s"), "-", "-"),
        ("E2E virtual p50 / p99, retried", p50_p99(lat.virtual_retried, 1, "s"), "-", "-"),
        (
            "Simulator VmHWM (load; after the outbox dump)",
            f"{mib(run.hwm_load)}; {mib(run.hwm_after)}",
            "< 300 MiB (load)",
            verdict(run.hwm_load < TARGET_HWM),
        ),
        (
            "Simulator CPU time, first send to settled",
            f"{run.cpu:.1f} s ({run.cpu / (run.settled_at - sent.first):.0%} of the load's wall"
            " time)",
            "-",
            "-",
        ),
        (
            "Total wall time",
            f"{wall:.1f} s",
            f"< {TARGET_WALL_S:.0f} s",
            verdict(wall < TARGET_WALL_S),
        ),
        (
            "Lost / duplicated / unexpected reports",
            f"{check.lost} / {check.duplicated} / {check.unexpected}",
            "0 / 0 / 0",
            verdict(check.lost == check.duplicated == check.unexpected == 0),
        ),
        (
            "Reports not DELIVERED_TO_HANDSET / left to pull",
            f"{check.not_delivered} / {check.left_to_pull}",
            "0 / 0",
            verdict(check.not_delivered == check.left_to_pull == 0),
        ),
        (
            "Refused deliveries (500) / outbox failed attempts",
            f"{check.refused_deliveries:,} / {check.outbox_failed_attempts:,}"
            f" ({check.retried_messages:,} messages retried)",
            "equal",
            verdict(check.refused_deliveries == check.outbox_failed_attempts),
        ),
        (
            "Deliveries not explained by the outbox",
            f"{check.unexplained}",
            "0",
            verdict(check.unexplained == 0),
        ),
        (
            "Outbox entries by state",
            stuck,
            "all succeeded",
            verdict(set(check.states) <= {"succeeded"}),
        ),
    ]


def about(args: argparse.Namespace, pins: Pins, db: str, load_at_start: str) -> str:
    clock = (
        f"manual clock, advanced {args.tick:g} s every {args.tick_every:g} s of wall time while "
        "sending, then 60 s at a time"
        if args.clock == "manual"
        else f"clock {args.clock}"
    )
    revision = source_revision(args.simulator_src.resolve())
    return (
        f"Machine: {machine(load_at_start)}. {pins.describe()} Simulator: {revision}, "
        f"{clock}, options `{shlex.join(simulator_options(args, db))}`. "
        f"Load: {args.messages:,} messages, {args.multi_share:.0%} of them in requests of "
        f"{args.multi_size} destinations, the rest one per request, {args.concurrency} requests "
        f"in flight (aiohttp client), each with webhooks.delivery.url at bench/receiver.py, "
        f"which refuses {args.fail_ratio:.0%} of the pushes (by CRC-32 of the body) 1 to "
        f"{args.fail_times} times with 500. E2E wall = client's request start to the receiver's "
        "200 (CLOCK_MONOTONIC in both processes); E2E virtual = the report's sentAt to the "
        "virtual time of the accepted attempt (outbox). VmHWM (load) is read before the "
        "verification dumps the whole outbox (GET /simulator/webhooks); total wall time covers "
        "start to verified."
    )


def simulator_options(args: argparse.Namespace, db: str) -> list[str]:
    options = ["--rate-limits", "false", *shlex.split(args.simulator_args)]
    return [*options, "--db", db] if db else options


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--messages", type=int, default=100_000)
    add("--clock", default="scaled:60", help="scaled:N or manual (default scaled:60)")
    add("--tick", type=float, default=1.0, help="manual clock: virtual seconds a tick")
    add("--tick-every", type=float, default=0.1, help="manual clock: wall seconds between ticks")
    add("--multi-share", type=float, default=0.5, help="share of messages in multi requests")
    add("--multi-size", type=int, default=20, help="destinations of a multi request")
    add("--concurrency", type=int, default=50, help="send requests in flight")
    add("--fail-ratio", type=float, default=0.05, help="share of pushes the receiver refuses")
    add("--fail-times", type=int, default=2, help="most refusals of one push")
    add("--seed", type=int, default=7, help="request order")
    add("--db", default="", help="pass --db FILE to the simulator (its durable store)")
    add("--simulator-args", default="", help="more simulator options, one shell-quoted string")
    add("--no-pin", action="store_true", help="do not pin processes to cores")
    add("--simulator-src", type=Path, default=BENCH.parent, help="checkout to run")
    add("--results", type=Path, default=BENCH / "RESULTS.md")
    add("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    return parser.parse_args()


def main() -> int:
    began = time.monotonic()
    load_at_start = load_average()
    args = parse_args()
    if args.clock != "manual" and not args.clock.startswith("scaled:"):
        print("--clock must be manual or scaled:N", file=sys.stderr)
        return 2
    src: Path = args.simulator_src.resolve()
    if args.db and not simulator_has_option(src, "--db"):
        print(f"the simulator in {src} has no --db option (yet)", file=sys.stderr)
        return 2
    db = str(Path(args.db).resolve()) if args.db else ""
    if db and Path(db).exists():
        print(f"--db {db} exists; give a new file so the run starts empty", file=sys.stderr)
        return 2
    pins = Pins.choose(not args.no_pin)
    with children_of_this_run("sim-load-") as children:
        receiver = start_receiver(children, pins, args.fail_ratio, args.fail_times)
        sim = start_simulator(children, pins, src, args.clock, simulator_options(args, db))
        run = asyncio.run(drive(args, sim, receiver))
    wall = time.monotonic() - began
    rows = figures(run, wall, args.messages)
    text = about(args, pins, db, load_at_start)
    return report("Load", "load.py", text, rows, None if args.no_record else args.results)


if __name__ == "__main__":
    sys.exit(main())
