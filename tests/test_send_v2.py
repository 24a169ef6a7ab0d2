"""The v2 and older send endpoints: same behaviour as v3, v1/v2 shapes and error bodies."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from conftest import Sim

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings


def v2_message(**fields: Any) -> dict[str, Any]:
    return {"destinations": [{"to": "41793026727"}], "text": "Hello", **fields}


async def validation_errors(sim: Sim, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    body = await sim.call("POST", path, json=payload, expect=400)
    exception = body["requestError"]["serviceException"]
    assert (exception["messageId"], exception["text"]) == ("BAD_REQUEST", "Bad request")
    errors: dict[str, Any] = exception["validationErrors"]
    return errors


async def test_text_advanced_answers_the_v2_shape(sim: Sim) -> None:
    payload = {"messages": [v2_message(**{"from": "InfoSMS"})], "includeSmsCountInResponse": True}
    body = await sim.call("POST", "/sms/2/text/advanced", json=payload)
    sent = body["messages"][0]
    assert body["bulkId"]
    assert sent["to"] == "41793026727"
    assert sent["smsCount"] == 1
    assert sent["status"]["name"] == "PENDING_ACCEPTED"
    assert "destination" not in sent


async def test_text_advanced_without_count_leaves_sms_count_out(sim: Sim) -> None:
    body = await sim.call("POST", "/sms/2/text/advanced", json={"messages": [v2_message()]})
    assert "smsCount" not in body["messages"][0]


async def test_long_ids_are_clipped_not_rejected(sim: Sim) -> None:
    payload = {
        "bulkId": "b" * 150,
        "messages": [
            {"destinations": [{"to": "41793026727", "messageId": "m" * 250}], "text": "x"}
        ],
    }
    body = await sim.call("POST", "/sms/2/text/advanced", json=payload)
    assert body["bulkId"] == "b" * 100
    assert body["messages"][0]["messageId"] == "m" * 200


async def test_node_sdk_type_field_is_ignored(sim: Sim) -> None:
    payload = {"type": "text", "messages": [v2_message()]}
    body = await sim.call("POST", "/sms/2/text/advanced", json=payload)
    assert body["messages"][0]["status"]["id"] == 26


async def test_v2_validation_errors_use_api_exception(sim: Sim) -> None:
    payload = {"messages": [{"destinations": [{}], "from": "X", "callbackData": "c" * 4001}]}
    errors = await validation_errors(sim, "/sms/2/text/advanced", payload)
    assert set(errors) == {
        "messages[0].destinations[0].to",
        "messages[0].from",
        "messages[0].text",
        "messages[0].callbackData",
    }


async def test_v2_send_delivers_and_reports_in_v1_shape(sim: Sim) -> None:
    body = await sim.call("POST", "/sms/2/text/advanced", json={"messages": [v2_message()]})
    await sim.advance(5)
    [report] = await sim.reports(version=1)
    assert report["messageId"] == body["messages"][0]["messageId"]
    assert report["status"]["name"] == "DELIVERED_TO_HANDSET"


async def test_binary_advanced(sim: Sim) -> None:
    binary = {"hex": "0f c2 4a bf 34 13 ba", "dataCoding": 8, "esmClass": 0}
    payload = {
        "messages": [{"destinations": [{"to": "41793026727"}], "binary": binary}],
        "includeSmsCountInResponse": True,
    }
    body = await sim.call("POST", "/sms/2/binary/advanced", json=payload)
    assert body["messages"][0]["smsCount"] == 1
    bad = {"messages": [{"destinations": [{"to": "41793026727"}], "binary": {"hex": "xyz"}}]}
    assert set(await validation_errors(sim, "/sms/2/binary/advanced", bad)) == {
        "messages[0].binary.hex"
    }


async def test_v2_send_at_per_message_is_validated_with_its_path(sim: Sim) -> None:
    payload = {"messages": [v2_message(), v2_message(sendAt="2999-01-01T00:00:00.000+0000")]}
    errors = await validation_errors(sim, "/sms/2/text/advanced", payload)
    assert set(errors) == {"messages[1].sendAt"}


async def test_legacy_single_and_multi(sim: Sim) -> None:
    for path in ("/sms/1/text/single", "/sms/2/text/single"):
        single = {"from": "InfoSMS", "to": "41793026727", "text": "Hi"}
        body = await sim.call("POST", path, json=single)
        assert body["messages"][0]["to"] == "41793026727"
        assert body["messages"][0]["smsCount"] == 1
    many = {"from": "InfoSMS", "to": ["41793026727", "41793026728"], "text": "Hi"}
    body = await sim.call("POST", "/sms/1/text/single", json=many)
    assert len(body["messages"]) == 2
    multi = {"messages": [{"to": "41793026727", "text": "a"}, {"to": "41793026728", "text": "b"}]}
    body = await sim.call("POST", "/sms/1/text/multi", json=multi)
    assert [m["to"] for m in body["messages"]] == ["41793026727", "41793026728"]


async def test_v1_query_send_authenticates_with_query_credentials(sim: Sim) -> None:
    params = {"username": "alice", "password": "pw", "to": "41793026727,41793026728", "text": "Hi"}
    response = await sim.client.get("/sms/1/text/query", params=params)
    body = await response.json()
    assert response.status == 200
    assert len(body["messages"]) == 2
    alice = sim.as_key("alice")
    alice_logs = await alice.call("GET", "/sms/1/logs", headers={"Authorization": _basic("alice")})
    assert len(alice_logs["results"]) == 2


def _basic(user: str, password: str = "pw") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_v1_query_without_credentials_is_400(sim: Sim) -> None:
    response = await sim.client.get("/sms/1/text/query", params={"to": "41793026727", "text": "x"})
    body = await response.json()
    assert response.status == 400
    assert set(body["requestError"]["serviceException"]["validationErrors"]) == {
        "username",
        "password",
    }


@pytest.fixture
async def strict(aiohttp_client: Any) -> TestClient[Any, Any]:
    settings = Settings(clock=ClockSpec("manual"), api_keys=("alice:secret", "key-1"))
    client: TestClient[Any, Any] = await aiohttp_client(create_app(settings))
    return client


async def test_v1_query_in_strict_mode_checks_the_password(strict: TestClient[Any, Any]) -> None:
    params = {"username": "alice", "password": "secret", "to": "41793026727", "text": "x"}
    assert (await strict.get("/sms/1/text/query", params=params)).status == 200
    response = await strict.get("/sms/1/text/query", params={**params, "password": "wrong"})
    assert response.status == 401
    body = await response.json()
    assert body["requestError"]["serviceException"]["messageId"] == "UNAUTHORIZED"
