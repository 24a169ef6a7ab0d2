"""``/sms/1/bulks`` and ``/sms/1/bulks/status``: request and response shapes."""

from __future__ import annotations

from datetime import datetime

from ...domain.bulks import BulkStatus
from .common import Wire


class BulkQuery(Wire):
    bulk_id: str


class BulkRequest(Wire):
    """``BulkRequest``: the new send time."""

    send_at: datetime


class BulkResponse(Wire):
    bulk_id: str
    send_at: str


class UpdateStatusRequest(Wire):
    status: BulkStatus


class BulkStatusResponse(Wire):
    bulk_id: str
    status: BulkStatus
