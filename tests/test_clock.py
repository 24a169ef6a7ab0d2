"""The clock and the scheduler: modes, ordering, events created while advancing."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from conftest import Sim

from simulator.app import create_app
from simulator.domain.clock import Clock, ClockSpec
from simulator.domain.scheduler import Scheduler
from simulator.settings import Settings


class FakeTime:
    """A stand-in for the wall and monotonic clocks."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "mode", "factor"),
    [("real", "real", 1.0), ("manual", "manual", 1.0), ("scaled:60", "scaled", 60.0),
     ("SCALED:0.5", "scaled", 0.5)],
)  # fmt: skip
def test_clock_spec_parses(text: str, mode: str, factor: float) -> None:
    spec = ClockSpec.parse(text)
    assert (spec.mode, spec.factor) == (mode, factor)


@pytest.mark.parametrize("text", ["", "fast", "scaled", "scaled:0", "scaled:-2", "scaled:x"])
def test_clock_spec_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        ClockSpec.parse(text)


def test_scaled_clock_runs_n_times_faster() -> None:
    fake = FakeTime()
    clock = Clock(ClockSpec("scaled", 60), start=0.0, wall=fake, monotonic=fake)
    fake.now += 2.0
    assert clock.now() == pytest.approx(120.0)
    assert clock.real_seconds(60.0) == pytest.approx(1.0)


def test_real_clock_follows_wall_time_and_cannot_be_moved() -> None:
    fake = FakeTime()
    clock = Clock(ClockSpec("real"), start=500.0, wall=fake, monotonic=fake)
    fake.now += 1.5
    assert clock.now() == pytest.approx(501.5)
    with pytest.raises(RuntimeError):
        clock.move_to(10_000.0)


async def test_advance_runs_due_actions_in_time_order_at_their_time() -> None:
    clock = Clock(ClockSpec("manual"), start=0.0)
    scheduler = Scheduler(clock)
    seen: list[tuple[str, float]] = []
    for name, due in [("c", 30.0), ("a", 10.0), ("b", 20.0), ("late", 100.0)]:
        scheduler.at(due, lambda name=name: seen.append((name, clock.now())))
    result = await scheduler.advance(50)
    assert seen == [("a", 10.0), ("b", 20.0), ("c", 30.0)]
    assert (result.ran, result.now, scheduler.pending()) == (3, 50.0, 1)


async def test_events_created_while_advancing_run_in_the_same_advance() -> None:
    clock = Clock(ClockSpec("manual"), start=0.0)
    scheduler = Scheduler(clock)
    seen: list[float] = []

    def tick() -> None:
        seen.append(clock.now())
        if len(seen) < 5:
            scheduler.after(10, tick)

    scheduler.at(10, tick)
    await scheduler.advance(45)
    assert seen == [10.0, 20.0, 30.0, 40.0]
    await scheduler.advance(100)
    assert seen == [10.0, 20.0, 30.0, 40.0, 50.0]


async def test_async_actions_are_awaited_before_time_moves_on() -> None:
    clock = Clock(ClockSpec("manual"), start=0.0)
    scheduler = Scheduler(clock)
    seen: list[str] = []

    async def slow() -> None:
        seen.append(f"slow@{clock.now():g}")
        scheduler.after(1, lambda: seen.append(f"after@{clock.now():g}"))

    scheduler.at(5, slow)
    scheduler.at(5.5, lambda: seen.append(f"next@{clock.now():g}"))
    await scheduler.advance(10)
    assert seen == ["slow@5", "next@5.5", "after@6"]


async def test_a_failing_action_does_not_stop_the_others() -> None:
    clock = Clock(ClockSpec("manual"), start=0.0)
    scheduler = Scheduler(clock)
    seen: list[int] = []

    def boom() -> None:
        raise RuntimeError("boom")

    scheduler.at(1, boom)
    scheduler.at(2, lambda: seen.append(2))
    await scheduler.advance(3)
    assert seen == [2]


async def test_advance_to_next_jumps_to_the_next_event() -> None:
    clock = Clock(ClockSpec("manual"), start=0.0)
    scheduler = Scheduler(clock)
    scheduler.at(42, lambda: None)
    result = await scheduler.advance_to_next()
    assert (result.ran, result.now) == (1, 42.0)
    assert (await scheduler.advance_to_next()).ran == 0


async def test_message_history_records_each_status_at_its_virtual_time(sim: Sim) -> None:
    sent = await sim.send("41793026727")
    start = (await sim.call("GET", "/simulator/clock"))["nowEpochMs"]
    await sim.advance(0.1)
    message_id = sent["messages"][0]["messageId"]
    assert (await sim.message(message_id))["status"]["name"] == "PENDING_ACCEPTED"
    await sim.advance(0.5)
    assert (await sim.message(message_id))["status"]["name"] == "PENDING_ENROUTE"
    await sim.advance(1)
    detail = await sim.message(message_id)
    assert [h["status"]["name"] for h in detail["history"]] == [
        "PENDING_ACCEPTED",
        "PENDING_ENROUTE",
        "DELIVERED_TO_HANDSET",
    ]
    times = [
        datetime.strptime(h["at"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() for h in detail["history"]
    ]
    assert [round(t * 1000) - start for t in times] == [0, 300, 1200]


async def test_clock_endpoint_and_advance_variants(sim: Sim) -> None:
    clock = await sim.call("GET", "/simulator/clock")
    assert clock["mode"] == "manual"
    assert clock["now"].endswith("+0000")
    await sim.send("41793026727")
    moved = await sim.call("POST", "/simulator/clock/advance", json={"next": True})
    assert moved["nowEpochMs"] - clock["nowEpochMs"] == 300
    assert moved["eventsRun"] == 1
    target = "2100-01-01T00:00:00.000+0000"
    moved = await sim.call("POST", "/simulator/clock/advance", json={"to": target})
    assert moved["now"] == target


async def test_advance_needs_exactly_one_target(sim: Sim) -> None:
    for body in ({}, {"seconds": 1, "next": True}, {"seconds": -1}):
        await sim.call("POST", "/simulator/clock/advance", json=body, expect=400)


async def test_scaled_clock_delivers_without_an_advance(aiohttp_client: Any) -> None:
    """The background loop runs due events by itself (1.2 virtual s = 1.2 ms at 1000x)."""
    client = await aiohttp_client(create_app(Settings(clock=ClockSpec("scaled", 1000))))
    sim = Sim(client, "k")
    sent = await sim.send("41793026727")
    message_id = sent["messages"][0]["messageId"]
    for _ in range(200):  # bounded: at most 2 s of wall time
        if (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET":
            break
        await asyncio.sleep(0.01)
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET"
    response = await client.post("/simulator/clock/advance", json={"seconds": 5}, headers=sim.auth)
    assert response.status == 400
