"""The generic encoding of domain objects as JSON-ready values, shared by the durable store and
state export/import.

Every domain dataclass is written as its fields set at creation plus ``"@type"`` (its class
name), statuses and errors by name, bytes in base64, tuples and sets as lists; :func:`decode`
reverses it led by the type hints of where each value goes, so the format follows the model.
A :class:`Message` (a slotted class) has its own record.
"""

from __future__ import annotations

import base64
import types
import typing
from dataclasses import fields, is_dataclass
from functools import cache, lru_cache
from typing import Any

from ..domain import conversions as conversion_types
from ..domain import inbound as inbound_types
from ..domain import messages as message_types
from ..domain import outbox as outbox_types
from ..domain import subscriptions as subscription_types
from ..domain import tracking as tracking_types
from ..domain import windows as window_types
from ..domain.messages import Message, MessageSpec, Transition
from ..domain.statuses import ErrorCode, Status, error, status

TAG = "@type"
"""The key naming a dataclass in the encoding (``type`` is a field of some of them)."""

KNOWN: dict[str, type] = {
    name: value
    for module in (
        message_types,
        subscription_types,
        window_types,
        outbox_types,
        inbound_types,
        tracking_types,
        conversion_types,
    )
    for name, value in vars(module).items()
    if isinstance(value, type) and is_dataclass(value)
}
"""The dataclasses a record may name: messages, subscriptions, delivery windows, webhook outbox
entries, inbound messages, short links and clicks, conversions."""


def encode(value: Any) -> Any:
    """JSON-ready: dataclasses as ``{"@type": name, field: ...}`` (fields set at creation only),
    statuses and errors by name, bytes in base64, tuples and sets as lists."""
    if isinstance(value, Status | ErrorCode):
        return value.name
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if is_dataclass(value) and not isinstance(value, type):
        encoded = {name: encode(getattr(value, name)) for name in _init_fields(type(value))}
        return {TAG: type(value).__name__, **encoded}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


@cache
def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields set at creation (looked up once per class: the durable store encodes often)."""
    return tuple(f.name for f in fields(cls) if f.init)


def decode(hint: Any, raw: Any) -> Any:
    """The inverse of :func:`encode`, led by the type hint of where the value goes."""
    if isinstance(raw, dict) and TAG in raw:
        return dataclass_of(raw)
    if raw is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if isinstance(raw, str) and Status in args:
            return status(raw)
        if isinstance(raw, str) and ErrorCode in args:
            return error(raw)
        if isinstance(raw, list):
            return decode(next(a for a in args if typing.get_origin(a) is not None), raw)
        return raw
    if hint is Status:
        return status(raw)
    if hint is ErrorCode:
        return error(raw)
    if hint is bytes:
        return base64.b64decode(raw)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], item) for item in raw)
        return tuple(decode(arg, item) for arg, item in zip(args, raw, strict=True))
    if origin in (list, set, frozenset):
        return origin(decode(args[0], item) for item in raw)
    return raw


def dataclass_of(raw: dict[str, Any]) -> Any:
    """The dataclass a ``"@type"`` record names, with its fields decoded."""
    cls = KNOWN.get(raw[TAG])
    if cls is None:
        raise ValueError(f"unknown type {raw[TAG]!r}")
    hints = typing.get_type_hints(cls)
    values = {
        f.name: decode(hints[f.name], raw[f.name]) for f in fields(cls) if f.init and f.name in raw
    }
    return cls(**values)


@lru_cache(maxsize=4096)
def _path_record(path: tuple[message_types.Step, ...]) -> Any:
    """A planned path, encoded once: messages routed alike share equal paths (read-only)."""
    return encode(path)


def message_record(message: Message, *, with_spec: bool = True) -> dict[str, Any]:
    """Everything a message carries; without its spec when that is kept apart (it is shared by
    every destination of a request)."""
    record = {
        "id": message.id,
        "bulkId": message.bulk_id,
        "to": message.to,
        "sentAt": message.sent_at,
        "mccMnc": message.mcc_mnc,
        "pricePerPart": message.price_per_part,
        "status": message.status.name,
        "error": message.error.name,
        "doneAt": message.done_at,
        "history": [[t.at, t.status.name] for t in message.history],
        "path": _path_record(message.path),
        "step": message.step,
    }
    if with_spec:
        record["spec"] = encode(message.spec)
    return record


def message_of(record: dict[str, Any], spec: MessageSpec | None = None) -> Message:
    """The message of a record; ``spec`` when it was kept apart."""
    history = [Transition(at, status(name)) for at, name in record["history"]]
    message = Message(
        seq=0,
        id=record["id"],
        bulk_id=record["bulkId"],
        to=record["to"],
        spec=spec if spec is not None else dataclass_of(record["spec"]),
        sent_at=record["sentAt"],
        accepted_at=history[0].at,
        mcc_mnc=record["mccMnc"],
        price_per_part=record["pricePerPart"],
        initial=history[0].status,
        path=decode(tuple[message_types.Step, ...], record["path"]),
    )
    message.status = status(record["status"])
    message.error = error(record["error"])
    message.done_at = record["doneAt"]
    message.history = history
    message.step = record["step"]
    return message
