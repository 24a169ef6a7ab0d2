"""Every send shape, turned into one domain :class:`Submission`.

Rules applied here (they need the request's field paths): ``sendAt`` at most 180 days ahead,
``validityPeriod`` clamped to 48 hours, delivery time windows with both or neither of
``from``/``to`` at least an hour apart. ``base`` is the scheme and host short links start with
(the request's own).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ..domain.bulks import SpeedLimit
from ..domain.errors import InvalidRequest, Violation
from ..domain.messages import (
    ApiFamily,
    BinaryContent,
    Content,
    DeliverySettings,
    MessageSpec,
    Platform,
    TextContent,
)
from ..domain.outbound import Destination, OutboundMessage, Submission
from ..domain.tracking import Tracking
from ..domain.windows import DeliveryWindow
from .errors import violations_of
from .models.common import DeliveryTimeWindowBody, SpeedLimitBody
from .models.send_v2 import (
    BinaryRequestV2,
    MessageV2Base,
    MultiTextRequest,
    QuerySendV1,
    SingleTextRequest,
    TextMessageV2,
    TextRequestV2,
)
from .models.send_v3 import (
    ContentBody,
    MessageBody,
    MessageOptionsBody,
    QuerySendV3,
    RequestOptionsBody,
    ScheduleBody,
    SendRequestV3,
    TrackingBody,
    WebhooksBody,
)
from .timefmt import epoch_of

Base = Callable[[], str]
"""Where the caller reached the simulator; asked for only when short links are made."""

DEFAULT_SENDER = "InfoSMS"
NO_PLATFORM = Platform()
DEFAULT_DELIVERY = DeliverySettings()
NO_REQUEST_OPTIONS = RequestOptionsBody()
NO_SCHEDULE = ScheduleBody()
NO_MESSAGE_OPTIONS = MessageOptionsBody()
"""Absent v3 options read as their defaults: one attribute read each instead of a test."""
MAX_VALIDITY_SECONDS = 48 * 3600
MAX_SCHEDULE_SECONDS = 180 * 24 * 3600


def _send_at(value: datetime | None, path: str, now: float) -> float | None:
    return None if value is None else check_send_at(value, path, now)


def check_send_at(value: datetime, path: str, now: float) -> float:
    """Epoch seconds of a ``sendAt``; 400 (naming ``path``) when over 180 days ahead."""
    when = epoch_of(value)
    if when > now + MAX_SCHEDULE_SECONDS:
        raise InvalidRequest(violations=[Violation(path, "must be at most 180 days in advance")])
    return when


def _window(body: DeliveryTimeWindowBody | None, index: int, field: str) -> DeliveryWindow | None:
    """The window of ``messages[index]``, whose ``field`` it is (named in a 400)."""
    if body is None:
        return None
    path = f"messages[{index}].{field}"
    if (body.from_ is None) != (body.to is None):
        raise InvalidRequest(violations=[Violation(path, "must have both from and to, or neither")])
    if body.from_ is None or body.to is None:
        return DeliveryWindow.of(body.days)
    opens = body.from_.hour * 60 + body.from_.minute
    closes = body.to.hour * 60 + body.to.minute
    if (closes - opens) % (24 * 60) < 60:
        raise InvalidRequest(violations=[Violation(path, "from and to must be at least 1h apart")])
    return DeliveryWindow.of(body.days, opens, closes)


def _speed(body: SpeedLimitBody | None) -> SpeedLimit | None:
    return SpeedLimit.of(body.amount, body.time_unit) if body else None


def _tracking(body: TrackingBody | None, base: Base) -> Tracking | None:
    """Short links when ``shortenUrl``; clicks are tracked only on short links."""
    if body is None or not body.shorten_url:
        return None
    if body.custom_domain:
        domain = body.custom_domain.rstrip("/")
        start = domain if "://" in domain else f"https://{domain}"
    else:
        start = base()
    return Tracking(start, body.track_clicks, body.remove_protocol, body.tracking_url)


def _tracking_v2(request: TextRequestV2, base: Base) -> Tracking | None:
    """``urlOptions``, or the legacy ``tracking`` with ``track: URL`` (its ``baseUrl``)."""
    if request.url_options is not None:
        return _tracking(_url_options(request.url_options), base)
    legacy = request.tracking or {}
    if legacy.get("track") != "URL":
        return None
    return Tracking(str(legacy.get("baseUrl") or base()).rstrip("/"))


def _url_options(data: dict[str, Any]) -> TrackingBody:
    """v2 ``urlOptions`` has the fields of v3 ``options.tracking``."""
    try:
        return TrackingBody.model_validate(data)
    except ValidationError as exc:
        raise InvalidRequest(violations=violations_of(exc, "urlOptions")) from None


def _validity(seconds: int | None) -> float | None:
    return None if seconds is None else float(min(seconds, MAX_VALIDITY_SECONDS))


def _content_v3(body: ContentBody) -> Content:
    if body.hex is not None:
        return BinaryContent(body.hex, body.data_coding, body.esm_class)
    language = body.language.language_code if body.language else None
    return TextContent(body.text or "", body.transliteration, language)


def _spec_v3(message: MessageBody, send_at: float | None, index: int) -> MessageSpec:
    options = message.options or NO_MESSAGE_OPTIONS
    webhooks = message.webhooks
    platform = options.platform
    validity = options.validity_period
    return MessageSpec(
        sender=message.sender or DEFAULT_SENDER,
        content=_content_v3(message.content),
        family="v3",
        callback_data=webhooks.callback_data if webhooks else None,
        platform=Platform(platform.entity_id, platform.application_id) if platform else NO_PLATFORM,
        campaign_reference_id=options.campaign_reference_id,
        validity_seconds=_validity(validity.seconds) if validity else None,
        send_at=send_at,
        flash=options.flash,
        delivery=_delivery_v3(webhooks) if webhooks else DEFAULT_DELIVERY,
        window=_window(options.delivery_time_window, index, "options.deliveryTimeWindow"),
    )


def _delivery_v3(webhooks: WebhooksBody) -> DeliverySettings:
    delivery = webhooks.delivery
    return DeliverySettings(
        url=delivery.url if delivery else None,
        intermediate=delivery.intermediate_report if delivery else False,
        notify=delivery.notify if delivery else True,
        content_type=webhooks.content_type,
    )


def from_v3(request: SendRequestV3, now: float, base: Base) -> Submission:
    options = request.options or NO_REQUEST_OPTIONS
    schedule = options.schedule or NO_SCHEDULE
    send_at = _send_at(schedule.send_at, "options.schedule.sendAt", now)
    return Submission(
        messages=[
            OutboundMessage(
                _spec_v3(message, send_at, i),
                message.destinations,
            )
            for i, message in enumerate(request.messages)
        ],
        bulk_id=schedule.bulk_id,
        speed_limit=_speed(schedule.sending_speed_limit),
        tracking=_tracking(options.tracking, base),
    )


def from_query(query: QuerySendV3 | QuerySendV1, family: ApiFamily, now: float) -> Submission:
    """Both query-string sends (v3 and the deprecated v1); only the response family differs."""
    spec = MessageSpec(
        sender=query.from_ or DEFAULT_SENDER,
        content=TextContent(query.text, query.transliteration, query.language_code),
        family=family,
        callback_data=query.callback_data,
        validity_seconds=_validity(query.validity_period * 60 if query.validity_period else None),
        send_at=_send_at(query.send_at, "sendAt", now),
        flash=query.flash,
        delivery=DeliverySettings(
            query.notify_url, query.intermediate_report, True, query.notify_content_type
        ),
    )
    return Submission([OutboundMessage(spec, [Destination(to) for to in query.to])], query.bulk_id)


def _spec_v2(message: MessageV2Base, content: Content, index: int, now: float) -> MessageSpec:
    return MessageSpec(
        sender=message.from_ or DEFAULT_SENDER,
        content=content,
        family="v2",
        callback_data=message.callback_data,
        platform=Platform(message.entity_id, message.application_id),
        campaign_reference_id=message.campaign_reference_id,
        validity_seconds=_validity(
            message.validity_period * 60 if message.validity_period else None
        ),
        send_at=_send_at(message.send_at, f"messages[{index}].sendAt", now),
        flash=message.flash,
        delivery=DeliverySettings(
            message.notify_url, message.intermediate_report, True, message.notify_content_type
        ),
        window=_window(message.delivery_time_window, index, "deliveryTimeWindow"),
    )


def _text_v2(message: TextMessageV2) -> TextContent:
    language = message.language.language_code if message.language else None
    return TextContent(message.text, message.transliteration, language)


def from_v2_text(request: TextRequestV2, now: float, base: Base) -> Submission:
    return Submission(
        messages=[
            OutboundMessage(
                _spec_v2(message, _text_v2(message), i, now),
                message.destinations,
            )
            for i, message in enumerate(request.messages)
        ],
        bulk_id=request.bulk_id,
        speed_limit=_speed(request.sending_speed_limit),
        tracking=_tracking_v2(request, base),
    )


def from_v2_binary(request: BinaryRequestV2, now: float) -> Submission:
    return Submission(
        messages=[
            OutboundMessage(
                _spec_v2(
                    message,
                    BinaryContent(
                        message.binary.hex, message.binary.data_coding, message.binary.esm_class
                    ),
                    i,
                    now,
                ),
                message.destinations,
            )
            for i, message in enumerate(request.messages)
        ],
        bulk_id=request.bulk_id,
        speed_limit=_speed(request.sending_speed_limit),
    )


def _legacy_message(message: SingleTextRequest) -> OutboundMessage:
    spec = MessageSpec(
        sender=message.from_ or DEFAULT_SENDER, content=TextContent(message.text), family="v2"
    )
    return OutboundMessage(spec, [Destination(to) for to in message.to])


def from_single(request: SingleTextRequest) -> Submission:
    return Submission([_legacy_message(request)])


def from_multi(request: MultiTextRequest) -> Submission:
    return Submission([_legacy_message(m) for m in request.messages], request.bulk_id)
