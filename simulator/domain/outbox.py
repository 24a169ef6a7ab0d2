"""The webhook outbox: every push is an entry with its attempts, retried on Infobip's schedule.

Attempt 0 goes out when the entry is created. After failure number n+1 (a non-2xx answer, a
timeout, a connection error), retry n (n = 0..19) is due ``1 min + 1 min * n^2`` later on the
simulator's clock: cumulative 1, 3, 8, 18, 35, 61 ... minutes. When the 20th retry fails the
entry is dead, 41 h 30 min after the first attempt, and stays visible.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, Protocol

from ..store.base import Store
from .ids import IdGenerator
from .scheduler import Scheduler

MAX_RETRIES = 20

EntryState = Literal["pending", "succeeded", "dead"]


def retry_delay(retry_number: int) -> float:
    """Seconds between a failure and retry ``retry_number`` (0-based): 1 min + 1 min * n^2."""
    return 60.0 + 60.0 * retry_number * retry_number


@dataclass(frozen=True, slots=True)
class Push:
    """One HTTP request to a receiver, rendered once when the entry is created."""

    url: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    connect_timeout: float
    read_timeout: float
    status_pattern: str | None = None
    body_pattern: str | None = None
    per_second: int | None = None
    """The receiver's rate limit (a profile's ``rateLimit``): attempts per virtual second."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a receiver did: its status code or the error, how long it took, what it said."""

    status: int | None
    error: str | None
    latency_ms: float
    response: str
    succeeded: bool


class Sender(Protocol):
    async def send(self, push: Push) -> Outcome: ...


@dataclass(frozen=True, slots=True)
class Attempt:
    number: int
    at: float
    outcome: Outcome


@dataclass
class OutboxEntry:
    id: str
    account: str
    event: str
    push: Push
    message_ids: tuple[str, ...]
    created_at: float
    subscription_id: str | None = None
    state: EntryState = "pending"
    attempts: list[Attempt] = field(default_factory=list)
    retries: int = 0
    next_attempt_at: float | None = None
    cycle: int = 0


EntryListener = Callable[[OutboxEntry], None]


@dataclass
class Outbox:
    """Entries of every account, keyed by id, in creation order; each kept in the store as it
    changes, so a durable store resumes pending deliveries after a restart (:meth:`restore`)."""

    store: Store
    scheduler: Scheduler
    sender: Sender
    ids: IdGenerator
    listeners: list[EntryListener] = field(default_factory=list)
    _entries: dict[str, OutboxEntry] = field(default_factory=dict)
    _recent: dict[str, deque[float]] = field(default_factory=dict)

    def enqueue(
        self,
        account: str,
        event: str,
        push: Push,
        message_ids: tuple[str, ...],
        subscription_id: str | None = None,
    ) -> OutboxEntry:
        """Create an entry; its first attempt is due at once."""
        now = self.scheduler.clock.now()
        entry = OutboxEntry(
            self.ids.message_id(), account, event, push, message_ids, now, subscription_id
        )
        self._entries[entry.id] = entry
        self._schedule(entry, now)
        return entry

    def _schedule(self, entry: OutboxEntry, when: float) -> None:
        entry.next_attempt_at = when
        self.store.save("outbox", entry.account, entry.id, entry)
        self.scheduler.at(when, partial(self._attempt, entry, entry.cycle))

    def restore(self, entry: OutboxEntry) -> None:
        """Take back a kept entry (after a restart). A pending one is attempted when it was due,
        at once if that time has passed (also when the process stopped during the attempt),
        and then goes on with its retry schedule."""
        self._entries[entry.id] = entry
        if entry.state == "pending":
            self._schedule(entry, entry.next_attempt_at or self.scheduler.clock.now())

    def prune(self, before: float) -> None:
        """Forget settled entries whose last attempt was before ``before``."""
        for entry_id, entry in list(self._entries.items()):
            last = entry.attempts[-1].at if entry.attempts else entry.created_at
            if entry.state != "pending" and last < before:
                del self._entries[entry_id]
                self.store.save("outbox", entry.account, entry_id, None)
        self._recent = {url: times for url, times in self._recent.items() if times[-1] >= before}

    async def _attempt(self, entry: OutboxEntry, cycle: int) -> None:
        if entry.cycle != cycle or entry.state != "pending":
            return  # superseded by a redelivery, or already settled
        started = self.scheduler.clock.now()
        wait = self._rate_limited(entry.push, started)
        if wait:
            self._schedule(entry, started + wait)
            return
        number = len(entry.attempts)
        entry.next_attempt_at = None
        outcome = await self.sender.send(entry.push)
        entry.attempts.append(Attempt(number, started, outcome))
        if outcome.succeeded:
            entry.state = "succeeded"
        elif entry.retries < MAX_RETRIES:
            delay = retry_delay(entry.retries)
            entry.retries += 1
            self._schedule(entry, self.scheduler.clock.now() + delay)
        else:
            entry.state = "dead"
        self.store.save("outbox", entry.account, entry.id, entry)
        for listener in self.listeners:
            listener(entry)

    def _rate_limited(self, push: Push, now: float) -> float:
        """Seconds to wait before the receiver's rate limit allows another attempt (0: go)."""
        if push.per_second is None:
            return 0.0
        recent = self._recent.setdefault(push.url, deque())
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= push.per_second:
            return recent[0] + 1.0 - now
        recent.append(now)
        return 0.0

    def redeliver(self, account: str, entry_id: str) -> OutboxEntry | None:
        """Try an entry again now, with a fresh retry cycle; None for an unknown entry."""
        entry = self.get(account, entry_id)
        if entry is None:
            return None
        entry.cycle += 1
        entry.state = "pending"
        entry.retries = 0
        self._schedule(entry, self.scheduler.clock.now())
        return entry

    def get(self, account: str, entry_id: str) -> OutboxEntry | None:
        entry = self._entries.get(entry_id)
        return entry if entry is not None and entry.account == account else None

    def entries(
        self, account: str, message_id: str | None = None, state: EntryState | None = None
    ) -> list[OutboxEntry]:
        """The account's entries, oldest first, optionally for one message or in one state."""
        return [
            e
            for e in self._entries.values()
            if e.account == account
            and (message_id is None or message_id in e.message_ids)
            and (state is None or e.state == state)
        ]

    def reset(self, account: str | None = None) -> None:
        """Forget entries (pending ones stop: their scheduled attempts find them superseded)."""
        for entry_id, entry in list(self._entries.items()):
            if account is None or entry.account == account:
                entry.cycle += 1
                del self._entries[entry_id]
