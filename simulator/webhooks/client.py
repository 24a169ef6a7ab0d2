"""Sending pushes over HTTP: bounded concurrency, timeouts, bounded answers, no redirects."""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp

from ..domain.outbox import Outcome, Push

MAX_RESPONSE_BYTES = 64 * 1024
"""Only this much of an answer is read: a receiver that answers gigabytes costs nothing."""
SNIPPET_CHARS = 500


class HttpSender:
    """The outbox's :class:`~simulator.domain.outbox.Sender` over an aiohttp session."""

    def __init__(self, concurrency: int) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(concurrency)

    async def start(self) -> None:
        """Open the session (inside the running loop); pushes before that fail cleanly."""
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=True)
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, push: Push) -> Outcome:
        async with self._slots:
            started = time.monotonic()
            try:
                return await self._post(push, started)
            except TimeoutError:
                return _failure("timeout", started)
            except aiohttp.ClientError as exc:
                return _failure(f"{type(exc).__name__}: {exc}", started)

    async def _post(self, push: Push, started: float) -> Outcome:
        if self._session is None:
            return _failure("simulator is not running", started)
        timeout = aiohttp.ClientTimeout(
            total=push.connect_timeout + push.read_timeout,
            sock_connect=push.connect_timeout,
            sock_read=push.read_timeout,
        )
        async with self._session.post(
            push.url,
            data=push.body,
            headers=dict(push.headers),
            timeout=timeout,
            allow_redirects=False,
        ) as response:
            raw = await _read_head(response.content)
        text = raw.decode("utf-8", "replace")
        return Outcome(
            status=response.status,
            error=None,
            latency_ms=_elapsed_ms(started),
            response=text[:SNIPPET_CHARS],
            succeeded=accepted(push, response.status, text),
        )


async def _read_head(content: aiohttp.StreamReader) -> bytes:
    """The answer up to its end or ``MAX_RESPONSE_BYTES``, whichever comes first (one
    ``read(n)`` returns only what has arrived so far: the first TCP segment or chunk)."""
    raw = bytearray()
    while len(raw) < MAX_RESPONSE_BYTES:
        chunk = await content.read(MAX_RESPONSE_BYTES - len(raw))
        if not chunk:
            break
        raw += chunk
    return bytes(raw)


def accepted(push: Push, status: int, body: str) -> bool:
    """A 2xx answer, also matching the profile's ``responseRegex`` (on the status code) and
    ``responseBodyRegex`` (on the body) when they are set."""
    if not 200 <= status < 300:
        return False
    if push.status_pattern and not re.fullmatch(push.status_pattern, str(status)):
        return False
    return not (push.body_pattern and not re.search(push.body_pattern, body))


def _elapsed_ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 3)


def _failure(error: str, started: float) -> Outcome:
    return Outcome(None, error, _elapsed_ms(started), "", False)
