"""Scheduled bulks: messages held until their ``sendAt``, paced by a sending speed limit, and
managed through ``/sms/1/bulks`` (reschedule, pause, resume, cancel).

A bulk is made for every request that is scheduled (``sendAt`` in the future) or paced
(``sendingSpeedLimit``). Its messages wait in a queue, ordered by their send time, and a tick
hands them to the network: all that are due at once, or ``amount`` per time unit when paced (in
groups: 25 messages at 10 per MINUTE go out at +0, +1 min and +2 min). Status: PENDING until
the first message goes out, PROCESSING while some still wait, FINISHED when the last one has
gone; FAILED when no message of the request could be sent at all (every one rejected); PAUSED
and CANCELED on request. Allowed changes: see ``ALLOWED`` (docs/scheduling.md has the table).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from ..store.base import Store
from .errors import InvalidRequest, NotFound
from .messages import Message
from .scheduler import Scheduler

BulkStatus = Literal["PENDING", "PAUSED", "PROCESSING", "CANCELED", "FINISHED", "FAILED"]

ALLOWED: dict[BulkStatus, frozenset[BulkStatus]] = {
    "PENDING": frozenset({"PAUSED", "CANCELED"}),
    "PAUSED": frozenset({"PENDING", "PROCESSING", "CANCELED"}),
    "PROCESSING": frozenset({"PAUSED", "CANCELED"}),
    "CANCELED": frozenset(),
    "FINISHED": frozenset(),
    "FAILED": frozenset(),
}
"""Status changes a client may ask for; asking for the current status changes nothing."""

UNIT_SECONDS = {"MINUTE": 60.0, "HOUR": 3600.0, "DAY": 86400.0}

MessageAction = Callable[[str, Message, float], None]
"""``action(account, message, now)``: hand a held message to the network, or cancel it."""


class BulkNotFound(NotFound):
    text = "Bulk not found"


@dataclass(frozen=True, slots=True)
class SpeedLimit:
    amount: int
    per_seconds: float

    @classmethod
    def of(cls, amount: int, time_unit: str) -> SpeedLimit:
        return cls(amount, UNIT_SECONDS[time_unit])


@dataclass(eq=False)
class Bulk:
    """One scheduled request. ``queue`` holds the messages not yet handed to the network; a
    held message's ``sent_at`` is when it is due."""

    id: str
    account: str
    send_at: float
    limit: SpeedLimit | None
    queue: deque[Message]
    status: BulkStatus = "PENDING"
    generation: int = 0
    """Bumped by every change, so ticks planned before it do nothing."""
    paced_until: float = 0.0
    """Earliest time the speed limit lets the next group go."""
    closed_at: float | None = None

    def record(self) -> dict[str, Any]:
        """The durable snapshot: held messages by id, with the time each is due."""
        limit = [self.limit.amount, self.limit.per_seconds] if self.limit else None
        return {
            "sendAt": self.send_at,
            "limit": limit,
            "queue": [[m.id, m.sent_at] for m in self.queue],
            "status": self.status,
            "pacedUntil": self.paced_until,
            "closedAt": self.closed_at,
        }


@dataclass
class BulkBook:
    """The bulks of every account."""

    store: Store
    scheduler: Scheduler
    release: MessageAction
    cancel: MessageAction
    _bulks: dict[tuple[str, str], Bulk] = field(default_factory=dict)

    def hold(
        self, account: str, bulk_id: str, messages: list[Message], limit: SpeedLimit | None
    ) -> Bulk:
        """Take the held messages of a request (REJECTED ones are not among them)."""
        now = self.scheduler.clock.now()
        queue = deque(sorted(messages, key=lambda m: m.sent_at))
        send_at = queue[0].sent_at if queue else now
        bulk = Bulk(bulk_id, account, send_at, limit, queue)
        self._bulks[account, bulk_id] = bulk
        if queue:
            self._plan(bulk, now)
        else:
            self._close(bulk, "FAILED", now)
        self._save(bulk)
        return bulk

    def _save(self, bulk: Bulk) -> None:
        self.store.save("bulk", bulk.account, bulk.id, bulk)

    def held(self) -> set[str]:
        """Ids of the messages that bulks hold."""
        return {m.id for bulk in self._bulks.values() for m in bulk.queue}

    def restore(self, account: str, bulk_id: str, record: dict[str, Any]) -> None:
        """Take back a kept bulk (after a restart) and plan its next tick."""
        queue: deque[Message] = deque()
        for message_id, due in record["queue"]:
            message = self.store.get_message(account, message_id)
            if message is not None:
                message.sent_at = due
                queue.append(message)
        limit = SpeedLimit(*record["limit"]) if record["limit"] else None
        bulk = Bulk(bulk_id, account, record["sendAt"], limit, queue, record["status"])
        bulk.paced_until = record["pacedUntil"]
        bulk.closed_at = record["closedAt"]
        self._bulks[account, bulk_id] = bulk
        if queue and bulk.status in ("PENDING", "PROCESSING"):
            self._plan(bulk, self.scheduler.clock.now())

    def get(self, account: str, bulk_id: str) -> Bulk:
        bulk = self._bulks.get((account, bulk_id))
        if bulk is None:
            raise BulkNotFound()
        return bulk

    def reschedule(self, account: str, bulk_id: str, send_at: float) -> Bulk:
        """Move every waiting message of a PENDING or PAUSED bulk to ``send_at``."""
        bulk = self.get(account, bulk_id)
        if bulk.status not in ("PENDING", "PAUSED"):
            raise InvalidRequest(f"Bulk in status {bulk.status} cannot be rescheduled")
        bulk.send_at = send_at
        for message in bulk.queue:
            message.sent_at = send_at
        if bulk.status == "PENDING":
            self._plan(bulk, self.scheduler.clock.now())
        self._save(bulk)
        return bulk

    def set_status(self, account: str, bulk_id: str, wanted: BulkStatus) -> Bulk:
        bulk = self.get(account, bulk_id)
        if wanted == bulk.status:
            return bulk
        if wanted not in ALLOWED[bulk.status]:
            raise InvalidRequest(f"Bulk status cannot change from {bulk.status} to {wanted}")
        now = self.scheduler.clock.now()
        bulk.generation += 1
        if wanted == "PAUSED":
            bulk.status = "PAUSED"
        elif wanted == "CANCELED":
            for message in bulk.queue:
                self.cancel(account, message, now)
            bulk.queue.clear()
            self._close(bulk, "CANCELED", now)
        else:  # resume
            bulk.status = "PENDING"
            self._plan(bulk, now)
        self._save(bulk)
        return bulk

    def _plan(self, bulk: Bulk, now: float) -> None:
        """Tick now (so a due bulk goes out within the request) or when the next one is due."""
        bulk.generation += 1
        due = max(bulk.queue[0].sent_at, bulk.paced_until)
        if due <= now:
            self._tick(bulk, bulk.generation)
        else:
            self.scheduler.at(due, partial(self._tick, bulk, bulk.generation))

    def _tick(self, bulk: Bulk, generation: int) -> None:
        if generation != bulk.generation or bulk.status not in ("PENDING", "PROCESSING"):
            return
        if self._bulks.get((bulk.account, bulk.id)) is not bulk:
            return  # reset since
        now = self.scheduler.clock.now()
        room = bulk.limit.amount if bulk.limit else len(bulk.queue)
        released = 0
        while bulk.queue and released < room and bulk.queue[0].sent_at <= now:
            self.release(bulk.account, bulk.queue.popleft(), now)
            released += 1
        if bulk.limit and released == room:
            bulk.paced_until = now + bulk.limit.per_seconds
        self._save(bulk)
        if not bulk.queue:
            self._close(bulk, "FINISHED", now)
            return
        if released:
            bulk.status = "PROCESSING"
        due = max(bulk.queue[0].sent_at, bulk.paced_until)
        self.scheduler.at(due, partial(self._tick, bulk, generation))

    @staticmethod
    def _close(bulk: Bulk, status: BulkStatus, now: float) -> None:
        bulk.status = status
        bulk.closed_at = now

    def prune(self, before: float) -> None:
        """Forget bulks closed before ``before`` (open ones stay manageable)."""
        for key, bulk in list(self._bulks.items()):
            if bulk.closed_at is not None and bulk.closed_at < before:
                del self._bulks[key]
                self.store.save("bulk", bulk.account, bulk.id, None)

    def reset(self, account: str | None = None) -> None:
        for key in [k for k in self._bulks if account is None or k[0] == account]:
            del self._bulks[key]
