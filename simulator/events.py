"""A small in-process pub/sub: what happened to an account, for the live page and the wait API.

The domain does not know who listens: :class:`EventHub` plugs into ``Outbound.listeners`` (a
message was accepted or moved) and ``Outbox.listeners`` (a webhook attempt ended) and fans each
event out to the subscribers of that account. An account nobody watches costs one dictionary
lookup per event, which keeps the send path cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from .domain.inbound import InboundMessage
from .domain.messages import Message
from .domain.outbox import OutboxEntry

EventKind = Literal["message", "webhook", "inbound"]


@dataclass(frozen=True, slots=True)
class Event:
    """``message``: ``subject`` is the Message; ``webhook``: the OutboxEntry; ``inbound``: the
    InboundMessage."""

    kind: EventKind
    account: str
    subject: Message | OutboxEntry | InboundMessage


Subscriber = Callable[[Event], None]


@dataclass
class EventHub:
    """Subscribers per account; each is called synchronously, in the domain's own step."""

    _subscribers: dict[str, list[Subscriber]] = field(default_factory=dict)

    def subscribe(self, account: str, subscriber: Subscriber) -> Callable[[], None]:
        """Start telling ``subscriber`` about ``account``; returns the function that stops it."""
        self._subscribers.setdefault(account, []).append(subscriber)

        def unsubscribe() -> None:
            subscribers = self._subscribers.get(account, [])
            if subscriber in subscribers:
                subscribers.remove(subscriber)
            if not subscribers:
                self._subscribers.pop(account, None)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for subscriber in list(self._subscribers.get(event.account, ())):
            subscriber(event)

    def on_message(self, account: str, message: Message) -> None:
        """An ``Outbound`` listener."""
        if account in self._subscribers:
            self.publish(Event("message", account, message))

    def on_inbound(self, account: str, message: InboundMessage) -> None:
        """An ``Inbound`` listener."""
        if account in self._subscribers:
            self.publish(Event("inbound", account, message))

    def on_entry(self, entry: OutboxEntry) -> None:
        """An ``Outbox`` listener."""
        if entry.account in self._subscribers:
            self.publish(Event("webhook", entry.account, entry))


events_key = web.AppKey("events", EventHub)
