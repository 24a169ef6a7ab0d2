"""The default store: plain dicts per account, insertion-ordered (so oldest first)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..domain.messages import Message
from ..domain.reports import Report
from .base import Record

DEFAULT_MAX_MESSAGES = 200_000
"""Messages (and queued reports) one account keeps at most; the oldest go first."""


@dataclass(slots=True)
class _AccountData:
    messages: dict[str, Message] = field(default_factory=dict)
    reports: dict[int, Report] = field(default_factory=dict)


class MemoryStore:
    """Everything in process memory; fast, and gone on restart.

    ``max_messages`` caps what one account keeps, so a long-running sandbox stays bounded
    whatever its clock does; the 48-hour retention (:meth:`prune`) bounds it by age.
    """

    durable = False

    def __init__(self, max_messages: int = DEFAULT_MAX_MESSAGES) -> None:
        self.max_messages = max_messages
        self._accounts: dict[str, _AccountData] = {}

    def _data(self, account: str) -> _AccountData:
        data = self._accounts.get(account)
        if data is None:
            data = self._accounts[account] = _AccountData()
        return data

    def add_message(self, account: str, message: Message) -> None:
        messages = self._data(account).messages
        messages[message.id] = message
        if len(messages) > self.max_messages:
            oldest = next(iter(messages.values()))
            del messages[oldest.id]
            self._forgot_messages(account, [oldest.id])

    def update_message(self, account: str, message: Message) -> None:
        """Messages are live objects here: nothing to write."""

    def get_message(self, account: str, message_id: str) -> Message | None:
        data = self._accounts.get(account)
        return data.messages.get(message_id) if data else None

    def has_message(self, account: str, message_id: str) -> bool:
        return self.get_message(account, message_id) is not None

    def messages(self, account: str, before_seq: int | None = None) -> Iterator[Message]:
        data = self._accounts.get(account)
        if data is None:
            return
        for message in reversed(data.messages.values()):
            if before_seq is None or message.seq < before_seq:
                yield message

    def add_report(self, account: str, report: Report) -> None:
        reports = self._data(account).reports
        reports[report.seq] = report
        if len(reports) > self.max_messages:
            oldest = next(iter(reports))
            del reports[oldest]
            self._forgot_reports([oldest])

    def take_reports(
        self, account: str, wanted: Callable[[Report], bool], limit: int
    ) -> list[Report]:
        data = self._accounts.get(account)
        if data is None:
            return []
        taken: list[Report] = []
        for report in data.reports.values():
            if len(taken) >= limit:
                break
            if wanted(report):
                taken.append(report)
        for report in taken:
            del data.reports[report.seq]
        self._forgot_reports([r.seq for r in taken])
        return taken

    def queued_reports(self, account: str) -> list[Report]:
        data = self._accounts.get(account)
        return list(data.reports.values()) if data else []

    def prune(self, older_than: float) -> int:
        pruned = 0
        for account, data in self._accounts.items():
            old = [m.id for m in data.messages.values() if m.sent_at < older_than and m.is_final]
            for message_id in old:
                del data.messages[message_id]
            self._forgot_messages(account, old)
            pruned += len(old)
            stale = [seq for seq, r in data.reports.items() if r.done_at < older_than]
            for seq in stale:
                del data.reports[seq]
            self._forgot_reports(stale)
        return pruned

    def accounts(self) -> list[str]:
        return list(self._accounts)

    def reset(self, account: str | None = None) -> None:
        if account is None:
            self._accounts.clear()
        else:
            self._accounts.pop(account, None)

    def save(self, kind: str, account: str, key: str, value: object | None) -> None:
        """The domain objects hold their own state: nothing to keep."""

    def records(self, kind: str) -> list[Record]:
        return []

    def commit(self) -> None:
        """Nothing is durable here."""

    def _forgot_messages(self, account: str, message_ids: list[str]) -> None:
        """Messages went (cap or retention): a durable store forgets them too."""

    def _forgot_reports(self, seqs: list[int]) -> None:
        """Queued reports went (pulled, cap or retention): a durable store forgets them too."""
