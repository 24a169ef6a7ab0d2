"""URL shortening and click tracking: short links, redirects, recorded clicks, CLICK pushes."""

from __future__ import annotations

import json
from typing import Any

from conftest import Sim

TO = "41793026727"
LONG_URL = "https://example.com/" + "a" * 80
TEXT = "x" * 100 + " " + LONG_URL + "."


async def send_tracked(sim: Sim, tracking: dict[str, Any], text: str = TEXT, **message: Any) -> Any:
    payload = {
        "messages": [{"destinations": [{"to": TO}], "content": {"text": text}, **message}],
        "options": {"tracking": tracking, "includeSmsCountInResponse": True},
    }
    return await sim.call("POST", "/sms/3/messages", json=payload)


async def links_of(sim: Sim, message_id: str) -> list[Any]:
    results: list[Any] = (await sim.call("GET", f"/simulator/messages/{message_id}/links"))[
        "results"
    ]
    return results


async def open_link(sim: Sim, short_url: str, user_agent: str = "curl/8") -> Any:
    path = short_url.split("/t/", 1)[1]
    return await sim.client.get(
        f"/t/{path}", allow_redirects=False, headers={"User-Agent": user_agent}
    )


def hook_url(sim: Sim, name: str) -> str:
    return str(sim.client.make_url(f"/simulator/hooks/{name}"))


async def caught(sim: Sim, name: str) -> list[Any]:
    requests: list[Any] = (await sim.call("GET", f"/simulator/catcher/{name}"))["requests"]
    return requests


async def test_urls_are_replaced_by_short_links_and_counted_shortened(sim: Sim) -> None:
    sent = await send_tracked(sim, {"shortenUrl": True, "trackClicks": True})
    [message] = sent["messages"]

    [link] = await links_of(sim, message["messageId"])
    stored = await sim.message(message["messageId"])
    base = str(sim.client.make_url("/t/"))
    assert link["url"] == LONG_URL
    assert link["shortUrl"].startswith(base)
    assert stored["text"] == "x" * 100 + " " + link["shortUrl"] + "."
    assert message["details"]["messageCount"] == 1 == stored["messageCount"]


async def test_opening_a_link_redirects_and_records_the_click(sim: Sim) -> None:
    sent = await send_tracked(sim, {})
    message_id = sent["messages"][0]["messageId"]
    [link] = await links_of(sim, message_id)

    response = await open_link(sim, link["shortUrl"], "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)")

    assert response.status == 302
    assert response.headers["Location"] == LONG_URL
    [click] = (await links_of(sim, message_id))[0]["clicks"]
    assert click["userAgent"] == "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"


async def test_a_click_is_pushed_to_the_tracking_url(sim: Sim) -> None:
    sent = await send_tracked(
        sim,
        {"trackingUrl": hook_url(sim, "clicks")},
        webhooks={"callbackData": "Callback data"},
        options={
            "platform": {"applicationId": "traffic-application", "entityId": "traffic-entity"}
        },
    )
    message = sent["messages"][0]
    [link] = await links_of(sim, message["messageId"])
    clock = await sim.call("GET", "/simulator/clock")

    await open_link(sim, link["shortUrl"], "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)")
    await sim.advance(0)

    [request] = await caught(sim, "clicks")
    assert json.loads(request["body"]) == {
        "notificationType": "CLICKED",
        "recipient": TO,
        "url": LONG_URL,
        "sendDateTime": clock["nowEpochMs"],
        "messageId": message["messageId"],
        "bulkId": sent["bulkId"],
        "callbackData": "Callback data",
        "recipientInfo": {"deviceType": "Phone", "os": "iOS", "deviceName": "Apple"},
        "geoLocationInfo": {"countryName": "Switzerland"},
        "applicationId": "traffic-application",
        "entityId": "traffic-entity",
    }
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert entry["event"] == "CLICK"


async def test_a_click_is_pushed_to_click_subscriptions_only(sim: Sim) -> None:
    for sid, event in (("c", "CLICK"), ("d", "DELIVERY")):
        profile = {"profileId": f"p-{sid}", "webhook": {"notifyUrl": hook_url(sim, sid)}}
        body = {"subscriptionId": sid, "events": [event], "profile": profile}
        await sim.call("POST", "/subscriptions/1/subscription/SMS", json=body, expect=201)
    sent = await send_tracked(sim, {}, webhooks={"delivery": {"notify": False}})
    [link] = await links_of(sim, sent["messages"][0]["messageId"])

    await open_link(sim, link["shortUrl"])
    await sim.advance(0)

    [request] = await caught(sim, "c")
    assert json.loads(request["body"])["notificationType"] == "CLICKED"
    assert await caught(sim, "d") == []


async def test_custom_domain_and_removed_protocol(sim: Sim) -> None:
    tracking = {"customDomain": "sho.rt", "removeProtocol": True}
    sent = await send_tracked(sim, tracking, text=f"Go {LONG_URL}")
    stored = await sim.message(sent["messages"][0]["messageId"])
    assert stored["text"].startswith("Go sho.rt/t/")


async def test_without_click_tracking_links_redirect_but_record_nothing(sim: Sim) -> None:
    sent = await send_tracked(sim, {"trackingUrl": hook_url(sim, "none"), "trackClicks": False})
    message_id = sent["messages"][0]["messageId"]
    [link] = await links_of(sim, message_id)

    response = await open_link(sim, link["shortUrl"])
    await sim.advance(0)

    assert response.status == 302
    assert (await links_of(sim, message_id))[0]["clicks"] == []
    assert await caught(sim, "none") == []


async def test_without_shortening_the_text_is_unchanged(sim: Sim) -> None:
    sent = await send_tracked(sim, {"shortenUrl": False})
    message_id = sent["messages"][0]["messageId"]
    assert (await sim.message(message_id))["text"] == TEXT
    assert await links_of(sim, message_id) == []


async def test_each_destination_gets_its_own_links(sim: Sim) -> None:
    payload = {
        "messages": [
            {
                "destinations": [{"to": TO}, {"to": "41793026728"}],
                "content": {"text": f"See {LONG_URL} and http://b.example"},
            }
        ],
        "options": {"tracking": {}},
    }
    sent = await sim.call("POST", "/sms/3/messages", json=payload)
    links = [await links_of(sim, m["messageId"]) for m in sent["messages"]]
    assert [[link["url"] for link in found] for found in links] == [
        [LONG_URL, "http://b.example"]
    ] * 2
    assert len({link["shortUrl"] for found in links for link in found}) == 4


async def test_v2_url_options(sim: Sim) -> None:
    body = {
        "messages": [{"destinations": [{"to": TO}], "text": f"Go {LONG_URL}"}],
        "urlOptions": {"shortenUrl": True, "trackClicks": True},
    }
    sent = await sim.call("POST", "/sms/2/text/advanced", json=body)
    [link] = await links_of(sim, sent["messages"][0]["messageId"])
    response = await open_link(sim, link["shortUrl"])
    assert response.headers["Location"] == LONG_URL


async def test_v2_bad_url_options_name_their_path(sim: Sim) -> None:
    body = {
        "messages": [{"destinations": [{"to": TO}], "text": "Hi"}],
        "urlOptions": {"shortenUrl": "maybe"},
    }
    answer = await sim.call("POST", "/sms/2/text/advanced", json=body, expect=400)
    errors = answer["requestError"]["serviceException"]["validationErrors"]
    assert list(errors) == ["urlOptions.shortenUrl"]


async def test_unknown_short_link_is_not_found(sim: Sim) -> None:
    response = await sim.client.get("/t/nothing", allow_redirects=False)
    assert response.status == 404


async def test_reset_forgets_links(sim: Sim) -> None:
    sent = await send_tracked(sim, {})
    [link] = await links_of(sim, sent["messages"][0]["messageId"])
    await sim.call("POST", "/simulator/reset")
    response = await open_link(sim, link["shortUrl"])
    assert response.status == 404


async def test_v2_legacy_url_tracking_uses_its_base_url(sim: Sim) -> None:
    body = {
        "messages": [{"destinations": [{"to": TO}], "text": f"Go {LONG_URL}"}],
        "tracking": {"track": "URL", "baseUrl": "https://links.example/"},
    }
    sent = await sim.call("POST", "/sms/2/text/advanced", json=body)
    stored = await sim.message(sent["messages"][0]["messageId"])
    assert stored["text"].startswith("Go https://links.example/t/")
