"""One scheduler for everything that happens later.

A state transition, a scheduled send, a webhook retry: each is an action due at a virtual time.
In real and scaled mode a background loop runs actions as they fall due; in manual mode
:meth:`Scheduler.advance` runs every action that falls due, in order (including actions scheduled
by those actions), and returns when the state is settled.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .clock import Clock

Action = Callable[[], Awaitable[None] | None]

log = logging.getLogger(__name__)


_Entry = tuple[float, int, Action]
"""(due, sequence, action): plain tuples keep the heap fast; the sequence breaks ties in order."""


@dataclass(frozen=True, slots=True)
class AdvanceResult:
    """What an advance did: how many actions ran and where virtual time ended."""

    ran: int
    now: float


class Scheduler:
    """A heap of due actions driven by a :class:`Clock`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._advancing = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def at(self, due: float, action: Action) -> None:
        """Run ``action`` when virtual time reaches ``due``."""
        first = self._heap[0][0] if self._heap else None
        heapq.heappush(self._heap, (due, next(self._seq), action))
        if first is None or due < first:
            self._wake.set()

    def after(self, delay: float, action: Action) -> None:
        """Run ``action`` ``delay`` virtual seconds from now."""
        self.at(self.clock.now() + delay, action)

    def next_due(self) -> float | None:
        """Virtual time of the next pending action, if any."""
        return self._heap[0][0] if self._heap else None

    def pending(self) -> int:
        return len(self._heap)

    def clear(self) -> None:
        """Forget every pending action (used by a full reset)."""
        self._heap.clear()

    async def advance(self, seconds: float) -> AdvanceResult:
        """Manual mode: move time forward by ``seconds``, running everything that falls due."""
        async with self._advancing:
            target = self.clock.now() + max(0.0, seconds)
            ran = await self._run_until(target, move=True)
            self.clock.move_to(target)
            return AdvanceResult(ran, self.clock.now())

    async def advance_to_next(self) -> AdvanceResult:
        """Manual mode: jump to the next pending action and run everything due then."""
        due = self.next_due()
        if due is None:
            return AdvanceResult(0, self.clock.now())
        return await self.advance(max(0.0, due - self.clock.now()))

    async def run_due(self) -> int:
        """Run every action already due (real and scaled mode; a no-op pass in manual)."""
        return await self._run_until(self.clock.now(), move=False)

    async def _run_until(self, target: float, *, move: bool) -> int:
        """Run what is due by ``target``, one instant at a time.

        Actions due at the same instant start in order; the asynchronous ones (webhook pushes)
        then run concurrently, so one slow receiver does not hold up the others. With ``move``
        (manual time) they are awaited before time moves to the next instant; otherwise they
        run in the background.
        """
        ran = 0
        while self._heap and self._heap[0][0] <= target:
            due = self._heap[0][0]
            if move:
                self.clock.move_to(due)
            started: list[Awaitable[None]] = []
            while self._heap and self._heap[0][0] == due:
                action = heapq.heappop(self._heap)[2]
                ran += 1
                result = self._start(action)
                if result is not None:
                    started.append(result)
            if move:
                await asyncio.gather(*(self._guarded(a) for a in started))
            else:
                for awaitable in started:
                    self._spawn(awaitable)
        return ran

    @staticmethod
    def _start(action: Action) -> Awaitable[None] | None:
        """Run an action's synchronous part; a failure is logged, never allowed to stop time."""
        try:
            result = action()
        except Exception:
            log.exception("scheduled action failed")
            return None
        return result if inspect.isawaitable(result) else None

    @staticmethod
    async def _guarded(awaitable: Awaitable[None]) -> None:
        try:
            await awaitable
        except Exception:
            log.exception("scheduled action failed")

    def _spawn(self, awaitable: Awaitable[None]) -> None:
        task = asyncio.ensure_future(self._guarded(awaitable))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run_forever(self) -> None:
        """Real/scaled mode loop: sleep until the next action is due, then run what is due."""
        while True:
            self._wake.clear()
            due = self.next_due()
            if due is None:
                await self._wake.wait()
                continue
            delay = self.clock.real_seconds(due - self.clock.now())
            if delay is None:  # manual clock: nothing runs by itself
                await self._wake.wait()
                continue
            if delay > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                    continue
                except TimeoutError:
                    pass
            await self.run_due()
            await asyncio.sleep(0)

    async def close(self) -> None:
        """Cancel actions still running in the background."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
