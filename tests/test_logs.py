"""Message logs: ``GET /sms/3/logs`` and ``GET /sms/1/logs`` (CONTRACT.md 5.1, 5.2, 9.3).

Logs are not consumed, show each message's current status, honour every filter (array filters
both comma-separated and repeated), page with a cursor on v3, keep 48 virtual hours, and are
limited to 120 requests per virtual minute per account and endpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import Sim
from yarl import URL

from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

TO = "41793026727"  # Switzerland, mccMnc 22801
TO_2 = "41793026728"
TO_DE = "4915112345678"  # Germany, mccMnc 26201
SETTLE = 5  # past the default path's final status (1.2 s)
RETENTION = 48 * 3600
LOGS = {3: "/sms/3/logs", 1: "/sms/1/logs"}
SENDER_PARAM = {3: "sender", 1: "from"}
DESTINATION_PARAM = {3: "destination", 1: "to"}

PRICE = {"pricePerMessage": 0.01, "currency": "EUR"}
PENDING_ACCEPTED = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 26,
    "name": "PENDING_ACCEPTED",
    "description": "Message sent to next instance",
}
DELIVERED = {
    "groupId": 3,
    "groupName": "DELIVERED",
    "id": 5,
    "name": "DELIVERED_TO_HANDSET",
    "description": "Message delivered to handset",
}
NO_ERROR_V3 = {
    "groupId": 0,
    "groupName": "OK",
    "id": 0,
    "name": "NO_ERROR",
    "description": "No Error",
    "permanent": False,
}
NO_ERROR_V1 = {**NO_ERROR_V3, "groupName": "Ok"}
E429 = {
    "errorCode": "E429",
    "description": "Too many requests sent.",
    "action": "Check request rate limit specified in the API endpoint documentation resource.",
    "violations": [],
    "resources": [
        {
            "name": "Throttling handling errors",
            "url": "https://www.infobip.com/docs/essentials/integration-best-practices"
            "#throttling-handling-errors",
        }
    ],
}
V1_429 = {
    "requestError": {
        "serviceException": {"messageId": "TOO_MANY_REQUESTS", "text": "Too many requests"}
    }
}
LOGS_PER_MINUTE = 120

Params = dict[str, str] | list[tuple[str, str]]


def infobip_time(epoch_ms: int, offset: str = "+0000") -> str:
    """``2019-11-09T16:00:00.000+0000``; ``offset`` (``+0200``, ``+02:00``) shifts the wall time."""
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:])) * sign
    moment = datetime.fromtimestamp(epoch_ms // 1000, UTC) + shift
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{epoch_ms % 1000:03d}{offset}"


async def now_ms(sim: Sim) -> int:
    clock = await sim.call("GET", "/simulator/clock")
    now: int = clock["nowEpochMs"]
    return now


async def logs(sim: Sim, version: int = 3, params: Params | None = None) -> list[Any]:
    body = await sim.call("GET", LOGS[version], params=params)
    results: list[Any] = body["results"]
    return results


async def log_ids(sim: Sim, version: int = 3, params: Params | None = None) -> list[str]:
    return [log["messageId"] for log in await logs(sim, version, params)]


async def send_v2(sim: Sim, *destinations: str, text: str = "Hello", **message: Any) -> Any:
    """POST /sms/2/text/advanced with one message to ``destinations``."""
    payload = {
        "messages": [{"destinations": [{"to": to} for to in destinations], "text": text, **message}]
    }
    return await sim.call("POST", "/sms/2/text/advanced", json=payload)


def sent_ids(sent: Any) -> list[str]:
    return [m["messageId"] for m in sent["messages"]]


async def send_one(sim: Sim, to: str = TO, **message: Any) -> str:
    [message_id] = sent_ids(await sim.send(to, **message))
    return message_id


async def send_each(sim: Sim, count: int) -> list[str]:
    """``count`` separate sends, oldest first."""
    return [await send_one(sim) for _ in range(count)]


async def get(sim: Sim, url: str | URL) -> tuple[int, Any, Any]:
    response = await sim.client.get(url, headers=sim.auth)
    return response.status, await response.json(), response.headers


# --- shapes and semantics -------------------------------------------------------------------------


async def test_v3_log_shape(sim: Sim) -> None:
    sent_at = await now_ms(sim)
    sent = await sim.send(TO, sender="MyBrand", text="Hi there")
    await sim.advance(SETTLE)

    assert await logs(sim) == [
        {
            "sender": "MyBrand",
            "destination": TO,
            "bulkId": sent["bulkId"],
            "messageId": sent_ids(sent)[0],
            "sentAt": infobip_time(sent_at),
            "doneAt": infobip_time(sent_at + 1200),
            "messageCount": 1,
            "price": PRICE,
            "status": DELIVERED,
            "error": NO_ERROR_V3,
            "content": {"text": "Hi there"},
            "mccMnc": "22801",
        }
    ]


async def test_v3_log_carries_platform_and_campaign(sim: Sim) -> None:
    platform = {"entityId": "promo-entity", "applicationId": "marketing-app"}
    await sim.send(TO, options={"platform": platform, "campaignReferenceId": "summer"})

    [log] = await logs(sim)

    assert log["platform"] == platform
    assert log["campaignReferenceId"] == "summer"


async def test_v1_log_shape(sim: Sim) -> None:
    sent_at = await now_ms(sim)
    sent = await send_v2(sim, TO, text="Hi there", **{"from": "MyBrand"})
    await sim.advance(SETTLE)

    assert await logs(sim, 1) == [
        {
            "bulkId": sent["bulkId"],
            "messageId": sent_ids(sent)[0],
            "to": TO,
            "from": "MyBrand",
            "text": "Hi there",
            "sentAt": infobip_time(sent_at),
            "doneAt": infobip_time(sent_at + 1200),
            "smsCount": 1,
            "mccMnc": "22801",
            "price": PRICE,
            "status": DELIVERED,
            "error": NO_ERROR_V1,
        }
    ]


async def test_v1_log_carries_platform_and_campaign_flat(sim: Sim) -> None:
    fields = {"entityId": "promo-entity", "applicationId": "marketing-app"}
    await send_v2(sim, TO, campaignReferenceId="summer", **fields)

    [log] = await logs(sim, 1)

    assert {k: log[k] for k in ("entityId", "applicationId", "campaignReferenceId")} == {
        **fields,
        "campaignReferenceId": "summer",
    }


@pytest.mark.parametrize("version", [3, 1])
async def test_logs_are_not_consumed(sim: Sim, version: int) -> None:
    await sim.send(TO, TO_2)
    await sim.advance(SETTLE)

    first = await logs(sim, version)

    assert len(first) == 2
    assert await logs(sim, version) == first


@pytest.mark.parametrize("version", [3, 1])
async def test_logs_show_the_current_status(sim: Sim, version: int) -> None:
    await sim.send(TO)

    [pending] = await logs(sim, version)
    assert pending["status"] == PENDING_ACCEPTED
    assert "doneAt" not in pending

    await sim.advance(SETTLE)
    [delivered] = await logs(sim, version)
    assert delivered["status"] == DELIVERED
    assert "doneAt" in delivered


@pytest.mark.parametrize("version", [3, 1])
async def test_logs_are_newest_first(sim: Sim, version: int) -> None:
    sent = await send_each(sim, 3)

    assert await log_ids(sim, version) == sent[::-1]


async def test_accounts_never_see_each_others_logs(sim: Sim) -> None:
    alice, bob = sim.as_key("alice"), sim.as_key("bob")
    from_alice = await send_one(alice)
    from_bob = await send_one(bob)

    assert await log_ids(alice) == [from_alice]
    assert await log_ids(bob) == [from_bob]


# --- filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [3, 1])
async def test_sender_filter(sim: Sim, version: int) -> None:
    wanted = await send_one(sim, sender="AlphaCo")
    await send_one(sim, sender="BetaCo")
    await send_one(sim)

    assert await log_ids(sim, version, {SENDER_PARAM[version]: "AlphaCo"}) == [wanted]


@pytest.mark.parametrize("version", [3, 1])
async def test_destination_filter(sim: Sim, version: int) -> None:
    wanted, _ = sent_ids(await sim.send(TO, TO_2))

    assert await log_ids(sim, version, {DESTINATION_PARAM[version]: TO}) == [wanted]


@pytest.mark.parametrize("version", [3, 1])
@pytest.mark.parametrize("form", ["comma", "repeated"])
async def test_bulk_id_list_filter(sim: Sim, version: int, form: str) -> None:
    bulks = [await sim.send(TO, TO_2) for _ in range(3)]
    a, b = bulks[0]["bulkId"], bulks[2]["bulkId"]
    params = [("bulkId", f"{a},{b}")] if form == "comma" else [("bulkId", a), ("bulkId", b)]

    found = await log_ids(sim, version, params)

    assert sorted(found) == sorted(sent_ids(bulks[0]) + sent_ids(bulks[2]))


@pytest.mark.parametrize("version", [3, 1])
@pytest.mark.parametrize("form", ["comma", "repeated"])
async def test_message_id_list_filter(sim: Sim, version: int, form: str) -> None:
    first, _, third = await send_each(sim, 3)
    params = (
        [("messageId", f"{first},{third}")]
        if form == "comma"
        else [("messageId", first), ("messageId", third)]
    )

    assert await log_ids(sim, version, params) == [third, first]


@pytest.mark.parametrize("version", [3, 1])
async def test_general_status_filter(sim: Sim, version: int) -> None:
    deliverable, rejected = sent_ids(await sim.send(TO, "abc"))
    await sim.advance(SETTLE)

    assert await log_ids(sim, version, {"generalStatus": "REJECTED"}) == [rejected]
    assert await log_ids(sim, version, {"generalStatus": "DELIVERED"}) == [deliverable]
    assert await log_ids(sim, version, {"generalStatus": "EXPIRED"}) == []


async def test_general_status_filter_sees_pending_messages(sim: Sim) -> None:
    pending = await send_one(sim)

    assert await log_ids(sim, params={"generalStatus": "PENDING"}) == [pending]
    assert await log_ids(sim, params={"generalStatus": "DELIVERED"}) == []


@pytest.mark.parametrize("version", [3, 1])
async def test_unknown_general_status_is_400(sim: Sim, version: int) -> None:
    body = await sim.call("GET", LOGS[version], params={"generalStatus": "LOST"}, expect=400)

    if version == 3:
        assert body["errorCode"] == "E400"
        assert [v["property"] for v in body["violations"]] == ["generalStatus"]
    else:
        exception = body["requestError"]["serviceException"]
        assert exception["messageId"] == "BAD_REQUEST"
        assert list(exception["validationErrors"]) == ["generalStatus"]


async def three_sends_ten_seconds_apart(sim: Sim) -> tuple[list[str], int]:
    """Messages sent at t0, t0+10 s and t0+20 s; returns their ids (oldest first) and t0."""
    t0 = await now_ms(sim)
    sent = []
    for _ in range(3):
        sent.append(await send_one(sim))
        await sim.advance(10)
    return sent, t0


@pytest.mark.parametrize("version", [3, 1])
@pytest.mark.parametrize("offset", ["+0000", "+00:00", "+0200", "-05:30"])
async def test_sent_since_and_until(sim: Sim, version: int, offset: str) -> None:
    (first, second, third), t0 = await three_sends_ten_seconds_apart(sim)
    since = infobip_time(t0 + 5_000, offset)
    until = infobip_time(t0 + 15_000, offset)

    assert await log_ids(sim, version, {"sentSince": since}) == [third, second]
    assert await log_ids(sim, version, {"sentUntil": until}) == [second, first]
    assert await log_ids(sim, version, {"sentSince": since, "sentUntil": until}) == [second]


async def test_sent_since_and_until_are_inclusive(sim: Sim) -> None:
    (_, second, _), t0 = await three_sends_ten_seconds_apart(sim)
    at_second = infobip_time(t0 + 10_000)

    assert await log_ids(sim, params={"sentSince": at_second, "sentUntil": at_second}) == [second]


@pytest.mark.parametrize("version", [3, 1])
async def test_unencoded_plus_in_offset_arrives_as_space_and_still_works(
    sim: Sim, version: int
) -> None:
    (_, second, third), t0 = await three_sends_ten_seconds_apart(sim)
    since = infobip_time(t0 + 5_000)
    assert "+" in since
    url = URL(f"{LOGS[version]}?sentSince={since}", encoded=True)  # '+' left as is: a space

    status, body, _ = await get(sim, url)

    assert status == 200, body
    assert [log["messageId"] for log in body["results"]] == [third, second]


@pytest.mark.parametrize("version", [3, 1])
async def test_mcc_mnc_filters(sim: Sim, version: int) -> None:
    swiss = await send_one(sim, TO)
    german = await send_one(sim, TO_DE)

    assert await log_ids(sim, version, {"mcc": "228"}) == [swiss]
    assert await log_ids(sim, version, {"mcc": "228", "mnc": "01"}) == [swiss]
    assert await log_ids(sim, version, {"mcc": "228", "mnc": "02"}) == []
    assert await log_ids(sim, version, {"mcc": "262"}) == [german]
    assert await log_ids(sim, version, {"mcc": "310"}) == []


async def test_v3_mnc_without_mcc_is_400_api_error(sim: Sim) -> None:
    body = await sim.call("GET", "/sms/3/logs", params={"mnc": "01"}, expect=400)

    assert body["errorCode"] == "E400"
    assert body["description"] == "Request cannot be processed."
    assert body["resources"] == []
    assert body["violations"] == [{"property": "mnc", "violation": "mnc requires mcc"}]


async def test_v1_mnc_without_mcc_is_400_api_exception(sim: Sim) -> None:
    body = await sim.call("GET", "/sms/1/logs", params={"mnc": "01"}, expect=400)

    exception = body["requestError"]["serviceException"]
    assert (exception["messageId"], exception["text"]) == ("BAD_REQUEST", "Bad request")
    assert exception["validationErrors"] == {"mnc": ["mnc requires mcc"]}


@pytest.mark.parametrize("name", ["entityId", "applicationId"])
async def test_v3_platform_filters(sim: Sim, name: str) -> None:
    wanted = await send_one(sim, options={"platform": {name: "x-1"}})
    await send_one(sim, options={"platform": {name: "x-2"}})
    await send_one(sim)

    assert await log_ids(sim, 3, {name: "x-1"}) == [wanted]


@pytest.mark.parametrize("name", ["entityId", "applicationId"])
async def test_v1_platform_filters(sim: Sim, name: str) -> None:
    [wanted] = sent_ids(await send_v2(sim, TO, **{name: "x-1"}))
    await send_v2(sim, TO, **{name: "x-2"})
    await send_v2(sim, TO)

    assert await log_ids(sim, 1, {name: "x-1"}) == [wanted]


@pytest.mark.parametrize("version", [3, 1])
@pytest.mark.parametrize("form", ["comma", "repeated"])
async def test_campaign_reference_id_list_filter(sim: Sim, version: int, form: str) -> None:
    a = await send_one(sim, options={"campaignReferenceId": "camp-a"})
    await send_one(sim, options={"campaignReferenceId": "camp-b"})
    c = await send_one(sim, options={"campaignReferenceId": "camp-c"})
    await send_one(sim)
    params = (
        [("campaignReferenceId", "camp-a,camp-c")]
        if form == "comma"
        else [("campaignReferenceId", "camp-a"), ("campaignReferenceId", "camp-c")]
    )

    assert await log_ids(sim, version, params) == [c, a]


async def test_filters_combine(sim: Sim) -> None:
    wanted, _ = sent_ids(await sim.send(TO, TO_DE, sender="AlphaCo"))
    await sim.send(TO, sender="BetaCo")

    assert await log_ids(sim, params={"sender": "AlphaCo", "mcc": "228"}) == [wanted]


# --- limit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [3, 1])
async def test_limit_returns_the_newest(sim: Sim, version: int) -> None:
    sent = await send_each(sim, 5)

    assert await log_ids(sim, version, {"limit": "2"}) == sent[::-1][:2]


@pytest.mark.parametrize("version", [3, 1])
async def test_default_limit_is_50(sim: Sim, version: int) -> None:
    await sim.send(*[str(41790000000 + i) for i in range(60)])

    assert len(await logs(sim, version)) == 50


@pytest.mark.parametrize("version", [3, 1])
async def test_limit_is_clamped_to_1000(sim: Sim, version: int) -> None:
    await sim.send(*[str(41790000000 + i) for i in range(1001)])

    assert len(await logs(sim, version, {"limit": "1000"})) == 1000
    assert len(await logs(sim, version, {"limit": "5000"})) == 1000


# --- cursor paging (v3) ---------------------------------------------------------------------------


async def page(sim: Sim, limit: int, cursor: str | None = None, **params: str) -> Any:
    query = {"useCursor": "true", "limit": str(limit), **params}
    if cursor is not None:
        query["cursor"] = cursor
    return await sim.call("GET", "/sms/3/logs", params=query)


async def all_pages(sim: Sim, limit: int, **params: str) -> list[Any]:
    pages = [await page(sim, limit, **params)]
    while pages[-1]["cursor"].get("nextCursor") is not None:
        assert len(pages) < 100, "cursor paging does not end"
        pages.append(await page(sim, limit, pages[-1]["cursor"]["nextCursor"], **params))
    return pages


async def test_cursor_paging_walks_every_message_once_newest_first(sim: Sim) -> None:
    sent = await send_each(sim, 5)

    pages = await all_pages(sim, 2)

    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    assert [p["cursor"]["limit"] for p in pages] == [2, 2, 2]
    assert "nextCursor" not in pages[-1]["cursor"]
    assert [log["messageId"] for p in pages for log in p["results"]] == sent[::-1]


async def test_cursor_limit_defaults_to_50(sim: Sim) -> None:
    await send_each(sim, 2)

    body = await sim.call("GET", "/sms/3/logs", params={"useCursor": "true"})

    assert body["cursor"] == {"limit": 50}
    assert len(body["results"]) == 2


async def test_cursor_paging_ends_without_an_empty_page(sim: Sim) -> None:
    await send_each(sim, 4)

    pages = await all_pages(sim, 2)

    assert [len(p["results"]) for p in pages] == [2, 2]


async def test_cursor_paging_keeps_the_filter(sim: Sim) -> None:
    wanted = []
    for _ in range(3):
        wanted.append(await send_one(sim, sender="AlphaCo"))
        await send_one(sim, sender="BetaCo")

    pages = await all_pages(sim, 2, sender="AlphaCo")

    assert [log["messageId"] for p in pages for log in p["results"]] == wanted[::-1]


async def test_cursor_page_ignores_messages_sent_after_the_first_page(sim: Sim) -> None:
    sent = await send_each(sim, 3)
    first = await page(sim, 2)
    await send_one(sim)

    second = await page(sim, 2, first["cursor"]["nextCursor"])

    assert [log["messageId"] for log in second["results"]] == [sent[0]]


@pytest.mark.parametrize("cursor", ["not-a-cursor", "!!!", "Zm9vOjE"])  # last: base64 'foo:1'
async def test_invalid_cursor_is_400_on_cursor(sim: Sim, cursor: str) -> None:
    body = await sim.call(
        "GET", "/sms/3/logs", params={"useCursor": "true", "cursor": cursor}, expect=400
    )

    assert body["errorCode"] == "E400"
    assert body["description"] == "Request cannot be processed."
    assert [v["property"] for v in body["violations"]] == ["cursor"]


# --- retention ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [3, 1])
async def test_logs_older_than_48_hours_are_gone(sim: Sim, version: int) -> None:
    await sim.send(TO)
    await sim.advance(RETENTION + 1)

    assert await logs(sim, version) == []


async def test_logs_younger_than_48_hours_are_kept(sim: Sim) -> None:
    sent = await send_one(sim)
    await sim.advance(RETENTION - 1)

    assert await log_ids(sim) == [sent]


# --- rate limit -----------------------------------------------------------------------------------


async def use_up_the_minute(sim: Sim, version: int) -> None:
    for _ in range(LOGS_PER_MINUTE):
        await sim.call("GET", LOGS[version])


async def test_v3_121st_request_in_a_minute_is_429(sim: Sim) -> None:
    await use_up_the_minute(sim, 3)

    status, body, headers = await get(sim, "/sms/3/logs")

    assert (status, body) == (429, E429)
    assert headers["Retry-After"] == "60"


async def test_v1_121st_request_in_a_minute_is_429(sim: Sim) -> None:
    await use_up_the_minute(sim, 1)

    status, body, headers = await get(sim, "/sms/1/logs")

    assert (status, body) == (429, V1_429)
    assert headers["Retry-After"] == "60"


@pytest.mark.parametrize("version", [3, 1])
async def test_the_limit_lifts_once_the_minute_has_passed(sim: Sim, version: int) -> None:
    await use_up_the_minute(sim, version)
    await sim.advance(59)

    status, _, headers = await get(sim, LOGS[version])
    assert (status, headers["Retry-After"]) == (429, "1")

    await sim.advance(1)
    await sim.call("GET", LOGS[version])


async def test_the_limit_is_per_account_and_endpoint(sim: Sim) -> None:
    await use_up_the_minute(sim, 3)

    await sim.call("GET", "/sms/1/logs")
    await sim.as_key("someone-else").call("GET", "/sms/3/logs")
    await sim.call("GET", "/sms/3/logs", expect=429)


class TestWithoutRateLimits:
    @pytest.fixture
    def settings(self) -> Settings:
        return Settings(clock=ClockSpec("manual"), rate_limits=False)

    @pytest.mark.parametrize("version", [3, 1])
    async def test_130_requests_in_a_minute_all_succeed(self, sim: Sim, version: int) -> None:
        statuses = []
        for _ in range(130):
            response = await sim.client.get(LOGS[version], headers=sim.auth)
            statuses.append(response.status)
            await response.read()

        assert statuses == [200] * 130
