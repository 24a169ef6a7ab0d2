"""Subscriptions Management API (``/subscriptions/1/...``): request and response shapes.

Names follow the official document (``SubscriptionRequest``, ``NoIdProfileRequest``, ...); a
``NoId`` request is the update form of the request without its ID. Two ``oneOf``s of the
document are read in two steps, so that errors keep plain JSON paths: an event is one model for
both of its forms, and ``credentials`` is a JSON object checked against the model for the
security ``type`` (``CREDENTIALS``) by the handler.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import Field, field_validator, model_validator

from .common import Wire


def _names(names: str) -> frozenset[str]:
    return frozenset(names.split())


CHANNEL_EVENTS: dict[str, frozenset[str]] = {
    "AGENT_OS": _names(
        "CONVERSATION_ASSIGNMENT_UPDATED CONVERSATION_CREATED CONVERSATION_MESSAGE_DELETED "
        "CONVERSATION_MESSAGE_RECEIVED CONVERSATION_MESSAGE_UPDATED CONVERSATION_STATUS_UPDATED"
    ),
    "APPLE_MESSAGES_FOR_BUSINESS": _names("DELIVERY INBOUND_MESSAGE"),
    "BLOCKLIST": _names("BLOCK UNBLOCK"),
    "CUSTOMER_ENGAGEMENT": _names(
        "CONVERSATION_ASSIGNMENT_UPDATED CONVERSATION_CREATED CONVERSATION_MESSAGE_DELETED "
        "CONVERSATION_MESSAGE_RECEIVED CONVERSATION_MESSAGE_UPDATED CONVERSATION_STATUS_UPDATED"
    ),
    "EMAIL": _names(
        "CLICK COMPLAINT DELIVERY HIGH_BOUNCE_RATE_BLOCKED HIGH_BOUNCE_RATE_WARNING LATE_BOUNCE "
        "OPEN UNSUBSCRIBE"
    ),
    "FACEBOOK": _names("CLICK CONSENT_UPDATE DELIVERY INBOUND_MESSAGE SEEN"),
    "KAKAO_ALIM": _names("DELIVERY"),
    "KAKAO_BRAND_MESSAGE": _names("CLICK DELIVERY"),
    "LINE": _names("DELIVERY INBOUND_MESSAGE"),
    "MMS": _names("CLICK DELIVERY INBOUND_MESSAGE"),
    "MOBILE_IDENTITY": _names("SILENT_VERIFICATION"),
    "MOBILE_PUSH": _names("DELIVERY SEEN SENT"),
    "NUMBER_LOOKUP": _names("NUMBER_LOOKUP"),
    "OPEN_CHANNEL": _names("DELIVERY"),
    "RCS": _names(
        "CAP_CHECK CLICK CONVERSATION_STARTED DELIVERY INBOUND_MESSAGE SEEN SENDER_LAUNCH_UPDATE "
        "SENDER_UPDATE SUGGESTION TEMPLATE_UPDATE TEST_NUMBER_UPDATE TYPING_INDICATOR"
    ),
    "REGISTRATION": _names(
        "AI_CAMPAIGN_BUILDER AI_CAMPAIGN_FEEDBACK BRAND_AUTH_UPDATE BRAND_STATUS_UPDATE "
        "BRAND_VET_UPDATE CAMPAIGN_NETWORK_STATUS_UPDATE CAMPAIGN_STATUS_UPDATE "
        "RESOURCE_REQUEST_FOC_DATE_CHANGE RESOURCE_REQUEST_REMINDER RESOURCE_REQUEST_STATUS_UPDATE"
    ),
    "SMS": _names("CLICK DELIVERY INBOUND_MESSAGE"),
    "VIBER": _names("CLICK CONSENT_UPDATE DELIVERY INBOUND_MESSAGE SEEN TEMPLATE_UPDATE"),
    "VOICE_VIDEO": _names(
        "APPLICATION_TRANSFER_FAILED APPLICATION_TRANSFER_FINISHED APPLICATION_TRANSFER_REQUESTED "
        "BULK_CALL_STATUS CALL_DISCONNECTED CALL_ESTABLISHED CALL_FAILED CALL_FINISHED "
        "CALL_MEDIA_CHANGED CALL_PRE_ESTABLISHED CALL_RECEIVED CALL_RECONNECTED "
        "CALL_RECORDING_DELETED CALL_RECORDING_FAILED CALL_RECORDING_READY CALL_RECORDING_STARTED "
        "CALL_RECORDING_STOPPED CALL_RINGING CALL_STARTED CONFERENCE_COMPOSITION_FAILED "
        "CONFERENCE_COMPOSITION_FINISHED CONFERENCE_CREATED CONFERENCE_FINISHED "
        "CONFERENCE_RECORDING_DELETED CONFERENCE_RECORDING_FAILED CONFERENCE_RECORDING_READY "
        "CONFERENCE_RECORDING_STARTED CONFERENCE_RECORDING_STOPPED DELIVERY "
        "DIALOG_COMPOSITION_FAILED DIALOG_COMPOSITION_FINISHED DIALOG_CREATED DIALOG_ESTABLISHED "
        "DIALOG_FAILED DIALOG_FINISHED DIALOG_RECORDING_DELETED DIALOG_RECORDING_FAILED "
        "DIALOG_RECORDING_READY DIALOG_RECORDING_STARTED DIALOG_RECORDING_STOPPED "
        "DIALOG_TRANSFER_FAILED DIALOG_TRANSFER_FINISHED DIALOG_TRANSFER_REQUESTED DTMF_CAPTURED "
        "ERROR MACHINE_DETECTION_FAILED MACHINE_DETECTION_FINISHED "
        "MACHINE_MESSAGE_DETECTION_FAILED MACHINE_MESSAGE_DETECTION_FINISHED MEDIA_STREAM_FAILED "
        "MEDIA_STREAM_FINISHED MEDIA_STREAM_STARTED MISSED_CALL NUMBER_MASKING PARTICIPANT_JOINED "
        "PARTICIPANT_JOINING PARTICIPANT_JOIN_FAILED PARTICIPANT_MEDIA_CHANGED "
        "PARTICIPANT_RECORDING_FAILED PARTICIPANT_REMOVED PARTICIPANT_ROLE_CHANGED "
        "PARTICIPANT_ROLE_CHANGE_FAILED PARTICIPANT_STARTED_TALKING PARTICIPANT_STOPPED_TALKING "
        "PLAY_FINISHED SAY_FINISHED SILENT_VERIFICATION_DELIVERY SPEECH_CAPTURED TRANSCRIPTION"
    ),
    "WEB_PUSH": _names("DELIVERY"),
    "WHATSAPP": _names(
        "ACCOUNT_REGISTRATION ACCOUNT_UPDATE_NOTIFICATION BILLING BUSINESS_APP_CONTACT_SYNC "
        "BUSINESS_APP_MESSAGE_ECHO BUSINESS_APP_MESSAGE_HISTORY CLICK DELIVERY IDENTITY_CHANGE "
        "INBOUND_MESSAGE MARKETING_SUBSCRIPTION_UPDATE PAYMENT_STATUS SEEN TEMPLATE_UPDATE"
    ),
    "ZALO": _names("CLICK DELIVERY INBOUND_MESSAGE TEMPLATE_UPDATE"),
}
"""``SubscriptionChannel`` and the events of each channel (its ``Simple<Channel>Events``)."""

FORMAT_AWARE_CHANNELS = frozenset(
    {"APPLE_MESSAGES_FOR_BUSINESS", "BLOCKLIST", "FACEBOOK", "MMS", "MOBILE_IDENTITY"}
    | {"OPEN_CHANNEL", "SMS"}
)
"""Channels whose events may also be given as ``{"event", "format"}``."""

UrlSafeId = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9._~-]+$")]
"""An ID that becomes part of a URL path: no characters that need URL encoding."""
RefId = Annotated[str, Field(min_length=1, max_length=255)]
Name = Annotated[str, Field(min_length=1, max_length=255)]
Text255 = Annotated[str, Field(max_length=255)]
Required255 = Annotated[str, Field(min_length=1, max_length=255)]

CredentialsType = Literal["BASIC", "HMAC", "OAUTH", "CUSTOM"]
HmacAlgorithm = Literal[
    "HMAC_MD5", "HMAC_SHA_1", "HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"
]
SslProtocol = Literal["TLSv1.2", "TLSv1.3"]


# Security settings


class BasicCredentialsPayload(Wire):
    username: Required255
    password: Required255


class HmacCredentialsPayload(Wire):
    secret_key: Required255
    algorithm: HmacAlgorithm


class OauthCredentialsPayload(Wire):
    token_url: Required255
    grant_type: Required255
    client_id: Text255 | None = None
    client_secret: Text255 | None = None
    scope: Text255 | None = None
    username: Text255 | None = None
    password: Text255 | None = None
    resource: Text255 | None = None
    refresh_token: Text255 | None = None
    headers: dict[str, str] | None = None


CredentialsPayload = BasicCredentialsPayload | HmacCredentialsPayload | OauthCredentialsPayload

CREDENTIALS: dict[str, type[CredentialsPayload]] = {
    "BASIC": BasicCredentialsPayload,
    "HMAC": HmacCredentialsPayload,
    "OAUTH": OauthCredentialsPayload,
}
"""The credentials each security type takes; ``CUSTOM`` takes none."""


class NoIdSecurityRequest(Wire):
    type: CredentialsType | None = None
    credentials: dict[str, Any] | None = None


class SecurityRequest(NoIdSecurityRequest):
    auth_id: UrlSafeId


class IdOnlySecurityRequest(Wire):
    auth_id: RefId


class IdOnlySecurityResponse(Wire):
    auth_id: str


class SecurityResponse(IdOnlySecurityResponse):
    """As the document's example shows, the credentials are returned as they were set."""

    type: CredentialsType
    credentials: CredentialsPayload | None = None


# Notification profiles


class Webhook(Wire):
    notify_url: str = Field(max_length=512)
    content_type: Text255 | None = None


class ProfileSettings(Wire):
    """Everything of a profile but its ID and its security."""

    webhook: Webhook | None = None
    client_certificate_id: Text255 | None = None
    max_bucket_size: int | None = Field(default=None, ge=1, le=2000)
    window_size: int | None = Field(default=None, ge=20, le=10000)
    connect_timeout: int | None = Field(default=None, ge=300, le=30000)
    read_timeout: int | None = Field(default=None, ge=1000, le=90000)
    enabled_ssl_protocols: list[SslProtocol] | None = Field(
        default=None, alias="enabledSSLProtocols"
    )
    headers: dict[str, str] | None = None
    response_regex: str | None = None
    response_body_regex: str | None = None
    rate_limit: int | None = Field(default=None, ge=1, le=5000)

    @field_validator("response_regex", "response_body_regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        """Pushes are checked against these patterns, so they must compile."""
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"must be a regular expression ({exc})") from None
        return value


class NoIdProfileRequest(ProfileSettings):
    security: IdOnlySecurityRequest | None = None


class ProfileRequest(ProfileSettings):
    """A full profile definition, or (``profileId`` alone) a reference to an existing one."""

    profile_id: UrlSafeId
    security: SecurityRequest | None = None


class IdOnlyProfileRequest(Wire):
    profile_id: RefId


class IdOnlyProfileResponse(Wire):
    profile_id: str
    security: IdOnlySecurityResponse | None = None


class ProfileResponse(ProfileSettings):
    profile_id: str
    security: IdOnlySecurityResponse | None = None


# Subscriptions


class EventRequest(Wire):
    """An event as ``"DELIVERY"`` or as ``{"event": "DELIVERY", "format": "..."}``."""

    event: str
    format: str | None  # required in the object form

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, value: Any) -> Any:
        return {"event": value, "format": None} if isinstance(value, str) else value


class FormatAwareEvent(Wire):
    event: str
    format: str


class ApplicationEntityPair(Wire):
    application_id: Text255 | None = None
    entity_id: Text255 | None = None
    calls_configuration_id: Text255 | None = None


class SubscriptionSettings(Wire):
    """Everything of a subscription but its ID and its profile."""

    name: Name | None = None
    events: list[EventRequest] = Field(max_length=255)
    criteria: list[ApplicationEntityPair] = Field(default_factory=list, max_length=255)
    resources: list[Text255] = Field(default_factory=list, max_length=255)
    users: list[Text255] = Field(default_factory=list, max_length=255)


class NoIdSubscriptionRequest(SubscriptionSettings):
    profile: IdOnlyProfileRequest


class SubscriptionRequest(SubscriptionSettings):
    subscription_id: UrlSafeId
    profile: ProfileRequest


class IdOnlySubscriptionResponse(Wire):
    subscription_id: str
    profile: IdOnlyProfileResponse


class SubscriptionResponse(IdOnlySubscriptionResponse):
    name: str | None = None
    events: list[str | FormatAwareEvent]
    criteria: list[ApplicationEntityPair]
    resources: list[str]
    users: list[str]


# Lists


class PageQuery(Wire):
    page: int = Field(default=0, ge=0)
    size: int = Field(default=20, ge=1, le=100)


Filter = list[Required255]


class SubscriptionQuery(PageQuery):
    """Filters of ``GET /subscriptions/1/subscription/{channel}``; all must hold (AND)."""

    application_id: Filter = []
    entity_id: Filter = []
    calls_configuration_id: list[Annotated[str, Field(min_length=1, max_length=128)]] = []
    resource: Filter = []
    user: Filter = []


class PageInfo(Wire):
    page: int
    size: int
    total_pages: int
    total_results: int


R = TypeVar("R", bound=Wire)


class Page(Wire, Generic[R]):
    """``SubscriptionPage``, ``ProfilePage`` and ``SecurityPage``."""

    results: list[R]
    paging: PageInfo
