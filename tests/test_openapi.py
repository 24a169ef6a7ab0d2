"""``/simulator/openapi.json``: a valid OpenAPI 3.1 document of every route the simulator serves,
its schemas those of the pydantic models, and real answers valid against it."""

from __future__ import annotations

from typing import Any

from conftest import Sim, app_routes
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from simulator.api.models.send_v3 import SendRequestV3
from simulator.app import create_app


async def document(sim: Sim) -> Any:
    response = await sim.client.get("/simulator/openapi.json")  # no API key
    assert response.status == 200
    return await response.json()


async def test_the_document_is_valid_openapi_3_1(sim: Sim) -> None:
    doc = await document(sim)
    assert doc["openapi"] == "3.1.0"
    validate(doc)


async def test_every_route_is_documented_and_nothing_else(sim: Sim) -> None:
    doc = await document(sim)
    documented = {
        (method.upper(), path) for path, methods in doc["paths"].items() for method in methods
    }
    served = {("POST" if m == "*" else m, p) for m, p in app_routes(create_app())}
    assert served - documented == set(), "routes missing from simulator/control/openapi.py"
    assert documented - served == set(), "documented routes the simulator does not serve"


async def test_schemas_are_the_pydantic_models(sim: Sim) -> None:
    doc = await document(sim)
    operation = doc["paths"]["/sms/3/messages"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SendRequestV3"}
    schema = doc["components"]["schemas"]["SendRequestV3"]
    expected = SendRequestV3.model_json_schema(by_alias=True)
    assert schema["properties"].keys() == expected["properties"].keys()
    assert {"messages", "options"} <= schema["properties"].keys()
    errors = operation["responses"]["default"]["content"]["application/json"]["schema"]
    assert errors == {"$ref": "#/components/schemas/ApiError"}
    v2 = doc["paths"]["/sms/2/text/advanced"]["post"]["responses"]["default"]
    assert v2["content"]["application/json"]["schema"]["$ref"].endswith("/ApiException")


async def test_query_and_path_parameters(sim: Sim) -> None:
    doc = await document(sim)
    wait = doc["paths"]["/simulator/wait/messages/{message_id}"]["get"]
    parameters = {(p["name"], p["in"]): p for p in wait["parameters"]}
    assert parameters[("message_id", "path")]["required"]
    assert not parameters[("status", "query")]["required"]
    assert ("timeout", "query") in parameters
    logs = doc["paths"]["/sms/3/logs"]["get"]["parameters"]
    assert {"sentSince", "limit", "bulkId"} <= {p["name"] for p in logs}


async def test_public_operations_need_no_key_and_the_others_do(sim: Sim) -> None:
    doc = await document(sim)
    for path, methods in doc["paths"].items():
        operation = methods.get("get")
        if operation is None or "{" in path or path == "/simulator/events":
            continue
        response = await sim.client.get(path)  # no Authorization header
        public = operation.get("security") == []
        assert (response.status != 401) is public, (path, response.status)


def valid(doc: dict[str, Any], schema_name: str, body: Any) -> None:
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
    Draft202012Validator(root).validate(body)


async def test_real_answers_match_their_documented_schemas(sim: Sim) -> None:
    doc = await document(sim)
    sent = await sim.send("41793026727")
    valid(doc, "SendResponseV3", sent)
    await sim.advance(5)
    valid(doc, "DeliveryReportsV3", await sim.call("GET", "/sms/3/reports"))
    valid(doc, "MessageList", await sim.call("GET", "/simulator/messages"))
    error = await sim.call("POST", "/sms/3/messages", json={"messages": []}, expect=400)
    valid(doc, "ApiError", error)
    timeout = await sim.call(
        "GET", "/simulator/wait/messages/x", params={"timeout": "0.01"}, expect=408
    )
    valid(doc, "WaitTimeout", timeout)


async def test_the_docs_page_is_served_without_a_key(sim: Sim) -> None:
    response = await sim.client.get("/simulator/docs")
    assert response.status == 200
    assert "/ui/api.js" in await response.text()
