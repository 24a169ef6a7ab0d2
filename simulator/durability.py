"""When the simulator keeps its state in a SQLite file (``--db``): when changes are committed.

Before any answer goes out (so a send answered 200, a report pulled or a subscription created
is on disk first); soon after anything else changes (a transition, a webhook attempt: one
commit per turn of the event loop, however many changes it made); and at shutdown. Before each
commit the notifier's filling buckets become outbox entries, so a report pushed at a virtual
instant is never kept as pushed without the entry that carries it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from .domain.notifications import Notifier
from .store.sqlite import SqliteStore


def keep_durable(app: web.Application, store: SqliteStore, notifier: Notifier) -> None:
    """Commit before every answer, soon after every other change, and at shutdown."""

    def checkpoint() -> None:
        notifier.flush_all()
        store.commit()

    async def before_answer(_request: web.Request, _response: web.StreamResponse) -> None:
        checkpoint()

    async def committing(_app: web.Application) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()

        def soon() -> None:
            loop.call_soon(checkpoint)

        store.on_dirty = soon
        checkpoint()  # what recovery re-planned or re-saved
        yield
        store.on_dirty = None
        checkpoint()
        store.close()

    app.on_response_prepare.append(before_answer)
    app.cleanup_ctx.append(committing)
