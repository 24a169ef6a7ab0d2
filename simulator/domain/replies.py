"""Scenario replies: a destination answers a delivered message with an inbound SMS.

An ``Outbound`` listener: when a message reaches DELIVERED_TO_HANDSET and the scenario rule that
matches it has a ``reply``, the destination sends the reply's text (its faker fields filled in)
to the message's sender, ``after`` the delivery, through the same path as
``POST /simulator/inbound``: keyword split, push to subscriptions or queued for pulling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from .inbound import Inbound, InboundSpec
from .messages import Message
from .networks import network_of
from .outbound import Outbound
from .scenario_plans import ReplyPlan
from .scenarios import ScenarioBook, seeded
from .statuses import status

DELIVERED = status("DELIVERED_TO_HANDSET")


@dataclass
class Replies:
    book: ScenarioBook
    inbound: Inbound
    outbound: Outbound

    def __post_init__(self) -> None:
        self._rng = seeded(self.book.seed, "replies")

    def on_message(self, account: str, message: Message) -> None:
        if message.status is not DELIVERED:
            return
        scenario, _ = self.book.running(account)
        region = network_of(message.to).region
        reply = scenario.choice(message.to, region, message.spec).reply
        if reply is not None:
            delay = reply.delay.draw(self._rng)
            self.inbound.scheduler.after(delay, partial(self._reply, account, message, reply))

    def _reply(self, account: str, message: Message, reply: ReplyPlan) -> None:
        if self.outbound.message(account, message.id) is not message:
            return  # the account was reset since the message was delivered
        spec = message.spec
        self.inbound.receive(
            account,
            InboundSpec(
                sender=message.to,
                to=spec.sender,
                text=self.inbound.fakes.fill(reply.text),
                received_at=self.inbound.scheduler.clock.now(),
                application_id=spec.platform.application_id,
                entity_id=spec.platform.entity_id,
                campaign_reference_id=spec.campaign_reference_id,
            ),
        )
