"""Building blocks shared by every Infobip request and response model."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Wire(BaseModel):
    """Base of every wire model: camelCase on the wire, unknown request fields ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class StatusBody(Wire):
    group_id: int
    group_name: str
    id: int
    name: str
    description: str
    action: str | None = None


class ErrorBody(Wire):
    group_id: int
    group_name: str
    id: int
    name: str
    description: str
    permanent: bool


class PriceBody(Wire):
    price_per_message: float
    currency: str


class PlatformBody(Wire):
    entity_id: str | None = Field(default=None, max_length=255)
    application_id: str | None = Field(default=None, max_length=255)


class TimeOfDay(Wire):
    hour: int = Field(ge=0, le=23)
    minute: int = Field(default=0, ge=0, le=59)


Day = Literal["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


class DeliveryTimeWindowBody(Wire):
    days: list[Day] = Field(min_length=1)
    from_: TimeOfDay | None = Field(default=None, alias="from")
    to: TimeOfDay | None = None


class SpeedLimitBody(Wire):
    amount: int = Field(ge=1)
    time_unit: Literal["MINUTE", "HOUR", "DAY"] = "MINUTE"


Transliteration = Literal[
    "NONE",
    "TURKISH",
    "GREEK",
    "CYRILLIC",
    "SERBIAN_CYRILLIC",
    "BULGARIAN_CYRILLIC",
    "CENTRAL_EUROPEAN",
    "BALTIC",
    "NON_UNICODE",
    "PORTUGUESE",
    "COLOMBIAN",
    "ALL",
]
LanguageCode = Literal["NONE", "TR", "ES", "PT", "AUTODETECT"]
ContentType = Literal["application/json", "application/xml"]


class LanguageBody(Wire):
    language_code: LanguageCode | None = None
    single_shift: bool = False
    locking_shift: bool = False
