"""``POST /sms/3/messages`` and ``GET /sms/3/text/query``: request and response shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .common import (
    ContentType,
    DeliveryTimeWindowBody,
    LanguageBody,
    PlatformBody,
    SpeedLimitBody,
    StatusBody,
    Transliteration,
    Wire,
)
from .senders import check_sender


class DestinationBody(Wire):
    to: str = Field(max_length=64)
    message_id: str | None = Field(default=None, max_length=200)
    network_id: int | None = None


class ContentBody(Wire):
    """TEXT (``text``) or BINARY (``hex``) content; the official schema is an untagged oneOf."""

    text: str | None = None
    transliteration: Transliteration | None = None
    language: LanguageBody | None = None
    hex: str | None = None
    data_coding: int = Field(default=0, ge=0, le=255)
    esm_class: int = Field(default=0, ge=0, le=255)

    @model_validator(mode="after")
    def _text_or_hex(self) -> ContentBody:
        if self.hex is None and not self.text:
            raise ValueError("must have text (or hex for binary content)")
        return self

    @field_validator("hex")
    @classmethod
    def _hex_bytes(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                bytes.fromhex(value.replace(" ", ""))
            except ValueError:
                raise ValueError("must be hex bytes, e.g. '0f c2 4a bf'") from None
        return value


class ValidityPeriodBody(Wire):
    amount: int = Field(ge=1)
    time_unit: Literal["SECONDS", "MINUTES", "HOURS"] = "MINUTES"

    @property
    def seconds(self) -> int:
        return self.amount * {"SECONDS": 1, "MINUTES": 60, "HOURS": 3600}[self.time_unit]


class MessageOptionsBody(Wire):
    platform: PlatformBody | None = None
    validity_period: ValidityPeriodBody | None = None
    delivery_time_window: DeliveryTimeWindowBody | None = None
    campaign_reference_id: str | None = Field(default=None, max_length=255)
    regional: dict[str, Any] | None = None
    flash: bool = False


class DeliveryBody(Wire):
    url: str | None = Field(default=None, max_length=2048)
    intermediate_report: bool = False
    notify: bool = True


class WebhooksBody(Wire):
    delivery: DeliveryBody | None = None
    content_type: ContentType = "application/json"
    callback_data: str | None = Field(default=None, max_length=4000)


class MessageBody(Wire):
    sender: str | None = None
    destinations: list[DestinationBody] = Field(min_length=1)
    content: ContentBody
    options: MessageOptionsBody | None = None
    webhooks: WebhooksBody | None = None

    _sender = field_validator("sender")(check_sender)


class ScheduleBody(Wire):
    bulk_id: str | None = Field(default=None, max_length=100)
    send_at: datetime | None = None
    sending_speed_limit: SpeedLimitBody | None = None


class TrackingBody(Wire):
    shorten_url: bool = True
    track_clicks: bool = True
    tracking_url: str | None = None
    remove_protocol: bool = False
    custom_domain: str | None = None


class RequestOptionsBody(Wire):
    schedule: ScheduleBody | None = None
    tracking: TrackingBody | None = None
    include_sms_count_in_response: bool = False
    conversion_tracking: dict[str, Any] | None = None


class SendRequestV3(Wire):
    """``SmsRequestEnvelope``."""

    messages: list[MessageBody] = Field(min_length=1)
    options: RequestOptionsBody | None = None


class QuerySendV3(Wire):
    """The query parameters of ``GET /sms/3/text/query``."""

    bulk_id: str | None = Field(default=None, max_length=100)
    from_: str | None = Field(default=None, alias="from")
    to: list[str] = Field(min_length=1)
    text: str = Field(min_length=1)
    flash: bool = False
    transliteration: Transliteration | None = None
    language_code: Literal["NONE", "TR", "ES", "PT", "AUTODETECT"] | None = None
    intermediate_report: bool = False
    notify_url: str | None = None
    notify_content_type: ContentType = "application/json"
    callback_data: str | None = Field(default=None, max_length=4000)
    validity_period: int | None = Field(default=None, ge=1)
    send_at: datetime | None = None
    include_sms_count_in_response: bool = False

    _sender = field_validator("from_")(check_sender)


class MessageDetailsBody(Wire):
    message_count: int


class SentMessageV3(Wire):
    message_id: str
    status: StatusBody
    destination: str
    details: MessageDetailsBody | None = None


class SendResponseV3(Wire):
    """``SmsResponseEnvelope``."""

    bulk_id: str
    messages: list[SentMessageV3]
