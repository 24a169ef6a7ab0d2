"""Delivery report shapes: v3 ``DeliveryReports`` and v1 ``SMSReportResponse``."""

from __future__ import annotations

from pydantic import Field

from .common import ErrorBody, PlatformBody, PriceBody, StatusBody, Wire


class ReportQuery(Wire):
    """Query parameters shared by ``GET /sms/3/reports`` and ``GET /sms/1/reports``."""

    bulk_id: str | None = None
    message_id: str | None = None
    limit: int = 50
    entity_id: str | None = None
    application_id: str | None = None
    campaign_reference_id: str | None = None


class DeliveryReportV3(Wire):
    bulk_id: str | None = None
    price: PriceBody
    status: StatusBody
    error: ErrorBody
    message_id: str
    to: str
    sender: str | None = None
    sent_at: str
    done_at: str
    message_count: int
    mcc_mnc: str | None = None
    callback_data: str | None = None
    platform: PlatformBody | None = None
    campaign_reference_id: str | None = None


class DeliveryReportsV3(Wire):
    results: list[DeliveryReportV3]


class DeliveryReportV1(Wire):
    bulk_id: str | None = None
    message_id: str
    to: str
    from_: str | None = Field(default=None, alias="from")
    sent_at: str
    done_at: str
    sms_count: int
    mcc_mnc: str | None = None
    callback_data: str | None = None
    price: PriceBody
    status: StatusBody
    error: ErrorBody
    entity_id: str | None = None
    application_id: str | None = None
    campaign_reference_id: str | None = None


class DeliveryReportsV1(Wire):
    results: list[DeliveryReportV1]
