"""The default store: plain dicts per account, insertion-ordered (so oldest first)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..domain.messages import Message
from ..domain.reports import Report


@dataclass(slots=True)
class _AccountData:
    messages: dict[str, Message] = field(default_factory=dict)
    reports: dict[int, Report] = field(default_factory=dict)


class MemoryStore:
    """Everything in process memory; fast, and gone on restart."""

    def __init__(self) -> None:
        self._accounts: dict[str, _AccountData] = {}

    def _data(self, account: str) -> _AccountData:
        data = self._accounts.get(account)
        if data is None:
            data = self._accounts[account] = _AccountData()
        return data

    def add_message(self, account: str, message: Message) -> None:
        self._data(account).messages[message.id] = message

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
        self._data(account).reports[report.seq] = report

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
        return taken

    def prune(self, older_than: float) -> int:
        pruned = 0
        for data in self._accounts.values():
            old = [m.id for m in data.messages.values() if m.sent_at < older_than and m.is_final]
            for message_id in old:
                del data.messages[message_id]
            pruned += len(old)
            stale = [seq for seq, r in data.reports.items() if r.done_at < older_than]
            for seq in stale:
                del data.reports[seq]
        return pruned

    def accounts(self) -> list[str]:
        return list(self._accounts)

    def reset(self, account: str | None = None) -> None:
        if account is None:
            self._accounts.clear()
        else:
            self._accounts.pop(account, None)
