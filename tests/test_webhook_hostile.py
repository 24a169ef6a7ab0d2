"""Webhook receivers that misbehave, as real servers on 127.0.0.1: every push stays bounded.

A closed port, a receiver that never answers, one that trickles its answer forever, a redirect
loop, an endless (or gzip-bombed) answer, oversized headers, and something that is not HTTP at
all. Each attempt ends within the webhook timeout (wall time, kept short here) with a recorded
outcome, and a failure is retried on the simulator's clock. Business time moves only through
the manual clock.
"""

from __future__ import annotations

import asyncio
import socket
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import Sim

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings
from simulator.webhooks.client import MAX_RESPONSE_BYTES, SNIPPET_CHARS

TIMEOUT = 0.4
"""The simulator's webhook timeout in these tests (wall seconds): connect and read each."""
BOUND = 2 * TIMEOUT + 1.0
"""The most one push may take: connect plus read timeout, and slack for a busy machine."""

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Receiver"], Awaitable[None]]


@dataclass
class Receiver:
    """A raw TCP server on 127.0.0.1 that plays ``behaviour`` on every connection."""

    behaviour: Behaviour
    url: str = ""
    connections: int = 0
    bytes_sent: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            await reader.readuntil(b"\r\n\r\n")
            await self.behaviour(reader, writer, self)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the simulator hung up: what these receivers are waiting for
        finally:
            writer.close()

    async def send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.bytes_sent += len(data)


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Behaviour], Awaitable[Receiver]]]:
    servers: list[tuple[asyncio.Server, Receiver]] = []

    async def start(behaviour: Behaviour) -> Receiver:
        receiver = Receiver(behaviour)
        server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
        receiver.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
        servers.append((server, receiver))
        return receiver

    yield start
    for server, receiver in servers:
        for writer in receiver.writers:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.fixture
async def fast(aiohttp_client: Any) -> Sim:
    """A simulator on a manual clock whose webhook timeout is short (wall time)."""
    settings = Settings(clock=ClockSpec("manual"), seed=7, webhook_timeout=TIMEOUT)
    return Sim(await aiohttp_client(create_app(settings)), "hostile-hooks")


async def push_once(sim: Sim, url: str) -> tuple[dict[str, Any], float]:
    """Send one message whose report goes to ``url``; deliver it; the outbox entry and how
    long (wall seconds) delivering took."""
    await sim.send("41793026727", text="Hi", webhooks={"delivery": {"url": url}})
    loop = asyncio.get_running_loop()
    started = loop.time()
    await sim.advance(5)  # delivered after 1.2 s; the push is awaited by the manual clock
    elapsed = loop.time() - started
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    return entry, elapsed


async def assert_retried_later(sim: Sim, entry: dict[str, Any]) -> None:
    """A failed first attempt leaves the entry pending; the retry comes 1 virtual minute on."""
    assert entry["state"] == "pending"
    assert entry["nextAttemptAt"]
    await sim.advance(60)
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert len(entry["attempts"]) == 2


async def never_answer(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    await reader.read()  # until the simulator gives up and closes


async def trickle(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    """Headers promising a body, then one byte every 50 ms, forever."""
    await receiver.send(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    while True:
        await receiver.send(writer, b"x")
        await asyncio.sleep(0.05)  # transport pacing (wall time), not business time


async def in_two_parts(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    await receiver.send(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello")
    await asyncio.sleep(0.05)  # two TCP segments
    await receiver.send(writer, b" world")


async def redirect_to_self(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    await receiver.send(
        writer, b"HTTP/1.1 302 Found\r\nLocation: /hook\r\nContent-Length: 0\r\n\r\n"
    )


async def endless(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    """A 200 that declares 10 GiB and sends until the simulator hangs up."""
    await receiver.send(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n")
    block = b"z" * 65536
    while receiver.bytes_sent < 10 * 2**30:
        await receiver.send(writer, block)


async def endless_chunks(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    await receiver.send(writer, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"c" * 65536 + b"\r\n"
    while receiver.bytes_sent < 10 * 2**30:
        await receiver.send(writer, chunk)


def _gzip_of_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * 2**20
    return b"".join(packer.compress(block) for _ in range(size // 2**20)) + packer.flush()


GZIP_BOMB = _gzip_of_zeros(2**30)
"""1 GiB of zeros in about 1 MB of gzip."""


async def gzip_bomb(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(GZIP_BOMB)}\r\n\r\n"
    await receiver.send(writer, head.encode() + GZIP_BOMB)


async def huge_header(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    await receiver.send(writer, b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 2**20 + b"\r\n\r\n")


async def not_http(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, receiver: Receiver
) -> None:
    await receiver.send(writer, b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


async def test_a_closed_port_fails_at_once_and_is_retried(fast: Sim) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    entry, elapsed = await push_once(fast, f"http://127.0.0.1:{port}/hook")
    [attempt] = entry["attempts"]
    assert "statusCode" not in attempt
    assert "Connect" in attempt["error"]
    assert elapsed < BOUND
    await assert_retried_later(fast, entry)


async def test_a_receiver_that_never_answers_times_out(fast: Sim, serve: Any) -> None:
    receiver = await serve(never_answer)
    entry, elapsed = await push_once(fast, receiver.url)
    [attempt] = entry["attempts"]
    assert attempt["error"] == "timeout"
    assert TIMEOUT * 0.9 <= elapsed < BOUND
    await assert_retried_later(fast, entry)
    assert receiver.connections == 2


async def test_an_answer_trickling_forever_times_out(fast: Sim, serve: Any) -> None:
    """The read timeout alone would never fire (a byte comes every 50 ms): the total does."""
    receiver = await serve(trickle)
    entry, elapsed = await push_once(fast, receiver.url)
    [attempt] = entry["attempts"]
    assert attempt["error"] == "timeout"
    assert elapsed < BOUND
    assert entry["state"] == "pending"


async def test_an_answer_in_parts_is_read_whole(fast: Sim, serve: Any) -> None:
    receiver = await serve(in_two_parts)
    entry, _ = await push_once(fast, receiver.url)
    [attempt] = entry["attempts"]
    assert attempt["response"] == "hello world"
    assert entry["state"] == "succeeded"


async def test_a_redirect_loop_is_not_followed(fast: Sim, serve: Any) -> None:
    receiver = await serve(redirect_to_self)
    entry, elapsed = await push_once(fast, receiver.url)
    [attempt] = entry["attempts"]
    assert attempt["statusCode"] == 302
    assert not attempt["succeeded"]
    assert receiver.connections == 1, "the redirect was followed"
    assert elapsed < BOUND
    await assert_retried_later(fast, entry)
    assert receiver.connections == 2


@pytest.mark.parametrize("behaviour", [endless, endless_chunks], ids=["length", "chunked"])
async def test_an_endless_answer_is_read_only_in_part(
    fast: Sim, serve: Any, behaviour: Behaviour
) -> None:
    receiver = await serve(behaviour)
    entry, elapsed = await push_once(fast, receiver.url)
    [attempt] = entry["attempts"]
    assert attempt["statusCode"] == 200
    assert entry["state"] == "succeeded"
    assert len(attempt["response"]) == SNIPPET_CHARS
    assert elapsed < BOUND
    await asyncio.sleep(0)  # let the receiver notice the hang-up
    # What the receiver managed to write before the simulator hung up: the 64 KiB read plus
    # whatever the two sockets' buffers took, nowhere near the 10 GiB on offer.
    assert receiver.bytes_sent < 64 * MAX_RESPONSE_BYTES


async def test_a_gzip_bomb_is_not_inflated(fast: Sim, serve: Any) -> None:
    receiver = await serve(gzip_bomb)
    tracemalloc.start()
    try:
        entry, elapsed = await push_once(fast, receiver.url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20, f"{peak / 2**20:.0f} MiB allocated for a push"
    [attempt] = entry["attempts"]
    assert attempt["statusCode"] == 200
    assert len(attempt["response"]) <= SNIPPET_CHARS
    assert elapsed < BOUND


@pytest.mark.parametrize("behaviour", [huge_header, not_http], ids=["huge-header", "not-http"])
async def test_a_broken_answer_is_a_failed_attempt(
    fast: Sim, serve: Any, behaviour: Behaviour
) -> None:
    receiver = await serve(behaviour)
    entry, elapsed = await push_once(fast, receiver.url)
    [attempt] = entry["attempts"]
    assert "statusCode" not in attempt
    assert attempt["error"].startswith("ClientResponseError")
    assert elapsed < BOUND
    await assert_retried_later(fast, entry)


async def test_hostile_receivers_do_not_hold_up_a_good_one(fast: Sim, serve: Any) -> None:
    """Pushes of one instant go out together: the good receiver is not queued behind the
    hanging ones, and everything is settled within one timeout."""
    bad = [await serve(never_answer), await serve(trickle), await serve(endless)]
    good = str(fast.client.make_url("/simulator/hooks/good"))
    for url in [*(r.url for r in bad), good]:
        await fast.send("41793026727", text="Hi", webhooks={"delivery": {"url": url}})
    loop = asyncio.get_running_loop()
    started = loop.time()
    await fast.advance(5)
    assert loop.time() - started < BOUND
    states = {
        e["url"]: e["state"] for e in (await fast.call("GET", "/simulator/webhooks"))["results"]
    }
    assert states[good] == "succeeded"
    assert states[bad[2].url] == "succeeded"
    assert states[bad[0].url] == states[bad[1].url] == "pending"
    assert len((await fast.call("GET", "/simulator/catcher/good"))["requests"]) == 1
