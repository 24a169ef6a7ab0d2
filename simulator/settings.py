"""Settings: every flag of the CLI, also readable from an ``INFOBIP_SIM_*`` environment variable."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .domain.clock import ClockSpec
from .domain.scenarios import ScenarioError, load_scenario
from .store.memory import DEFAULT_MAX_MESSAGES

ENV_PREFIX = "INFOBIP_SIM_"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    api_keys: tuple[str, ...] = ()
    clock: ClockSpec = ClockSpec("real")
    log_level: str = "INFO"
    log_format: str = "text"
    max_body_bytes: int = 4 * 1024 * 1024
    rate_limits: bool = True
    seed: int | None = None
    scenario: str = "default"
    hold_seconds: float = 30.0
    webhook_timeout: float = 10.0
    webhook_concurrency: int = 100
    db: str | None = None
    max_messages: int = DEFAULT_MAX_MESSAGES
    open_control: bool = False

    @property
    def strict(self) -> bool:
        """Strict mode: only the configured keys are accepted; open mode: any key is an account."""
        return bool(self.api_keys)

    @property
    def control_strict(self) -> bool:
        """Whether the control API (``/simulator/``) accepts only the configured keys."""
        return self.strict and not self.open_control


def _bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, not {text!r}")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def _clock(text: str) -> ClockSpec:
    try:
        return ClockSpec.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scenario(text: str) -> str:
    """Load the scenario now, so that a bad one stops the start with its file, line and field."""
    try:
        load_scenario(text)
    except ScenarioError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    """The CLI parser; each default comes from the environment when the variable is set."""

    def default(name: str, fallback: object) -> str:
        """String defaults go through the option's ``type``, so bad env values fail cleanly."""
        return env.get(ENV_PREFIX + name, str(fallback))

    defaults = Settings()

    parser = argparse.ArgumentParser(
        prog="infobip-simulator",
        description="A local simulator of the Infobip SMS API. Every option can also be set "
        f"with an environment variable {ENV_PREFIX}<NAME>, shown with each option. "
        "'infobip-simulator healthcheck' (same options and variables) exits 0 when the "
        "simulator they describe answers /readyz, 1 otherwise.",
    )
    add = parser.add_argument
    add(
        "--host",
        default=default("HOST", defaults.host),
        help="address to listen on [INFOBIP_SIM_HOST] (default 127.0.0.1; 0.0.0.0 in Docker)",
    )
    add(
        "--port",
        type=int,
        default=default("PORT", defaults.port),
        help="port to listen on, 0 for any free port [INFOBIP_SIM_PORT] (default 8080)",
    )
    keys = [k.strip() for k in default("API_KEYS", "").split(",") if k.strip()]
    add(
        "--api-key",
        dest="api_keys",
        action="append",
        default=None,
        help="accept only this API key (repeatable); 'user:password' entries are Basic-auth "
        "users. With no key at all the simulator runs in open mode: any key works and each key "
        "is its own isolated account [INFOBIP_SIM_API_KEYS, comma-separated]",
    )
    add(
        "--clock",
        type=_clock,
        default=default("CLOCK", "real"),
        help="business time: 'real', 'scaled:N' (N times faster) or 'manual' (moves only "
        "through POST /simulator/clock/advance) [INFOBIP_SIM_CLOCK] (default real)",
    )
    add(
        "--log-level",
        type=str.upper,
        default=default("LOG_LEVEL", defaults.log_level),
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level [INFOBIP_SIM_LOG_LEVEL] (default INFO)",
    )
    add(
        "--log-format",
        type=str.lower,
        default=default("LOG_FORMAT", defaults.log_format),
        choices=["text", "json"],
        help="one line per request and per webhook attempt, as text or as JSON "
        "[INFOBIP_SIM_LOG_FORMAT] (default text)",
    )
    add(
        "--max-body-bytes",
        type=int,
        default=default("MAX_BODY_BYTES", defaults.max_body_bytes),
        help="largest request body accepted; larger ones get 413 [INFOBIP_SIM_MAX_BODY_BYTES]",
    )
    add(
        "--rate-limits",
        type=_bool,
        default=default("RATE_LIMITS", "true"),
        help="enforce Infobip's rate limits (logs: 120 requests/minute) "
        "[INFOBIP_SIM_RATE_LIMITS] (default true)",
    )
    add(
        "--seed",
        type=int,
        default=env.get(ENV_PREFIX + "SEED"),
        help="seed of the random generator, for reproducible ids, outcomes and timings; "
        "overrides the scenario's seed [INFOBIP_SIM_SEED]",
    )
    add(
        "--scenario",
        type=_scenario,
        default=default("SCENARIO", defaults.scenario),
        help="the simulated network every account runs unless the control API assigns another: "
        "a YAML file, or a name looked up in ./scenarios/ then among the shipped ones "
        "(default, realistic, flaky-carrier, all-fail, slow-delivery) [INFOBIP_SIM_SCENARIO] "
        "(default: default)",
    )
    add(
        "--hold-seconds",
        type=float,
        default=default("HOLD_SECONDS", defaults.hold_seconds),
        help="real seconds a send that times out on purpose (magic number 41799990408, a "
        "scenario's timeout outcome) is held before its connection is dropped "
        "[INFOBIP_SIM_HOLD_SECONDS] (default 30)",
    )
    add(
        "--webhook-timeout",
        type=float,
        default=default("WEBHOOK_TIMEOUT", defaults.webhook_timeout),
        help="seconds a webhook receiver may take to answer before the push counts as failed "
        "(a subscription profile's readTimeout wins) [INFOBIP_SIM_WEBHOOK_TIMEOUT] (default 10)",
    )
    add(
        "--webhook-concurrency",
        type=int,
        default=default("WEBHOOK_CONCURRENCY", defaults.webhook_concurrency),
        help="pushes in flight at once [INFOBIP_SIM_WEBHOOK_CONCURRENCY] (default 100)",
    )
    add(
        "--open-control",
        type=_bool,
        nargs="?",
        const=True,
        default=default("OPEN_CONTROL", "false"),
        help="in strict mode, let the control API (/simulator/...) take any key as its own "
        "account, as in open mode; a key naming a configured account must still be right "
        "[INFOBIP_SIM_OPEN_CONTROL] (default false)",
    )
    add(
        "--db",
        default=env.get(ENV_PREFIX + "DB") or None,
        help="keep everything in this SQLite file, so a restart (even after kill -9) goes on "
        "where it stopped; without it, state lives in memory only [INFOBIP_SIM_DB]",
    )
    add(
        "--max-messages",
        type=_positive,
        default=default("MAX_MESSAGES", defaults.max_messages),
        help="messages each account keeps at most, oldest forgotten first (also the cap of its "
        "report queue) [INFOBIP_SIM_MAX_MESSAGES] (default 200000)",
    )
    parser.set_defaults(env_api_keys=keys)
    return parser  # fmt: skip


def load_settings(
    argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Settings from command-line arguments, falling back to the environment, then defaults."""
    args = build_parser(os.environ if env is None else env).parse_args(argv)
    return Settings(
        host=args.host,
        port=args.port,
        api_keys=tuple(args.api_keys if args.api_keys is not None else args.env_api_keys),
        clock=args.clock,
        log_level=args.log_level,
        log_format=args.log_format,
        max_body_bytes=args.max_body_bytes,
        rate_limits=args.rate_limits,
        seed=args.seed,
        scenario=args.scenario,
        hold_seconds=args.hold_seconds,
        webhook_timeout=args.webhook_timeout,
        webhook_concurrency=args.webhook_concurrency,
        db=args.db,
        max_messages=args.max_messages,
        open_control=args.open_control,
    )
