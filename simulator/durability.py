"""When the simulator keeps its state in a SQLite file (``--db``): when changes are committed.

Before any answer goes out (so a send answered 200, a report pulled or a subscription created
is on disk first); soon after anything else changes (a transition, a webhook attempt); and at
shutdown. One commit per turn of the event loop, however many changes and answers it has.
Before each commit the notifier's filling buckets become outbox entries, so a report pushed at
a virtual instant is never kept as pushed without the entry that carries it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from .domain.notifications import Notifier
from .store.sqlite import SqliteStore


class Committer:
    """Commits in groups: the answers of every request handled in one turn of the event loop
    wait for one commit together, instead of one commit (one write to the file) each."""

    def __init__(self, store: SqliteStore, notifier: Notifier) -> None:
        self.store = store
        self.notifier = notifier
        self._next: asyncio.Future[None] | None = None
        """The commit planned for the end of this turn, if any change is waiting for one."""

    def commit(self) -> None:
        """Commit now (the notifier's filling buckets first) and release who waits for it."""
        waiting, self._next = self._next, None
        try:
            self.notifier.flush_all()
            self.store.commit()
        except Exception as exc:
            if waiting is not None:
                waiting.set_exception(exc)
            raise
        if waiting is not None:
            waiting.set_result(None)

    def soon(self) -> None:
        """A change was made: commit at the end of this turn of the event loop."""
        if self._next is None:
            loop = asyncio.get_running_loop()
            self._next = loop.create_future()
            loop.call_soon(self.commit)

    async def before_answer(self, _request: web.Request, _response: web.StreamResponse) -> None:
        """No answer leaves before what its request changed is committed."""
        if self._next is not None:
            await asyncio.shield(self._next)
        else:
            self.commit()  # the clock may have moved (an advance with nothing due)


def keep_durable(app: web.Application, store: SqliteStore, notifier: Notifier) -> None:
    """Commit before every answer, soon after every other change, and at shutdown."""
    committer = Committer(store, notifier)

    async def committing(_app: web.Application) -> AsyncIterator[None]:
        store.on_dirty = committer.soon
        committer.commit()  # what recovery re-planned or re-saved
        yield
        store.on_dirty = None
        committer.commit()
        store.close()

    app.on_response_prepare.append(committer.before_answer)
    app.cleanup_ctx.append(committing)
