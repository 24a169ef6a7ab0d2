"""URL shortening and click tracking.

With ``shortenUrl`` every http(s) URL in a message's text is replaced by a short link served by
the simulator (``<base>/t/<code>``), one code per URL and destination, so a click names its
recipient. The rewritten text is what is stored, counted and priced. Opening a link redirects to
the original URL; with ``trackClicks`` the click is recorded and pushed as a CLICK event to the
request's ``trackingUrl``, else to the account's SMS subscriptions for CLICK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..store.base import Store
from .ids import IdGenerator
from .messages import Message, MessageSpec, TextContent
from .notifications import Route, TargetFinder

SHORT_PATH = "/t/"
URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}"
"""Punctuation that ends a sentence rather than a URL."""


@dataclass(frozen=True, slots=True)
class Tracking:
    """A request's URL options. ``base``: scheme and host the short links start with."""

    base: str
    track_clicks: bool = True
    remove_protocol: bool = False
    notify_url: str | None = None

    def short_url(self, code: str) -> str:
        url = f"{self.base}{SHORT_PATH}{code}"
        return url.split("://", 1)[1] if self.remove_protocol else url


@dataclass(frozen=True, slots=True)
class Click:
    at: float
    user_agent: str | None


@dataclass(eq=False, slots=True)
class Link:
    """One short link: the original URL and the message (destination) it was made for."""

    code: str
    url: str
    tracking: Tracking
    account: str = ""
    message: Message | None = None
    clicks: list[Click] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The durable snapshot: the message by id."""
        message_id = self.message.id if self.message else None
        return {"url": self.url, "tracking": self.tracking, "messageId": message_id,
                "clicks": self.clicks}  # fmt: skip


@dataclass
class LinkBook:
    """Short links of every account, by code, kept in the store as they change."""

    store: Store
    ids: IdGenerator
    _links: dict[str, Link] = field(default_factory=dict)

    def shorten(self, spec: MessageSpec, tracking: Tracking) -> tuple[MessageSpec, list[Link]]:
        """A copy of ``spec`` whose URLs are short links, and those links (not yet bound)."""
        content = spec.content
        if not isinstance(content, TextContent):
            return spec, []
        links: list[Link] = []

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            url = found.rstrip(_TRAILING)
            link = Link(self._code(), url, tracking)
            links.append(link)
            return tracking.short_url(link.code) + found[len(url) :]

        text = URL.sub(swap, content.text)
        if not links:
            return spec, []
        return replace(spec, content=replace(content, text=text)), links

    def _code(self) -> str:
        return self.ids.message_id().replace("-", "")[:10]

    def bind(self, account: str, message: Message, links: list[Link]) -> None:
        """Make a message's links live once the message is stored."""
        for link in links:
            link.account = account
            link.message = message
            self._links[link.code] = link
            self.store.save("link", account, link.code, link)

    def click(self, link: Link, click: Click) -> None:
        link.clicks.append(click)
        self.store.save("link", link.account, link.code, link)

    def restore(self, link: Link) -> None:
        """Take back a kept link (after a restart)."""
        self._links[link.code] = link

    def get(self, code: str) -> Link | None:
        return self._links.get(code)

    def of_message(self, account: str, message_id: str) -> list[Link]:
        return [
            link
            for link in self._links.values()
            if link.account == account and link.message and link.message.id == message_id
        ]

    def prune(self, before: float) -> None:
        for code, link in list(self._links.items()):
            if link.message is None or link.message.sent_at < before:
                del self._links[code]
                self.store.save("link", link.account, code, None)

    def reset(self, account: str | None = None) -> None:
        for code in [c for c, link in self._links.items() if account in (None, link.account)]:
            del self._links[code]


def click_routes(link: Link, find_targets: TargetFinder) -> list[Route]:
    """Where a click on ``link`` is pushed: the request's ``trackingUrl``, else subscriptions."""
    message = link.message
    if message is None:
        return []
    if link.tracking.notify_url:
        return [Route(link.tracking.notify_url, "application/json")]
    spec = message.spec
    targets = find_targets(
        link.account,
        "CLICK",
        sender=spec.sender,
        application_id=spec.platform.application_id,
        entity_id=spec.platform.entity_id,
    )
    return [Route.of_target(t) for t in targets]
