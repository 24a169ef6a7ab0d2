"""Authentication on every endpoint, and errors in the endpoint's Infobip error family."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from conftest import Sim

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.domain.outbound import Outbound
from simulator.settings import Settings

SEND_V3 = {"messages": [{"destinations": [{"to": "41793026727"}], "content": {"text": "Hi"}}]}
E401 = {
    "errorCode": "E401",
    "description": "The request lacks valid authentication credentials for the requested resource.",
    "action": "Check the resources and adjust authentication credentials.",
    "violations": [],
    "resources": [
        {
            "name": "API Authentication",
            "url": "https://www.infobip.com/docs/essentials/api-authentication",
        }
    ],
}
V1_401 = {
    "requestError": {"serviceException": {"messageId": "UNAUTHORIZED", "text": "Unauthorized"}}
}
PROTECTED = [
    ("POST", "/sms/3/messages"),
    ("GET", "/sms/3/text/query"),
    ("POST", "/sms/2/text/advanced"),
    ("POST", "/sms/2/binary/advanced"),
    ("POST", "/sms/1/text/single"),
    ("POST", "/sms/2/text/single"),
    ("POST", "/sms/1/text/multi"),
    ("GET", "/sms/3/reports"),
    ("GET", "/sms/1/reports"),
    ("GET", "/sms/3/logs"),
    ("GET", "/sms/1/logs"),
    ("GET", "/simulator/clock"),
    ("POST", "/simulator/clock/advance"),
    ("GET", "/simulator/messages"),
    ("GET", "/simulator/messages/x"),
    ("POST", "/simulator/reset"),
]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def raw(client: TestClient[Any, Any], method: str, path: str, **kw: Any) -> tuple[int, Any]:
    response = await client.request(method, path, **kw)
    return response.status, await response.json()


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_missing_credentials_get_401_in_the_right_family(
    sim: Sim, method: str, path: str
) -> None:
    status, body = await raw(sim.client, method, path)
    assert status == 401
    assert body == (E401 if path.startswith("/sms/3/") else V1_401)


@pytest.mark.parametrize(
    "header",
    ["", "App", "App ", "Token abc", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode()],
)
async def test_malformed_authorization_is_401(sim: Sim, header: str) -> None:
    status, body = await raw(sim.client, "GET", "/sms/3/reports", headers={"Authorization": header})
    assert (status, body) == (401, E401)


@pytest.mark.parametrize(
    "header", ["App key-1", "IBSSO key-1", "Bearer key-1", "app key-1", basic("key-1", "pw")]
)
async def test_every_infobip_scheme_names_the_account(sim: Sim, header: str) -> None:
    status, body = await raw(
        sim.client, "POST", "/sms/3/messages", json=SEND_V3, headers={"Authorization": header}
    )
    assert status == 200
    listed = await sim.as_key("key-1").call(
        "GET", "/simulator/messages", headers={"Authorization": header}
    )
    assert [m["messageId"] for m in listed["results"]] == [body["messages"][0]["messageId"]]


async def test_accounts_are_isolated(sim: Sim) -> None:
    alice, bob = sim.as_key("alice"), sim.as_key("bob")
    sent = await alice.send("41793026727")
    await alice.advance(5)
    assert (await bob.call("GET", "/simulator/messages"))["results"] == []
    assert await bob.reports() == []
    assert (await bob.call("GET", "/sms/3/logs"))["results"] == []
    message_id = sent["messages"][0]["messageId"]
    await bob.call("GET", f"/simulator/messages/{message_id}", expect=404)
    assert len(await alice.reports()) == 1


@pytest.fixture
async def strict(aiohttp_client: Any) -> TestClient[Any, Any]:
    settings = Settings(clock=ClockSpec("manual"), api_keys=("good-key", "user:pass"))
    client: TestClient[Any, Any] = await aiohttp_client(create_app(settings))
    return client


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_strict_mode_rejects_unknown_keys_everywhere(
    strict: TestClient[Any, Any], method: str, path: str
) -> None:
    status, _ = await raw(strict, method, path, headers={"Authorization": "App other"})
    assert status == 401


async def test_strict_mode_accepts_configured_keys_and_users(strict: TestClient[Any, Any]) -> None:
    for header in ["App good-key", "Bearer good-key", basic("user", "pass")]:
        status, _ = await raw(
            strict, "POST", "/sms/3/messages", json=SEND_V3, headers={"Authorization": header}
        )
        assert status == 200
    status, _ = await raw(
        strict, "GET", "/sms/3/reports", headers={"Authorization": basic("user", "wrong")}
    )
    assert status == 401


async def test_health_needs_no_key(strict: TestClient[Any, Any]) -> None:
    for path in ("/healthz", "/livez", "/readyz"):
        status, body = await raw(strict, "GET", path)
        assert (status, body["status"], body["mode"]) == (200, "ok", "strict")


async def test_malformed_json(sim: Sim) -> None:
    headers = {**sim.auth, "Content-Type": "application/json"}
    for path in ("/sms/3/messages", "/sms/2/text/advanced"):
        status, body = await raw(sim.client, "POST", path, data=b'{"messages": [', headers=headers)
        assert status == 400
        if path.startswith("/sms/3/"):
            assert body["errorCode"] == "E400"
            assert body["violations"][0]["property"] == "body"
            assert body["violations"][0]["violation"].startswith("Malformed JSON")
        else:
            errors = body["requestError"]["serviceException"]["validationErrors"]
            assert list(errors) == ["body"]


async def test_invalid_utf8_and_non_object_bodies_are_400(sim: Sim) -> None:
    headers = {**sim.auth, "Content-Type": "application/json"}
    for data in (b'{"messages": "\xff\xfe"}', b"[]", b"null", b'"text"', b"42"):
        status, body = await raw(sim.client, "POST", "/sms/3/messages", data=data, headers=headers)
        assert status == 400, data
        assert body["errorCode"] == "E400"


async def test_wrong_content_type_is_415(sim: Sim) -> None:
    headers = {**sim.auth, "Content-Type": "application/xml"}
    status, body = await raw(sim.client, "POST", "/sms/3/messages", data=b"<a/>", headers=headers)
    assert (status, body["errorCode"]) == (415, "E415")
    status, body = await raw(
        sim.client, "POST", "/sms/2/text/advanced", data=b"<a/>", headers=headers
    )
    assert (status, body["requestError"]["serviceException"]["messageId"]) == (
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )


async def test_body_over_the_limit_is_413(aiohttp_client: Any) -> None:
    settings = Settings(clock=ClockSpec("manual"), max_body_bytes=1000)
    client = await aiohttp_client(create_app(settings))
    headers = {"Authorization": "App k", "Content-Type": "application/json"}
    big = b'{"messages": [' + b" " * 2000 + b"]}"
    status, body = await raw(client, "POST", "/sms/3/messages", data=big, headers=headers)
    assert (status, body["errorCode"]) == (413, "E413")
    status, body = await raw(client, "POST", "/sms/2/text/advanced", data=big, headers=headers)
    assert status == 413
    assert body["requestError"]["serviceException"]["messageId"] == "REQUEST_ENTITY_TOO_LARGE"


async def test_unknown_path_is_404_and_wrong_method_is_405(sim: Sim) -> None:
    status, body = await raw(sim.client, "GET", "/sms/3/nothing-here")
    assert (status, body["errorCode"]) == (404, "E404")
    status, body = await raw(sim.client, "GET", "/nothing")
    assert (status, body["requestError"]["serviceException"]["messageId"]) == (404, "NOT_FOUND")
    response = await sim.client.delete("/sms/3/messages", headers=sim.auth)
    assert response.status == 405
    assert "POST" in response.headers["Allow"]
    assert (await response.json())["errorCode"] == "E405"
    response = await sim.client.get("/sms/2/text/advanced", headers=sim.auth)
    assert response.status == 405
    body = await response.json()
    assert body["requestError"]["serviceException"]["messageId"] == "METHOD_NOT_ALLOWED"


async def test_unexpected_failure_is_a_clean_500_and_state_survives(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    sent = await sim.send("41793026727")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(Outbound, "take_reports", broken)
    e500 = {
        "errorCode": "E500",
        "description": "Something went wrong.",
        "action": "Contact the support.",
        "violations": [],
        "resources": [],
    }
    text = "Something went wrong. Please contact support."
    general = {"requestError": {"serviceException": {"messageId": "GENERAL_ERROR", "text": text}}}
    for version, expected in ((3, e500), (1, general)):
        status, body = await raw(sim.client, "GET", f"/sms/{version}/reports", headers=sim.auth)
        assert (status, body) == (500, expected)
    assert "boom" in caplog.text
    monkeypatch.undo()
    await sim.advance(5)
    assert [r["messageId"] for r in await sim.reports()] == [sent["messages"][0]["messageId"]]
