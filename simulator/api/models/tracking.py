"""The click event pushed for a tracked short link (``UrlTrackingWebhook``), and the control
API's view of a message's links."""

from __future__ import annotations

from .common import Wire


class RecipientInfo(Wire):
    device_type: str | None = None
    os: str | None = None
    device_name: str | None = None


class GeoLocationInfo(Wire):
    country_name: str | None = None
    city: str | None = None


class UrlTrackingWebhook(Wire):
    notification_type: str = "CLICKED"
    recipient: str
    url: str
    send_date_time: int
    """Epoch milliseconds of the click."""
    message_id: str
    bulk_id: str | None = None
    callback_data: str | None = None
    recipient_info: RecipientInfo
    geo_location_info: GeoLocationInfo
    application_id: str | None = None
    entity_id: str | None = None


class ClickBody(Wire):
    at: str
    user_agent: str | None = None


class LinkBody(Wire):
    short_url: str
    url: str
    clicks: list[ClickBody]


class LinkList(Wire):
    results: list[LinkBody]
