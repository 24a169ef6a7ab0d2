"""The one storage interface the domain talks to.

Accounts are namespaces: every call names the account (its API key or user name). The in-memory
store is the default; a durable store implements the same protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from ..domain.messages import Message
from ..domain.reports import Report


class Store(Protocol):
    def add_message(self, account: str, message: Message) -> None:
        """Keep a new message."""

    def update_message(self, account: str, message: Message) -> None:
        """Persist a transition of a message already kept."""

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

    def prune(self, older_than: float) -> int:
        """Forget messages sent and reports done before ``older_than``; how many messages went."""

    def accounts(self) -> list[str]: ...

    def reset(self, account: str | None = None) -> None:
        """Forget one account's data, or everything."""
