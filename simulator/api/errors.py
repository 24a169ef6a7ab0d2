"""Rendering every failure in the error family of the endpoint that was called.

``/sms/3/*`` answers ``ApiError``; every other path (v1/v2, subscriptions, the control API)
answers ``ApiException``. The middleware here is the only place that turns exceptions into
responses: nothing escapes as a bare 500 or a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import ValidationError

from ..domain.errors import DomainError, TooManyRequests, Violation
from .models.errors import (
    ApiError,
    ApiException,
    RequestError,
    ResourceBody,
    ServiceException,
    ViolationBody,
)

log = logging.getLogger(__name__)

_DOCS = "https://www.infobip.com/docs/essentials"
_V3: dict[int, tuple[str, str, str, list[ResourceBody]]] = {
    400: ("E400", "Request cannot be processed.",
          "Check the syntax, violations and adjust the request.", []),
    401: ("E401", "The request lacks valid authentication credentials for the requested resource.",
          "Check the resources and adjust authentication credentials.",
          [ResourceBody(name="API Authentication", url=f"{_DOCS}/api-authentication")]),
    403: ("E403", "Insufficient permissions to access the requested resource.",
          "Repeat the request with new or different credentials.",
          [ResourceBody(name="API Scopes",
                        url=f"{_DOCS}/api-essentials/api-authorization#api-scopes")]),
    404: ("E404", "Requested resource not found.", "Check the path and the identifiers.", []),
    405: ("E405", "Method not allowed.", "Use a method this resource supports.", []),
    413: ("E413", "Request entity too large.", "Reduce the size of the request body.", []),
    415: ("E415", "Unsupported media type.", "Send the request body as application/json.", []),
    429: ("E429", "Too many requests sent.",
          "Check request rate limit specified in the API endpoint documentation resource.",
          [ResourceBody(name="Throttling handling errors",
                        url=f"{_DOCS}/integration-best-practices#throttling-handling-errors")]),
    500: ("E500", "Something went wrong.", "Contact the support.", []),
    503: ("E503", "Service unavailable.", "Repeat the request later.", []),
}  # fmt: skip
_V1: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "Bad request"),
    401: ("UNAUTHORIZED", "Unauthorized"),
    403: ("FORBIDDEN", "Forbidden"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    408: ("REQUEST_TIMEOUT", "Request timeout"),
    413: ("REQUEST_ENTITY_TOO_LARGE", "Request entity too large"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
    429: ("TOO_MANY_REQUESTS", "Too many requests"),
    500: ("GENERAL_ERROR", "Something went wrong. Please contact support."),
    503: ("SERVICE_UNAVAILABLE", "Service unavailable"),
}


def is_v3(path: str) -> bool:
    return path.startswith("/sms/3/")


def error_response(
    path: str,
    status: int,
    violations: Iterable[Violation] = (),
    text: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """The Infobip error body for ``status`` in the family of ``path``."""
    found = list(violations)
    if is_v3(path):
        code, description, action, resources = _V3.get(status, _V3[500])
        body: ApiError | ApiException = ApiError(
            error_code=code,
            description=description,
            action=action,
            violations=[ViolationBody(property=v.property, violation=v.violation) for v in found],
            resources=resources,
        )
    else:
        message_id, default_text = _V1.get(status, _V1[500])
        grouped: dict[str, list[str]] = {}
        for v in found:
            grouped.setdefault(v.property, []).append(v.violation)
        body = ApiException(
            request_error=RequestError(
                service_exception=ServiceException(
                    message_id=message_id,
                    text=text or default_text,
                    validation_errors=grouped or None,
                )
            )
        )
    return web.Response(
        status=status,
        body=body.model_dump_json(by_alias=True, exclude_none=True),
        content_type="application/json",
        headers=headers,
    )


def json_path(loc: tuple[int | str, ...]) -> str:
    """``('messages', 0, 'destinations', 1, 'to')`` -> ``messages[0].destinations[1].to``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def violations_of(error: ValidationError, prefix: str = "") -> list[Violation]:
    """Every violating field of a pydantic error, with its JSON path (under ``prefix``)."""
    found = []
    for item in error.errors(include_url=False):
        if item["type"] == "json_invalid":
            found.append(Violation("body", f"Malformed JSON: {item['ctx']['error']}"))
            continue
        path = json_path(tuple(item["loc"]))
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = item["msg"].removeprefix("Value error, ")
        found.append(Violation(path or "body", message))
    return found


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render domain errors, validation errors and HTTP errors in Infobip's shapes."""
    path = request.path
    try:
        return await handler(request)
    except TooManyRequests as exc:
        headers = {"Retry-After": str(max(1, round(exc.retry_after)))}
        return error_response(path, exc.http_status, headers=headers)
    except DomainError as exc:
        return error_response(path, exc.http_status, exc.violations, text=exc.text)
    except ValidationError as exc:
        return error_response(path, 400, violations_of(exc))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(path, exc.status, headers=_allow_header(exc))
    except Exception:
        log.exception("unexpected error on %s %s", request.method, path)
        return error_response(path, 500)


def _allow_header(exc: web.HTTPException) -> dict[str, str] | None:
    allow = exc.headers.get("Allow")
    return {"Allow": allow} if allow else None
