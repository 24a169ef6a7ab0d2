"""The one storage interface the domain talks to.

Accounts are namespaces: every call names the account (its API key or user name). Messages and
their pull queue of reports are kept and queried here. Every other piece of domain state (webhook
outbox entries, bulks, inbound messages, subscriptions, keywords, the clock) lives in its own
domain object, which hands the store a snapshot with :meth:`Store.save` whenever it changes: the
in-memory store ignores snapshots, a durable store writes them and gives them back with
:meth:`Store.records` when the simulator starts again (see :mod:`simulator.domain.recovery`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from ..domain.messages import Message
from ..domain.reports import Report

Record = tuple[str, str, Any]
"""A kept snapshot: (account, key, value in the generic encoding of :mod:`.codec`)."""


class Store(Protocol):
    durable: bool
    """True when what is kept survives a restart."""

    def add_message(self, account: str, message: Message) -> None:
        """Keep a new message (the account's oldest goes when its cap is reached)."""

    def update_message(self, account: str, message: Message) -> None:
        """Persist a change of a message already kept."""

    def get_message(self, account: str, message_id: str) -> Message | None: ...

    def has_message(self, account: str, message_id: str) -> bool: ...

    def messages(self, account: str, before_seq: int | None = None) -> Iterator[Message]:
        """The account's messages, newest first (only those older than ``before_seq`` if given)."""

    def add_report(self, account: str, report: Report) -> None:
        """Queue a report for pulling."""

    def take_reports(
        self, account: str, wanted: Callable[[Report], bool], limit: int
    ) -> list[Report]:
        """Remove and return up to ``limit`` queued reports, oldest first, that are ``wanted``."""

    def queued_reports(self, account: str) -> list[Report]:
        """The account's pull queue, oldest first, left as it is."""

    def prune(self, older_than: float) -> int:
        """Forget messages sent and reports done before ``older_than``; how many messages went."""

    def accounts(self) -> list[str]: ...

    def reset(self, account: str | None = None) -> None:
        """Forget one account's data (its snapshots too), or everything."""

    def save(self, kind: str, account: str, key: str, value: object | None) -> None:
        """Keep the latest snapshot of a domain object; ``None`` forgets it.

        ``value`` is encoded when it is written (so many changes cost one write): a dataclass,
        or an object with a ``record()`` method returning JSON-ready data.
        """

    def records(self, kind: str) -> list[Record]:
        """Every kept snapshot of ``kind``, in the order first saved."""

    def commit(self) -> None:
        """Make every change so far durable (a no-op for a store that keeps nothing)."""
