"""Who is calling: Infobip's four Authorization schemes, mapped to an account.

``App <key>``, ``IBSSO <token>`` and ``Bearer <token>`` name the account by the key or token;
``Basic base64(user:password)`` names it by the user. In strict mode only configured keys (and
``user:password`` pairs) are accepted, on the Infobip API and the control API (``/simulator/``)
alike. With ``open_control`` the control API authenticates as in open mode: any key names its
own account, except that a key naming a configured account (a configured key, or the user of a
configured ``user:password``) must still be that account's configured secret.

A path that names an account (``/simulator/accounts/{key}/...``) serves the caller's own account
only: another one answers 403, whatever the mode.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from ..domain.errors import DomainError, Unauthorized
from .request import ACCOUNT

_TOKEN_SCHEMES = frozenset({"app", "ibsso", "bearer"})
ACCOUNT_PARAMETER = "key"
"""The path parameter of the routes that name an account (``/simulator/accounts/{key}/...``)."""


class Forbidden(DomainError):
    http_status = 403
    error_code = "E403"
    message_id = "FORBIDDEN"
    text = "A key can only name its own account"


@dataclass(slots=True)
class Credentials:
    """Not frozen: one is made per request, and a frozen dataclass costs twice as much to make."""

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


def _configured_accounts(keys: frozenset[str]) -> frozenset[str]:
    """Accounts the configured keys name: each key itself and the user of a ``user:password``."""
    users = {key.partition(":")[0] for key in keys if ":" in key}
    return keys | users


@dataclass(frozen=True, slots=True)
class Authenticator:
    """Open mode when ``keys`` is empty, strict mode otherwise; ``open_control`` opens the
    control API of a strict simulator (see the module's docstring)."""

    keys: frozenset[str] = frozenset()
    open_control: bool = False
    _accounts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_accounts", _configured_accounts(self.keys))

    def account(self, credentials: Credentials, control: bool = False) -> str:
        if not self.keys or credentials.secret in self.keys:
            return credentials.account
        if control and self.open_control and credentials.account not in self._accounts:
            return credentials.account
        raise Unauthorized()

    def from_header(self, header: str | None, control: bool = False) -> str:
        return self.account(parse_authorization(header), control)

    def from_user_password(self, username: str, password: str) -> str:
        """``/sms/1/text/query`` carries Basic-style credentials in its query string."""
        return self.account(Credentials(username, f"{username}:{password}"))


def auth_middleware(
    authenticator: Authenticator,
    public_paths: frozenset[str],
    public_prefixes: tuple[str, ...],
    control_prefix: str = "/simulator/",
) -> Middleware:
    """Put the caller's account on every request to a route that needs one.

    Unmatched paths (404/405), ``public_paths`` and paths under ``public_prefixes`` pass through
    untouched, so that an unknown path answers 404 rather than 401. Paths under
    ``control_prefix`` are the control API (opened by ``Authenticator.open_control``).
    """

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        match_info = request.match_info
        path = request.path
        if (
            match_info.http_exception is None
            and path not in public_paths
            and not path.startswith(public_prefixes)
        ):
            header = request.headers.get("Authorization")
            account = authenticator.from_header(header, path.startswith(control_prefix))
            named = match_info.get(ACCOUNT_PARAMETER)
            if named is not None and named != account:
                raise Forbidden()
            request[ACCOUNT] = account
        return await handler(request)

    return middleware
