"""Outbound messages and their state machine.

A message is created PENDING_ACCEPTED (or REJECTED_* when it cannot be sent) and moves along the
path its carrier planned until a final status. Every transition is recorded with its virtual
time. Everything a request shares between its destinations (content, sender, options) lives once
in a :class:`MessageSpec`, so a stored message costs a few hundred bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from .preview import segment_as_sent
from .segments import Segmentation, binary_parts, is_too_long, segment
from .statuses import NO_ERROR, ErrorCode, Status, status
from .windows import DeliveryWindow

ApiFamily = Literal["v3", "v2"]
"""Which report and log shapes a message is rendered in (v3 sends vs v1/v2 sends)."""


@dataclass(slots=True)
class TextContent:
    """Not frozen: one is made per send (see :class:`MessageSpec`); nothing changes it."""

    text: str
    transliteration: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class BinaryContent:
    hex: str
    data_coding: int = 0
    esm_class: int = 0

    @property
    def byte_count(self) -> int:
        return len(bytes.fromhex(self.hex.replace(" ", "")))


Content = TextContent | BinaryContent


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """Where and how delivery reports are pushed for one message (webhooks)."""

    url: str | None = None
    intermediate: bool = False
    notify: bool = True
    content_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class Platform:
    entity_id: str | None = None
    application_id: str | None = None


@dataclass(slots=True)
class MessageSpec:
    """The part of a request message shared by all of its destinations.

    Built once per request message on the hottest path, so a plain (not frozen) dataclass;
    nothing changes it after ``__post_init__``.
    """

    sender: str
    content: Content
    family: ApiFamily
    callback_data: str | None = None
    platform: Platform = Platform()
    campaign_reference_id: str | None = None
    validity_seconds: float | None = None
    send_at: float | None = None
    flash: bool = False
    delivery: DeliverySettings = DeliverySettings()
    window: DeliveryWindow | None = None
    message_count: int = field(init=False)
    segmentation: Segmentation | None = field(init=False)
    too_long: bool = field(init=False)

    def __post_init__(self) -> None:
        """Count the parts once per request message, not once per destination."""
        if isinstance(self.content, TextContent):
            content = self.content
            seg = (
                segment_as_sent(content.text, content.language_code, content.transliteration)
                if content.language_code or content.transliteration
                else segment(content.text)
            )
            self.segmentation = seg
            self.message_count = seg.parts
            self.too_long = is_too_long(self.content.text, seg)
        else:
            parts = binary_parts(self.content.byte_count, self.content.data_coding)
            self.segmentation = None
            self.message_count = parts
            self.too_long = False

    @property
    def text(self) -> str | None:
        return self.content.text if isinstance(self.content, TextContent) else None


@dataclass(frozen=True, slots=True)
class Step:
    """One planned transition: reach ``status`` (with ``error``) ``delay`` seconds after start."""

    delay: float
    status: Status
    error: ErrorCode = NO_ERROR


class Transition(NamedTuple):
    """A recorded transition: the status reached and the virtual time it was reached at."""

    at: float
    status: Status


class Message:
    """One message to one destination. Mutated only through :meth:`move_to`.

    ``sent_at`` is when it leaves for the network (its ``sendAt`` when scheduled); the first
    history entry is when it was accepted.
    """

    __slots__ = (
        "bulk_id",
        "done_at",
        "error",
        "history",
        "id",
        "mcc_mnc",
        "path",
        "price_per_part",
        "sent_at",
        "seq",
        "spec",
        "status",
        "step",
        "to",
    )

    def __init__(
        self,
        *,
        seq: int,
        id: str,
        bulk_id: str | None,
        to: str,
        spec: MessageSpec,
        sent_at: float,
        accepted_at: float,
        mcc_mnc: str | None,
        price_per_part: float,
        initial: Status,
        path: tuple[Step, ...] = (),
    ) -> None:
        self.seq = seq
        self.id = id
        self.bulk_id = bulk_id
        self.to = to
        self.spec = spec
        self.sent_at = sent_at
        self.mcc_mnc = mcc_mnc
        self.price_per_part = price_per_part
        self.status = initial
        self.error: ErrorCode = NO_ERROR
        self.done_at: float | None = sent_at if initial.is_reportable else None
        self.history: list[Transition] = [Transition(accepted_at, initial)]
        self.path = path
        self.step = 0

    @property
    def price(self) -> float:
        return round(self.price_per_part * self.spec.message_count, 6)

    @property
    def is_final(self) -> bool:
        return self.status.is_final

    def move_to(self, new: Status, error: ErrorCode, at: float) -> bool:
        """Apply a transition; False (and no change) once the message is final."""
        if self.status.is_final:
            return False
        self.status = new
        self.error = error
        self.history.append(Transition(at, new))
        if new.is_reportable:
            self.done_at = at
        return True


PENDING_ACCEPTED = status("PENDING_ACCEPTED")
