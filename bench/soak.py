"""Soak: minutes of mixed traffic on a scaled clock; is the simulator's memory flat?

    python bench/soak.py [--minutes 10] [--rate 100] [--scale N]

Starts the simulator (core 0, ``--clock scaled:N``) and bench/receiver.py (core 1; it refuses
10 % of the pushes with 500, 1 to 3 times each), then runs ``--rate`` operations a second,
drawn at random (fixed seed) from a mix over three accounts:

- A (default scenario): v3 sends with ``webhooks.delivery.url`` at the receiver, with URL
  tracking (``trackingUrl`` at the receiver) and short links opened, scheduled for later
  (``sendAt``: a bulk), or with ``notify: false`` then pulled (``GET /sms/3/reports``);
  ``GET /sms/3/logs``; inbound messages pushed to an INBOUND_MESSAGE subscription. Faults
  (``/simulator/faults``: 500 for 10 % of its sends, a 20 ms delay for 20 % of its log queries)
  are on for 10 s of every 20 s.
- B (``realistic`` scenario): v2 sends with ``notifyUrl``, to a DELIVERY subscription (by
  sender), or to nobody then pulled (``GET /sms/1/reports``); ``GET /sms/1/logs``; a temporary
  subscription created and deleted every few seconds.
- C (an inline scenario whose recipients answer 30 s later): v3 sends whose reports and
  replies are pulled (``GET /sms/3/reports``, ``GET /sms/1/inbox/reports``), inbound messages.

N defaults so that 48 virtual hours (the retention) plus an hour (the pruning interval) pass in
the first ~30 % of the run. Every ``--sample-every`` seconds it samples the simulator's VmRSS.
Memory is **flat** when the mean RSS of the last third of the run is at most 3 % (plus 2 MiB)
above the mean of the middle third: both thirds come after the warm-up (the first third, by
when retention pruning runs on a full window). It also prints the least-squares slope of RSS
over the last two thirds. At the end it counts what the simulator still holds (outbox entries,
and how many are older than the retention; pending scheduler events) to name what grows.
Exits 1 when memory grows or a request got an answer it should not have.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import itertools
import json
import random
import statistics
import sys
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from harness import (
    MIB,
    Pins,
    Process,
    children_of_this_run,
    load_average,
    machine,
    memory,
    mib,
    percentile,
    report,
    session,
    sleep_until,
    start_receiver,
    start_simulator,
    verdict,
)
from run import BENCH, Row, source_revision

RETENTION_S = 48 * 3600
PRUNE_EVERY_S = 3600
WARMUP_SHARE = 1 / 3
GROWTH_RATIO = 0.03
GROWTH_SLACK = 2 * MIB
ACCOUNT_A, ACCOUNT_B, ACCOUNT_C = "soak-a", "soak-b", "soak-c"
REPLY_SCENARIO = {
    "name": "soak-replies",
    "description": "Delivered after 5 s; every recipient answers 30 s later.",
    "path": [
        {"status": "PENDING_ENROUTE", "after": "300ms"},
        {"status": "DELIVERED_TO_HANDSET", "after": "5s"},
    ],
    "outcome": "delivered",
    "rules": [
        {"name": "answer", "prefix": "4179", "reply": {"text": "STOP thanks", "after": "30s"}}
    ],
}
OK = frozenset({200, 201, 204})
FAULTED = frozenset({500, "dropped"})
"""What a request may also meet while faults are on (status codes, or a dropped connection)."""


@dataclass
class Sample:
    wall: float
    rss: int
    virtual: float
    pending_events: int


@dataclass
class Tally:
    """Answers per operation; anything not allowed is kept as an example."""

    answers: Counter[tuple[str, int | str]] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    skipped: int = 0
    latencies: list[tuple[float, float]] = field(default_factory=list)
    """(wall time the request ended, seconds it took), for every request."""

    def add(self, name: str, status: int | str, allowed: bool, detail: str = "") -> None:
        self.answers[name, status] += 1
        if not allowed:
            self.unexpected.append(f"{name}: {status} {detail[:200]}")

    def operations(self) -> int:
        return sum(self.answers.values())


@dataclass
class Traffic:
    """The operations of the mix; each is one or two HTTP requests."""

    http: aiohttp.ClientSession
    sim: Process
    hook: str
    rng: random.Random
    tally: Tally = field(default_factory=Tally)
    tracked: deque[str] = field(default_factory=lambda: deque(maxlen=100))
    numbers: Iterator[int] = field(default_factory=lambda: iter(range(10**7)))

    async def hit(
        self,
        name: str,
        account: str,
        method: str,
        path: str,
        body: Any = None,
        faultable: bool = False,
    ) -> Any:
        """One request; the parsed answer when it succeeded, else None (answer tallied)."""
        headers = {"Authorization": f"App {account}"}
        began = time.monotonic()
        try:
            async with self.http.request(
                method, self.sim.base + path, json=body, headers=headers, allow_redirects=False
            ) as resp:
                raw = await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.tally.add(name, "dropped", faultable, repr(exc))
            return None
        finally:
            ended = time.monotonic()
            self.tally.latencies.append((ended, ended - began))
        allowed = status in OK or status in (302, 429) or (faultable and status in FAULTED)
        self.tally.add(name, status, allowed, raw.decode(errors="replace"))
        if status not in OK:
            return None
        return json.loads(raw) if raw else {}

    def to(self, count: int = 1) -> list[dict[str, str]]:
        return [{"to": f"4179{next(self.numbers) % 10**7:07d}"} for _ in range(count)]

    # account A: v3 sends, tracking, schedules, pulls, logs, inbound pushes (faults on sends)

    async def v3_pushed(self) -> None:
        message = {
            "sender": "SoakA",
            "destinations": self.to(self.rng.randint(1, 3)),
            "content": {"text": "Your code is 1234"},
            "webhooks": {"delivery": {"url": self.hook}},
        }
        await self.send_v3("v3 pushed", ACCOUNT_A, {"messages": [message]})

    async def v3_tracked(self) -> None:
        message = {
            "sender": "SoakA",
            "destinations": self.to(),
            "content": {"text": "Offer: https://example.com/offer today"},
            "webhooks": {"delivery": {"url": self.hook}},
        }
        options = {"tracking": {"trackingUrl": self.hook}}
        answer = await self.send_v3(
            "v3 tracked", ACCOUNT_A, {"messages": [message], "options": options}
        )
        if answer:
            self.tracked.append(answer["messages"][0]["messageId"])

    async def v3_scheduled(self) -> None:
        virtual_now = await self.virtual_now()
        send_at = datetime.datetime.fromtimestamp(virtual_now + 600, datetime.UTC)
        message = {
            "sender": "SoakA",
            "destinations": self.to(2),
            "content": {"text": "Reminder"},
            "webhooks": {"delivery": {"url": self.hook}},
        }
        options = {"schedule": {"sendAt": send_at.isoformat(timespec="milliseconds")}}
        await self.send_v3("v3 scheduled", ACCOUNT_A, {"messages": [message], "options": options})

    async def v3_pulled(self) -> None:
        message = {
            "sender": "SoakA",
            "destinations": self.to(),
            "content": {"text": "Pull me"},
            "webhooks": {"delivery": {"notify": False}},
        }
        await self.send_v3("v3 notify false", ACCOUNT_A, {"messages": [message]})

    async def send_v3(self, name: str, account: str, body: dict[str, Any]) -> Any:
        faultable = account == ACCOUNT_A
        return await self.hit(name, account, "POST", "/sms/3/messages", body, faultable)

    async def click(self) -> None:
        if not self.tracked:
            return
        message_id = self.rng.choice(self.tracked)
        path = f"/simulator/messages/{message_id}/links"
        links = await self.hit("links", ACCOUNT_A, "GET", path)
        for link in (links or {}).get("results", [])[:1]:
            short = link.get("shortUrl") or link.get("url", "")
            await self.hit("click", ACCOUNT_A, "GET", "/t/" + short.rsplit("/t/", 1)[-1])

    async def pull_a(self) -> None:
        await self.hit("reports v3", ACCOUNT_A, "GET", "/sms/3/reports?limit=100")

    async def logs_a(self) -> None:
        await self.hit("logs v3", ACCOUNT_A, "GET", "/sms/3/logs?limit=50", faultable=True)

    async def inbound_a(self) -> None:
        await self.hit("inbound pushed", ACCOUNT_A, "POST", "/simulator/inbound", {})

    # account B: v2 sends (URL, subscription, pulled), v1 pulls and logs

    async def v2_send(self) -> None:
        kind = self.rng.choice(("notifyUrl", "subscription", "pulled"))
        message: dict[str, Any] = {"destinations": self.to(self.rng.randint(1, 2)), "text": "Hi"}
        if kind == "notifyUrl":
            message |= {"from": "SoakB", "notifyUrl": self.hook}
        else:
            message["from"] = "SoakSub" if kind == "subscription" else "SoakPull"
        body = {"messages": [message]}
        await self.hit(f"v2 {kind}", ACCOUNT_B, "POST", "/sms/2/text/advanced", body)

    async def pull_b(self) -> None:
        await self.hit("reports v1", ACCOUNT_B, "GET", "/sms/1/reports?limit=100")

    async def logs_b(self) -> None:
        await self.hit("logs v1", ACCOUNT_B, "GET", "/sms/1/logs?limit=50")

    # account C: sends answered by replies, pulled; inbound pulled

    async def v3_replied(self) -> None:
        message = {"sender": "SoakC", "destinations": self.to(), "content": {"text": "Hello?"}}
        await self.send_v3("v3 replied", ACCOUNT_C, {"messages": [message]})

    async def inbound_c(self) -> None:
        await self.hit("inbound pulled", ACCOUNT_C, "POST", "/simulator/inbound", {"text": "Hi"})

    async def pull_c(self) -> None:
        await self.hit("reports v3 (C)", ACCOUNT_C, "GET", "/sms/3/reports?limit=100")
        await self.hit("inbox", ACCOUNT_C, "GET", "/sms/1/inbox/reports?limit=100")

    async def virtual_now(self) -> float:
        clock = await self.hit("clock", ACCOUNT_A, "GET", "/simulator/clock")
        return float(clock["nowEpochMs"]) / 1000 if clock else time.time()

    def mix(self) -> list[tuple[float, Callable[[], Awaitable[None]]]]:
        """(weight, operation): weights are shares of ``--rate``."""
        return [
            (20, self.v3_pushed),
            (4, self.v3_tracked),
            (3, self.v3_scheduled),
            (6, self.v3_pulled),
            (4, self.click),
            (5, self.pull_a),
            (4, self.logs_a),
            (5, self.inbound_a),
            (18, self.v2_send),
            (5, self.pull_b),
            (3, self.logs_b),
            (8, self.v3_replied),
            (4, self.inbound_c),
            (5, self.pull_c),
        ]


# --- set-up and background activity --------------------------------------------------------


async def set_up(traffic: Traffic) -> None:
    """Subscriptions of A (inbound) and B (delivery, by sender); C's replying scenario."""
    hook = traffic.hook
    inbound = {
        "subscriptionId": "soak-inbound",
        "events": ["INBOUND_MESSAGE"],
        "profile": {"profileId": "soak-a", "webhook": {"notifyUrl": hook}},
    }
    delivery = {
        "subscriptionId": "soak-delivery",
        "events": ["DELIVERY"],
        "resources": ["SoakSub"],
        "profile": {"profileId": "soak-b", "webhook": {"notifyUrl": hook}},
    }
    base = "/subscriptions/1/subscription/SMS"
    await must(traffic.hit("set-up", ACCOUNT_A, "POST", base, inbound))
    await must(traffic.hit("set-up", ACCOUNT_B, "POST", base, delivery))
    await must(
        traffic.hit(
            "set-up",
            ACCOUNT_B,
            "PUT",
            f"/simulator/accounts/{ACCOUNT_B}/scenario",
            {"name": "realistic"},
        )
    )
    await must(
        traffic.hit(
            "set-up",
            ACCOUNT_C,
            "PUT",
            f"/simulator/accounts/{ACCOUNT_C}/scenario",
            {"scenario": REPLY_SCENARIO},
        )
    )


async def must(answer: Awaitable[Any]) -> Any:
    result = await answer
    if result is None:
        raise RuntimeError("set-up request failed (see the tally)")
    return result


async def toggle_faults(traffic: Traffic, stop: asyncio.Event, period: float = 20.0) -> None:
    """Faults on account A for the first half of every ``period`` wall seconds."""
    faults = [
        {"status": 500, "ratio": 0.1, "path": "/sms/3/messages"},
        {"delayMs": 20, "ratio": 0.2, "path": "/sms/3/logs"},
    ]
    while not stop.is_set():
        for fault in faults:
            await traffic.hit("faults on", ACCOUNT_A, "POST", "/simulator/faults", fault)
        await wait_or_stop(stop, period / 2)
        await traffic.hit("faults off", ACCOUNT_A, "DELETE", "/simulator/faults")
        await wait_or_stop(stop, period / 2)


async def churn_subscriptions(traffic: Traffic, stop: asyncio.Event, every: float = 3.0) -> None:
    """Account B: create a temporary DELIVERY subscription, delete it ``every`` seconds later."""
    base = "/subscriptions/1/subscription/SMS"
    for number in range(10**9):
        if stop.is_set():
            return
        subscription = {
            "subscriptionId": f"soak-temp-{number}",
            "events": ["DELIVERY"],
            "resources": ["SoakTemp"],
            "profile": {"profileId": f"soak-temp-{number}", "webhook": {"notifyUrl": traffic.hook}},
        }
        await traffic.hit("subscription add", ACCOUNT_B, "POST", base, subscription)
        await wait_or_stop(stop, every)
        await traffic.hit("subscription delete", ACCOUNT_B, "DELETE", f"{base}/soak-temp-{number}")
        await traffic.hit(
            "profile delete", ACCOUNT_B, "DELETE", f"/subscriptions/1/profiles/soak-temp-{number}"
        )


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def sample(
    traffic: Traffic, pid: int, stop: asyncio.Event, every: float, samples: list[Sample]
) -> None:
    began = time.monotonic()
    while not stop.is_set():
        clock = await traffic.hit("clock", ACCOUNT_A, "GET", "/simulator/clock") or {}
        samples.append(
            Sample(
                wall=time.monotonic() - began,
                rss=memory(pid)[0],
                virtual=float(clock.get("nowEpochMs", 0)) / 1000,
                pending_events=int(clock.get("pendingEvents", -1)),
            )
        )
        await wait_or_stop(stop, every)


async def run_mix(traffic: Traffic, rate: float, seconds: float, in_flight: int) -> None:
    """``rate`` operations a second for ``seconds``; an operation is skipped (and counted)
    when ``in_flight`` are still running."""
    weights, operations = zip(*traffic.mix(), strict=True)
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()
    start = loop.time()
    for n in itertools.count():
        due = start + n / rate
        if due - start >= seconds:
            break
        await sleep_until(due)
        if len(tasks) >= in_flight:
            traffic.tally.skipped += 1
            continue
        operation = traffic.rng.choices(operations, weights)[0]
        task = asyncio.create_task(operation())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)


# --- what is left, and is memory flat ------------------------------------------------------


@dataclass
class Outbox:
    """Webhook outbox entries of the soak's accounts at the end."""

    entries: int = 0
    states: Counter[str] = field(default_factory=Counter)
    past_retention: int = 0
    body_bytes: int = 0


async def inventory(traffic: Traffic) -> Outbox:
    now = await traffic.virtual_now()
    outbox = Outbox()
    for account in (ACCOUNT_A, ACCOUNT_B, ACCOUNT_C):
        listed = await traffic.hit("inventory", account, "GET", "/simulator/webhooks") or {}
        for entry in listed.get("results", []):
            outbox.entries += 1
            outbox.states[entry["state"]] += 1
            outbox.body_bytes += len(entry["body"])
            created = datetime.datetime.fromisoformat(entry["createdAt"]).timestamp()
            outbox.past_retention += created < now - RETENTION_S
    return outbox


@dataclass(frozen=True, slots=True)
class Verdict:
    middle: float
    last: float
    slope: float
    """MiB per wall minute over the last two thirds (least squares)."""
    warmup_virtual_hours: float

    @property
    def growth(self) -> float:
        return self.last - self.middle

    @property
    def flat(self) -> bool:
        return self.growth <= self.middle * GROWTH_RATIO + GROWTH_SLACK


def judge(samples: list[Sample], seconds: float) -> Verdict:
    third = seconds / 3
    middle = [s for s in samples if third <= s.wall < 2 * third]
    last = [s for s in samples if s.wall >= 2 * third]
    after = middle + last
    fit = statistics.linear_regression([s.wall / 60 for s in after], [s.rss / MIB for s in after])
    warm = [s.virtual for s in samples if s.wall < third and s.virtual]
    return Verdict(
        middle=statistics.fmean(s.rss for s in middle),
        last=statistics.fmean(s.rss for s in last),
        slope=fit.slope,
        warmup_virtual_hours=(max(warm) - min(warm)) / 3600 if warm else 0.0,
    )


def series(samples: list[Sample], points: int = 10) -> str:
    """RSS at ``points`` evenly spaced moments: 'minute: MiB' pairs."""
    step = max(1, len(samples) // points)
    chosen = [*samples[::step], samples[-1]] if samples else []
    return ", ".join(f"{s.wall / 60:.1f} min {s.rss / MIB:.0f}" for s in chosen)


def figures(
    verdict_: Verdict, samples: list[Sample], tally: Tally, outbox: Outbox, counts: dict[str, int]
) -> list[Row]:
    virtual_hours = (samples[-1].virtual - samples[0].virtual) / 3600
    refused = counts["refusedPushes"]
    return [
        (
            "Requests / operations skipped (in flight full)",
            f"{tally.operations():,} / {tally.skipped:,}",
            "-",
            "-",
        ),
        (
            "Virtual time covered",
            f"{virtual_hours:,.1f} h (warm-up {verdict_.warmup_virtual_hours:.1f} h)",
            "warm-up > 49 h",
            verdict(verdict_.warmup_virtual_hours > 49),
        ),
        ("RSS over the run (wall min: MiB)", series(samples), "-", "-"),
        (
            "Mean RSS middle third / last third",
            f"{mib(verdict_.middle)} / {mib(verdict_.last)} ({verdict_.growth / MIB:+.1f} MiB)",
            f"growth <= {GROWTH_RATIO:.0%} + {GROWTH_SLACK // MIB} MiB",
            verdict(verdict_.flat),
        ),
        ("RSS slope, last two thirds", f"{verdict_.slope:+.2f} MiB/min", "-", "-"),
        ("Request latency p50 / p99 / max, by third", latency_by_third(tally), "-", "-"),
        (
            "Scheduler pending events, first / last sample",
            f"{samples[0].pending_events:,} / {samples[-1].pending_events:,}",
            "-",
            "-",
        ),
        (
            "Pushes received / refused (500) / reports acknowledged",
            f"{counts['pushes']:,} / {refused:,} / {counts['acked']:,}",
            "-",
            "-",
        ),
        (
            "Outbox entries at the end (past the 48 h retention)",
            f"{outbox.entries:,} ({outbox.past_retention:,}), bodies {mib(outbox.body_bytes)}, "
            + ", ".join(f"{s} {n:,}" for s, n in sorted(outbox.states.items())),
            "-",
            "-",
        ),
        (
            "Unexpected answers",
            f"{len(tally.unexpected)}"
            + (f" (e.g. {tally.unexpected[0]})" if tally.unexpected else ""),
            "0",
            verdict(not tally.unexpected),
        ),
    ]


def latency_by_third(tally: Tally) -> str:
    if not tally.latencies:
        return "-"
    start = min(end for end, _ in tally.latencies)
    span = max(end for end, _ in tally.latencies) - start
    parts = []
    for third in range(3):
        low, high = start + span * third / 3, start + span * (third + 1) / 3
        taken = [took for end, took in tally.latencies if low <= end <= high]
        p50, p99 = percentile(taken, 0.5), percentile(taken, 0.99)
        parts.append(f"{p50 * 1000:.1f} / {p99 * 1000:.1f} / {max(taken, default=0) * 1000:.0f}")
    return "; ".join(parts) + " ms"


def answers(tally: Tally) -> str:
    by_name: dict[str, list[str]] = {}
    for (name, status), n in sorted(tally.answers.items(), key=lambda kv: str(kv[0])):
        by_name.setdefault(name, []).append(f"{status}: {n:,}")
    return "; ".join(f"{name} ({', '.join(parts)})" for name, parts in by_name.items())


# --- the run -------------------------------------------------------------------------------


@dataclass
class Result:
    samples: list[Sample]
    tally: Tally
    outbox: Outbox
    counts: dict[str, int]
    probes: list[dict[str, Any]]
    """--probe: /bench/objects at the end of the warm-up, at the end, after a full collection."""


async def soak(args: argparse.Namespace, sim: Process, receiver: Process) -> Result:
    seconds = args.minutes * 60
    samples: list[Sample] = []
    async with session(limit=args.in_flight + 20, timeout=60) as http:
        traffic = Traffic(http, sim, f"{receiver.base}/dlr", random.Random(args.seed))
        await set_up(traffic)
        stop = asyncio.Event()
        probes: list[dict[str, Any]] = []
        background = [
            asyncio.create_task(sample(traffic, sim.pid, stop, args.sample_every, samples)),
            asyncio.create_task(toggle_faults(traffic, stop)),
            asyncio.create_task(churn_subscriptions(traffic, stop)),
        ]
        probing = args.probe
        if probing:
            background.append(asyncio.create_task(probe_later(traffic, seconds / 3, probes)))
        await run_mix(traffic, args.rate, seconds, args.in_flight)
        stop.set()
        await asyncio.gather(*background)
        if probing:
            probes.append(await traffic.hit("probe", ACCOUNT_A, "GET", "/bench/objects"))
            path = "/bench/objects?collect=1"
            probes.append(await traffic.hit("probe", ACCOUNT_A, "GET", path))
        await traffic.hit("faults off", ACCOUNT_A, "DELETE", "/simulator/faults")
        outbox = await inventory(traffic)
        async with http.get(f"{receiver.base}/count") as resp:
            counts = await resp.json()
    return Result(samples, traffic.tally, outbox, counts, probes)


async def probe_later(traffic: Traffic, seconds: float, probes: list[dict[str, Any]]) -> None:
    await asyncio.sleep(seconds)
    probes.append(await traffic.hit("probe", ACCOUNT_A, "GET", "/bench/objects"))


def growth(before: dict[str, int], after: dict[str, int], limit: int = 12) -> str:
    """What grew most from ``before`` to ``after``, as 'name before -> after' items."""
    grown = sorted(
        ((after[n] - before.get(n, 0), n) for n in after if after[n] > before.get(n, 0)),
        reverse=True,
    )
    return ", ".join(f"{n} {before.get(n, 0):,} -> {after[n]:,}" for _, n in grown[:limit])


def probe_report(probes: list[dict[str, Any]]) -> str:
    """Containers and object types that grew after the warm-up; what a full collection frees."""
    if len(probes) < 3 or not all(probes):
        return "Probe failed."
    warm, end, collected = probes
    garbage = growth(collected["types"], end["types"])
    return (
        "Probe (bench/memprobe.py), end of warm-up -> end: containers that grew: "
        f"{growth(warm['containers'], end['containers']) or 'none'}; GC-tracked types that "
        f"grew (frozen included): {growth(warm['types'], end['types']) or 'none'}; frozen "
        f"objects {warm['frozen']:,} -> {end['frozen']:,}. A full collection at the end "
        f"(frozen objects included, as the simulator does every 10 min) freed "
        f"{collected['collected']:,} objects ({garbage}), VmRSS {mib(collected['rss'])} -> "
        f"{mib(collected['rssAfterCollect'])}."
    )


def default_scale(minutes: float) -> float:
    """Virtual seconds per wall second so that retention + one pruning interval (+10 %) fit
    in the warm-up third of the run."""
    return round((RETENTION_S + PRUNE_EVERY_S) * 1.1 / (minutes * 60 * WARMUP_SHARE))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--minutes", type=float, default=10.0)
    add("--rate", type=float, default=100.0, help="operations a second")
    add("--in-flight", type=int, default=50, help="most operations running at once")
    add("--scale", type=float, default=0.0, help="clock scaled:N (default: from --minutes)")
    add("--sample-every", type=float, default=2.0, help="wall seconds between RSS samples")
    add("--fail-ratio", type=float, default=0.1, help="share of pushes the receiver refuses")
    add("--fail-times", type=int, default=3, help="most refusals of one push")
    add("--seed", type=int, default=11)
    add("--simulator-src", type=Path, default=BENCH.parent, help="checkout to run")
    add("--no-pin", action="store_true", help="do not pin processes to cores")
    add("--probe", action="store_true", help="run bench/memprobe.py: name what grows")
    add("--results", type=Path, default=BENCH / "RESULTS.md")
    add("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    return parser.parse_args()


def describe(
    args: argparse.Namespace, pins: Pins, src: Path, scale: float, load: str, result: Result
) -> str:
    options = "default options."
    text = (
        f"Machine: {machine(load)}. {pins.describe()} Simulator: {source_revision(src)}, clock "
        f"scaled:{scale:g} (48 virtual hours = {RETENTION_S / scale:.0f} s of wall time), "
        f"{options} Traffic: {args.rate:g} operations/s for {args.minutes:g} min, at most "
        f"{args.in_flight} in flight; receiver refuses {args.fail_ratio:.0%} of the pushes 1 to "
        f"{args.fail_times} times. Flat: mean VmRSS of the last third <= mean of the middle "
        f"third x {1 + GROWTH_RATIO:g} + {GROWTH_SLACK // MIB} MiB (the first third is "
        f"warm-up); RSS sampled every {args.sample_every:g} s. Answers: {answers(result.tally)}."
    )
    return f"{text} {probe_report(result.probes)}" if result.probes else text


def main() -> int:
    load_at_start = load_average()
    args = parse_args()
    scale = args.scale or default_scale(args.minutes)
    src: Path = args.simulator_src.resolve()
    pins = Pins.choose(not args.no_pin)
    with children_of_this_run("sim-soak-") as children:
        receiver = start_receiver(children, pins, args.fail_ratio, args.fail_times)
        program = [str(BENCH / "memprobe.py")] if args.probe else ["-m", "simulator"]
        sim = start_simulator(children, pins, src, f"scaled:{scale:g}", (), program)
        result = asyncio.run(soak(args, sim, receiver))
    verdict_ = judge(result.samples, args.minutes * 60)
    rows = figures(verdict_, result.samples, result.tally, result.outbox, result.counts)
    about = describe(args, pins, src, scale, load_at_start, result)
    for example in result.tally.unexpected[:10]:
        print("unexpected:", example)
    return report("Soak", "soak.py", about, rows, None if args.no_record else args.results)


if __name__ == "__main__":
    sys.exit(main())
