"""Wire models of the control API (``/simulator/...``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from ..api.models.common import ErrorBody, PlatformBody, PriceBody, StatusBody, Wire


class ClockBody(Wire):
    mode: str
    now: str
    now_epoch_ms: int
    pending_events: int
    next_event_at: str | None = None


class AdvanceRequest(Wire):
    """Exactly one of: ``seconds`` to move by, ``to`` a time to move to, ``next`` event."""

    seconds: float | None = Field(default=None, ge=0, le=400 * 24 * 3600)
    to: datetime | None = None
    next: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> AdvanceRequest:
        given = sum([self.seconds is not None, self.to is not None, self.next])
        if given != 1:
            raise ValueError("give exactly one of seconds, to or next")
        return self


class AdvanceResponse(ClockBody):
    events_run: int


class TransitionBody(Wire):
    at: str
    status: StatusBody


class MessageBody(Wire):
    message_id: str
    bulk_id: str | None = None
    to: str
    sender: str
    api: str
    text: str | None = None
    hex: str | None = None
    message_count: int
    status: StatusBody
    error: ErrorBody
    sent_at: str
    done_at: str | None = None
    mcc_mnc: str | None = None
    price: PriceBody
    callback_data: str | None = None
    platform: PlatformBody | None = None
    campaign_reference_id: str | None = None
    history: list[TransitionBody]


class MessageList(Wire):
    results: list[MessageBody]


class ResetRequest(Wire):
    all: bool = False


class ResetResponse(Wire):
    reset: str


class HealthBody(Wire):
    status: str
    clock: str
    mode: str
    """``strict``: only the configured keys are accepted (``--api-key``); ``open``: any key."""
    control_mode: str
    """The same for the control API (``/simulator/``): ``open`` also with ``--open-control``."""
