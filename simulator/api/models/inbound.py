"""Inbound SMS shapes: ``SmsMoReportResponse`` (pull and push); the control API's inject,
keywords and conversion list."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .common import Wire


class InboxQuery(Wire):
    """Query parameters of ``GET /sms/1/inbox/reports``."""

    limit: int = 50
    application_id: str | None = None
    entity_id: str | None = None
    campaign_reference_id: str | None = None


class MoPriceBody(Wire):
    price_per_message: int | float
    currency: str


class SmsMoReport(Wire):
    application_id: str | None = None
    message_id: str
    from_: str = Field(alias="from")
    to: str
    text: str
    clean_text: str
    keyword: str | None = None
    received_at: str
    sms_count: int
    price: MoPriceBody
    callback_data: str | None = None
    entity_id: str | None = None
    campaign_reference_id: str | None = None


class SmsMoReportResponse(Wire):
    results: list[SmsMoReport]
    message_count: int
    pending_message_count: int


class InjectRequest(Wire):
    """``POST /simulator/inbound``: what is left out is made up (faker)."""

    from_: str | None = Field(default=None, alias="from", min_length=1)
    to: str | None = Field(default=None, min_length=1)
    text: str | None = None
    keyword: str | None = Field(default=None, min_length=1, pattern=r"^\S+$")
    received_at: datetime | None = None
    application_id: str | None = None
    entity_id: str | None = None
    campaign_reference_id: str | None = None
    callback_data: str | None = None


class KeywordBody(Wire):
    number: str = Field(min_length=1)
    keyword: str = Field(min_length=1, pattern=r"^\S+$")


class KeywordList(Wire):
    results: list[KeywordBody]


class InjectedBody(SmsMoReport):
    """The stored message, and whether a subscription took it (else it waits to be pulled)."""

    pushed: bool


class ConversionBody(Wire):
    process_key: str
    at: str


class ConversionList(Wire):
    results: list[ConversionBody]
