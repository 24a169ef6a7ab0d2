"""Log shapes: ``GET /sms/3/logs`` (with cursor paging) and the deprecated ``GET /sms/1/logs``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from .common import ErrorBody, PlatformBody, PriceBody, StatusBody, Wire

GeneralStatus = Literal["ACCEPTED", "PENDING", "UNDELIVERABLE", "DELIVERED", "EXPIRED", "REJECTED"]


def _plus_restored(value: object) -> object:
    """An unencoded ``+`` in a query offset arrives as a space: put it back."""
    return value.replace(" ", "+") if isinstance(value, str) else value


QueryTime = Annotated[datetime | None, BeforeValidator(_plus_restored)]


class LogQueryBase(Wire):
    bulk_id: list[str] = []
    message_id: list[str] = []
    general_status: GeneralStatus | None = None
    sent_since: QueryTime = None
    sent_until: QueryTime = None
    limit: int = Field(default=50, ge=1)
    mcc: str | None = None
    mnc: str | None = None
    entity_id: str | None = None
    application_id: str | None = None
    campaign_reference_id: list[str] = []


class LogQueryV3(LogQueryBase):
    sender: str | None = None
    destination: str | None = None
    use_cursor: bool = False
    cursor: str | None = None


class LogQueryV1(LogQueryBase):
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


class LogContentV3(Wire):
    text: str | None = None
    hex: str | None = None
    data_coding: int | None = None
    esm_class: int | None = None


class LogV3(Wire):
    sender: str | None = None
    destination: str
    bulk_id: str | None = None
    message_id: str
    sent_at: str
    done_at: str | None = None
    message_count: int
    price: PriceBody
    status: StatusBody
    error: ErrorBody
    platform: PlatformBody | None = None
    content: LogContentV3
    campaign_reference_id: str | None = None
    mcc_mnc: str | None = None


class CursorBody(Wire):
    limit: int
    next_cursor: str | None = None


class LogsV3(Wire):
    results: list[LogV3]
    cursor: CursorBody | None = None


class LogV1(Wire):
    bulk_id: str | None = None
    message_id: str
    to: str
    from_: str | None = Field(default=None, alias="from")
    text: str | None = None
    sent_at: str
    done_at: str | None = None
    sms_count: int
    mcc_mnc: str | None = None
    price: PriceBody
    status: StatusBody
    error: ErrorBody
    application_id: str | None = None
    entity_id: str | None = None
    campaign_reference_id: str | None = None


class LogsV1(Wire):
    results: list[LogV1]
