"""Hostile and broken requests get bounded answers in Infobip's error shapes.

Oversized bodies, deeply nested JSON, huge arrays, invalid UTF-8, odd Unicode digits, very long
request lines, and clients that send their request byte by byte (slowloris) while others are
being served. A message sent before each attack must read the same afterwards.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import Sim

from simulator.app import MAX_REQUEST_LINE
from simulator.settings import Settings

MAX_BODY = Settings().max_body_bytes
V3_SEND = "/sms/3/messages"
V2_SEND = "/sms/2/text/advanced"


def v3_body(*to: str, text: str = "Hello") -> dict[str, Any]:
    return {"messages": [{"destinations": [{"to": t} for t in to], "content": {"text": text}}]}


def assert_error(path: str, status: int, body: Any, expected: int) -> None:
    """``expected``, as ApiError on /sms/3/* and as ApiException elsewhere."""
    assert status == expected, (status, body)
    if path.startswith("/sms/3/"):
        assert set(body) == {"errorCode", "description", "action", "violations", "resources"}
        assert body["errorCode"] == f"E{expected}"
    else:
        assert set(body) == {"requestError"}
        assert body["requestError"]["serviceException"]["messageId"]


async def post_bytes(sim: Sim, path: str, data: Any) -> tuple[int, Any]:
    """POST ``data`` as JSON; bytes go as a stream (aiohttp warns about big ``bytes``)."""
    headers = {**sim.auth, "Content-Type": "application/json"}
    if isinstance(data, bytes):
        data = io.BytesIO(data)
    response = await sim.client.post(path, data=data, headers=headers)
    return response.status, await response.json()


@pytest.fixture
async def kept(sim: Sim) -> AsyncIterator[Any]:
    """A message sent (and delivered) before the attack; it must be unchanged after it."""
    sent = await sim.send("41793026727", text="before the attack")
    await sim.advance(5)
    message_id = sent["messages"][0]["messageId"]
    before = await sim.message(message_id)
    yield message_id
    assert await sim.message(message_id) == before
    assert (await sim.send("41793026728"))["messages"][0]["status"]["groupName"] == "PENDING"


# Oversized bodies


async def _chunks(total: int) -> AsyncIterator[bytes]:
    block = b" " * 65536
    for _ in range(total // len(block)):
        yield block


@pytest.mark.parametrize("path", [V3_SEND, V2_SEND, "/subscriptions/1/profiles", "/sms/1/preview"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_an_oversized_body_is_413_in_the_family_shape(
    sim: Sim, kept: str, path: str, framing: str
) -> None:
    size = MAX_BODY + 65536
    data = b" " * size if framing == "content-length" else _chunks(size)
    status, body = await post_bytes(sim, path, data)
    assert_error(path, status, body, 413)


async def test_a_body_just_under_the_limit_is_read(sim: Sim) -> None:
    payload = json.dumps(v3_body("41793026727")).encode()
    padded = payload[:-1] + b" " * (MAX_BODY - len(payload)) + b"}"
    status, body = await post_bytes(sim, V3_SEND, padded)
    assert status == 200, body


# Deep nesting


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"messages":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"[" * 100_000,  # and never closed
    ],
    ids=["arrays", "objects", "in-a-field", "unclosed"],
)
@pytest.mark.parametrize("path", [V3_SEND, V2_SEND, "/subscriptions/1/security"])
async def test_deeply_nested_json_is_a_400(sim: Sim, kept: str, raw: bytes, path: str) -> None:
    status, body = await post_bytes(sim, path, raw)
    assert_error(path, status, body, 400)
    violations = body["violations"] if path == V3_SEND else None
    if violations is not None:
        assert violations[0]["property"] == "body"
        assert (
            "recursion limit" in violations[0]["violation"] or "EOF" in violations[0]["violation"]
        )


async def test_nesting_under_the_parser_limit_is_accepted_where_free_form(sim: Sim) -> None:
    """``options.regional`` takes any object: 150 levels pass and the send works."""
    deep: Any = {"leaf": True}
    for _ in range(150):
        deep = {"n": deep}
    payload = v3_body("41793026727")
    payload["messages"][0]["options"] = {"regional": deep}
    status, body = await post_bytes(sim, V3_SEND, json.dumps(payload).encode())
    assert status == 200, body
    exported = await sim.call("GET", f"/simulator/accounts/{sim.key}/export")
    assert exported["account"] == sim.key


# Huge arrays


async def test_100000_destinations_are_answered_in_bounded_time(sim: Sim) -> None:
    """No documented per-request cap: the 4 MiB body limit bounds a request (about 190,000
    destinations); 100,000 are accepted, each with its own id, in a few seconds."""
    to = [f"4179{n:07d}" for n in range(100_000)]
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, body = await post_bytes(sim, V3_SEND, json.dumps(v3_body(*to)).encode())
    assert loop.time() - started < 30
    assert status == 200, body
    messages = body["messages"]
    assert len(messages) == 100_000
    assert len({m["messageId"] for m in messages}) == 100_000
    assert [m["destination"] for m in messages[:3]] == to[:3]


async def test_more_destinations_than_the_body_limit_allows_is_413(sim: Sim) -> None:
    to = [f"4179{n:07d}" for n in range(250_000)]
    status, body = await post_bytes(sim, V3_SEND, json.dumps(v3_body(*to)).encode())
    assert_error(V3_SEND, status, body, 413)


# Bytes that are not UTF-8, odd Unicode


@pytest.mark.parametrize(
    "raw",
    [
        b'{"messages":[{"destinations":[{"to":"41793026727"}],"content":{"text":"\xff\xfe"}}]}',
        b'{"messages":[{"destinations":[{"to":"\xc0\xaf"}],"content":{"text":"overlong"}}]}',
        b'{"messages":[{"destinations":[{"to":"1"}],"content":{"text":"\xed\xa0\x80"}}]}',
        b'{"messages":[{"destinations":[{"to":"1"}],"content":{"text":"cut \xe2\x82"}}]}',
        b"\xff\xfe{\x00}\x00",
        json.dumps(v3_body("41793026727")).encode("utf-16"),
    ],
    ids=["invalid-bytes", "overlong", "encoded-surrogate", "truncated", "garbage", "utf-16"],
)
@pytest.mark.parametrize("path", [V3_SEND, "/sms/1/text/single", "/sms/1/preview"])
async def test_invalid_utf8_is_a_400(sim: Sim, kept: str, raw: bytes, path: str) -> None:
    status, body = await post_bytes(sim, path, raw)
    assert_error(path, status, body, 400)


@pytest.mark.parametrize("escape", ["\\ud800", "\\udc00\\ud800", "\\ud83d"])
async def test_lone_surrogate_escapes_are_a_400(sim: Sim, escape: str) -> None:
    raw = '{"messages":[{"destinations":[{"to":"1"}],"content":{"text":"ESC"}}]}'
    raw = raw.replace("ESC", escape)
    status, body = await post_bytes(sim, V3_SEND, raw.encode())
    assert_error(V3_SEND, status, body, 400)


@pytest.mark.parametrize("to", ["²²²²²²²", "+²41793026727", "٤١٧٩٣٠٢٦٧٢٧", "𝟒𝟏𝟕𝟗𝟑𝟎𝟐𝟔𝟕𝟐𝟕"])
async def test_non_ascii_digits_are_rejected_destinations(sim: Sim, to: str) -> None:
    """``'²'.isdigit()`` is true and ``int('²')`` fails: this used to answer 500."""
    body = await sim.send(to)
    assert body["messages"][0]["status"]["name"] == "REJECTED_DESTINATION"
    query = await sim.call(
        "GET",
        "/sms/1/text/query",
        params={"username": sim.key, "password": "x", "to": to, "text": "hi"},
    )
    assert query["messages"][0]["status"]["name"] == "REJECTED_DESTINATION"


@pytest.mark.parametrize("seq", ["²", "9" * 5000, "-1", ""])
async def test_a_forged_logs_cursor_is_a_400(sim: Sim, seq: str) -> None:
    cursor = base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")
    response = await sim.client.get("/sms/3/logs", params={"cursor": cursor}, headers=sim.auth)
    body = await response.json()
    assert_error("/sms/3/logs", response.status, body, 400)
    assert body["violations"][0]["property"] == "cursor"


@pytest.mark.parametrize("fault_id", ["²", "9" * 5000, "٣"])
async def test_an_odd_fault_id_is_a_404(sim: Sim, fault_id: str) -> None:
    body = await sim.call("DELETE", f"/simulator/faults/{fault_id}", expect=404)
    assert_error("/simulator/faults", 404, body, 404)


async def test_a_missing_page_file_is_a_json_404(sim: Sim) -> None:
    response = await sim.client.get("/ui/missing.js")
    assert response.content_type == "application/json"
    assert_error("/ui/missing.js", response.status, await response.json(), 404)
    assert (await sim.client.get("/ui/app.js")).status == 200


# Long request lines


async def test_a_long_query_send_fits_the_request_line(sim: Sim) -> None:
    """A query send with 2,000 destinations (a 26 KB URL, beyond aiohttp's default 8 KiB)."""
    to = ",".join(f"4179{n:07d}" for n in range(2000))
    body = await sim.call("GET", "/sms/3/text/query", params={"to": to, "text": "hi"})
    assert len(body["messages"]) == 2000


async def _raw_exchange(sim: Sim, request: bytes) -> bytes:
    server = sim.client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)  # until the server closes
    finally:
        writer.close()


async def test_a_request_line_beyond_the_limit_is_refused_by_the_http_parser(sim: Sim) -> None:
    """Documented exception: aiohttp's parser refuses it before any endpoint (so any error
    family) is known, in plain text, and closes the connection."""
    path = "/sms/3/logs?x=" + "a" * MAX_REQUEST_LINE
    answer = await _raw_exchange(sim, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert answer.split(b"\r\n")[0].endswith(b" 400 Bad Request"), answer[:100]
    assert b"Content-Type: text/plain" in answer


# Slow clients


async def _drip(writer: asyncio.StreamWriter, data: bytes, pause: float) -> None:
    for byte in data:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(pause)  # transport pacing (wall time), not business time


async def test_slow_clients_do_not_block_others(sim: Sim, kept: str) -> None:
    """Twenty clients dripping headers and a body a byte at a time; others are served at
    once meanwhile, and a slow request that does finish is answered normally."""
    server = sim.client.server
    payload = json.dumps(v3_body("41793026727", text="slow")).encode()
    head = (
        f"POST {V3_SEND} HTTP/1.1\r\nHost: x\r\nAuthorization: App {sim.key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode()
    connections = [await asyncio.open_connection(server.host, server.port) for _ in range(20)]
    drips = [
        asyncio.create_task(_drip(writer, head + payload, pause=0.01))
        for _, writer in connections[:10]
    ]
    body_drips = []
    for _, writer in connections[10:]:
        writer.write(head)
        await writer.drain()
        body_drips.append(asyncio.create_task(_drip(writer, payload, pause=0.01)))
    try:
        loop = asyncio.get_running_loop()
        for _ in range(10):
            started = loop.time()
            await sim.send("41793026727", text="meanwhile")
            await sim.call("GET", "/sms/3/logs", params={"limit": "1"})
            assert loop.time() - started < 0.5
            await asyncio.sleep(0.05)
        assert not any(task.done() for task in drips), "the slow clients were expected to be slow"
        await asyncio.gather(*drips, *body_drips)
        for reader, _ in connections:
            status_line = await asyncio.wait_for(reader.readline(), 10)
            assert status_line.startswith(b"HTTP/1.1 200 "), status_line
    finally:
        for task in (*drips, *body_drips):
            task.cancel()
        for _, writer in connections:
            writer.close()
