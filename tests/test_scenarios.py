"""Scenarios: the shipped files, rules and outcomes, seeds, per-account switching, bad files."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from conftest import Sim

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.domain.networks import network_of
from simulator.domain.scenarios import (
    SCENARIOS_DIR,
    ScenarioError,
    load_scenario,
    parse_scenario,
)
from simulator.settings import Settings, load_settings

SHIPPED = sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))
FAILED_GROUPS = {"UNDELIVERABLE", "EXPIRED", "REJECTED"}


def epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def timeline(message: dict[str, Any]) -> list[tuple[str, float]]:
    sent = epoch(message["sentAt"])
    return [(t["status"]["name"], round(epoch(t["at"]) - sent, 3)) for t in message["history"]]


def numbers(country_code: str, count: int) -> list[str]:
    """``count`` distinct numbers of a country: its example mobile number, varied at the end."""
    example = phonenumbers.example_number_for_type(country_code, 1)  # MOBILE
    base = f"{example.country_code}{example.national_number}"
    return [f"{base[:-4]}{n:04d}" for n in range(count)]


async def messages(sim: Sim) -> list[Any]:
    listed: list[Any] = (await sim.call("GET", "/simulator/messages", params={"limit": "1000"}))[
        "results"
    ]
    return listed


async def assign(sim: Sim, expect: int = 200, **choice: Any) -> Any:
    path = f"/simulator/accounts/{sim.key}/scenario"
    return await sim.call("PUT", path, json=choice, expect=expect)


async def send_many(sim: Sim, destinations: list[str], **message: Any) -> None:
    for start in range(0, len(destinations), 100):
        await sim.send(*destinations[start : start + 100], **message)


def ending(message: dict[str, Any]) -> tuple[str, str]:
    return message["status"]["name"], message["error"]["name"]


# -- the shipped scenarios ---------------------------------------------------------------------


def test_the_five_scenarios_are_shipped() -> None:
    expected = {"default", "realistic", "flaky-carrier", "all-fail", "slow-delivery"}
    assert expected <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_loads_and_documents_itself(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.source.description
    header = (SCENARIOS_DIR / f"{name}.yaml").read_text().splitlines()
    assert header[0].startswith(f"# {name}: ")
    assert sum(line.startswith("#") for line in header[:10]) >= 5


def test_the_documented_example_is_a_valid_scenario() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "scenarios.md").read_text()
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = parse_scenario(example, "docs/scenarios.md", default_name="example")
    assert (scenario.name, len(scenario.source.rules)) == ("my-network", 4)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_countries_have_a_network(name: str) -> None:
    source = load_scenario(name).source
    countries = {c for rule in source.rules for c in rule.country or ()}
    countries |= set(source.prices.countries)
    for country in countries:
        example = phonenumbers.example_number_for_type(country, 1)
        number = f"{example.country_code}{example.national_number}"
        assert network_of(number).mcc_mnc is not None, country


async def test_default_delivers_everything_at_exactly_0_3_and_1_2_s(sim: Sim) -> None:
    await send_many(sim, numbers("DE", 5) + numbers("US", 5) + numbers("IN", 5))
    await sim.advance(1.2)
    for message in await messages(sim):
        assert timeline(message) == [
            ("PENDING_ACCEPTED", 0.0),
            ("PENDING_ENROUTE", 0.3),
            ("DELIVERED_TO_HANDSET", 1.2),
        ]
        assert message["price"] == {"pricePerMessage": 0.01, "currency": "EUR"}


async def test_realistic_mixes_outcomes_latencies_and_prices_by_country(sim: Sim) -> None:
    sim = sim.as_key("seeded-account")  # outcomes are drawn per account: a fixed one
    await assign(sim, name="realistic")
    day = {"validityPeriod": {"amount": 24, "timeUnit": "HOURS"}}  # expiry within retention
    await send_many(sim, numbers("DE", 300) + numbers("US", 300) + numbers("IN", 300), options=day)
    await send_many(sim, numbers("NG", 50) + numbers("JP", 50), options=day)  # 1000: one listing
    await sim.advance(25 * 3600)
    by_country: dict[str, list[Any]] = {}
    for message in await messages(sim):
        by_country.setdefault(network_of(message["to"]).region, []).append(message)
    documented = {
        "DE": {("DELIVERED_TO_HANDSET", "NO_ERROR"), ("DELIVERED_TO_OPERATOR", "NO_ERROR"),
               ("UNDELIVERABLE_NOT_DELIVERED", "EC_ABSENT_SUBSCRIBER"),
               ("UNDELIVERABLE_NOT_DELIVERED", "EC_UNKNOWN_SUBSCRIBER"),
               ("EXPIRED_EXPIRED", "EC_VALIDITY_EXPIRED")},
        "US": {("DELIVERED_TO_HANDSET", "NO_ERROR"), ("DELIVERED_TO_OPERATOR", "NO_ERROR"),
               ("UNDELIVERABLE_REJECTED_OPERATOR", "EC_REJECTED_SPAM_BY_OPERATOR"),
               ("UNDELIVERABLE_NOT_DELIVERED", "EC_ABSENT_SUBSCRIBER"),
               ("UNDELIVERABLE_NOT_DELIVERED", "EC_UNKNOWN_SUBSCRIBER")},
        "IN": {("DELIVERED_TO_HANDSET", "NO_ERROR"), ("REJECTED_DND", "NO_ERROR"),
               ("UNDELIVERABLE_NOT_DELIVERED", "EC_ABSENT_SUBSCRIBER"),
               ("UNDELIVERABLE_NOT_DELIVERED", "EC_UNKNOWN_SUBSCRIBER"),
               ("EXPIRED_EXPIRED", "EC_VALIDITY_EXPIRED")},
    }  # fmt: skip
    for country, allowed in documented.items():
        endings = Counter(ending(m) for m in by_country[country])
        assert set(endings) <= allowed, country
        assert endings[("DELIVERED_TO_HANDSET", "NO_ERROR")] >= 0.85 * 300, country
        assert len(endings) >= 3, country
    assert Counter(ending(m) for m in by_country["IN"])[("REJECTED_DND", "NO_ERROR")] > 0
    prices = {c: by_country[c][0]["price"]["pricePerMessage"] for c in ("DE", "US", "NG", "JP")}
    assert prices == {"DE": 0.075, "US": 0.008, "NG": 0.03, "JP": 0.05}
    delivered = [
        timeline(m) for m in by_country["DE"] if m["status"]["name"] == "DELIVERED_TO_HANDSET"
    ]
    assert all(0 < t[1][1] <= 10 for t in delivered)  # PENDING_ENROUTE, at most 10 s
    assert all(t[2][1] - t[1][1] <= 300 for t in delivered)  # delivery, at most 5 min later
    seconds = sorted(t[2][1] - t[1][1] for t in delivered)
    assert 1 < seconds[len(seconds) // 2] < 4  # median about 2 s


async def test_flaky_carrier_is_late_lossy_and_sometimes_silent(sim: Sim) -> None:
    sim = sim.as_key("seeded-account")  # outcomes are drawn per account: a fixed one
    await assign(sim, name="flaky-carrier")
    await send_many(sim, numbers("DE", 600))
    await sim.advance(2 * 3600)
    listed = await messages(sim)
    endings = Counter(ending(m) for m in listed)
    assert set(endings) == {
        ("DELIVERED_TO_HANDSET", "NO_ERROR"),
        ("UNDELIVERABLE_NOT_DELIVERED", "EC_ABSENT_SUBSCRIBER"),
        ("UNDELIVERABLE_NOT_DELIVERED", "EC_RESOURCE_LIMITATION"),
        ("DELIVERED_TO_OPERATOR", "NO_ERROR"),
        ("EXPIRED_DLR_UNKNOWN", "NO_ERROR"),
        ("PENDING_ENROUTE", "NO_ERROR"),
    }
    assert 0.7 < endings[("DELIVERED_TO_HANDSET", "NO_ERROR")] / len(listed) < 0.9
    assert all(0.5 <= timeline(m)[1][1] <= 3 for m in listed)
    late = [
        timeline(m)[-1][1] - timeline(m)[1][1]
        for m in listed
        if ending(m)[0] == "EXPIRED_DLR_UNKNOWN"
    ]
    assert late and all(t == pytest.approx(3600, abs=0.001) for t in late)


async def test_all_fail_never_delivers_and_shows_every_failure(sim: Sim) -> None:
    sim = sim.as_key("seeded-account")  # outcomes are drawn per account: a fixed one
    await assign(sim, name="all-fail")
    sent = await sim.send(*numbers("CH", 100))
    rejected = [m for m in sent["messages"] if m["status"]["name"] == "REJECTED_NETWORK"]
    assert rejected
    await sim.advance(1.2)
    listed = await messages(sim)
    assert {m["status"]["groupName"] for m in listed} <= FAILED_GROUPS
    assert set(Counter(ending(m) for m in listed)) == {
        ("UNDELIVERABLE_NOT_DELIVERED", "EC_ABSENT_SUBSCRIBER"),
        ("UNDELIVERABLE_NOT_DELIVERED", "EC_UNKNOWN_SUBSCRIBER"),
        ("UNDELIVERABLE_REJECTED_OPERATOR", "EC_REJECTED_SPAM_BY_OPERATOR"),
        ("EXPIRED_EXPIRED", "EC_VALIDITY_EXPIRED"),
        ("REJECTED_NETWORK", "NO_ERROR"),
    }
    assert {timeline(m)[-1][1] for m in listed if m["status"]["groupName"] != "REJECTED"} == {1.2}
    assert len(await sim.reports(limit="1000")) == 100


async def test_slow_delivery_takes_minutes(sim: Sim) -> None:
    await assign(sim, name="slow-delivery")
    await send_many(sim, numbers("GB", 200))
    await sim.advance(6)
    assert await sim.reports() == []
    await sim.advance(3600 + 29)
    listed = await messages(sim)
    assert {m["status"]["name"] for m in listed} == {"DELIVERED_TO_HANDSET"}
    for message in listed:
        steps = timeline(message)
        assert [s[0] for s in steps[1:]] == [
            "PENDING_ENROUTE",
            "PENDING_WAITING_DELIVERY",
            "DELIVERED_TO_HANDSET",
        ]
        assert 1 <= steps[1][1] <= 5
        assert 5 <= steps[2][1] - steps[1][1] <= 30
    median = sorted(timeline(m)[3][1] - timeline(m)[2][1] for m in listed)[100]
    assert 120 < median < 270


# -- rules and outcomes -------------------------------------------------------------------------


def failing(error: str) -> dict[str, str]:
    return {"type": "undeliverable", "error": error}


RULES: dict[str, Any] = {
    "name": "rules",
    "seed": 1,
    "rules": [
        {"text": ["stop", "quit"], "outcome": {"type": "rejected", "status": "REJECTED_DND"}},
        {"to": "41793026727", "outcome": failing("EC_CALL_BARRED")},
        {"prefix": ["4179302"], "outcome": "expired"},
        {"pattern": "^49151\\d+9$", "outcome": "deliveredToOperator"},
        {"country": "FR", "sender": "Shop", "outcome": failing("EC_UNKNOWN_SUBSCRIBER")},
        {"country": "fr", "outcome": {"type": "delivered", "after": "10s"}},
        {"senderPattern": "^Bank", "outcome": failing("EC_ABSENT_SUBSCRIBER")},
        {"textPattern": "code \\d{6}", "outcome": {"type": "delivered", "steps": [
            {"status": "PENDING_WAITING_DELIVERY", "after": 1},
            {"status": "DELIVERED_TO_OPERATOR", "after": 1},
            {"status": "DELIVERED_TO_HANDSET", "after": 1},
        ]}},
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("to", "sender", "text", "expected"),
    [
        ("41793026727", "InfoSMS", "Hi", ("UNDELIVERABLE_NOT_DELIVERED", 1.2)),
        ("41793026727", "InfoSMS", "Reply STOP to end", ("REJECTED_DND", 0.0)),
        ("41793020000", "InfoSMS", "Hi", ("EXPIRED_EXPIRED", 1.2)),
        ("4915112345679", "InfoSMS", "Hi", ("DELIVERED_TO_OPERATOR", 1.2)),
        ("4915112345678", "InfoSMS", "Hi", ("DELIVERED_TO_HANDSET", 1.2)),
        ("33612345678", "Shop", "Hi", ("UNDELIVERABLE_NOT_DELIVERED", 1.2)),
        ("33612345678", "InfoSMS", "Hi", ("DELIVERED_TO_HANDSET", 10.3)),
        ("447700900123", "BankOfX", "Hi", ("UNDELIVERABLE_NOT_DELIVERED", 1.2)),
        ("447700900123", "InfoSMS", "your code 123456", ("DELIVERED_TO_HANDSET", 3.0)),
    ],
)
async def test_rules_match_in_order_by_destination_sender_and_text(
    sim: Sim, to: str, sender: str, text: str, expected: tuple[str, float]
) -> None:
    await assign(sim, scenario=RULES)
    sent = await sim.send(to, text=text, sender=sender)
    await sim.advance(60)
    message = await sim.message(sent["messages"][0]["messageId"])
    assert (message["status"]["name"], timeline(message)[-1][1]) == expected


async def test_custom_steps_are_all_reported(sim: Sim) -> None:
    await assign(sim, scenario=RULES)
    sent = await sim.send("447700900123", text="code 123456")
    await sim.advance(60)
    assert timeline(await sim.message(sent["messages"][0]["messageId"])) == [
        ("PENDING_ACCEPTED", 0.0),
        ("PENDING_WAITING_DELIVERY", 1.0),
        ("DELIVERED_TO_OPERATOR", 2.0),
        ("DELIVERED_TO_HANDSET", 3.0),
    ]


async def test_an_earlier_rule_wins_over_a_later_exact_number(sim: Sim) -> None:
    scenario = {
        "rules": [
            {"prefix": "4179", "outcome": "expired"},
            {"to": "41793026727", "outcome": {"type": "undeliverable", "error": "EC_CALL_BARRED"}},
        ]
    }
    await assign(sim, scenario=scenario)
    sent = await sim.send("41793026727")
    await sim.advance(2)
    assert (await sim.message(sent["messages"][0]["messageId"]))["status"]["name"] == (
        "EXPIRED_EXPIRED"
    )


async def test_delays_stay_within_their_distributions(sim: Sim) -> None:
    scenario = {
        "path": [
            {"status": "PENDING_ENROUTE", "after": {"uniform": ["200ms", "400ms"]}},
            {"status": "DELIVERED_TO_HANDSET",
             "after": {"logNormal": {"median": "2s", "sigma": 1.5, "max": "5s"}}},
        ]
    }  # fmt: skip
    await assign(sim, scenario=scenario)
    await send_many(sim, numbers("DE", 300))
    await sim.advance(10)
    steps = [timeline(m) for m in await messages(sim)]
    enroute = [s[1][1] for s in steps]
    delivery = [s[2][1] - s[1][1] for s in steps]
    assert min(enroute) >= 0.2 and max(enroute) <= 0.4 and len(set(enroute)) > 50
    assert max(delivery) == pytest.approx(5, abs=0.002)  # the cap is reached by the long tail
    assert 1.2 < sorted(delivery)[150] < 3


async def test_weighted_outcomes_follow_their_weights(sim: Sim) -> None:
    scenario = {
        "outcomes": [
            {"weight": 3, "type": "delivered"},
            {"weight": 1, "type": "undeliverable", "error": "EC_ABSENT_SUBSCRIBER"},
        ]
    }
    await assign(sim, scenario=scenario)
    await send_many(sim, numbers("DE", 800))
    await sim.advance(2)
    delivered = Counter(m["status"]["name"] for m in await messages(sim))["DELIVERED_TO_HANDSET"]
    assert 0.7 < delivered / 800 < 0.8


async def test_prices_by_country(sim: Sim) -> None:
    scenario = {"prices": {"currency": "EUR", "perPart": 0.02, "countries": {"DE": 0.075}}}
    await assign(sim, scenario=scenario)
    await sim.send("4915112345678", "41793026727", text="x" * 200)  # two parts each
    await sim.advance(2)
    prices = {r["to"]: r["price"] for r in await sim.reports()}
    assert prices == {
        "4915112345678": {"pricePerMessage": 0.15, "currency": "EUR"},
        "41793026727": {"pricePerMessage": 0.04, "currency": "EUR"},
    }


# -- seeds ---------------------------------------------------------------------------------------


async def histories(aiohttp_client: Any, settings: Settings) -> list[Any]:
    sim = Sim(await aiohttp_client(create_app(settings)), "replay")
    await send_many(sim, numbers("DE", 150) + numbers("US", 50))
    await sim.send("4915112345678", text="again")
    await sim.advance(3 * 3600)
    return [(m["to"], ending(m), timeline(m)) for m in await messages(sim)]


async def test_same_scenario_seed_and_requests_give_identical_histories(
    aiohttp_client: Any,
) -> None:
    settings = Settings(clock=ClockSpec("manual"), seed=42, scenario="flaky-carrier")
    first = await histories(aiohttp_client, settings)
    second = await histories(aiohttp_client, settings)
    assert first == second
    assert len({h[1] for h in first}) >= 4  # a real mix, not one outcome
    other = await histories(aiohttp_client, Settings(clock=ClockSpec("manual"), seed=43,
                                                     scenario="flaky-carrier"))  # fmt: skip
    assert other != first


async def test_the_scenarios_seed_is_used_without_a_seed_flag(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    text = (SCENARIOS_DIR / "flaky-carrier.yaml").read_text() + "\nseed: 5\n"
    (tmp_path / "seeded.yaml").write_text(text)
    settings = Settings(clock=ClockSpec("manual"), scenario=str(tmp_path / "seeded.yaml"))
    assert await histories(aiohttp_client, settings) == await histories(aiohttp_client, settings)


async def test_accounts_draw_independently(sim: Sim) -> None:
    """One account's traffic does not shift another's outcomes."""
    quiet, busy = sim.as_key(f"quiet-{uuid.uuid4().hex}"), sim.as_key("busy")
    for account in (quiet, busy):
        await assign(account, name="flaky-carrier")
    await send_many(busy, numbers("DE", 300))
    await quiet.send(*numbers("DE", 50))
    await sim.advance(3600)
    alone = [(m["to"], ending(m), timeline(m)) for m in await messages(quiet)]
    await sim.call("POST", "/simulator/reset", json={"all": True})
    await assign(quiet, name="flaky-carrier")
    await quiet.send(*numbers("DE", 50))
    await sim.advance(3600)
    assert [(m["to"], ending(m), timeline(m)) for m in await messages(quiet)] == alone


# -- per-account scenarios ------------------------------------------------------------------------


async def test_two_keys_run_different_scenarios(sim: Sim) -> None:
    failing = sim.as_key(f"failing-{uuid.uuid4().hex[:6]}")
    shown = await assign(failing, name="all-fail")
    assert (shown["account"], shown["name"], shown["assigned"]) == (failing.key, "all-fail", True)
    assert shown["seed"] == 7
    await sim.send(*numbers("DE", 20))
    await failing.send(*numbers("DE", 20))
    await sim.advance(2)
    assert {m["status"]["groupName"] for m in await messages(sim)} == {"DELIVERED"}
    assert {m["status"]["groupName"] for m in await messages(failing)} <= FAILED_GROUPS
    default = await sim.call("GET", f"/simulator/accounts/{sim.key}/scenario")
    assert (default["name"], default["assigned"]) == ("default", False)
    assert default["scenario"]["rules"][0]["to"] == ["41799990001"]


async def test_delete_and_reset_go_back_to_the_default(sim: Sim) -> None:
    await assign(sim, name="all-fail.yaml")
    back = await sim.call("DELETE", f"/simulator/accounts/{sim.key}/scenario")
    assert (back["name"], back["assigned"]) == ("default", False)
    await assign(sim, name="all-fail")
    await sim.call("POST", "/simulator/reset")
    shown = await sim.call("GET", f"/simulator/accounts/{sim.key}/scenario")
    assert shown["name"] == "default"


async def test_only_the_account_itself_can_change_its_scenario(sim: Sim) -> None:
    path = "/simulator/accounts/somebody/scenario"
    await sim.call("PUT", path, json={"name": "slow-delivery"}, expect=403)
    somebody = sim.as_key("somebody")
    assert (await somebody.call("GET", path))["name"] == "default"
    await somebody.call("PUT", path, json={"name": "slow-delivery"})
    assert (await somebody.call("GET", path))["name"] == "slow-delivery"


async def test_inline_scenario_from_a_file_path(sim: Sim, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("description: mine\noutcome: pending\n")
    shown = await assign(sim, name=str(tmp_path / "mine.yaml"))
    assert shown["name"] == "mine"
    inline = await assign(sim, scenario={"name": "inline-one", "outcome": "pending"})
    assert inline["name"] == "inline-one"


async def test_a_shown_scenario_can_be_assigned_back_inline(sim: Sim) -> None:
    other = sim.as_key("copy")
    shown = await assign(sim, name="realistic")
    copied = await assign(other, scenario=shown["scenario"])
    assert copied["scenario"] == shown["scenario"]


async def test_the_scenario_request_is_validated(sim: Sim) -> None:
    for body in ({}, {"name": "default", "scenario": {}}, {"nam": "default"}):
        await sim.call("PUT", f"/simulator/accounts/{sim.key}/scenario", json=body, expect=400)


async def test_an_unknown_name_is_refused(sim: Sim) -> None:
    body = await assign(sim, name="no-such-scenario", expect=400)
    errors = body["requestError"]["serviceException"]["validationErrors"]
    assert "flaky-carrier" in errors["name"][0]


async def test_a_bad_file_is_refused_with_its_line_and_field(sim: Sim, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_FILES["unknown error"][0])
    body = await assign(sim, name=str(bad), expect=400)
    errors = body["requestError"]["serviceException"]["validationErrors"]
    assert list(errors) == ["name.rules[0].outcome.error"]
    [message] = errors["name.rules[0].outcome.error"]
    assert f"{bad}, line 4, rules[0].outcome.error: unknown error 'EC_ABSENT'" in message
    shown = await sim.call("GET", f"/simulator/accounts/{sim.key}/scenario")
    assert shown["name"] == "default"


async def test_a_bad_inline_scenario_names_its_fields(sim: Sim) -> None:
    scenario = {
        "rules": [
            {"to": "4179", "outcome": {"type": "undeliverable"}},
            {"country": "XX", "outcomes": [{"type": "delivered", "after": {"uniform": [3, 1]}}]},
        ],
        "prices": {"curency": "USD"},
    }
    body = await assign(sim, scenario=scenario, expect=400)
    errors = body["requestError"]["serviceException"]["validationErrors"]
    assert set(errors) == {
        "scenario.rules[0].outcome.error",
        "scenario.rules[1].country",
        "scenario.rules[1].outcomes[0].after.uniform",
        "scenario.prices.curency",
    }


async def test_an_account_scenario_keeps_the_simulators_currency(sim: Sim) -> None:
    body = await assign(sim, scenario={"prices": {"currency": "USD"}}, expect=400)
    errors = body["requestError"]["serviceException"]["validationErrors"]
    assert "EUR" in errors["scenario.prices.currency"][0]


# -- bad files at start ------------------------------------------------------------------------

BAD_FILES: dict[str, tuple[str, str]] = {
    "unknown error": (
        "name: bad\nrules:\n  - to: '41790000001'\n"
        "    outcome: {type: undeliverable, error: EC_ABSENT}\n",
        "line 4, rules[0].outcome.error: unknown error 'EC_ABSENT'; "
        "did you mean EC_ABSENT_SUBSCRIBER?",
    ),
    "unknown status": (
        "path:\n  - {status: PENDING_ENROUTE, after: 1}\n  - {status: DELIVERED_TO_HANDST}\n",
        "line 3, path[1].status: unknown status 'DELIVERED_TO_HANDST'; "
        "did you mean DELIVERED_TO_HANDSET?",
    ),
    "typo in a key": (
        "rules:\n  - to: '41790000001'\n    outcom: expired\n",
        "line 3, rules[0].outcom: unknown key",
    ),
    "missing field": (
        "rules:\n  - prefix: '49'\n    outcome:\n      type: undeliverable\n",
        "line 4, rules[0].outcome.error: Field required",
    ),
    "wrong status group": (
        "outcome: {type: rejected, status: DELIVERED_TO_HANDSET}\n",
        "line 1, outcome.status: DELIVERED_TO_HANDSET is not an allowed status here "
        "(must be REJECTED)",
    ),
    "bad delay": (
        "path:\n  - status: DELIVERED_TO_HANDSET\n    after: soon\n",
        "line 3, path[0].after: expected seconds or a duration like 300ms, 2s, 5m, 1h, not 'soon'",
    ),
    "rule without condition": (
        "rules:\n  - outcome: expired\n",
        "line 2, rules[0]: a rule needs at least one of to, prefix",
    ),
    "path not delivered": (
        "path:\n  - {status: PENDING_ENROUTE, after: 1}\n",
        "line 2, path: the last step must be a DELIVERED status, not PENDING_ENROUTE",
    ),
    "duplicate key": (
        "rules:\n  - to: '41790000001'\n    to: '41790000002'\n    outcome: expired\n",
        "line 3, rules[0].to: duplicate key",
    ),
    "bare NO": (
        "rules:\n  - country: [DE, NO]\n    outcome: expired\n",
        "line 2, rules[0].country[1]: write Norway as 'NO' in quotes",
    ),
    "not YAML": (
        "rules:\n  - to: '41790000001'\n   outcome: [\n",
        "line 3: not valid YAML",
    ),
    "not a mapping": ("- just\n- a list\n", "line 1: Input should be a valid dictionary"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_stops_the_start_naming_file_line_and_field(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = BAD_FILES[case]
    bad = tmp_path / "broken.yaml"
    bad.write_text(text)
    with pytest.raises(SystemExit) as exited:
        load_settings(["--scenario", str(bad)], env={})
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert f"argument --scenario: {bad}, {expected}" in stderr
    assert "Traceback" not in stderr
    with pytest.raises(ScenarioError) as raised:
        create_app(Settings(scenario=str(bad)))
    assert f"{bad}, {expected}" in str(raised.value)


def test_the_scenario_comes_from_the_environment_and_names_resolve(tmp_path: Path) -> None:
    assert load_settings([], env={}).scenario == "default"
    env = {"INFOBIP_SIM_SCENARIO": "flaky-carrier"}
    assert load_settings([], env=env).scenario == "flaky-carrier"
    assert load_settings(["--scenario", "all-fail.yaml"], env=env).scenario == "all-fail.yaml"
    with pytest.raises(SystemExit):
        load_settings([], env={"INFOBIP_SIM_SCENARIO": "nope"})
    with pytest.raises(ScenarioError, match="default, flaky-carrier"):
        load_scenario("../scenarios/nope")
