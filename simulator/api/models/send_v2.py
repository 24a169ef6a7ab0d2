"""The v2 (and older) send shapes: ``/sms/2/text/advanced``, ``/sms/2/binary/advanced``,
``GET /sms/1/text/query`` and the legacy ``single``/``multi`` endpoints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from .common import (
    ContentType,
    DeliveryTimeWindowBody,
    LanguageBody,
    SpeedLimitBody,
    StatusBody,
    Transliteration,
    Wire,
)
from .senders import check_sender


def _clip(length: int) -> BeforeValidator:
    """Infobip silently clips these ids instead of rejecting them."""
    return BeforeValidator(lambda v: v[:length] if isinstance(v, str) else v)


class DestinationV2(Wire):
    to: str = Field(max_length=64)
    message_id: Annotated[str | None, _clip(200)] = None


class MessageV2Base(Wire):
    """Fields common to textual and binary v2 messages."""

    destinations: list[DestinationV2] = Field(min_length=1)
    from_: str | None = Field(default=None, alias="from")
    callback_data: str | None = Field(default=None, max_length=4000)
    flash: bool = False
    intermediate_report: bool = False
    notify_url: str | None = Field(default=None, max_length=2048)
    notify_content_type: ContentType = "application/json"
    send_at: datetime | None = None
    validity_period: int | None = Field(default=None, ge=1)
    delivery_time_window: DeliveryTimeWindowBody | None = None
    regional: dict[str, Any] | None = None
    entity_id: str | None = Field(default=None, max_length=66)
    application_id: str | None = Field(default=None, max_length=66)
    campaign_reference_id: str | None = Field(default=None, max_length=255)

    _sender = field_validator("from_")(check_sender)


class TextMessageV2(MessageV2Base):
    text: str = Field(min_length=1)
    language: LanguageBody | None = None
    transliteration: Transliteration | None = None


class BinaryBody(Wire):
    hex: str
    data_coding: int = Field(default=0, ge=0, le=255)
    esm_class: int = Field(default=0, ge=0, le=255)

    @field_validator("hex")
    @classmethod
    def _hex_bytes(cls, value: str) -> str:
        try:
            bytes.fromhex(value.replace(" ", ""))
        except ValueError:
            raise ValueError("must be hex bytes, e.g. '0f c2 4a bf'") from None
        return value


class BinaryMessageV2(MessageV2Base):
    binary: BinaryBody


class TextRequestV2(Wire):
    """``SMSAdvancedTextualRequest``."""

    bulk_id: Annotated[str | None, _clip(100)] = None
    messages: list[TextMessageV2] = Field(min_length=1)
    sending_speed_limit: SpeedLimitBody | None = None
    url_options: dict[str, Any] | None = None
    tracking: dict[str, Any] | None = None
    include_sms_count_in_response: bool = False


class BinaryRequestV2(Wire):
    """``SMSAdvancedBinaryRequest``."""

    bulk_id: Annotated[str | None, _clip(100)] = None
    messages: list[BinaryMessageV2] = Field(min_length=1)
    sending_speed_limit: SpeedLimitBody | None = None
    include_sms_count_in_response: bool = False


class QuerySendV1(Wire):
    """The query parameters of the deprecated ``GET /sms/1/text/query`` (auth in the query)."""

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)
    bulk_id: Annotated[str | None, _clip(100)] = None
    from_: str | None = Field(default=None, alias="from")
    to: list[str] = Field(min_length=1)
    text: str = Field(min_length=1)
    flash: bool = False
    transliteration: Transliteration | None = None
    language_code: str | None = None
    intermediate_report: bool = False
    notify_url: str | None = None
    notify_content_type: ContentType = "application/json"
    callback_data: str | None = Field(default=None, max_length=4000)
    validity_period: int | None = Field(default=None, ge=1)
    send_at: datetime | None = None

    _sender = field_validator("from_")(check_sender)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Recipients = Annotated[list[Annotated[str, Field(max_length=64)]], BeforeValidator(_as_list)]


class SingleTextRequest(Wire):
    """Legacy ``POST /sms/1/text/single`` and ``/sms/2/text/single``: ``to`` is one or many."""

    from_: str | None = Field(default=None, alias="from")
    to: Recipients = Field(min_length=1)
    text: str = Field(min_length=1)

    _sender = field_validator("from_")(check_sender)


class MultiTextRequest(Wire):
    """Legacy ``POST /sms/1/text/multi``."""

    bulk_id: Annotated[str | None, _clip(100)] = None
    messages: list[SingleTextRequest] = Field(min_length=1)


class SentMessageV2(Wire):
    message_id: str
    status: StatusBody
    to: str
    sms_count: int | None = None


class SendResponseV2(Wire):
    """``SMSResponse`` (v2 sends, v1 query and legacy sends)."""

    bulk_id: str
    messages: list[SentMessageV2]
