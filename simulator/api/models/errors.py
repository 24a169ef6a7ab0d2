"""The two Infobip error body families (CONTRACT.md section 9)."""

from __future__ import annotations

from .common import Wire


class ViolationBody(Wire):
    property: str
    violation: str


class ResourceBody(Wire):
    name: str
    url: str


class ApiError(Wire):
    """v3 endpoints: all five fields are always present."""

    error_code: str
    description: str
    action: str
    violations: list[ViolationBody]
    resources: list[ResourceBody]


class ServiceException(Wire):
    message_id: str
    text: str
    validation_errors: dict[str, list[str]] | None = None


class RequestError(Wire):
    service_exception: ServiceException


class ApiException(Wire):
    """v1/v2 endpoints, the Subscriptions API and the simulator's control API."""

    request_error: RequestError
