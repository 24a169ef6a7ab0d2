"""Domain errors. Each carries its Infobip identity; the HTTP layer renders it per API version."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    """One invalid field: its JSON path (``messages[0].destinations[1].to``) and why."""

    property: str
    violation: str


class DomainError(Exception):
    """Base class: ``http_status`` plus the v3 ``error_code`` and the v1/v2 ``message_id``."""

    http_status = 500
    error_code = "E500"
    message_id = "GENERAL_ERROR"
    text = "Something went wrong. Please contact support."

    def __init__(self, text: str | None = None, violations: list[Violation] | None = None) -> None:
        super().__init__(text or self.text)
        if text:
            self.text = text
        self.violations = violations or []


class InvalidRequest(DomainError):
    http_status = 400
    error_code = "E400"
    message_id = "BAD_REQUEST"
    text = "Bad request"


class Unauthorized(DomainError):
    http_status = 401
    error_code = "E401"
    message_id = "UNAUTHORIZED"
    text = "Unauthorized"


class NotFound(DomainError):
    http_status = 404
    error_code = "E404"
    message_id = "NOT_FOUND"
    text = "Not found"


class TooManyRequests(DomainError):
    http_status = 429
    error_code = "E429"
    message_id = "TOO_MANY_REQUESTS"
    text = "Too many requests"

    def __init__(self, retry_after: float) -> None:
        super().__init__()
        self.retry_after = retry_after
