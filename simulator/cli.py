"""``infobip-simulator`` / ``python -m simulator``: start the server; ``infobip-simulator
healthcheck``: check one."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import sys
import urllib.request
from collections.abc import Sequence

from aiohttp import web

from .app import create_app
from .logs_setup import configure_logging
from .settings import Settings, load_settings

LOOPBACK = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}
"""A server listening on every address is checked on the loopback one."""


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM; print the URL once listening (port 0 picks a free port)."""
    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    port = runner.addresses[0][1] if runner.addresses else settings.port
    mode = f"strict, {len(settings.api_keys)} key(s)" if settings.strict else "open"
    if settings.strict and settings.open_control:
        mode += ", control API open"
    print(
        f"Infobip SMS simulator listening on http://{settings.host}:{port} "
        f"(clock {settings.clock}, {mode} mode)",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def healthcheck(settings: Settings, timeout: float = 3.0) -> int:
    """``infobip-simulator healthcheck``: 0 when the simulator of these settings (the same flags
    and INFOBIP_SIM_* variables as the server) answers ``/readyz``, else 1. For Docker's
    HEALTHCHECK, so a custom port does not break it."""
    host = LOOPBACK.get(settings.host, settings.host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            healthy = response.status == 200
    except OSError as exc:
        print(f"infobip-simulator: {url}: {exc}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["healthcheck"]:
        return healthcheck(load_settings(args[1:]))
    settings = load_settings(args)
    configure_logging(settings.log_level, settings.log_format)
    try:
        asyncio.run(serve(settings))
    except sqlite3.Error as exc:
        print(f"infobip-simulator: cannot use the database {settings.db}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"infobip-simulator: cannot listen on {settings.host}:{settings.port}: {exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0
