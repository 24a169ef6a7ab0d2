"""Short links: ``GET /t/{code}`` (public: a phone opens it without an API key) redirects to the
original URL and, when clicks are tracked, records the click and pushes a CLICK event; the
control API lists a message's links and clicks."""

from __future__ import annotations

from aiohttp import web

from ..domain.errors import NotFound
from ..domain.messages import Message
from ..domain.networks import COUNTRY_NAMES, network_of
from ..domain.tracking import SHORT_PATH, Click, Link, click_routes
from ..keys import notifier_key, outbound_key, outbox_key
from ..webhooks.bodies import XML, to_xml
from .models.tracking import (
    ClickBody,
    GeoLocationInfo,
    LinkBody,
    LinkList,
    RecipientInfo,
    UrlTrackingWebhook,
)
from .request import account_of
from .responses import wire_response
from .subscriptions import subscriptions_key
from .timefmt import infobip_time

_DEVICES = (
    ("iPhone", "Phone", "iOS", "Apple"),
    ("iPad", "Tablet", "iOS", "Apple"),
    ("Android", "Phone", "Android", None),
    ("Windows", "Desktop", "Windows", None),
    ("Mac OS X", "Desktop", "macOS", "Apple"),
    ("Linux", "Desktop", "Linux", None),
)
"""User-Agent marker -> device type, OS and device name, first match wins."""


def recipient_info(user_agent: str | None) -> RecipientInfo:
    for marker, device_type, os, name in _DEVICES:
        if user_agent and marker in user_agent:
            return RecipientInfo(device_type=device_type, os=os, device_name=name)
    return RecipientInfo()


def country_name(number: str) -> str | None:
    """The recipient's country (clicks are located by the number: the simulator has no GeoIP).

    A small table rather than libphonenumber's geocoder, whose data costs ~100 MB and 0.25 s
    at start."""
    return COUNTRY_NAMES.get(network_of(number).region)


def click_event(message: Message, link: Link, click: Click) -> UrlTrackingWebhook:
    spec = message.spec
    return UrlTrackingWebhook(
        recipient=message.to,
        url=link.url,
        send_date_time=round(click.at * 1000),
        message_id=message.id,
        bulk_id=message.bulk_id,
        callback_data=spec.callback_data,
        recipient_info=recipient_info(click.user_agent),
        geo_location_info=GeoLocationInfo(country_name=country_name(message.to)),
        application_id=spec.platform.application_id,
        entity_id=spec.platform.entity_id,
    )


def _body(event: UrlTrackingWebhook, content_type: str) -> bytes:
    if content_type == XML:
        data = event.model_dump(mode="json", by_alias=True, exclude_none=True)
        return to_xml("UrlTrackingWebhook", data)
    return event.model_dump_json(by_alias=True, exclude_none=True).encode()


def _push_click(request: web.Request, message: Message, link: Link, click: Click) -> None:
    notifier = request.app[notifier_key]
    outbox = request.app[outbox_key]
    event = click_event(message, link, click)
    for route in click_routes(link, request.app[subscriptions_key].targets):
        push = notifier.push(route, _body(event, route.content_type))
        outbox.enqueue(link.account, "CLICK", push, (message.id,), route.subscription_id)


async def open_link(request: web.Request) -> web.Response:
    """GET /t/{code}: 302 to the original URL."""
    outbound = request.app[outbound_key]
    link = outbound.links.get(request.match_info["code"])
    if link is None:
        raise NotFound("Link not found")
    message = link.message
    if link.tracking.track_clicks and message is not None:
        click = Click(outbound.scheduler.clock.now(), request.headers.get("User-Agent"))
        outbound.links.click(link, click)
        _push_click(request, message, link, click)
    # Returned, not raised: a raised HTTPFound's traceback is cyclic garbage, one per click.
    return web.Response(status=302, headers={"Location": link.url})


async def message_links(request: web.Request) -> web.Response:
    """Control API: GET /simulator/messages/{message_id}/links, with each link's clicks."""
    links = request.config_dict[outbound_key].links
    found = links.of_message(account_of(request), request.match_info["message_id"])
    return wire_response(
        LinkList(
            results=[
                LinkBody(
                    short_url=link.tracking.short_url(link.code),
                    url=link.url,
                    clicks=[
                        ClickBody(at=infobip_time(c.at), user_agent=c.user_agent)
                        for c in link.clicks
                    ],
                )
                for link in found
            ]
        )
    )


def setup_tracking_routes(app: web.Application) -> None:
    app.router.add_get(SHORT_PATH + "{code}", open_link)
