"""Infobip's timestamp format: ``2019-11-09T16:00:00.000+0000`` (always rendered in UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def infobip_time(epoch: float) -> str:
    """Render virtual epoch seconds the way Infobip does (milliseconds, offset without colon)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}+0000"


def epoch_of(moment: datetime) -> float:
    """Epoch seconds of a parsed timestamp; one without an offset is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
