"""Conversion confirmations (``POST /ct/1/log/end/{messageId}``), kept per message."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store.base import Store
from .ids import IdGenerator


@dataclass(frozen=True, slots=True)
class Conversion:
    process_key: str
    at: float


@dataclass
class Conversions:
    """Every message's conversions, kept in the store as they come."""

    store: Store
    ids: IdGenerator
    _log: dict[tuple[str, str], list[Conversion]] = field(default_factory=dict)

    def record(self, account: str, message_id: str, at: float) -> Conversion:
        """Every confirmation is kept, with its own process key (32 upper-case hex digits)."""
        conversion = Conversion(self.ids.message_id().replace("-", "").upper(), at)
        log = self._log.setdefault((account, message_id), [])
        log.append(conversion)
        self.store.save("conversions", account, message_id, log)
        return conversion

    def restore(self, account: str, message_id: str, log: list[Conversion]) -> None:
        """Take back a message's kept conversions (after a restart)."""
        self._log[account, message_id] = log

    def prune(self, before: float) -> None:
        """Forget the conversions of messages last converted before ``before``."""
        for key, log in list(self._log.items()):
            if log[-1].at < before:
                del self._log[key]
                self.store.save("conversions", *key, None)

    def of(self, account: str, message_id: str) -> list[Conversion]:
        return list(self._log.get((account, message_id), ()))

    def reset(self, account: str | None = None) -> None:
        for key in [k for k in self._log if account is None or k[0] == account]:
            del self._log[key]
