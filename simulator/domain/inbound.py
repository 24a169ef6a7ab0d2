"""Inbound (MO) SMS: what subscribers send to the account's numbers.

An inbound message is pushed to every SMS subscription with event ``INBOUND_MESSAGE`` whose
``resources`` list the receiving number (or are empty), through the same outbox and retry
schedule as delivery reports. When no subscription takes it, it waits to be pulled
(``GET /sms/1/inbox/reports``): fetch-once, for 48 virtual hours. Like a delivery report, a
pushed message is not also pulled.

The first word of the text is split off as ``keyword`` (the rest is ``cleanText``) when it is a
keyword registered for the receiving number, compared case-insensitively.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from ..store.base import Store
from .fakes import Fakes
from .ids import IdGenerator
from .notifications import Notifier, Route, TargetFinder
from .reports import RETENTION_SECONDS
from .scheduler import Scheduler
from .segments import segment

MAX_LIMIT = 1000
EVENT = "INBOUND_MESSAGE"


def normalized(number: str) -> str:
    """Numbers are compared without spaces and a leading ``+``."""
    return number.replace(" ", "").removeprefix("+")


@dataclass(frozen=True, slots=True)
class InboundSpec:
    """An inbound SMS as it arrives from the network; ``keyword`` forces the split."""

    sender: str
    to: str
    text: str
    received_at: float
    keyword: str | None = None
    application_id: str | None = None
    entity_id: str | None = None
    campaign_reference_id: str | None = None
    callback_data: str | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    seq: int
    id: str
    spec: InboundSpec
    keyword: str | None
    clean_text: str
    sms_count: int
    pushed: bool

    @property
    def received_at(self) -> float:
        return self.spec.received_at


@dataclass(frozen=True, slots=True)
class InboxFilter:
    application_id: str | None = None
    entity_id: str | None = None
    campaign_reference_id: str | None = None

    def matches(self, message: InboundMessage) -> bool:
        spec = message.spec
        return (
            (self.application_id is None or spec.application_id == self.application_id)
            and (self.entity_id is None or spec.entity_id == self.entity_id)
            and (
                self.campaign_reference_id is None
                or spec.campaign_reference_id == self.campaign_reference_id
            )
        )


@dataclass(frozen=True, slots=True)
class InboxPage:
    messages: list[InboundMessage]
    pending: int
    """Messages matching the same filter still waiting to be pulled."""


BodyRenderer = Callable[[list[InboundMessage], int, str], bytes]
"""Renders inbound messages (and the pending count) as a push body in a content type."""


class KeywordBook:
    """Keywords registered per account and receiving number (stored upper-case)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._accounts: dict[str, dict[str, set[str]]] = {}

    def add(self, account: str, number: str, keyword: str) -> None:
        numbers = self._accounts.setdefault(account, {})
        numbers.setdefault(normalized(number), set()).add(keyword.upper())
        self._store.save("keywords", account, "", self.all(account))

    def remove(self, account: str, number: str, keyword: str) -> bool:
        keywords = self._accounts.get(account, {}).get(normalized(number), set())
        if keyword.upper() not in keywords:
            return False
        keywords.discard(keyword.upper())
        self._store.save("keywords", account, "", self.all(account))
        return True

    def restore(self, account: str, pairs: list[list[str]]) -> None:
        """Take back an account's kept ``[number, keyword]`` pairs (after a restart)."""
        for number, keyword in pairs:
            self._accounts.setdefault(account, {}).setdefault(number, set()).add(keyword)

    def all(self, account: str) -> list[tuple[str, str]]:
        numbers = self._accounts.get(account, {})
        return sorted((number, kw) for number, keywords in numbers.items() for kw in keywords)

    def split(self, account: str, to: str, text: str) -> tuple[str | None, str]:
        """(keyword, cleanText): the first word when it is registered for ``to``."""
        first, _, rest = text.strip().partition(" ")
        keywords = self._accounts.get(account, {}).get(normalized(to), set())
        if first and first.upper() in keywords:
            return first.upper(), rest.strip()
        return None, text

    def reset(self, account: str | None = None) -> None:
        if account is None:
            self._accounts.clear()
        else:
            self._accounts.pop(account, None)


@dataclass
class Inbound:
    """Inbound messages of every account: receive, push or queue, pull once. Queued messages
    and arrival counts are kept in the store as they change."""

    store: Store
    scheduler: Scheduler
    ids: IdGenerator
    notifier: Notifier
    """Builds pushes as for delivery reports (headers, signing, timeouts) into its outbox."""
    find_targets: TargetFinder
    render: BodyRenderer
    fakes: Fakes
    keywords: KeywordBook = field(init=False)
    listeners: list[Callable[[str, InboundMessage], None]] = field(default_factory=list)
    """Told ``listener(account, message)`` of every arrival (the wait API, the live page)."""
    _received: dict[str, int] = field(default_factory=dict)
    _queues: dict[str, list[InboundMessage]] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.keywords = KeywordBook(self.store)

    def receive(self, account: str, spec: InboundSpec) -> InboundMessage:
        """Store an arriving message: pushed to subscribers, else queued for pulling."""
        keyword, clean_text = self._split(account, spec)
        routes = self._routes(account, spec)
        message = InboundMessage(
            seq=next(self._seq),
            id=self.ids.message_id(),
            spec=spec,
            keyword=keyword,
            clean_text=clean_text,
            sms_count=segment(spec.text).parts,
            pushed=bool(routes),
        )
        if not routes:
            self._queues.setdefault(account, []).append(message)
            self.store.save("inbound", account, str(message.seq), message)
        for route in routes:
            self._push(account, route, message)
        self._received[account] = self._received.get(account, 0) + 1
        self.store.save("inbound-count", account, "", self._received[account])
        for listener in self.listeners:
            listener(account, message)
        return message

    def received(self, account: str) -> int:
        """How many messages arrived for the account (pushed or pulled) since its last reset."""
        return self._received.get(account, 0)

    def _split(self, account: str, spec: InboundSpec) -> tuple[str | None, str]:
        if spec.keyword is None:
            return self.keywords.split(account, spec.to, spec.text)
        first, _, rest = spec.text.strip().partition(" ")
        same = first.upper() == spec.keyword.upper()
        return spec.keyword.upper(), rest.strip() if same else spec.text

    def _routes(self, account: str, spec: InboundSpec) -> list[Route]:
        targets = self.find_targets(
            account,
            EVENT,
            sender=None,
            application_id=spec.application_id,
            entity_id=spec.entity_id,
            resource=normalized(spec.to),
        )
        return [Route.of_target(target) for target in targets]

    def _push(self, account: str, route: Route, message: InboundMessage) -> None:
        body = self.render([message], self.pending(account), route.content_type)
        push = self.notifier.push(route, body)
        self.notifier.outbox.enqueue(account, EVENT, push, (message.id,), route.subscription_id)

    def take(self, account: str, query: InboxFilter, limit: int) -> InboxPage:
        """Fetch-once pull of the account's messages of the last 48 hours, oldest first."""
        queue = self._fresh(account)
        limit = max(1, min(limit, MAX_LIMIT))
        taken: list[InboundMessage] = []
        kept: list[InboundMessage] = []
        pending = 0
        for message in queue:
            if not query.matches(message):
                kept.append(message)
            elif len(taken) < limit:
                taken.append(message)
            else:
                kept.append(message)
                pending += 1
        self._queues[account] = kept
        self._forget(account, taken)
        return InboxPage(taken, pending)

    def _forget(self, account: str, messages: list[InboundMessage]) -> None:
        for message in messages:
            self.store.save("inbound", account, str(message.seq), None)

    def restore(self, account: str, messages: list[InboundMessage], received: int) -> None:
        """Take back an account's kept queue and arrival count (after a restart)."""
        self._queues[account] = messages
        self._received[account] = received
        last = max((m.seq for m in messages), default=0)
        self._seq = itertools.count(max(last + 1, next(self._seq)))

    def prune(self, before: float) -> None:
        """Forget queued messages received before ``before``."""
        for account, queue in self._queues.items():
            self._queues[account] = [m for m in queue if m.received_at >= before]
            self._forget(account, [m for m in queue if m.received_at < before])

    def pending(self, account: str) -> int:
        return len(self._fresh(account))

    def _fresh(self, account: str) -> list[InboundMessage]:
        """The account's queue without what is older than the retention (forgotten now)."""
        since = self.scheduler.clock.now() - RETENTION_SECONDS
        queue = self._queues.get(account, [])
        self._forget(account, [m for m in queue if m.received_at < since])
        queue = self._queues[account] = [m for m in queue if m.received_at >= since]
        return queue

    def reset(self, account: str | None = None) -> None:
        self.keywords.reset(account)
        if account is None:
            self._queues.clear()
            self._received.clear()
        else:
            self._queues.pop(account, None)
            self._received.pop(account, None)
