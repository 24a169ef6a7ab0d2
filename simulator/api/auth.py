"""Who is calling: Infobip's four Authorization schemes, mapped to an account.

``App <key>``, ``IBSSO <token>`` and ``Bearer <token>`` name the account by the key or token;
``Basic base64(user:password)`` names it by the user. In strict mode only configured keys (and
``user:password`` pairs) are accepted.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from ..domain.errors import Unauthorized
from .request import ACCOUNT

_TOKEN_SCHEMES = frozenset({"app", "ibsso", "bearer"})


@dataclass(frozen=True, slots=True)
class Credentials:
    account: str
    secret: str  # what strict mode compares with the configured keys


def parse_authorization(header: str | None) -> Credentials:
    """Credentials from an Authorization header; Unauthorized when missing or malformed."""
    if not header:
        raise Unauthorized()
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if not value:
        raise Unauthorized()
    scheme = scheme.lower()
    if scheme in _TOKEN_SCHEMES:
        return Credentials(value, value)
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthorized() from None
        user, sep, password = decoded.partition(":")
        if not sep or not user:
            raise Unauthorized()
        return Credentials(user, f"{user}:{password}")
    raise Unauthorized()


@dataclass(frozen=True, slots=True)
class Authenticator:
    """Open mode when ``keys`` is empty, strict mode otherwise."""

    keys: frozenset[str] = frozenset()

    def account(self, credentials: Credentials) -> str:
        if self.keys and credentials.secret not in self.keys:
            raise Unauthorized()
        return credentials.account

    def from_header(self, header: str | None) -> str:
        return self.account(parse_authorization(header))

    def from_user_password(self, username: str, password: str) -> str:
        """``/sms/1/text/query`` carries Basic-style credentials in its query string."""
        return self.account(Credentials(username, f"{username}:{password}"))


def auth_middleware(
    authenticator: Authenticator, public_paths: frozenset[str], public_prefixes: tuple[str, ...]
) -> Middleware:
    """Put the caller's account on every request to a route that needs one.

    Unmatched paths (404/405), ``public_paths`` and paths under ``public_prefixes`` pass through
    untouched, so that an unknown path answers 404 rather than 401.
    """

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        unmatched = request.match_info.http_exception is not None
        path = request.path
        if not unmatched and path not in public_paths and not path.startswith(public_prefixes):
            request[ACCOUNT] = authenticator.from_header(request.headers.get("Authorization"))
        return await handler(request)

    return middleware
