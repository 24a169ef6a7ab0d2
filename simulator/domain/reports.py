"""Delivery reports: a snapshot of a message when it reached a reportable status.

Reports are fetch-once: a pull returns each report to its account once (CONTRACT.md 4.1). A
message that changes status again after its report was pulled gets a new report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .messages import Message
from .statuses import ErrorCode, Status

RETENTION_SECONDS = 48 * 3600
"""Reports, logs and inbound messages are kept for 48 (virtual) hours."""


class Report(NamedTuple):
    """A report as it was when the message reached ``status`` (a tuple: one per message)."""

    seq: int
    message: Message
    status: Status
    error: ErrorCode
    done_at: float


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """The query parameters of the reports endpoints (all optional, all must match)."""

    bulk_id: str | None = None
    message_id: str | None = None
    entity_id: str | None = None
    application_id: str | None = None
    campaign_reference_id: str | None = None

    def matches(self, report: Report) -> bool:
        message = report.message
        spec = message.spec
        return (
            (self.bulk_id is None or message.bulk_id == self.bulk_id)
            and (self.message_id is None or message.id == self.message_id)
            and (self.entity_id is None or spec.platform.entity_id == self.entity_id)
            and (self.application_id is None or spec.platform.application_id == self.application_id)
            and (
                self.campaign_reference_id is None
                or spec.campaign_reference_id == self.campaign_reference_id
            )
        )
