"""Every send shape, turned into one domain :class:`Submission`.

Rules applied here (they need the request's field paths): ``sendAt`` at most 180 days ahead,
``validityPeriod`` clamped to 48 hours.
"""

from __future__ import annotations

from datetime import datetime

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
from .models.send_v2 import (
    BinaryRequestV2,
    MessageV2Base,
    MultiTextRequest,
    QuerySendV1,
    SingleTextRequest,
    TextMessageV2,
    TextRequestV2,
)
from .models.send_v3 import ContentBody, MessageBody, QuerySendV3, SendRequestV3, WebhooksBody
from .timefmt import epoch_of

DEFAULT_SENDER = "InfoSMS"
NO_PLATFORM = Platform()
DEFAULT_DELIVERY = DeliverySettings()
MAX_VALIDITY_SECONDS = 48 * 3600
MAX_SCHEDULE_SECONDS = 180 * 24 * 3600


def _send_at(value: datetime | None, path: str, now: float) -> float | None:
    if value is None:
        return None
    when = epoch_of(value)
    if when > now + MAX_SCHEDULE_SECONDS:
        raise InvalidRequest(violations=[Violation(path, "must be at most 180 days in advance")])
    return when


def _validity(seconds: int | None) -> float | None:
    return None if seconds is None else float(min(seconds, MAX_VALIDITY_SECONDS))


def _content_v3(body: ContentBody) -> Content:
    if body.hex is not None:
        return BinaryContent(body.hex, body.data_coding, body.esm_class)
    language = body.language.language_code if body.language else None
    return TextContent(body.text or "", body.transliteration, language)


def _spec_v3(message: MessageBody, send_at: float | None) -> MessageSpec:
    options = message.options
    webhooks = message.webhooks
    platform = options.platform if options else None
    validity = options.validity_period if options else None
    return MessageSpec(
        sender=message.sender or DEFAULT_SENDER,
        content=_content_v3(message.content),
        family="v3",
        callback_data=webhooks.callback_data if webhooks else None,
        platform=Platform(platform.entity_id, platform.application_id) if platform else NO_PLATFORM,
        campaign_reference_id=options.campaign_reference_id if options else None,
        validity_seconds=_validity(validity.seconds if validity else None),
        send_at=send_at,
        flash=options.flash if options else False,
        delivery=_delivery_v3(webhooks) if webhooks else DEFAULT_DELIVERY,
    )


def _delivery_v3(webhooks: WebhooksBody) -> DeliverySettings:
    delivery = webhooks.delivery
    return DeliverySettings(
        url=delivery.url if delivery else None,
        intermediate=delivery.intermediate_report if delivery else False,
        notify=delivery.notify if delivery else True,
        content_type=webhooks.content_type,
    )


def from_v3(request: SendRequestV3, now: float) -> Submission:
    schedule = request.options.schedule if request.options else None
    send_at = _send_at(schedule.send_at if schedule else None, "options.schedule.sendAt", now)
    return Submission(
        messages=[
            OutboundMessage(
                _spec_v3(message, send_at),
                [Destination(d.to, d.message_id) for d in message.destinations],
            )
            for message in request.messages
        ],
        bulk_id=schedule.bulk_id if schedule else None,
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
    )


def _text_v2(message: TextMessageV2) -> TextContent:
    language = message.language.language_code if message.language else None
    return TextContent(message.text, message.transliteration, language)


def from_v2_text(request: TextRequestV2, now: float) -> Submission:
    return Submission(
        messages=[
            OutboundMessage(
                _spec_v2(message, _text_v2(message), i, now),
                [Destination(d.to, d.message_id) for d in message.destinations],
            )
            for i, message in enumerate(request.messages)
        ],
        bulk_id=request.bulk_id,
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
                [Destination(d.to, d.message_id) for d in message.destinations],
            )
            for i, message in enumerate(request.messages)
        ],
        bulk_id=request.bulk_id,
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
