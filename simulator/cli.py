"""``infobip-simulator`` / ``python -m simulator``: start the server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from aiohttp import web

from .app import create_app
from .settings import Settings, load_settings


async def serve(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM; print the URL once listening (port 0 picks a free port)."""
    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    port = runner.addresses[0][1] if runner.addresses else settings.port
    mode = f"strict, {len(settings.api_keys)} key(s)" if settings.strict else "open"
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


def main(argv: Sequence[str] | None = None) -> int:
    settings = load_settings(argv)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(serve(settings))
    except OSError as exc:
        print(f"infobip-simulator: cannot listen on {settings.host}:{settings.port}: {exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0
