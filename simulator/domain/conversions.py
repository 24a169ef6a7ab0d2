"""Conversion confirmations (``POST /ct/1/log/end/{messageId}``), kept per message."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ids import IdGenerator


@dataclass(frozen=True, slots=True)
class Conversion:
    process_key: str
    at: float


@dataclass
class Conversions:
    ids: IdGenerator
    _log: dict[tuple[str, str], list[Conversion]] = field(default_factory=dict)

    def record(self, account: str, message_id: str, at: float) -> Conversion:
        """Every confirmation is kept, with its own process key (32 upper-case hex digits)."""
        conversion = Conversion(self.ids.message_id().replace("-", "").upper(), at)
        self._log.setdefault((account, message_id), []).append(conversion)
        return conversion

    def of(self, account: str, message_id: str) -> list[Conversion]:
        return list(self._log.get((account, message_id), ()))

    def reset(self, account: str | None = None) -> None:
        for key in [k for k in self._log if account is None or k[0] == account]:
            del self._log[key]
